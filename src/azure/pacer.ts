import { WINDOW_SAFETY_MARGIN, ZONE_WRITE_LIMIT, windowOpensAt, wholeCapacity } from '../core/slidingWindow';
import { sleep } from './errors';
import type { PaceKey, WritePacer } from './ports';

/** ARM's per-subscription buckets for writes and deletes: 200 burst, 10 per second refill. */
export const ARM_SUBSCRIPTION_WRITE_BUCKET = { capacity: 200, refillPerSecond: 10 } as const;

export interface SlidingWindowPacerOptions {
  /** Writes allowed per zone in any window of `zoneWindowMs` (default 60). */
  readonly zoneWritesPerWindow?: number;
  /** Length of the zone window in (scaled) ms (default 60 000). */
  readonly zoneWindowMs?: number;
  /**
   * Extra length added to the zone window so that network jitter between us and the service cannot squeeze one
   * write too many into the service's own window (default `WINDOW_SAFETY_MARGIN`, 5%).
   */
  readonly safetyMargin?: number;
  /**
   * Real milliseconds of scheduling jitter to allow for on top (default 150): a request can reach the service
   * that much later than its slot. Negligible at real time; it matters when `timeScale` compresses time.
   */
  readonly jitterAllowanceMs?: number;
  readonly subscriptionWrites?: { readonly capacity: number; readonly refillPerSecond: number };
  readonly subscriptionDeletes?: { readonly capacity: number; readonly refillPerSecond: number };
  /** Run the budget this many times faster than real time (for time-scaled emulators). Default 1. */
  readonly timeScale?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told before a write waits for its slot: real milliseconds, and which limit holds it back. */
  readonly onWait?: (key: PaceKey, waitMs: number, limit: PaceLimit) => void;
}

/** What holds a write back: the zone's window, the subscription's write bucket, or a 429's `Retry-After`. */
export type PaceLimit = 'zone-window' | 'subscription-bucket' | 'retry-after';

/** Generic cell rate: `capacity` burst, then one every 1/refill seconds; reservations may lie in the future. */
class Gcra {
  private tat = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly intervalMs: number,
    private readonly toleranceMs: number,
  ) {}

  /** Earliest time ≥ `at` a request conforms; reserves it. */
  reserve(at: number): number {
    const tat = Math.max(this.tat, at);
    const start = Math.max(at, tat - this.toleranceMs);
    this.tat = Math.max(tat, start) + this.intervalMs;
    return start;
  }
}

/**
 * The CLI's in-process pacer: per zone at most N writes in any sliding window (Private DNS's 60/minute, the
 * arithmetic of core/slidingWindow.ts), and per subscription ARM's write and delete token buckets (a generic cell
 * rate). Reservations are made synchronously, so concurrent callers get distinct slots in call order; `penalize`
 * (after a 429) moves the zone's and subscription's next slot back.
 */
export class SlidingWindowPacer implements WritePacer {
  private readonly perZone: number;
  private readonly windowMs: number;
  private readonly timeScale: number;
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly onWait: SlidingWindowPacerOptions['onWait'];
  /** Per zone, the budget times of the latest writes (a write that left late is moved to when it left). */
  private readonly zoneSlots = new Map<string, { at: number }[]>();
  private readonly subBuckets = new Map<string, Gcra>();
  private readonly notBefore = new Map<string, number>();
  private readonly origin: number;
  private readonly writeBucket: { readonly capacity: number; readonly refillPerSecond: number };
  private readonly deleteBucket: { readonly capacity: number; readonly refillPerSecond: number };

  constructor(options: SlidingWindowPacerOptions = {}) {
    this.perZone = options.zoneWritesPerWindow ?? ZONE_WRITE_LIMIT.capacity;
    this.timeScale = options.timeScale ?? 1;
    this.windowMs =
      (options.zoneWindowMs ?? ZONE_WRITE_LIMIT.windowMs) *
        (1 + (options.safetyMargin ?? WINDOW_SAFETY_MARGIN)) +
      (options.jitterAllowanceMs ?? 150) * this.timeScale;
    this.now = options.now ?? Date.now;
    this.wait = options.sleep ?? sleep;
    this.onWait = options.onWait;
    this.writeBucket = options.subscriptionWrites ?? ARM_SUBSCRIPTION_WRITE_BUCKET;
    this.deleteBucket = options.subscriptionDeletes ?? ARM_SUBSCRIPTION_WRITE_BUCKET;
    this.origin = this.now();
  }

  /** Budget time: real ms since construction × time scale. */
  private budgetNow(): number {
    return (this.now() - this.origin) * this.timeScale;
  }

