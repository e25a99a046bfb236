/**
 * The one way orchestrations, entities and activities emit telemetry: a `plds <Name> {json}` line (see
 * src/core/telemetry.ts) through the invocation context's logger. Orchestrators replay their code many times;
 * their lines are written only when the code runs for the first time (not replaying).
 *
 * One catch: durable-functions reports "replaying" while user code resumes from a task whose result was already
 * in history before this episode (e.g. an external event that arrived while the orchestrator waited for an
 * activity), even though that code runs for the first time. Code between the last `yield` and the final
 * `return` / `continueAsNew` / `throw` runs in exactly one episode, so it uses `emitFinal`, which does not ask.
 */
import type { InvocationContext } from '@azure/functions';
import { formatMetricLine, formatTelemetryLine } from '../core/telemetry';
import type { TelemetryEventName, TelemetryMetricName, TelemetryProperties } from '../core/telemetry';

/** Anything with `log` (InvocationContext, OrchestrationContext, EntityContext). */
type LogContext = Pick<InvocationContext, 'log'> & { df?: unknown };

function replaying(context: LogContext): boolean {
  const df = context.df as { isReplaying?: unknown } | undefined;
  return typeof df?.isReplaying === 'boolean' && df.isReplaying;
}

/** Emits one custom event (skipped while an orchestrator replays). */
export function emitEvent(
  context: LogContext,
  name: TelemetryEventName,
  properties: TelemetryProperties = {},
): void {
  if (replaying(context)) return;
  context.log(formatTelemetryLine(name, properties));
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
  context.log(formatTelemetryLine(name, properties));
}

/** Emits one metric sample (skipped while an orchestrator replays). */
export function emitMetric(
  context: LogContext,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  if (replaying(context) || !Number.isFinite(value)) return;
  context.log(formatMetricLine(name, value, properties));
}

/** Metric counterpart of `emitFinal`. */
export function emitFinalMetric(
  context: LogContext,
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  if (Number.isFinite(value)) context.log(formatMetricLine(name, value, properties));
}

/** A plain log line from orchestrator code, only when not replaying. */
export function logOnce(context: LogContext, message: string): void {
  if (!replaying(context)) context.log(message);
}
