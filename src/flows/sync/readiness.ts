/** When a sync re-reads an endpoint whose DNS data the platform has not filled in yet (pure, durations in ms). */

const MINUTE = 60_000;

/** Re-read delays while an endpoint has no DNS data yet: 15 s, 30 s, 1 min, 2 min, then every 4 min. */
export function dnsReadyBackoffMs(attempt: number): number {
  const steps = [15_000, 30_000, MINUTE, 2 * MINUTE];
  return steps[Math.max(0, attempt)] ?? 4 * MINUTE;
}
