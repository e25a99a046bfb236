/**
 * Global per-zone write pacing. Private DNS allows 60 record-set writes per zone per minute however many
 * Function instances run, so the budget lives in a durable entity per hub zone (`zoneWritePacer`), whose state
 * and arithmetic are here (pure, so the entity stays deterministic and the maths is unit-tested).
 *
 * The bucket holds up to `capacity` tokens and refills at `refillPerSecond`. An orchestrator reserves a batch
 * (`reserveWrites`) with its own `currentUtcDateTime`; the entity grants up to `maxBatch` writes and answers the
 * time they may start (`notBeforeMs`). Reservations queue up: a grant may lie in the future, and the next one
 * starts after it. A 429 from Azure empties the bucket and blocks the zone until its `Retry-After` has passed
 * (`penalizeZone`), for every orchestration that writes to the zone.
 *
 * Inside the apply activity, `GrantedSlotsPacer` (a `WritePacer` for `applyPlan`) lets exactly the granted
 * number of writes through; a 429 or an exhausted grant defers the remaining writes back to the orchestrator,
 * which reports the `Retry-After` to the entity and asks for new slots, waiting on durable timers, not in the
 * activity.
 */
import { AzureOperationError } from '../azure/ports';
import type { PaceKey, WritePacer } from '../azure/ports';

export interface ZoneBucketLimits {
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Largest batch one reservation is granted (keeps activities short). */
  readonly maxBatch: number;
}

/** Private DNS: 60 create/update/delete per zone per minute. */
export const ZONE_WRITE_LIMITS: ZoneBucketLimits = { capacity: 60, refillPerSecond: 1, maxBatch: 20 };

export interface ZonePacerState {
  /** Tokens at `atMs` (may be fractional). */
  readonly tokens: number;
  /** Time the token count refers to; later than now when grants are queued. */
  readonly atMs: number;
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
  limits: ZoneBucketLimits = ZONE_WRITE_LIMITS,
): ZonePacerState {
  return {
    tokens: limits.capacity,
    atMs: nowMs,
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
      blockedUntilMs: state.blockedUntilMs > 0 ? state.blockedUntilMs + shift : 0,
      seenMs: nowMs,
    };
  }
  return { ...state, seenMs: Math.max(seen, nowMs) };
}

function tokensAt(state: ZonePacerState, t: number, limits: ZoneBucketLimits): number {
  if (t <= state.atMs) return state.tokens;
  return Math.min(limits.capacity, state.tokens + ((t - state.atMs) / 1000) * limits.refillPerSecond);
}

/** Grants up to `maxBatch` writes and says when they may start; the state moves past the grant. */
export function reserveWrites(
  current: ZonePacerState | undefined,
  request: ReserveRequest,
  limits: ZoneBucketLimits = ZONE_WRITE_LIMITS,
): { state: ZonePacerState; grant: ReserveGrant } {
  const state = rebase(current ?? initialZonePacerState(request.nowMs, limits), request.nowMs);
  const wanted = Math.floor(request.count);
  if (!Number.isFinite(wanted) || wanted < 1) {
    return { state, grant: { granted: 0, notBeforeMs: request.nowMs } };
  }
  const granted = Math.min(wanted, limits.maxBatch, Math.max(1, Math.floor(limits.capacity)));
  const start = Math.max(request.nowMs, state.atMs, state.blockedUntilMs);
  const available = tokensAt(state, start, limits);
  const missing = Math.max(0, granted - available);
  const notBeforeMs = start + Math.ceil((missing / limits.refillPerSecond) * 1000);
  const left = tokensAt(state, notBeforeMs, limits) - granted;
  return {
    state: {
      ...state,
      tokens: Math.max(0, left),
      atMs: notBeforeMs,
      granted: state.granted + granted,
      reservations: state.reservations + 1,
    },
    grant: { granted, notBeforeMs },
  };
}

/** Azure answered 429: the bucket is empty now and no write goes out before `Retry-After` has passed. */
export function penalizeZone(
  current: ZonePacerState | undefined,
  request: PenalizeRequest,
  limits: ZoneBucketLimits = ZONE_WRITE_LIMITS,
): ZonePacerState {
  const state = rebase(current ?? initialZonePacerState(request.nowMs, limits), request.nowMs);
  const wait = Number.isFinite(request.retryAfterMs) ? Math.max(0, request.retryAfterMs) : 0;
  return {
    ...state,
    tokens: 0,
    atMs: Math.max(state.atMs, request.nowMs),
    blockedUntilMs: Math.max(state.blockedUntilMs, request.nowMs + wait),
    penalties: state.penalties + 1,
  };
}

/** Error code of a write the pacer held back (not an Azure failure: the orchestrator re-queues it). */
export const WRITE_DEFERRED = 'WriteDeferred';

export class WriteDeferredError extends AzureOperationError {
  constructor(key: PaceKey, why: string) {
    super(`write to ${key.zone} deferred: ${why}`, WRITE_DEFERRED, undefined, key.zone);
    this.name = 'WriteDeferredError';
  }
}

/**
 * `WritePacer` for one apply activity: lets `granted` writes through (the slots the zone entity reserved) and
 * defers everything after a 429 or beyond the grant. `retryAfterMs` is the longest `Retry-After` seen.
 */
export class GrantedSlotsPacer implements WritePacer {
  private used = 0;
  private penalty: number | undefined;

  constructor(private readonly granted: number) {}

  get retryAfterMs(): number | undefined {
    return this.penalty;
  }

  get writesUsed(): number {
    return this.used;
  }

  /** True once a 429 was seen: retries must not wait in the activity. */
  get throttled(): boolean {
    return this.penalty !== undefined;
  }

  acquire(key: PaceKey): Promise<() => void> {
    if (this.penalty !== undefined) {
      return Promise.reject(new WriteDeferredError(key, `zone throttled (Retry-After ${this.penalty} ms)`));
    }
    if (this.used >= this.granted) {
      return Promise.reject(new WriteDeferredError(key, `the ${this.granted} granted write slots are used`));
    }
    this.used++;
    // The zone entity's grant already counts this write; nothing to do when it is answered.
    return Promise.resolve(() => undefined);
  }

  penalize(_key: PaceKey, retryAfterMs: number): void {
    this.penalty = Math.max(this.penalty ?? 0, retryAfterMs);
  }
}
