/**
 * Global per-zone write pacing. Private DNS allows 60 record-set writes per zone per minute however many
 * Function instances run, so the budget lives in a durable entity per hub zone (`zoneWritePacer`), whose state
 * and arithmetic are here (pure, so the entity stays deterministic and the maths is unit-tested).
 *
 * The budget is the sliding window of src/core/slidingWindow.ts, as in the CLI's pacer: at most `capacity` writes
 * start in any window of `windowMs` (60 s plus a grant's lease and an arrival margin, below). An orchestrator reserves a batch (`reserveWrites`)
 * with its own `currentUtcDateTime`; the entity grants up to `maxBatch` writes (no more than the window has free,
 * so small batches fill it) and answers the time they may start (`notBeforeMs`). Reservations queue up: a grant
 * may lie in the future, and the next one starts no earlier. A 429 from Azure fills the window and blocks the zone
 * until its `Retry-After` has passed (`penalizeZone`), for every orchestration that writes to the zone; after that,
 * slots come back at `refillPerSecond`. The hub read budget entity keeps the same state with its own limits.
 *
 * Inside the apply activity, `GrantedSlotsPacer` (src/azure, a `WritePacer` for `applyPlan`) lets exactly the granted
 * number of writes through; a 429 or an exhausted grant defers the remaining writes back to the orchestrator,
 * which reports the `Retry-After` to the entity and asks for new slots, waiting on durable timers, not in the
 * activity.
 *
 * A grant is a lease: its writes may start from `notBeforeMs` until `GRANT_LEASE_MS` later, and the window is as
 * much longer than Azure's minute (plus a margin for the request to arrive). Between a grant and its writes lie the
 * durable timer, the activity's dispatch (seconds when a Functions host is busy or starting) and the requests; a
 * batch that started late would otherwise land in the next grant's minute. Writes the lease no longer covers go
 * back to the orchestrator for a new grant, and the unused slots are given back (`settleWrites`).
 */
import {
  ZONE_WRITE_LIMIT,
  freeAt as windowFreeAt,
  latestStarts,
  wholeCapacity,
  windowOpensAt,
} from '../core/slidingWindow';
import type { SlidingWindowLimit } from '../core/slidingWindow';

/** A sliding window an entity paces by, with how grants are cut and how fast slots return after a 429. */
export interface PacedWindowLimits extends SlidingWindowLimit {
  /** Slots that come back per second after a 429 emptied the window. */
  readonly refillPerSecond: number;
  /** Largest batch one reservation is granted (keeps activities short). */
  readonly maxBatch: number;
}

/** How long after its `notBeforeMs` a grant's writes may start. */
export const GRANT_LEASE_MS = 5_000;

/** Time allowed for a write started inside its lease to reach Azure (request latency, clocks of two hosts). */
export const ARRIVAL_MARGIN_MS = 5_000;

/**
 * Private DNS: 60 create/update/delete per zone per minute. The window is the minute plus a grant's lease plus the
 * arrival margin, so writes that start anywhere in their lease still fit Azure's own count.
 */
export const ZONE_WRITE_LIMITS: PacedWindowLimits = {
  capacity: ZONE_WRITE_LIMIT.capacity,
  windowMs: ZONE_WRITE_LIMIT.windowMs + GRANT_LEASE_MS + ARRIVAL_MARGIN_MS,
  refillPerSecond: 1,
  maxBatch: 20,
};

export interface ZonePacerState {
  /** Slots free in the window at `atMs` (for status; the window itself is `recent`). */
  readonly tokens: number;
  /** Start of the latest grant; later than now when grants are queued. */
  readonly atMs: number;
  /**
   * Start times of the latest granted writes, oldest first, at most `capacity` of them. Absent in state written
   * by versions that kept a token bucket: rebuilt from `tokens` and `atMs`.
   */
  readonly recent?: readonly number[];
  /** No write before this time (a Retry-After). */
  readonly blockedUntilMs: number;
  /** Latest caller time seen (detects a clock that was reset, e.g. a restarted host with another clock). */
  readonly seenMs?: number;
  /** Counters for status and tests. */
  readonly granted: number;
  readonly reservations: number;
  readonly penalties: number;
}

export interface ReserveRequest {
  readonly count: number;
  /** The caller's current time (orchestrator `currentUtcDateTime`), epoch ms. */
  readonly nowMs: number;
}

export interface ReserveGrant {
  /** Writes granted (≥ 1 when count ≥ 1). */
  readonly granted: number;
  /** Earliest time the granted writes may start, epoch ms (≤ nowMs means at once). */
  readonly notBeforeMs: number;
}

