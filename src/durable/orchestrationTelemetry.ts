/**
 * The one way orchestrations, entities and activities emit telemetry: the OpenTelemetry pipeline of
 * src/azure/telemetry.ts (custom events, counters, histograms and gauges exported to Application Insights), echoed
 * as a debug-level `plds <Name> {json}` line (see src/core/telemetry.ts) through the invocation context's logger.
 *
 * Orchestrators replay their code many times; a signal is emitted only when the code runs for the first time (not
 * replaying), so every event and metric sample is recorded once per thing that happened.
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

function replaying(context: LogContext): boolean {
  const df = context.df as { isReplaying?: unknown } | undefined;
  return typeof df?.isReplaying === 'boolean' && df.isReplaying;
}

function event(context: LogContext, name: TelemetryEventName, properties: TelemetryProperties): void {
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
