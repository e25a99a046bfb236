/**
 * Telemetry from the triggers: one `plds <Name> {json}` line per signal through the invocation's logger (the
 * worker forwards it to Application Insights), plus in-process counters keyed by name and reason so tests,
 * the demo and `GET /api/health` can read them without a log pipeline.
 */
import type { InvocationContext } from '@azure/functions';
import { formatMetricLine, formatTelemetryLine } from '../core/telemetry';
import type { TelemetryEventName, TelemetryMetricName, TelemetryProperties } from '../core/telemetry';

type Logger = Pick<InvocationContext, 'log'>;

const counts = new Map<string, number>();

function bump(key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Writes one custom event and counts it (`Name` and, with a reason, `Name:reason`). */
export function trackEvent(
  context: Logger,
  name: TelemetryEventName,
  properties: TelemetryProperties = {},
): void {
  bump(name);
  if (typeof properties.reason === 'string') bump(`${name}:${properties.reason}`);
  context.log(formatTelemetryLine(name, properties));
}

/** Writes one metric sample. */
export function trackMetric(
  context: Logger,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  if (!Number.isFinite(value)) return;
  bump(name);
  context.log(formatMetricLine(name, value, properties));
}

/** Counters since start (or the last reset), sorted by key. */
export function telemetryCounters(): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function resetTelemetryCounters(): void {
  counts.clear();
}