export interface PenalizeRequest {
  readonly retryAfterMs: number;
  readonly nowMs: number;
}

export function initialZonePacerState(
  nowMs: number,
  limits: PacedWindowLimits = ZONE_WRITE_LIMITS,
): ZonePacerState {
  return {
    tokens: limits.capacity,
    atMs: nowMs,
    recent: [],
    blockedUntilMs: 0,
    seenMs: nowMs,
    granted: 0,
    reservations: 0,
    penalties: 0,
  };
}

/**
 * A caller clock this far behind the latest one seen is a different clock (a host restarted with virtual time,
 * a clock corrected by hours), not skew between instances: the queue is moved back with it, keeping its shape,
 * instead of making every writer wait out the difference.
 */
export const CLOCK_RESET_MS = 5 * 60_000;

function rebase(state: ZonePacerState, nowMs: number): ZonePacerState {
  const seen = state.seenMs ?? nowMs;
  if (seen - nowMs > CLOCK_RESET_MS) {
    const shift = nowMs - seen;
    return {
      ...state,
      atMs: state.atMs + shift,
      ...(state.recent ? { recent: state.recent.map((t) => t + shift) } : {}),
      blockedUntilMs: state.blockedUntilMs > 0 ? state.blockedUntilMs + shift : 0,
      seenMs: nowMs,
    };
  }
  return { ...state, seenMs: Math.max(seen, nowMs) };
}

/**
 * The window's write start times, oldest first, finite and at most `capacity` of them. State is persisted as
 * JSON, so anything else found there (a `null` where a number was, state of a token-bucket version without
 * `recent`) is read conservatively: a token-bucket state counts its used tokens as writes started at `atMs`.
 */
function recentWrites(state: ZonePacerState, limits: PacedWindowLimits): number[] {
  const capacity = wholeCapacity(limits);
  if (Array.isArray(state.recent)) {
    return (state.recent as unknown[])
      .filter((t): t is number => typeof t === 'number' && Number.isFinite(t))
      .sort((a, b) => a - b)
      .slice(-capacity);
  }
  const tokens = Number.isFinite(state.tokens) ? state.tokens : 0;
  const used = Math.max(0, Math.min(capacity, Math.ceil(capacity - tokens)));
  return Array.from({ length: used }, () => state.atMs);
}

/** Persisted state with every time finite (a non-finite one, e.g. JSON `null`, falls back to `nowMs` or 0). */
function loadState(
  current: ZonePacerState | undefined,
  nowMs: number,
  limits: PacedWindowLimits,
): ZonePacerState {
  if (!current) return initialZonePacerState(nowMs, limits);
  const finite = (value: unknown, fallback: number): number =>
    typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  const atMs = finite(current.atMs, nowMs);
  const state: ZonePacerState = {
    ...current,
    atMs,
    tokens: finite(current.tokens, 0),
    blockedUntilMs: finite(current.blockedUntilMs, 0),
    granted: finite(current.granted, 0),
    reservations: finite(current.reservations, 0),
    penalties: finite(current.penalties, 0),
    ...(current.seenMs !== undefined ? { seenMs: finite(current.seenMs, atMs) } : {}),
  };
  return { ...state, recent: recentWrites(state, limits) };
}

/** Slots free at `t` (core/slidingWindow.ts). */
function freeAt(recent: readonly number[], t: number, limits: PacedWindowLimits): number {
  return windowFreeAt(recent, t, limits);
}

/** Grants up to `maxBatch` writes and says when they may start; the state moves past the grant. */
export function reserveWrites(
  current: ZonePacerState | undefined,
  request: ReserveRequest,
  limits: PacedWindowLimits = ZONE_WRITE_LIMITS,
): { state: ZonePacerState; grant: ReserveGrant } {
  if (!Number.isFinite(request.nowMs)) {
    // No usable caller time: grant nothing and leave the state as it is.
    const kept = current ?? initialZonePacerState(0, limits);
    return { state: kept, grant: { granted: 0, notBeforeMs: kept.atMs } };
  }
  const state = rebase(loadState(current, request.nowMs, limits), request.nowMs);
  const wanted = Math.floor(request.count);
  if (!Number.isFinite(wanted) || wanted < 1) {
    return { state, grant: { granted: 0, notBeforeMs: request.nowMs } };
  }
  const recent = recentWrites(state, limits);
  // Grants never start before an earlier one (all recent starts are ≤ start).
  let start = Math.max(request.nowMs, state.atMs, state.blockedUntilMs);
  let free = freeAt(recent, start, limits);
  if (free < 1) {
    // The window is full: wait until its oldest write leaves it, then grant what is free at that moment.
    start = windowOpensAt(recent, limits) ?? start + limits.windowMs;
    free = freeAt(recent, start, limits);
  }
  const granted = Math.max(1, Math.min(wanted, limits.maxBatch, Math.floor(free)));
  const notBeforeMs = start;
  const nextRecent = latestStarts([...recent, ...Array.from({ length: granted }, () => notBeforeMs)], limits);
  return {
    state: {
      ...state,
      tokens: freeAt(nextRecent, notBeforeMs, limits),
      atMs: notBeforeMs,
      recent: nextRecent,
      granted: state.granted + granted,
      reservations: state.reservations + 1,
    },
    grant: { granted, notBeforeMs },
  };
}

