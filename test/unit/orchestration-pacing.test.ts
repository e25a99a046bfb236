/** The zone write budget (entity state arithmetic) and the activity-side slot pacer. */
import {
  GrantedSlotsPacer,
  WRITE_DEFERRED,
  initialZonePacerState,
  penalizeZone,
  reserveWrites,
  ZONE_WRITE_LIMITS,
} from '../../src/orchestrations/pacing';
import type { ZonePacerState } from '../../src/orchestrations/pacing';
import { AzureOperationError } from '../../src/azure/ports';

const T0 = Date.UTC(2026, 0, 1);
const key = { subscriptionId: 'hub', zone: 'privatelink.blob.core.windows.net', kind: 'write' as const };

/** Reserves `counts` in order at `nowMs`, returning each grant. */
function reserveAll(counts: number[], nowMs = T0, start?: ZonePacerState) {
  let state = start;
  return counts.map((count) => {
    const result = reserveWrites(state, { count, nowMs });
    state = result.state;
    return { ...result.grant, state };
  });
}

describe('reserveWrites', () => {
  it.each([
    // [requests, expected grants [granted, delay ms after T0]]
    [[5], [[5, 0]]],
    [
      [20, 20, 20],
      [
        [20, 0],
        [20, 0],
        [20, 0],
      ],
    ],
    // A full bucket (60) is spent; the next 20 need 20 s of refill at 1 per second.
    [
      [20, 20, 20, 20],
      [
        [20, 0],
        [20, 0],
        [20, 0],
        [20, 20_000],
      ],
    ],
    // Batches are capped at 20.
    [[100], [[20, 0]]],
    // Queued grants: each waits for the refill after the previous one.
    [
      [20, 20, 20, 20, 5],
      [
        [20, 0],
        [20, 0],
        [20, 0],
        [20, 20_000],
        [5, 25_000],
      ],
    ],
  ])('requests %j → grants %j', (requests, expected) => {
    const grants = reserveAll(requests);
    expect(grants.map((g) => [g.granted, g.notBeforeMs - T0])).toEqual(expected);
  });

  it('never lets more than capacity + refill writes start within any minute', () => {
    const grants = reserveAll(Array.from({ length: 30 }, () => 20));
    const starts = grants.flatMap((g) => Array.from({ length: g.granted }, () => g.notBeforeMs));
    for (const start of starts) {
      const inWindow = starts.filter((s) => s >= start && s < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(ZONE_WRITE_LIMITS.capacity + 60);
    }
    // Sustained: 600 writes take at least (600 - 60) seconds.
    expect((grants.at(-1)?.notBeforeMs ?? 0) - T0).toBeGreaterThanOrEqual((600 - 60 - 20) * 1000);
  });

  it('refills with time: after a minute of quiet a full bucket is back', () => {
    const [, , , fourth] = reserveAll([20, 20, 20, 20]);
    const later = reserveWrites(fourth?.state, { count: 20, nowMs: T0 + 20_000 + 60_000 });
    expect(later.grant.notBeforeMs).toBe(T0 + 80_000);
  });

  it('grants nothing for a count below one and keeps the state', () => {
    const state = initialZonePacerState(T0);
    const result = reserveWrites(state, { count: 0, nowMs: T0 });
    expect(result.grant.granted).toBe(0);
    expect(result.state).toEqual(state);
  });
});

describe('clock resets', () => {
  it('moves the queue back with a caller clock that jumped back by hours, keeping its shape', () => {
    const ahead = T0 + 72 * 3_600_000;
    const [, , , fourth] = reserveAll([20, 20, 20, 20], ahead);
    expect((fourth?.notBeforeMs ?? 0) - ahead).toBe(20_000);
    const next = reserveWrites(fourth?.state, { count: 5, nowMs: T0 });
    // Same relative position as right after the fourth grant: 5 more tokens take 5 s after it.
    expect(next.grant.notBeforeMs).toBe(T0 + 25_000);
  });

  it('keeps the queue for small skew between callers', () => {
    const [, , , fourth] = reserveAll([20, 20, 20, 20], T0 + 60_000);
    const next = reserveWrites(fourth?.state, { count: 5, nowMs: T0 });
    expect(next.grant.notBeforeMs).toBe(T0 + 60_000 + 25_000);
  });
});

describe('penalizeZone', () => {
  it('blocks the zone for Retry-After and restarts the refill from empty', () => {
    const state = penalizeZone(undefined, { retryAfterMs: 5_000, nowMs: T0 });
    expect(state.penalties).toBe(1);
    const grant = reserveWrites(state, { count: 10, nowMs: T0 + 1_000 }).grant;
    // Blocked until T0+5 s, by which time 5 tokens refilled; 5 more take 5 s.
    expect(grant.notBeforeMs).toBe(T0 + 10_000);
  });

  it('keeps the longest block when penalised twice', () => {
    const once = penalizeZone(undefined, { retryAfterMs: 30_000, nowMs: T0 });
    const twice = penalizeZone(once, { retryAfterMs: 1_000, nowMs: T0 + 500 });
    expect(twice.blockedUntilMs).toBe(T0 + 30_000);
    expect(twice.penalties).toBe(2);
  });

  it('treats a non-finite Retry-After as no wait', () => {
    const state = penalizeZone(undefined, { retryAfterMs: Number.NaN, nowMs: T0 });
    expect(state.blockedUntilMs).toBe(T0);
  });
});

describe('GrantedSlotsPacer', () => {
  it('lets exactly the granted writes through, then defers', async () => {
    const pacer = new GrantedSlotsPacer(2);
    await pacer.acquire(key);
    await pacer.acquire(key);
    await expect(pacer.acquire(key)).rejects.toMatchObject({ code: WRITE_DEFERRED });
    expect(pacer.writesUsed).toBe(2);
  });

  it('defers everything after a 429 and remembers the longest Retry-After', async () => {
    const pacer = new GrantedSlotsPacer(10);
    await pacer.acquire(key);
    pacer.penalize(key, 2_000);
    pacer.penalize(key, 500);
    expect(pacer.throttled).toBe(true);
    expect(pacer.retryAfterMs).toBe(2_000);
    const error = await pacer.acquire(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureOperationError);
    expect((error as AzureOperationError).statusCode).toBeUndefined();
  });
});
