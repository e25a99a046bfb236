/**
 * The write pacer's schedule and the Retry-After parsing, with an injected clock (no real waiting). The pacer is
 * checked against the limits it promises: at most N writes per zone in any window, ARM's subscription bucket.
 */
import { maxInWindow } from '../helpers/rateWindow';
import { retryAfterMs, toAzureError } from '../../src/azure/errors';
import { SlidingWindowPacer } from '../../src/azure/pacer';
import type { PaceKey } from '../../src/azure/ports';
import { PreconditionFailedError, ThrottledError } from '../../src/azure/ports';

const key = (zone: string, kind: PaceKey['kind'] = 'write', subscriptionId = 'sub-a'): PaceKey => ({
  subscriptionId,
  zone,
  kind,
});

describe('SlidingWindowPacer schedule', () => {
  const now = 1_000_000;
  const pacer = (options = {}) =>
    new SlidingWindowPacer({ now: () => now, jitterAllowanceMs: 0, ...options });

  it.each([
    [60, 60_000, 500],
    [10, 1_000, 95],
    [3, 500, 20],
  ])(
    'never puts more than %i writes in any %i ms window of one zone (%i writes)',
    (perWindow, windowMs, writes) => {
      const p = pacer({ zoneWritesPerWindow: perWindow, zoneWindowMs: windowMs });
      const slots = Array.from({ length: writes }, () => p.reserve(key('z1')));
      expect(maxInWindow(slots, windowMs)).toBeLessThanOrEqual(perWindow);
      // Not slower than needed: the whole run fits in the windows it must take (plus the safety margin).
      const windows = Math.ceil(writes / perWindow) - 1;
      expect(Math.max(...slots)).toBeLessThanOrEqual(windows * windowMs * 1.05 + 1);
    },
  );

  it('paces zones separately but shares the subscription bucket', () => {
    const p = pacer({ subscriptionWrites: { capacity: 5, refillPerSecond: 1 } });
    const a = Array.from({ length: 5 }, () => p.reserve(key('z1')));
    const b = Array.from({ length: 5 }, () => p.reserve(key('z2')));
    expect(a.every((t) => t === 0)).toBe(true);
    // Bucket of 5 spent by z1: z2 waits for refills (one per second), although its own zone window is empty.
    expect(b).toEqual([1000, 2000, 3000, 4000, 5000]);
    // Deletes have their own bucket.
    expect(p.reserve(key('z3', 'delete'))).toBe(0);
    // Another subscription is independent.
    expect(p.reserve(key('z2', 'write', 'sub-b'))).toBe(0);
  });

  it('holds writes back after a 429 for the Retry-After it was given', () => {
    const p = pacer({ timeScale: 10 });
    expect(p.reserve(key('z1'))).toBe(0);
    p.penalize(key('z1'), 2_000); // real ms → 20 000 budget ms at 10×
    expect(p.reserve(key('z1'))).toBe(20_000);
    expect(p.reserve(key('z9'))).toBe(20_000); // the subscription is held back too
  });

  it('lengthens the window by the jitter allowance in scaled time', () => {
    const p = new SlidingWindowPacer({
      now: () => now,
      zoneWritesPerWindow: 1,
      zoneWindowMs: 1000,
      safetyMargin: 0,
      jitterAllowanceMs: 100,
      timeScale: 5,
    });
    p.reserve(key('z1'));
    expect(p.reserve(key('z1'))).toBe(1000 + 500);
  });

  it('counts a write that left after its slot from when it left, so the window still holds', async () => {
    // The injected sleep overshoots every wait by `late` ms, as a starved process would.
    let clock = 0;
    let late = 0;
    const p = new SlidingWindowPacer({
      now: () => clock,
      sleep: (ms) => {
        clock += ms + late;
        return Promise.resolve();
      },
      zoneWritesPerWindow: 2,
      zoneWindowMs: 1000,
      safetyMargin: 0,
      jitterAllowanceMs: 0,
    });
    const departures: number[] = [];
    const send = async (): Promise<void> => {
      await p.acquire(key('z1'));
      departures.push(clock);
    };
    await send(); // 0
    await send(); // 0
    late = 400;
    await send(); // slot 1000, leaves at 1400
    late = 0;
    await send(); // leaves with it at 1400
    await send(); // counted from the slot it missed (1000) it would leave at 2000: a third write in [1400, 2400)
    expect(departures.slice(0, 4)).toEqual([0, 0, 1400, 1400]);
    expect(maxInWindow(departures, 1000)).toBeLessThanOrEqual(2);
    expect(departures[4]).toBe(2400);
  });

  it('counts a write from its answer once it has one (the service saw it before then)', async () => {
    let clock = 0;
    const p = new SlidingWindowPacer({
      now: () => clock,
      zoneWritesPerWindow: 1,
      zoneWindowMs: 1000,
      safetyMargin: 0,
      jitterAllowanceMs: 0,
    });
    const answered = await p.acquire(key('z1'));
    clock = 300; // the request took 300 ms to be answered
    answered();
    expect(p.reserve(key('z1'))).toBe(1300);
    // A write never answered (still in flight) counts from when it left.
    expect(p.reserve(key('z2'))).toBe(300);
    expect(p.reserve(key('z2'))).toBe(1300);
  });
});

