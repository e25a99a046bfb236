/**
 * Estate-wide work without holding the event loop. An activity shares the host's thread with timers, HTTP
 * requests and other invocations; work over a whole listing (parsing thousands of rows, planning thousands of
 * records) goes on for one time slice, then gives the loop a turn (`setImmediate`), then goes on. Used by the
 * adapters while they turn pages into resources, and by the reconcile activity to run the engine's steps
 * (core/steps.ts). Results are exactly those of running the same work in one go.
 *
 * The slice clock is shared by everything in the process: several loops running side by side (four zones read
 * at once) take turns within one slice instead of one slice each.
 */
import type { Steps } from '../core/steps';

/** Longest stretch of work between two turns of the event loop, well below what a host should ever stall. */
export const SLICE_MS = 10;

let sliceStart = performance.now();

/** Gives the event loop a turn: pending I/O callbacks and timers run before this resolves. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** True when the current slice is used up. */
export function sliceDue(): boolean {
  return performance.now() - sliceStart >= SLICE_MS;
}

/** Gives the event loop a turn when the slice is used up; resolves at once otherwise. Call it after each item. */
export async function breathe(): Promise<void> {
  if (!sliceDue()) return;
  await yieldToEventLoop();
  sliceStart = performance.now();
}

/** Runs `steps` to the end, a slice at a time, and returns what `runSteps` would. */
export async function runInSlices<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (sliceDue()) await breathe();
  }
}
