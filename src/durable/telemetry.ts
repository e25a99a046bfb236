/**
 * Telemetry from the triggers. Each signal goes to the OpenTelemetry pipeline (src/azure/telemetry.ts: a custom
 * event and a counter, or a metric sample) and is echoed as a debug-level `plds <Name> {json}` line through the
 * invocation's logger (log streams, local runs; host.json keeps debug lines out of Application Insights). In-process
 * counters keyed by name and reason let tests, the demo and `GET /api/health` read them without an exporter.
 */
import type { InvocationContext } from '@azure/functions';
import { recordEvent, recordMetric } from '../azure/telemetry';
import { formatMetricLine, formatTelemetryLine } from '../core/telemetry';
import type { TelemetryEventName, TelemetryMetricName, TelemetryProperties } from '../core/telemetry';

type Logger = Pick<InvocationContext, 'debug'>;

const counts = new Map<string, number>();

function bump(key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Records one custom event and counts it (`Name` and, with a reason, `Name:reason`). */
export function trackEvent(
  context: Logger,
  name: TelemetryEventName,
  properties: TelemetryProperties = {},
): void {
  bump(name);
  if (typeof properties.reason === 'string') bump(`${name}:${properties.reason}`);
  recordEvent(name, properties);
  context.debug(formatTelemetryLine(name, properties));
}

/** Records one metric sample. */
export function trackMetric(
  context: Logger,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  if (!Number.isFinite(value)) return;
  bump(name);
  recordMetric(name, value, properties);
  context.debug(formatMetricLine(name, value, properties));
}

/** Counters since start (or the last reset), sorted by key. */
export function telemetryCounters(): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function resetTelemetryCounters(): void {
  counts.clear();
}
