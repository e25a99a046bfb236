/**
 * The `WritePacer` of one apply activity in the Functions app: the zone's durable entity has already reserved write
 * slots (src/durable/zonePacing.ts); this lets exactly that many writes through and hands back the rest.
 */
import { WriteDeferredError } from './ports';
import type { PaceKey, WritePacer } from './ports';

/** The lease of a grant as the activity sees it: no write starts after `notAfterMs` by `now()`. */
export interface GrantLease {
  readonly notAfterMs: number;
  readonly now: () => number;
}

/**
 * `WritePacer` for one apply activity: lets `granted` writes through (the slots the zone entity reserved) while
 * the grant's lease lasts, and defers everything after a 429, beyond the grant or after the lease.
 * `retryAfterMs` is the longest `Retry-After` seen.
 */
export class GrantedSlotsPacer implements WritePacer {
  private used = 0;
  private penalty: number | undefined;
  private lapsedCount = 0;

  constructor(
    private readonly granted: number,
    private readonly lease?: GrantLease,
  ) {}

  /** Writes refused because the lease had run out. */
  get lapsed(): number {
    return this.lapsedCount;
  }

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
    if (this.lease && this.lease.now() > this.lease.notAfterMs) {
      this.lapsedCount++;
      return Promise.reject(
        new WriteDeferredError(key, "the grant's lease ran out before this write started"),
      );
    }
    this.used++;
    // The zone entity's grant already counts this write; nothing to do when it is answered.
    return Promise.resolve(() => undefined);
  }

  penalize(_key: PaceKey, retryAfterMs: number): void {
    this.penalty = Math.max(this.penalty ?? 0, retryAfterMs);
  }
}
