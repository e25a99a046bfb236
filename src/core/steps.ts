/**
 * Work over a whole estate, in steps. The engine's estate-wide functions (`splitResources`, `readEndpoints`,
 * `desiredRecords`, `planChanges`, `planEndpoints`) are written once, as synchronous generators that `yield`
 * after each resource, endpoint, entry or record: a point where nothing is half done. `runSteps` runs one to the
 * end at once (the CLI, tests, small inputs); a caller that shares its thread with other work (an activity on the
 * Functions host) can run the same steps a slice at a time and let the event loop breathe in between (see
 * azure/slices.ts). Either way the result is the same value: the steps hold no I/O and no clock.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs steps to the end and returns their result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** `items.map(fn)` with a step after each item. */
export function* mapSteps<T, R>(items: readonly T[], fn: (item: T, index: number) => R): Steps<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) {
    out.push(fn(items[i] as T, i));
    yield;
  }
  return out;
}

/**
 * `[...items].sort(compare)` in steps: a stable merge sort (as stable as `Array.prototype.sort`, so the order is
 * the same for any consistent `compare`), with a step after each merged run.
 */
export function* sortSteps<T>(items: readonly T[], compare: (a: T, b: T) => number): Steps<T[]> {
  let from = [...items];
  const n = from.length;
  let to = new Array<T>(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      // Ties take the left element first: equal items keep their order.
      while (i < mid && j < hi)
        to[k++] = compare(from[j] as T, from[i] as T) < 0 ? (from[j++] as T) : (from[i++] as T);
      while (i < mid) to[k++] = from[i++] as T;
      while (j < hi) to[k++] = from[j++] as T;
      yield;
    }
    [from, to] = [to, from];
  }
  return from;
}
