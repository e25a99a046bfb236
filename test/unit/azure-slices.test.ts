/** Estate-wide work in slices (src/azure/slices.ts): the same result as in one go, with turns for the event loop. */
import { breathe, runInSlices } from '../../src/azure/slices';
import { runSteps, sortSteps } from '../../src/core/steps';
import type { Steps } from '../../src/core/steps';

describe('runInSlices', () => {
  it('returns what runSteps returns', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 1000);
    const byValue = (a: number, b: number): number => a - b;
    await expect(runInSlices(sortSteps(items, byValue))).resolves.toEqual(
      runSteps(sortSteps(items, byValue)),
    );
  });

  it('lets queued callbacks run while the steps go on', async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    // Never ends unless something else gets to run: run in one go, this would spin for ever.
    function* untilAnotherCallbackRan(): Steps<number> {
      let steps = 0;
      while (!turned) {
        steps++;
        yield;
      }
      return steps;
    }
    await expect(runInSlices(untilAnotherCallbackRan())).resolves.toBeGreaterThan(0);
  });

  it('breathe gives the event loop a turn once the slice is used up', async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    // Awaiting a promise that resolves at once runs microtasks only: the loop ends only when breathe yields.
    let calls = 0;
    while (!turned) {
      calls++;
      await breathe();
    }
    expect(calls).toBeGreaterThan(0);
  });
});