describe('SlidingWindowPacer tells who waits, how long and why', () => {
  it.each([
    ['the zone window', { zoneWritesPerWindow: 2, zoneWindowMs: 10_000 }, 'z1', 'zone-window', 10_000],
    [
      'the subscription bucket',
      { subscriptionWrites: { capacity: 2, refillPerSecond: 1 } },
      'z2',
      'subscription-bucket',
      1_000,
    ],
    ['a Retry-After', { penalty: 7_000 }, 'z1', 'retry-after', 7_000],
  ] as const)('a third write held back by %s', async (_label, options, thirdZone, limit, waitMs) => {
    const waits: { zone: string; waitMs: number; limit: string }[] = [];
    const slept: number[] = [];
    const { penalty, ...pacerOptions } = { penalty: 0, ...options };
    const p = new SlidingWindowPacer({
      now: () => 0,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
      safetyMargin: 0,
      jitterAllowanceMs: 0,
      onWait: (k, ms, why) => waits.push({ zone: k.zone, waitMs: ms, limit: why }),
      ...pacerOptions,
    });
    (await p.acquire(key('z1')))();
    (await p.acquire(key('z1')))();
    if (penalty) p.penalize(key('z1'), penalty);
    expect(waits).toEqual([]);
    (await p.acquire(key(thirdZone)))();
    expect(waits).toEqual([{ zone: thirdZone, waitMs, limit }]);
    expect(slept).toEqual([waitMs]);
  });
});

describe('Retry-After and Azure errors', () => {
  const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] });
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after-ms': '250', 'retry-after': '1' }, 250],
    [{ 'x-ms-retry-after-ms': '40' }, 40],
    [{ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }, 5000],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (h, expected) => {
    expect(retryAfterMs(headers(h), () => 0)).toBe(expected);
  });

  it('keeps typed Azure errors and wraps anything else with the resource id', () => {
    const typed = new PreconditionFailedError('changed', '/x');
    expect(toAzureError(typed, '/y')).toBe(typed);
    expect(new ThrottledError('slow', '/x', 10).retryAfterMs).toBe(10);
    const wrapped = toAzureError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), '/r');
    expect(wrapped).toMatchObject({ code: 'ECONNRESET', resourceId: '/r', statusCode: undefined });
    expect(wrapped.message).toBe('ECONNRESET on /r: socket hang up');
    expect(JSON.parse(JSON.stringify(wrapped))).toEqual({
      code: 'ECONNRESET',
      resourceId: '/r',
      message: wrapped.message,
    });
  });
});