  async acquire(key: PaceKey): Promise<() => void> {
    const slot = this.reserveSlot(key);
    const delay = (slot.at - this.budgetNow()) / this.timeScale;
    if (delay > 0) {
      this.onWait?.(key, delay, slot.limit);
      await this.wait(delay);
    }
    // A busy process can resume after its slot, and the request takes a while to reach the service: later
    // reservations count from when the write left and, once it is answered, from the answer (by then the
    // service has seen it), never from the slot it may have missed.
    slot.at = Math.max(slot.at, this.budgetNow());
    return () => {
      slot.at = Math.max(slot.at, this.budgetNow());
    };
  }

  /** Reserves a slot for `key` and returns its budget time (exposed for tests). */
  reserve(key: PaceKey): number {
    return this.reserveSlot(key).at;
  }

  private reserveSlot(key: PaceKey): { at: number; limit: PaceLimit } {
    const now = this.budgetNow();
    const zoneKey = `${key.subscriptionId}|${key.zone}`.toLowerCase();
    const subKey = `${key.subscriptionId}|${key.kind}`.toLowerCase();
    let at = Math.max(
      now,
      this.notBefore.get(zoneKey) ?? 0,
      this.notBefore.get(key.subscriptionId.toLowerCase()) ?? 0,
    );
    let limit: PaceLimit = 'retry-after';
    const slots = this.zoneSlots.get(zoneKey) ?? [];
    // Late departures can put the recorded times out of order: sort them before reading the window.
    const times = slots.map((s) => s.at).sort((a, b) => a - b);
    const last = times[times.length - 1];
    if (last !== undefined && last > at) {
      // Queued behind writes to the same zone that already wait for its window.
      limit = 'zone-window';
      at = last;
    }
    const windowOpens = windowOpensAt(times, { capacity: this.perZone, windowMs: this.windowMs });
    if (windowOpens !== undefined) {
      if (windowOpens > at) limit = 'zone-window';
      at = Math.max(at, windowOpens);
    }
    let bucket = this.subBuckets.get(subKey);
    if (!bucket) {
      const rate = key.kind === 'delete' ? this.deleteBucket : this.writeBucket;
      const interval = 1000 / rate.refillPerSecond;
      bucket = new Gcra(interval, (rate.capacity - 1) * interval);
      this.subBuckets.set(subKey, bucket);
    }
    const bucketAt = bucket.reserve(at);
    if (bucketAt > at) limit = 'subscription-bucket';
    at = Math.max(at, bucketAt);
    const slot = { at, limit };
    slots.push(slot);
    // Only the latest N slots matter for the window.
    if (slots.length > this.perZone * 2) {
      slots.sort((a, b) => a.at - b.at);
      slots.splice(0, slots.length - this.perZone);
    }
    this.zoneSlots.set(zoneKey, slots);
    return slot;
  }

  penalize(key: PaceKey, retryAfterMs: number): void {
    const until = this.budgetNow() + retryAfterMs * this.timeScale;
    for (const k of [`${key.subscriptionId}|${key.zone}`.toLowerCase(), key.subscriptionId.toLowerCase()]) {
      this.notBefore.set(k, Math.max(this.notBefore.get(k) ?? 0, until));
    }
  }
}

/** No pacing at all (for tests of other behaviour and for services that pace elsewhere). */
export const unpaced: WritePacer = {
  acquire: () => Promise.resolve(() => undefined),
  penalize: () => undefined,
};

/**
 * An in-process budget of `capacity` uses in any window of `windowMs` (time-scaled like `SlidingWindowPacer`):
 * `acquire` waits until one more use fits. The CLI paces its hub reads with it (Private DNS: 500 GETs per five
 * minutes per subscription); the Functions app shares one budget across instances through a durable entity instead.
 */
export class SlidingWindowBudget {
  private readonly uses: number[] = [];
  private readonly origin: number;
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly timeScale: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    options: { timeScale?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.wait = options.sleep ?? sleep;
    this.timeScale = options.timeScale ?? 1;
    this.origin = this.now();
  }

  private budgetNow(): number {
    return (this.now() - this.origin) * this.timeScale;
  }

  /** Resolves when one more use fits the window (and counts it). */
  async acquire(): Promise<void> {
    const at = this.reserve();
    const delay = (at - this.budgetNow()) / this.timeScale;
    if (delay > 0) await this.wait(delay);
  }

  /** Reserves the next slot synchronously (concurrent callers get distinct slots) and returns its budget time. */
  reserve(): number {
    const now = this.budgetNow();
    const limit = { capacity: this.capacity, windowMs: this.windowMs };
    const capacity = wholeCapacity(limit);
    let at = Math.max(now, this.uses[this.uses.length - 1] ?? now);
    at = Math.max(at, windowOpensAt(this.uses, limit) ?? at);
    this.uses.push(at);
    if (this.uses.length > capacity * 2) this.uses.splice(0, this.uses.length - capacity);
    return at;
  }
}
