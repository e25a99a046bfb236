/**
 * The one telemetry emitter of the app, for triggers, orchestrators, entities and activities alike. Each signal goes
 * to the OpenTelemetry pipeline of src/azure/telemetry.ts (custom events, counters, histograms and gauges exported
 * to Application Insights) and is echoed as a debug-level `plds <Name> {json}` line (see src/core/telemetry.ts)
 * through the invocation's logger (log streams, local runs; host.json keeps debug lines out of Application
 * Insights). In-process counters keyed by name and reason let tests, the demo and `GET /api/health` read them
 * without an exporter.
 *
 * Orchestrators replay their code many times; a signal is emitted only when the code runs for the first time (not
 * replaying), so every event and metric sample is recorded once per thing that happened. A trigger's or an
 * activity's context is never replaying.
 *
 * One catch: durable-functions reports "replaying" while user code resumes from a task whose result was already
 * in history before this episode (e.g. an external event that arrived while the orchestrator waited for an
 * activity), even though that code runs for the first time. Code between the last `yield` and the final
 * `return` / `continueAsNew` / `throw` runs in exactly one episode, so it uses `emitFinal`, which does not ask.
 */
import type { InvocationContext } from '@azure/functions';
import { recordEvent, recordMetric } from '../azure/telemetry';
import { formatMetricLine, formatTelemetryLine } from '../core/telemetry';
import type { TelemetryEventName, TelemetryMetricName, TelemetryProperties } from '../core/telemetry';

/** Anything with `log`/`debug` (InvocationContext, OrchestrationContext, EntityContext). */
type LogContext = Pick<InvocationContext, 'log' | 'debug'> & { df?: unknown };

const counts = new Map<string, number>();

function bump(key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function replaying(context: LogContext): boolean {
  const df = context.df as { isReplaying?: unknown } | undefined;
  return typeof df?.isReplaying === 'boolean' && df.isReplaying;
}

/** Records one custom event and counts it (`Name` and, with a reason, `Name:reason`). */
function event(context: LogContext, name: TelemetryEventName, properties: TelemetryProperties): void {
  bump(name);
  if (typeof properties.reason === 'string') bump(`${name}:${properties.reason}`);
  recordEvent(name, properties);
  context.debug(formatTelemetryLine(name, properties));
}

function metric(
  context: LogContext,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'>,
): void {
  if (!Number.isFinite(value)) return;
  bump(name);
  recordMetric(name, value, properties);
  context.debug(formatMetricLine(name, value, properties));
}

/** Emits one custom event (skipped while an orchestrator replays). */
export function emitEvent(
  context: LogContext,
  name: TelemetryEventName,
  properties: TelemetryProperties = {},
): void {
  if (!replaying(context)) event(context, name, properties);
}

/**
 * Emits one custom event from orchestrator code that is followed by no further `yield` (completion,
 * `continueAsNew` or failure): such code runs in one episode only, whatever the replay flag says.
 */
export function emitFinal(
  context: LogContext,
  name: TelemetryEventName,
  properties: TelemetryProperties = {},
): void {
  event(context, name, properties);
}

/** Emits one metric sample (skipped while an orchestrator replays). */
export function emitMetric(
  context: LogContext,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  if (!replaying(context)) metric(context, name, value, properties);
}

/** Metric counterpart of `emitFinal`. */
export function emitFinalMetric(
  context: LogContext,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  metric(context, name, value, properties);
}

/** A plain log line from orchestrator code, only when not replaying. */
export function logOnce(context: LogContext, message: string): void {
  if (!replaying(context)) context.log(message);
}

/** Counters since start (or the last reset), sorted by key. */
export function telemetryCounters(): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function resetTelemetryCounters(): void {
  counts.clear();
}
