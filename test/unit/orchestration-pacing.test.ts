/** The zone write budget (entity state arithmetic) and the activity-side slot pacer. */
import { maxInWindow } from '../helpers/rateWindow';
import { GrantedSlotsPacer } from '../../src/azure/grantedSlotsPacer';
import { WRITE_DEFERRED } from '../../src/azure/ports';
import {
  ARRIVAL_MARGIN_MS,
  GRANT_LEASE_MS,
  initialZonePacerState,
  penalizeZone,
  reserveWrites,
  ZONE_WRITE_LIMITS,
} from '../../src/durable/zonePacing';
import type { ZonePacerState } from '../../src/durable/zonePacing';
import { AzureOperationError } from '../../src/azure/ports';

const T0 = Date.UTC(2026, 0, 1);
/** The zone window: a minute, a grant's lease and the arrival margin. */
const W = ZONE_WRITE_LIMITS.windowMs ?? 60_000;
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
    // The window (60 writes) is full; the next 20 wait until the first writes left it (W: a minute + lease + margin).
    [
      [20, 20, 20, 20],
      [
        [20, 0],
        [20, 0],
        [20, 0],
        [20, W],
      ],
    ],
    // Batches are capped at 20.
    [[100], [[20, 0]]],
    // Queued grants: none starts before the previous one; 5 more fit in the same window as the fourth batch.
    [
      [20, 20, 20, 20, 5],
      [
        [20, 0],
        [20, 0],
        [20, 0],
        [20, W],
        [5, W],
      ],
    ],
    // A batch gets what the window has free; the rest waits for the oldest writes to leave it.
    [
      [20, 20, 15, 8, 8],
      [
        [20, 0],
        [20, 0],
        [15, 0],
        [5, 0],
        [8, W],
      ],
    ],
  ])('requests %j → grants %j', (requests, expected) => {
    const grants = reserveAll(requests);
    expect(grants.map((g) => [g.granted, g.notBeforeMs - T0])).toEqual(expected);
  });

  it('never lets more than 60 writes start within any minute, queued at once', () => {
    const grants = reserveAll(Array.from({ length: 30 }, () => 20));
    const starts = grants.flatMap((g) => Array.from({ length: g.granted }, () => g.notBeforeMs));
    expect(maxInWindow(starts, 60_000)).toBe(ZONE_WRITE_LIMITS.capacity);
    // Sustained: 600 writes are 10 windows; the last batch starts 9 windows in.
    expect((grants.at(-1)?.notBeforeMs ?? 0) - T0).toBe(9 * W);
  });

  it('never lets more than 60 writes start within any minute when requests trickle in after a quiet spell', () => {
    // 8 records per endpoint, one endpoint every 2 s: a token bucket of 60 + 1/s would pass ~120 in the first minute.
    let state: ZonePacerState | undefined;
    const starts: number[] = [];
    for (let i = 0; i < 30; i++) {
      // As applyZonePaced: ask again for what was not granted, at the time the previous grant starts.
      let pending = 8;
      let nowMs = T0 + i * 2_000;
      while (pending > 0) {
        const result = reserveWrites(state, { count: pending, nowMs });
        state = result.state;
        starts.push(...Array.from({ length: result.grant.granted }, () => result.grant.notBeforeMs));
        pending -= result.grant.granted;
        nowMs = Math.max(nowMs, result.grant.notBeforeMs);
      }
    }
    expect(starts).toHaveLength(240);
    expect(maxInWindow(starts, 60_000)).toBeLessThanOrEqual(60);
    // And it keeps the pace: 240 writes in 4 windows.
    expect(Math.max(...starts) - T0).toBeLessThan(4 * W);
  });

  it('rebuilds the window from the state of a token-bucket version', () => {
    const legacy: ZonePacerState = {
      tokens: 10,
      atMs: T0,
      blockedUntilMs: 0,
      seenMs: T0,
      granted: 50,
      reservations: 3,
      penalties: 0,
    };
    // 50 writes counted at T0: 10 fit now, the 11th waits for the window.
    const first = reserveWrites(legacy, { count: 11, nowMs: T0 });
    expect(first.grant).toEqual({ granted: 10, notBeforeMs: T0 });
    expect(reserveWrites(first.state, { count: 1, nowMs: T0 }).grant.notBeforeMs).toBe(T0 + W);
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
    expect((fourth?.notBeforeMs ?? 0) - ahead).toBe(W);
    const next = reserveWrites(fourth?.state, { count: 5, nowMs: T0 });
    // Same relative position as right after the fourth grant: 5 more fit into its window.
    expect(next.grant.notBeforeMs).toBe(T0 + W);
  });

  it('keeps the queue for small skew between callers', () => {
    const [, , , fourth] = reserveAll([20, 20, 20, 20], T0 + 60_000);
    const next = reserveWrites(fourth?.state, { count: 5, nowMs: T0 });
    expect(next.grant.notBeforeMs).toBe(T0 + 60_000 + W);
  });
});

