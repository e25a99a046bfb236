/**
 * The one "wait until" of the local stack: polls a check until it yields a value. Tests use it instead of sleeping;
 * the timeout is a generous upper bound so a broken run fails instead of hanging, never a timing assertion.
 */

/** What `check` may answer: a value ends the wait; `undefined` and `false` mean "not yet". */
export type WaitCheck<T> = () => T | undefined | false | Promise<T | undefined | false>;

/** Resolves with the first value `check` yields; throws after `timeoutMs` naming `what` was awaited. */
export async function waitUntil<T>(what: string, check: WaitCheck<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
