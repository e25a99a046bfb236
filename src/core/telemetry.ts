/**
 * The telemetry vocabulary: every custom event, metric and property name the app emits, in one place, and how
 * each becomes an OpenTelemetry instrument. The Azure Monitor workbook (infra/workbook.json), the alert rules
 * (infra/alerts.json), the KQL in docs/operations.md and the app all use these names; a test checks that every
 * name they query is defined here.
 *
 * Transport (src/azure/telemetry.ts): each event is an OpenTelemetry log record that Application Insights stores
 * in `customEvents`, and is also counted by a counter of the same name in `customMetrics`; each metric is a
 * histogram or gauge in `customMetrics`. Metrics are pre-aggregated and never sampled. The app also writes each
 * signal as a debug-level log line (`formatTelemetryLine`) for log streams and local tests:
 *
 *     plds <Name> <JSON object of properties>
 */

/** First word of every telemetry log line. */
export const TELEMETRY_LOG_PREFIX = 'plds';

/** Custom events: one per thing that happened. */
export const TELEMETRY_EVENTS = {
  /** An A record set was created or updated in a hub zone. */
  recordWritten: 'RecordWritten',
  /** An owned A record set was deleted (endpoint gone, orphan garbage-collected). */
  recordDeleted: 'RecordDeleted',
  /** A desired record was not written; `reason` says why. */
  recordSkipped: 'RecordSkipped',
  /** Two endpoints want one name with different IPs, or a foreign record stands in the way. */
  conflictDetected: 'ConflictDetected',
  /** An Event Grid event was dropped before any work (out of scope, unknown operation, bad payload). */
  eventIgnored: 'EventIgnored',
  /** A private endpoint connection is Pending and waits for an approval decision. */
  approvalPending: 'ApprovalPending',
  /** An approval decision (Approved/Rejected/TimedOut) was applied. */
  approvalDecided: 'ApprovalDecided',
  /**
   * An approval decision was refused without any change: out of the configured scope, a concurrent opposite
   * decision, or an `approvalDecision` event without the webhook's proof; `reason` says which.
   */
  approvalRefused: 'ApprovalRefused',
  /** A reconcile run finished (timer or resync); carries the drift counts. */
  reconcileCompleted: 'ReconcileCompleted',
  /** An orchestration ended in failure. */
  orchestrationFailed: 'OrchestrationFailed',
  /** A Backup watch run finished: Backup endpoints seen, changed (synced again), gone, Resource Graph requests. */
  backupWatchCompleted: 'BackupWatchCompleted',
} as const;

/**
 * Counted-only signals: too frequent to keep one by one, so only a counter (in `customMetrics`) records them. Every
 * event above is counted the same way under its own name.
 */
export const TELEMETRY_COUNTERS = {
  /** Azure Resource Manager answered 429 (throttled) to one of the app's requests. */
  armThrottled: 'ArmThrottled',
  /** The app retried an ARM request after a throttle, a 5xx or a dropped connection; `reason` says which. */
  armRetried: 'ArmRetried',
} as const;

/** Custom metrics: numeric values with the `value` property holding the number. */
export const TELEMETRY_METRICS = {
  /** Milliseconds from the ARM event time to the record write it caused. */
  eventToRecordLatencyMs: 'EventToRecordLatencyMs',
  /** Number of changes a reconcile run found necessary (creates + updates + deletes); 0 = no drift. */
  reconcileDriftCount: 'ReconcileDriftCount',
  /** Private endpoint connections waiting for a decision, sampled by each reconcile run and `GET /api/approvals`. */
  pendingApprovalCount: 'PendingApprovalCount',
  /** Backup endpoints a watch run found changed (and synced again); 0 = nothing new from Backup. */
  backupWatchChangedCount: 'BackupWatchChangedCount',
} as const;

/** Property (custom dimension) names used on the events and metrics above. */
export const TELEMETRY_PROPERTIES = {
  /** Machine-readable reason code of a skip, conflict, ignored event or failure. */
  reason: 'reason',
  /** Hub zone name, e.g. `privatelink.blob.core.windows.net`. */
  zone: 'zone',
  /** Relative record name inside the zone. */
  recordName: 'recordName',
  /** `create`, `update` or `delete`. */
  change: 'change',
  /** Private endpoint resource id. */
  endpointId: 'endpointId',
  /** Recovery Services vault resource id, when the endpoint targets one. */
  vaultId: 'vaultId',
  /** Spoke subscription id the endpoint or event belongs to. */
  subscriptionId: 'subscriptionId',
  /** Event-to-record latency in milliseconds (also carried on `RecordWritten`). */
  latencyMs: 'latencyMs',
  /** Private endpoint connection id on the vault (approvals). */
  connectionId: 'connectionId',
  /** Approval decision: `Approved`, `Rejected` or `TimedOut`. */
  decision: 'decision',
  /** Durable orchestration name and instance id. */
  orchestration: 'orchestration',
  instanceId: 'instanceId',
  /** Error message of a failure. */
  error: 'error',
  /** Reconcile scope (`all`, a subscription, resource group, vault or endpoint id) and trigger. */
  scope: 'scope',
  trigger: 'trigger',
  /** Reconcile drift broken down by change kind. */
  creates: 'creates',
  updates: 'updates',
  deletes: 'deletes',
  /** Whether the reconcile only planned (no writes). */
  dryRun: 'dryRun',
  /** Backup watch: endpoints listed, changed (synced again), gone, unchanged; ARM requests it made and how. */
  endpoints: 'endpoints',
  changed: 'changed',
  gone: 'gone',
  unchanged: 'unchanged',
  requests: 'requests',
  source: 'source',
  /** ARM request: HTTP method, resource type (last provider segment, e.g. `privateDnsZones/A`), HTTP status. */
  method: 'method',
  resourceType: 'resourceType',
  status: 'status',
  /** Numeric value of a metric. */
  value: 'value',
} as const;

