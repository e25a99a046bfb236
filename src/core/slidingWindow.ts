/**
 * The one sliding window behind every Private DNS budget of the app: at most `capacity` uses start in any window
 * of `windowMs`. The CLI's in-process pacer and read budget (src/azure/pacer.ts) and the durable entities that
 * share the zone write window and the hub read budget across instances (src/durable/zonePacing.ts) all count with
 * these functions, so a limit has one definition and one arithmetic.
 *
 * Why a sliding window and not a token bucket: Private DNS counts requests per window. A token bucket of 60 with a
 * refill of one per second lets up to 120 writes through in one minute after a quiet spell; the service refuses
 * the second half.
 *
 * Pure: times are plain numbers (epoch ms in the entities, time-scaled budget ms in the CLI); no clock is read.
 */

/** `capacity` uses in any window of `windowMs`. */
export interface SlidingWindowLimit {
  readonly capacity: number;
  readonly windowMs: number;
}

/**
 * Private DNS: 60 create/update/delete operations per zone per minute (record-set operation rate limits of the
 * Private DNS limits, ../shared/azure-reference/04-private-dns-recordsets.md).
 */
export const ZONE_WRITE_LIMIT: SlidingWindowLimit = { capacity: 60, windowMs: 60_000 };

/**
 * Private DNS: 500 GETs per subscription in any five minutes (ARM throttling, ../shared/azure-reference/
 * 05-throttling-and-resource-graph.md), shared with every other tool reading the subscription.
 * The app's own share is `HUB_DNS_READ_BUDGET` (at most this capacity).
 */
export const HUB_READ_LIMIT: SlidingWindowLimit = { capacity: 500, windowMs: 5 * 60_000 };

/**
 * Every window the app paces by is this much longer than the service's, so that requests reaching Azure a little
 * later than their slot still fit the service's own count.
 */
export const WINDOW_SAFETY_MARGIN = 0.05;

/** The limit with its window lengthened by `margin` (default `WINDOW_SAFETY_MARGIN`). */
export function withMargin(limit: SlidingWindowLimit, margin = WINDOW_SAFETY_MARGIN): SlidingWindowLimit {
  return { capacity: limit.capacity, windowMs: limit.windowMs * (1 + margin) };
}

/** The capacity as a whole number of uses, at least one. */
export function wholeCapacity(limit: Pick<SlidingWindowLimit, 'capacity'>): number {
  return Math.max(1, Math.floor(limit.capacity));
}

/** Uses free at `t`: the capacity less the uses started in the window that ends at `t`, i.e. in (t - windowMs, t]. */
export function freeAt(starts: readonly number[], t: number, limit: SlidingWindowLimit): number {
  return limit.capacity - starts.filter((start) => start > t - limit.windowMs && start <= t).length;
}

/**
 * For start times sorted oldest first: when the window has room again after the latest `capacity` uses, that is
 * when the oldest of them leaves it. `undefined` while fewer than `capacity` uses are recorded (there is room).
 */
export function windowOpensAt(starts: readonly number[], limit: SlidingWindowLimit): number | undefined {
  const oldest = starts[starts.length - wholeCapacity(limit)];
  return starts.length >= wholeCapacity(limit) && oldest !== undefined ? oldest + limit.windowMs : undefined;
}

/** The latest `capacity` start times (all that matter for the window), oldest first. */
export function latestStarts(
  starts: readonly number[],
  limit: Pick<SlidingWindowLimit, 'capacity'>,
): number[] {
  return starts.slice(-wholeCapacity(limit));
}