/**
 * A batch granted at `grantedAtMs` has finished: `count` of its `granted` slots were used. The used ones stay where
 * they were granted (their writes started inside the lease, which the window covers); the slots it did not use —
 * the lease ran out, a 429 stopped it, a re-plan needed no write — leave the window, so the next batch need not wait
 * for writes that never happened. A message without `granted` (sent by an earlier version) gives nothing back.
 */
export function settleWrites(
  current: ZonePacerState | undefined,
  request: {
    readonly grantedAtMs: number;
    readonly count: number;
    readonly granted?: number;
    readonly nowMs: number;
  },
  limits: PacedWindowLimits = ZONE_WRITE_LIMITS,
): ZonePacerState {
  const used = Math.max(0, Math.floor(request.count));
  const granted = request.granted === undefined ? used : Math.floor(request.granted);
  if (!Number.isFinite(request.nowMs) || !Number.isFinite(used) || !(granted > used))
    return current ?? initialZonePacerState(0, limits);
  const state = rebase(loadState(current, request.nowMs, limits), request.nowMs);
  let unused = granted - used;
  const recent = recentWrites(state, limits).filter((t) => {
    if (unused > 0 && t === request.grantedAtMs) {
      unused--;
      return false;
    }
    return true;
  });
  return { ...state, recent, tokens: freeAt(recent, request.nowMs, limits) };
}

/**
 * Counts `count` uses that happened at `nowMs` without a reservation (reads a list turned out to need beyond the
 * pages reserved), so later reservations wait for them to leave the window too.
 */
export function recordUse(
  current: ZonePacerState | undefined,
  request: { readonly count: number; readonly nowMs: number },
  limits: PacedWindowLimits = ZONE_WRITE_LIMITS,
): ZonePacerState {
  if (!Number.isFinite(request.nowMs) || !(request.count >= 1))
    return current ?? initialZonePacerState(0, limits);
  const state = rebase(loadState(current, request.nowMs, limits), request.nowMs);
  const count = Math.min(Math.floor(request.count), wholeCapacity(limits));
  const recent = [...recentWrites(state, limits), ...Array.from({ length: count }, () => request.nowMs)]
    .sort((a, b) => a - b)
    .slice(-wholeCapacity(limits));
  return { ...state, recent, tokens: freeAt(recent, request.nowMs, limits), granted: state.granted + count };
}

/** Azure answered 429: the bucket is empty now and no write goes out before `Retry-After` has passed. */
export function penalizeZone(
  current: ZonePacerState | undefined,
  request: PenalizeRequest,
  limits: PacedWindowLimits = ZONE_WRITE_LIMITS,
): ZonePacerState {
  if (!Number.isFinite(request.nowMs)) return current ?? initialZonePacerState(0, limits);
  const state = rebase(loadState(current, request.nowMs, limits), request.nowMs);
  const wait = Number.isFinite(request.retryAfterMs) ? Math.max(0, request.retryAfterMs) : 0;
  // A full window whose slots free one per 1/refill seconds from now: after the block, writes resume at that pace.
  // Slots without a recorded write take the latest start that pace allows (finite, so the state stays JSON).
  const capacity = wholeCapacity(limits);
  const windowMs = limits.windowMs;
  const spacing = 1000 / limits.refillPerSecond;
  const recent = recentWrites(state, limits);
  const missing = capacity - recent.length;
  const full = Array.from({ length: capacity }, (_, i) => {
    const paced = request.nowMs - windowMs + (i + 1) * spacing;
    const start = i >= missing ? recent[i - missing] : undefined;
    return start === undefined ? paced : Math.max(start, paced);
  });
  return {
    ...state,
    tokens: 0,
    atMs: Math.max(state.atMs, request.nowMs),
    recent: full,
    blockedUntilMs: Math.max(state.blockedUntilMs, request.nowMs + wait),
    penalties: state.penalties + 1,
  };
}
