import type { ArmClock } from './clock';
import type { OperationKind } from './router';

export interface BucketLimit {
  /** Bucket size (burst). */
  capacity: number;
  /** Tokens added per emulated second. */
  refillPerSecond: number;
}

/**
 * A rolling window: at most `max` requests in any `windowMs` of emulated time. Stricter than a token bucket of the
 * same size, which admits up to twice its capacity in one window after a quiet spell (the whole bucket, then the
 * refill): this is how Azure states "N per minute" / "N per 5 minutes" limits, so it is the reading the emulator
 * enforces.
 */
export interface WindowLimit {
  max: number;
  /** Window length in emulated milliseconds. */
  windowMs: number;
  /**
   * Response header that reports what is left in this window. When a request draws from a limit with a header,
   * that header replaces the subscription bucket's `x-ms-ratelimit-remaining-subscription-*` header, as Resource
   * Manager does for services that override the default limits.
   */
  header?: string;
}

/** A named extra limit: a token bucket or a rolling window. */
export type RateLimitDefinition = BucketLimit | WindowLimit;

export function isWindowLimit(limit: RateLimitDefinition): limit is WindowLimit {
  return 'windowMs' in limit;
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

/** The rolling window behind a `WindowLimit`: admission times of the last `windowMs`, oldest first. */
export class SlidingWindow {
  private readonly admitted: number[] = [];
  private head = 0;

  constructor(
    readonly limit: WindowLimit,
    private readonly clock: ArmClock,
  ) {}

  take(): TakeResult {
    const now = this.clock.now();
    this.expire(now);
    const used = this.admitted.length - this.head;
    if (used < this.limit.max) {
      this.admitted.push(now);
      return { ok: true, remaining: this.limit.max - used - 1, retryAfterMs: 0 };
    }
    // The next slot opens when the oldest admission in the window leaves it.
    const oldest = this.admitted[this.head] ?? now;
    return { ok: false, remaining: 0, retryAfterMs: Math.max(1, oldest + this.limit.windowMs - now) };
  }

  peek(): number {
    this.expire(this.clock.now());
    return Math.max(0, this.limit.max - (this.admitted.length - this.head));
  }

  private expire(now: number): void {
    while (this.head < this.admitted.length && (this.admitted[this.head] ?? 0) <= now - this.limit.windowMs)
      this.head++;
    // Compact now and then so the array does not grow with every request ever admitted.
    if (this.head > 1024 && this.head * 2 > this.admitted.length) {
      this.admitted.splice(0, this.head);
      this.head = 0;
    }
  }
}

type Limiter = TokenBucket | SlidingWindow;

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
 * Per-subscription read/write/delete token buckets plus named extra limits (Private DNS record-set writes per zone,
 * Private DNS reads per subscription, ...), each a token bucket or a rolling window. A refused request consumes
 * nothing. Time comes from the emulator clock, so `timeScale` speeds every limit up alike.
 */
export class Throttler {
  enabled = true;
  private limits: ThrottlingLimits;
  private readonly limiters = new Map<string, Limiter>();
  private readonly extraLimits = new Map<string, RateLimitDefinition>();

  constructor(
    private readonly clock: ArmClock,
    limits: Partial<ThrottlingLimits> = {},
  ) {
    this.limits = { ...AZURE_SUBSCRIPTION_LIMITS, ...limits };
  }

  get subscriptionLimits(): ThrottlingLimits {
    return this.limits;
  }

  /** Replaces some limits and empties every bucket and window (they start over at the new size). */
  configure(options: {
    enabled?: boolean;
    subscription?: Partial<ThrottlingLimits>;
    extra?: Record<string, RateLimitDefinition>;
  }): void {
    if (options.enabled !== undefined) this.enabled = options.enabled;
    if (options.subscription) this.limits = { ...this.limits, ...options.subscription };
    for (const [name, limit] of Object.entries(options.extra ?? {})) this.extraLimits.set(name, limit);
    this.limiters.clear();
  }

  /** Declares a named limit that routes can reference through `rateLimits`. */
  defineLimit(name: string, limit: RateLimitDefinition): void {
    this.extraLimits.set(name, limit);
  }

  limit(name: string): RateLimitDefinition | undefined {
    return this.extraLimits.get(name);
  }

  limitsSnapshot(): {
    enabled: boolean;
    subscription: ThrottlingLimits;
    extra: Record<string, RateLimitDefinition>;
  } {
    return { enabled: this.enabled, subscription: this.limits, extra: Object.fromEntries(this.extraLimits) };
  }

  /** What is left of a named limit for one key (the full size when nothing drew from it yet). */
  remaining(name: string, key: string): number | undefined {
    const def = this.extraLimits.get(name);
    return def ? this.limiter(`x|${name}|${key}`, def).peek() : undefined;
  }

  reset(): void {
    this.limiters.clear();
  }

  check(
    subscriptionId: string | undefined,
    kind: OperationKind,
    extra: Array<{ limit: string; key: string }> = [],
  ): ThrottleDecision {
    const headers: Record<string, string> = {};
    if (!this.enabled || subscriptionId === undefined) return { ok: true, headers, retryAfterMs: 0 };
    // Check every limit before taking from any, so a refused request costs nothing.
    const subBucket = this.limiter(
      `sub|${subscriptionId.toLowerCase()}|${kind}`,
      this.limits[LIMIT_BY_KIND[kind]],
    );
    const extraLimiters = extra.flatMap(({ limit, key }) => {
      const def = this.extraLimits.get(limit);
      return def ? [{ name: limit, def, limiter: this.limiter(`x|${limit}|${key}`, def) }] : [];
    });
    const overridingHeaders = extraLimiters.flatMap(({ def, limiter }) =>
      isWindowLimit(def) && def.header ? [{ header: def.header, limiter }] : [],
    );
    const report = (): void => {
      if (overridingHeaders.length === 0) headers[HEADER_BY_KIND[kind]] = String(subBucket.peek());
      for (const { header, limiter } of overridingHeaders) headers[header] = String(limiter.peek());
    };
    for (const { name, limiter } of [
      { name: `subscription-${LIMIT_BY_KIND[kind]}`, limiter: subBucket },
      ...extraLimiters,
    ]) {
      if (limiter.peek() < 1) {
        const result = limiter.take();
        report();
        return { ok: false, headers, retryAfterMs: result.retryAfterMs, limitedBy: name };
      }
    }
    subBucket.take();
    for (const { limiter } of extraLimiters) limiter.take();
    report();
    return { ok: true, headers, retryAfterMs: 0 };
  }

  private limiter(key: string, limit: RateLimitDefinition): Limiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = isWindowLimit(limit)
        ? new SlidingWindow(limit, this.clock)
        : new TokenBucket(limit, this.clock);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