export type TelemetryEventName = (typeof TELEMETRY_EVENTS)[keyof typeof TELEMETRY_EVENTS];
export type TelemetryMetricName = (typeof TELEMETRY_METRICS)[keyof typeof TELEMETRY_METRICS];
export type TelemetryCounterName = (typeof TELEMETRY_COUNTERS)[keyof typeof TELEMETRY_COUNTERS];
export type TelemetryPropertyName = (typeof TELEMETRY_PROPERTIES)[keyof typeof TELEMETRY_PROPERTIES];
export type TelemetryName = TelemetryEventName | TelemetryMetricName | TelemetryCounterName;
export type TelemetryValue = string | number | boolean;
export type TelemetryProperties = Partial<Record<TelemetryPropertyName, TelemetryValue>>;

/** How a metric is recorded: a histogram (latency, counts per run) or a gauge (a level sampled now and then). */
export type MetricInstrumentKind = 'histogram' | 'gauge';

export interface MetricInstrument {
  readonly kind: MetricInstrumentKind;
  readonly unit: string;
  readonly description: string;
}

/** The OpenTelemetry instrument behind each metric name. */
export const METRIC_INSTRUMENTS: Readonly<Record<TelemetryMetricName, MetricInstrument>> = {
  EventToRecordLatencyMs: {
    kind: 'histogram',
    unit: 'ms',
    description: 'Milliseconds from the ARM event time to the record write it caused',
  },
  ReconcileDriftCount: {
    kind: 'histogram',
    unit: '{change}',
    description: 'Changes a reconcile run found necessary (0 = no drift)',
  },
  PendingApprovalCount: {
    kind: 'gauge',
    unit: '{connection}',
    description: 'Private endpoint connections waiting for an approval decision',
  },
  BackupWatchChangedCount: {
    kind: 'histogram',
    unit: '{endpoint}',
    description: 'Backup endpoints a watch run found changed and synced again',
  },
};

/**
 * Properties that become metric dimensions (the counter of every event and the metrics above carry them). Only
 * names with few values: a dimension per endpoint, record or instance would make every data point its own series.
 */
export const METRIC_DIMENSIONS: ReadonlySet<TelemetryPropertyName> = new Set<TelemetryPropertyName>([
  'reason',
  'zone',
  'change',
  'decision',
  'trigger',
  'dryRun',
  'source',
  'method',
  'resourceType',
  'status',
]);

/** The low-cardinality part of a signal's properties, as metric attributes. */
export function metricDimensions(properties: TelemetryProperties): Record<string, TelemetryValue> {
  const out: Record<string, TelemetryValue> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value !== undefined && METRIC_DIMENSIONS.has(key as TelemetryPropertyName)) out[key] = value;
  }
  return out;
}

const EVENT_NAMES: ReadonlySet<string> = new Set(Object.values(TELEMETRY_EVENTS));
const METRIC_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(TELEMETRY_METRICS),
  ...Object.values(TELEMETRY_COUNTERS),
]);
const PROPERTY_NAMES: ReadonlySet<string> = new Set(Object.values(TELEMETRY_PROPERTIES));

export function isTelemetryName(name: string): name is TelemetryName {
  return EVENT_NAMES.has(name) || METRIC_NAMES.has(name);
}

export function isTelemetryProperty(name: string): name is TelemetryPropertyName {
  return PROPERTY_NAMES.has(name);
}

/** The log line for one custom event. Property keys are sorted so equal events give equal lines. */
export function formatTelemetryLine(name: TelemetryName, properties: TelemetryProperties = {}): string {
  const sorted: Record<string, TelemetryValue> = {};
  for (const key of Object.keys(properties).sort()) {
    const value = properties[key as TelemetryPropertyName];
    if (value !== undefined) sorted[key] = value;
  }
  return `${TELEMETRY_LOG_PREFIX} ${name} ${JSON.stringify(sorted)}`;
}

/** The log line for one metric sample; the number goes in the `value` property. */
export function formatMetricLine(
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): string {
  if (!Number.isFinite(value)) throw new Error(`metric ${name}: value must be a finite number, got ${value}`);
  return formatTelemetryLine(name, { ...properties, value });
}

export interface ParsedTelemetryLine {
  readonly name: TelemetryName;
  readonly properties: Record<string, TelemetryValue>;
}

/**
 * Reads a line written by `formatTelemetryLine` back (tests, the CLI's log reader). Returns undefined for
 * any other log line, for unknown names and for payloads that are not flat JSON objects.
 */
export function parseTelemetryLine(line: string): ParsedTelemetryLine | undefined {
  const match = /^(\S+) (\S+) (\{.*\})$/s.exec(line);
  if (!match || match[1] !== TELEMETRY_LOG_PREFIX) return undefined;
  const name = match[2] ?? '';
  if (!isTelemetryName(name)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(match[3] ?? '');
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const properties: Record<string, TelemetryValue> = {};
  for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return undefined;
    properties[key] = value;
  }
  return { name, properties };
}