describe('penalizeZone', () => {
  it('blocks the zone for Retry-After and restarts the refill from empty', () => {
    const state = penalizeZone(undefined, { retryAfterMs: 5_000, nowMs: T0 });
    expect(state.penalties).toBe(1);
    const first = reserveWrites(state, { count: 10, nowMs: T0 + 1_000 });
    // Blocked until T0+5 s, by which time 5 slots came back; then one more each second.
    expect(first.grant).toEqual({ granted: 5, notBeforeMs: T0 + 5_000 });
    expect(reserveWrites(first.state, { count: 5, nowMs: T0 + 5_000 }).grant).toEqual({
      granted: 1,
      notBeforeMs: T0 + 6_000,
    });
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

  it.each([
    ['inside its lease', 4_999, 3],
    ['at the end of its lease', 5_000, 3],
    ['after its lease', 5_001, 0],
  ])('lets the granted writes start %s and defers them after it', async (_what, elapsed, expected) => {
    let clock = T0;
    const pacer = new GrantedSlotsPacer(3, { notAfterMs: T0 + GRANT_LEASE_MS, now: () => clock });
    clock = T0 + elapsed;
    const results = await Promise.allSettled([1, 2, 3].map(() => pacer.acquire(key)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(expected);
    expect(pacer.writesUsed).toBe(expected);
    expect(pacer.lapsed).toBe(3 - expected);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: WRITE_DEFERRED });
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

/**
 * One step of a scenario, in the caller's clock: `at` ms after the scenario's start, some orchestrators ask for
 * writes (each asks again for what it was not granted, at the time its grant starts, as `applyZonePaced` does),
 * Azure answers 429 with a Retry-After, or the caller clock jumps (a restarted host with another clock).
 */
type Step =
  { at: number; reserve: number[] } | { at: number; penalize: number } | { at: number; clockJump: number };

/** Every state goes through JSON between operations, as the entity persists it. */
const persisted = (state: ZonePacerState): ZonePacerState =>
  JSON.parse(JSON.stringify(state)) as ZonePacerState;

function allFinite(state: ZonePacerState): boolean {
  const numbers = [
    state.tokens,
    state.atMs,
    state.blockedUntilMs,
    state.seenMs ?? 0,
    state.granted,
    state.reservations,
    state.penalties,
    ...(state.recent ?? []),
  ];
  return numbers.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/**
 * Runs a scenario; returns the granted write starts on one continuous timeline (a clock jump is undone, so
 * writes before and after it are counted together) and the blocks (Retry-After) on that timeline.
 */
function runScenario(steps: Step[], start?: ZonePacerState) {
  let state = start;
  let clockOffset = 0; // caller clock = timeline + clockOffset
  const starts: number[] = [];
  const blocks: { from: number; until: number }[] = [];
  const grantsAt: number[] = [];
  for (const step of steps) {
    const timeline = T0 + step.at;
    const nowMs = timeline + clockOffset;
    if ('clockJump' in step) {
      clockOffset += step.clockJump;
      continue;
    }
    if ('penalize' in step) {
      state = persisted(penalizeZone(state, { retryAfterMs: step.penalize, nowMs }));
      expect(allFinite(state)).toBe(true);
      blocks.push({ from: timeline, until: timeline + step.penalize });
      continue;
    }
    for (const wanted of step.reserve) {
      let pending = wanted;
      let callerNow = nowMs;
      while (pending > 0) {
        const result = reserveWrites(state, { count: pending, nowMs: callerNow });
        state = persisted(result.state);
        expect(allFinite(state)).toBe(true);
        expect(result.grant.granted).toBeGreaterThanOrEqual(1);
        const startOnTimeline = result.grant.notBeforeMs - clockOffset;
        for (let i = 0; i < result.grant.granted; i++) starts.push(startOnTimeline);
        grantsAt.push(startOnTimeline);
        pending -= result.grant.granted;
        callerNow = Math.max(callerNow, result.grant.notBeforeMs);
      }
    }
  }
  return { starts, blocks, grantsAt, state };
}

const burst = (at: number, batches: number, size = 20): Step => ({
  at,
  reserve: Array.from({ length: batches }, () => size),
});

describe('sliding window over scenarios: no 60 s window holds more than 60 granted starts', () => {
  const scenarios: [string, Step[], number][] = [
    // [name, steps, writes expected in total]
    ['one big burst', [burst(0, 15)], 300],
    [
      'bursts of 8 every 2 s after a quiet start',
      Array.from({ length: 40 }, (_, i) => burst(i * 2_000, 1, 8)),
      320,
    ],
    [
      'burst, quiet spell of exactly a window, burst again',
      [burst(0, 3), burst(W, 3), burst(126_000, 3)],
      180,
    ],
    ['burst, short quiet spell, burst', [burst(0, 3), burst(30_000, 4), burst(59_000, 2, 7)], 154],
    ['single writes every 500 ms', Array.from({ length: 200 }, (_, i) => burst(i * 500, 1, 1)), 200],
    ['long quiet spell then a burst', [burst(0, 1, 10), burst(3_600_000, 6)], 130],
    [
      '429 in the middle of a burst, then more requests',
      [burst(0, 2), { at: 1_000, penalize: 10_000 }, burst(2_000, 4), burst(40_000, 2, 13)],
      146,
    ],
    ['429 on an empty zone', [{ at: 0, penalize: 5_000 }, burst(1_000, 5), burst(20_000, 3, 5)], 115],
    [
      'two 429s, the second longer',
      [burst(0, 3), { at: 500, penalize: 2_000 }, { at: 700, penalize: 30_000 }, burst(800, 4)],
      140,
    ],
    [
      'caller clock jumps back by hours between bursts',
      [burst(0, 3), { at: 1_000, clockJump: -72 * 3_600_000 }, burst(2_000, 4), burst(30_000, 2, 9)],
      158,
    ],
    [
      'clock jumps back, then a 429',
      [burst(0, 2), { at: 500, clockJump: -10 * 60_000 }, { at: 600, penalize: 3_000 }, burst(700, 5)],
      140,
    ],
  ];

  it.each(scenarios)('%s', (_name, steps, total) => {
    const { starts, blocks } = runScenario(steps);
    expect(starts).toHaveLength(total);
    expect(maxInWindow(starts, 60_000)).toBeLessThanOrEqual(ZONE_WRITE_LIMITS.capacity);
    // Writes that start anywhere in their grant's lease and arrive within the margin still fit Azure's minute.
    expect(maxInWindow(starts, 60_000 + GRANT_LEASE_MS + ARRIVAL_MARGIN_MS)).toBeLessThanOrEqual(
      ZONE_WRITE_LIMITS.capacity,
    );
    // Nothing starts inside a Retry-After block that was announced before the grant.
    for (const block of blocks) {
      const inside = starts.filter((t) => t >= block.from && t < block.until);
      expect(inside).toEqual([]);
    }
  });

  it.each([
    ['a burst', [burst(0, 6)]],
    ['trickling writes', Array.from({ length: 30 }, (_, i) => burst(i * 1_000, 1, 5))],
  ] as [string, Step[]][])('keeps the pace of the limit for %s (no needless waiting)', (_name, steps) => {
    const { starts } = runScenario(steps);
    // 60 per window: the last of n writes starts no later than ceil(n / 60) - 1 windows after the last request.
    const windowsNeeded = Math.ceil(starts.length / ZONE_WRITE_LIMITS.capacity) - 1;
    const lastRequest = Math.max(...steps.map((step) => step.at));
    expect(Math.max(...starts) - T0).toBeLessThanOrEqual(windowsNeeded * W + lastRequest);
  });
});

describe('persisted state', () => {
  it.each([
    ['an empty window after a 429', [{ at: 0, penalize: 1_000 }] as Step[]],
    ['a part-filled window after a 429', [burst(0, 1, 7), { at: 10, penalize: 1_000 }] as Step[]],
  ])('stays finite: %s', (_name, steps) => {
    const { state } = runScenario(steps);
    expect(state).toBeDefined();
    expect(allFinite(state!)).toBe(true);
    expect(state?.recent).toHaveLength(ZONE_WRITE_LIMITS.capacity);
  });

  it('reads nulls (non-finite numbers that went through JSON) as no write, not as a crash', () => {
    const broken = {
      ...initialZonePacerState(T0),
      recent: [null, null, T0, T0],
      blockedUntilMs: null,
    } as unknown as ZonePacerState;
    const result = reserveWrites(broken, { count: 60, nowMs: T0 });
    expect(allFinite(result.state)).toBe(true);
    // Two writes in the window: 20 (a batch) granted now; the window is not full.
    expect(result.grant).toEqual({ granted: 20, notBeforeMs: T0 });
    expect(result.state.recent).toHaveLength(22);
  });

  it.each([
    // [tokens of the token-bucket state, first grant [granted, delay ms]]
    [60, [20, 0]],
    [45, [20, 0]],
    [10, [10, 0]],
    [0, [20, W]],
    [-3, [20, W]],
  ] as [number, [number, number]][])(
    'loads a token-bucket state with %d tokens',
    (tokens, [granted, delay]) => {
      const legacy = persisted({
        tokens,
        atMs: T0,
        blockedUntilMs: 0,
        seenMs: T0,
        granted: 0,
        reservations: 0,
        penalties: 0,
      });
      // The used tokens count as writes started at `atMs`.
      const used = Math.min(60, Math.max(0, 60 - tokens));
      const starts: number[] = Array.from({ length: used }, () => T0);
      let state: ZonePacerState = legacy;
      for (let i = 0; i < 10; i++) {
        const next = reserveWrites(state, { count: 20, nowMs: T0 + i * 1_000 });
        if (i === 0) expect(next.grant).toEqual({ granted, notBeforeMs: T0 + delay });
        state = persisted(next.state);
        expect(allFinite(state)).toBe(true);
        for (let k = 0; k < next.grant.granted; k++) starts.push(next.grant.notBeforeMs);
      }
      expect(maxInWindow(starts, 60_000)).toBeLessThanOrEqual(ZONE_WRITE_LIMITS.capacity);
    },
  );
});
