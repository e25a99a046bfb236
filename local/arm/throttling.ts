import type { ArmClock } from './clock';
import type { OperationKind } from './router';

export interface BucketLimit {
  /** Bucket size (burst). */
  capacity: number;
  /** Tokens added per emulated second. */
  refillPerSecond: number;
}

export interface ThrottlingLimits {
  reads: BucketLimit;
  writes: BucketLimit;
  deletes: BucketLimit;
}

/** Azure's per-subscription token buckets (ARM throttling since 2024). */
export const AZURE_SUBSCRIPTION_LIMITS: ThrottlingLimits = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

export interface TakeResult {
  ok: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Emulated milliseconds until one token is available (0 when ok). */
  retryAfterMs: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: BucketLimit,
    private readonly clock: ArmClock,
  ) {
    this.tokens = limit.capacity;
    this.last = clock.now();
  }

  take(): TakeResult {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens), retryAfterMs: 0 };
    }
    const missing = 1 - this.tokens;
    const retryAfterMs =
      this.limit.refillPerSecond > 0 ? (missing / this.limit.refillPerSecond) * 1000 : 60_000;
    return { ok: false, remaining: 0, retryAfterMs };
  }

  peek(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.limit.capacity, this.tokens + elapsed * this.limit.refillPerSecond);
  }
}

export interface ThrottleDecision {
  ok: boolean;
  /** Headers to put on the response whatever the outcome. */
  headers: Record<string, string>;
  /** Emulated ms to wait when throttled. */
  retryAfterMs: number;
  /** Which bucket refused the request (`subscription-writes`, `privateDns.recordSetWrites`, ...). */
  limitedBy?: string;
}

const HEADER_BY_KIND: Record<OperationKind, string> = {
  read: 'x-ms-ratelimit-remaining-subscription-reads',
  write: 'x-ms-ratelimit-remaining-subscription-writes',
  delete: 'x-ms-ratelimit-remaining-subscription-deletes',
};

const LIMIT_BY_KIND: Record<OperationKind, keyof ThrottlingLimits> = {
  read: 'reads',
  write: 'writes',
  delete: 'deletes',
};

/**
 * Per-subscription read/write/delete token buckets plus named extra limits (e.g. Private DNS record-set writes
 * per zone). A refused request consumes nothing. Time comes from the emulator clock, so `timeScale` speeds it up.
 */
export class Throttler {
  enabled = true;
  private limits: ThrottlingLimits;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly extraLimits = new Map<string, BucketLimit>();

  constructor(
    private readonly clock: ArmClock,
    limits: Partial<ThrottlingLimits> = {},
  ) {
    this.limits = { ...AZURE_SUBSCRIPTION_LIMITS, ...limits };
  }

  get subscriptionLimits(): ThrottlingLimits {
    return this.limits;
  }

  /** Replaces some limits and empties all buckets (they refill to the new capacity). */
  configure(options: {
    enabled?: boolean;
    subscription?: Partial<ThrottlingLimits>;
    extra?: Record<string, BucketLimit>;
  }): void {
    if (options.enabled !== undefined) this.enabled = options.enabled;
    if (options.subscription) this.limits = { ...this.limits, ...options.subscription };
    for (const [name, limit] of Object.entries(options.extra ?? {})) this.extraLimits.set(name, limit);
    this.buckets.clear();
  }

  /** Declares a named limit that routes can reference through `rateLimits`. */
  defineLimit(name: string, limit: BucketLimit): void {
    this.extraLimits.set(name, limit);
  }

  limitsSnapshot(): { enabled: boolean; subscription: ThrottlingLimits; extra: Record<string, BucketLimit> } {
    return { enabled: this.enabled, subscription: this.limits, extra: Object.fromEntries(this.extraLimits) };
  }

  reset(): void {
    this.buckets.clear();
  }

  check(
    subscriptionId: string | undefined,
    kind: OperationKind,
    extra: Array<{ limit: string; key: string }> = [],
  ): ThrottleDecision {
    const headers: Record<string, string> = {};
    if (!this.enabled || subscriptionId === undefined) return { ok: true, headers, retryAfterMs: 0 };
    // Check every bucket before taking from any, so a refused request costs nothing.
    const subBucket = this.bucket(
      `sub|${subscriptionId.toLowerCase()}|${kind}`,
      this.limits[LIMIT_BY_KIND[kind]],
    );
    const extraBuckets = extra.flatMap(({ limit, key }) => {
      const def = this.extraLimits.get(limit);
      return def ? [{ name: limit, bucket: this.bucket(`x|${limit}|${key}`, def) }] : [];
    });
    const header = HEADER_BY_KIND[kind];
    for (const { name, bucket } of [
      { name: `subscription-${LIMIT_BY_KIND[kind]}`, bucket: subBucket },
      ...extraBuckets,
    ]) {
      if (bucket.peek() < 1) {
        const result = bucket.take();
        headers[header] = String(subBucket.peek());
        return { ok: false, headers, retryAfterMs: result.retryAfterMs, limitedBy: name };
      }
    }
    const taken = subBucket.take();
    for (const { bucket } of extraBuckets) bucket.take();
    headers[header] = String(taken.remaining);
    return { ok: true, headers, retryAfterMs: 0 };
  }

  private bucket(key: string, limit: BucketLimit): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
