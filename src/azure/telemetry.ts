/**
 * Where the app's custom events and metrics go: OpenTelemetry instruments and log records, exported to
 * Application Insights in Azure and kept in memory everywhere else.
 *
 * - An event (`TELEMETRY_EVENTS`) is one log record carrying `microsoft.custom_event.name`, which the Azure Monitor
 *   exporter sends as a custom event (`customEvents`), plus one increment of a counter with the same name whose
 *   attributes are the event's low-cardinality properties (`customMetrics`).
 * - A counter (`TELEMETRY_COUNTERS`) is only the counter: signals too frequent to keep one by one (429s, retries).
 * - A metric (`TELEMETRY_METRICS`) is a histogram or a gauge (`METRIC_INSTRUMENTS`).
 *
 * Metrics are aggregated in the process and exported every minute with delta temporality; the exporter never
 * samples them, and log records are not sampled either unless trace-based sampling for logs is switched on (it is
 * off here). Neither passes through the Functions host, so host.json's sampling of `traces` does not apply.
 *
 * `startTelemetry()` (called by the app entry, src/index.ts) picks the exporter once per process: Azure Monitor when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set, with Entra ID auth through the managed identity when
 * APPLICATIONINSIGHTS_AUTHENTICATION_STRING says `Authorization=AAD`; otherwise the in-memory exporter
 * (`localTelemetry()`), which is also what tests, the demo and the CLI get. Recording never throws.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import { useAzureMonitor, shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import {
  metrics,
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  type Meter,
} from '@opentelemetry/api';
import { logs, SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import {
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  METRIC_INSTRUMENTS,
  metricDimensions,
  type TelemetryCounterName,
  type TelemetryEventName,
  type TelemetryMetricName,
  type TelemetryProperties,
  type TelemetryValue,
} from '../core/telemetry';

/** Instrumentation scope (meter and logger name) of everything the app records. */
export const TELEMETRY_SCOPE = 'privatelink-dns-sync';
/** The log-record attribute the Azure Monitor exporter turns into a custom event of that name. */
export const CUSTOM_EVENT_ATTRIBUTE = 'microsoft.custom_event.name';
/** Events the in-memory exporter keeps (the oldest go first), so a long local run stays bounded. */
export const LOCAL_EVENT_LIMIT = 10_000;

export type TelemetryMode = 'azure-monitor' | 'local';

export interface ExportedEvent {
  readonly name: string;
  readonly properties: Readonly<Record<string, TelemetryValue>>;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** One metric series (name + attributes) as the in-memory reader collected it, cumulative since start. */
export interface MetricSeries {
  readonly name: string;
  readonly kind: 'counter' | 'histogram' | 'gauge';
  readonly attributes: Readonly<Record<string, TelemetryValue>>;
  /** Counter: total; gauge: last value; histogram: sum. */
  readonly value: number;
  /** Histogram: number of samples (1 for counters and gauges). */
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
}

/** Keeps the last `LOCAL_EVENT_LIMIT` custom events. */
class InMemoryEventExporter implements LogRecordExporter {
  readonly events: ExportedEvent[] = [];

  export(records: ReadableLogRecord[], done: (result: { code: number }) => void): void {
    for (const record of records) {
      const { [CUSTOM_EVENT_ATTRIBUTE]: name, ...rest } = record.attributes;
      if (typeof name !== 'string') continue;
      const properties: Record<string, TelemetryValue> = {};
      for (const [key, value] of Object.entries(rest)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          properties[key] = value;
      }
      const [seconds, nanos] = record.hrTime;
      this.events.push({ name, properties, timestamp: seconds * 1000 + Math.floor(nanos / 1e6) });
    }
    if (this.events.length > LOCAL_EVENT_LIMIT) this.events.splice(0, this.events.length - LOCAL_EVENT_LIMIT);
    done({ code: 0 });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** A reader that collects only when asked (cumulative: totals since the process started). */
class OnDemandReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The local exporter: what a run recorded, under the same names Application Insights would show. */
export class LocalTelemetry {
  private readonly exporter = new InMemoryEventExporter();
  private readonly reader = new OnDemandReader();
  readonly loggerProvider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: this.exporter })],
  });
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  /** Custom events recorded so far (the last `LOCAL_EVENT_LIMIT`), optionally of one name. */
  events(name?: string): ExportedEvent[] {
    return this.exporter.events.filter((e) => name === undefined || e.name === name);
  }

  /** Every metric series with its cumulative value. */
  async metrics(): Promise<MetricSeries[]> {
    const { resourceMetrics } = await this.reader.collect();
    const out: MetricSeries[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const attributes = point.attributes as Record<string, TelemetryValue>;
          const name = metric.descriptor.name;
          if (metric.dataPointType === DataPointType.HISTOGRAM) {
            const h = point.value as { sum?: number; count: number; min?: number; max?: number };
            out.push({
              name,
              kind: 'histogram',
              attributes,
              value: h.sum ?? 0,
              count: h.count,
              ...(h.min !== undefined ? { min: h.min } : {}),
              ...(h.max !== undefined ? { max: h.max } : {}),
            });
          } else {
            out.push({
              name,
              kind: metric.dataPointType === DataPointType.GAUGE ? 'gauge' : 'counter',
              attributes,
              value: point.value as number,
              count: 1,
            });
          }
        }
      }
    }
    return out;
  }

  /** Sum of a counter (or a histogram's sample count) over the series whose attributes include `where`. */
  async total(name: string, where: Readonly<Record<string, TelemetryValue>> = {}): Promise<number> {
    let total = 0;
    for (const series of await this.metrics()) {
      if (series.name !== name) continue;
      if (!Object.entries(where).every(([k, v]) => series.attributes[k] === v)) continue;
      total += series.kind === 'histogram' ? series.count : series.value;
    }
    return total;
  }
}

interface Pipeline {
  readonly mode: TelemetryMode;
  readonly meter: Meter;
  readonly logger: Logger;
  readonly local?: LocalTelemetry;
  readonly counters: Map<string, Counter>;
  readonly histograms: Map<string, Histogram>;
  readonly gauges: Map<string, Gauge>;
}

let pipeline: Pipeline | undefined;

function localPipeline(): Pipeline {
  const local = new LocalTelemetry();
  return {
    mode: 'local',
    meter: local.meterProvider.getMeter(TELEMETRY_SCOPE),
    logger: local.loggerProvider.getLogger(TELEMETRY_SCOPE),
    local,
    counters: new Map(),
    histograms: new Map(),
    gauges: new Map(),
  };
}

/**
 * The managed identity the exporter authenticates with, from APPLICATIONINSIGHTS_AUTHENTICATION_STRING
 * (`Authorization=AAD;ClientId=<id>`, what the hub template sets): `undefined` when Entra auth is not asked for,
 * `{}` for the system-assigned identity, `{ clientId }` for a user-assigned one (AZURE_CLIENT_ID when the string
 * names none).
 */
export function telemetryIdentity(env: NodeJS.ProcessEnv): { clientId?: string } | undefined {
  const raw = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '';
  const parts = new Map<string, string>();
  for (const part of raw.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (parts.get('authorization')?.toUpperCase() !== 'AAD') return undefined;
  const clientId = parts.get('clientid') || env.AZURE_CLIENT_ID?.trim() || undefined;
  return clientId ? { clientId } : {};
}

function azureMonitorPipeline(connectionString: string, env: NodeJS.ProcessEnv): Pipeline {
  const identity = telemetryIdentity(env);
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString,
      ...(identity ? { credential: new ManagedIdentityCredential(identity) } : {}),
    },
    // Only the app's own signals: the Functions host already reports requests, dependencies and its logs.
    enableLiveMetrics: false,
    enableStandardMetrics: false,
    enablePerformanceCounters: false,
    enableTraceBasedSamplingForLogs: false,
    instrumentationOptions: {
      azureSdk: { enabled: false },
      http: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
      console: { enabled: false },
    },
  });
  return {
    mode: 'azure-monitor',
    meter: metrics.getMeter(TELEMETRY_SCOPE),
    logger: logs.getLogger(TELEMETRY_SCOPE),
    counters: new Map(),
    histograms: new Map(),
    gauges: new Map(),
  };
}

/**
 * Chooses the exporter for this process (first call wins; later calls return the mode in force). A connection
 * string that Azure Monitor refuses leaves the app running with the in-memory exporter and says why on stderr.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): TelemetryMode {
  if (pipeline) return pipeline.mode;
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (connectionString) {
    try {
      pipeline = azureMonitorPipeline(connectionString, env);
    } catch (error) {
      process.stderr.write(
        `telemetry: Azure Monitor export not started (${error instanceof Error ? error.message : String(error)}); keeping events in memory\n`,
      );
    }
  }
  pipeline ??= localPipeline();
  return pipeline.mode;
}

/** Sends what is buffered (before the host stops the worker) and stops the exporter. */
export async function stopTelemetry(): Promise<void> {
  if (pipeline?.mode === 'azure-monitor') await shutdownAzureMonitor();
}

/** The in-memory exporter, when the process uses it (always, unless Azure Monitor was started). */
export function localTelemetry(): LocalTelemetry | undefined {
  startTelemetry({});
  return pipeline?.local;
}

function current(): Pipeline {
  if (!pipeline) startTelemetry({});
  return pipeline as Pipeline;
}

function counter(p: Pipeline, name: string): Counter {
  let c = p.counters.get(name);
  if (!c) p.counters.set(name, (c = p.meter.createCounter(name, { unit: '{occurrence}' })));
  return c;
}

function definedProperties(properties: TelemetryProperties): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(properties)) if (value !== undefined) out[key] = value;
  return out;
}

/** One custom event: a log record Application Insights keeps as `customEvents`, and a count in `customMetrics`. */
export function recordEvent(name: TelemetryEventName, properties: TelemetryProperties = {}): void {
  try {
    const p = current();
    p.logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: name,
      attributes: { ...definedProperties(properties), [CUSTOM_EVENT_ATTRIBUTE]: name },
    });
    counter(p, name).add(1, metricDimensions(properties));
  } catch {
    // Telemetry never fails the work it describes.
  }
}

/** One occurrence of a counted-only signal. */
export function recordCount(name: TelemetryCounterName, properties: TelemetryProperties = {}): void {
  try {
    counter(current(), name).add(1, metricDimensions(properties));
  } catch {
    // Telemetry never fails the work it describes.
  }
}

/** One metric sample, into the histogram or gauge `METRIC_INSTRUMENTS` names. Non-finite values are dropped. */
export function recordMetric(
  name: TelemetryMetricName,
  value: number,
  properties: Omit<TelemetryProperties, 'value'> = {},
): void {
  if (!Number.isFinite(value)) return;
  try {
    const p = current();
    const spec = METRIC_INSTRUMENTS[name];
    const attributes = metricDimensions(properties);
    const options = { unit: spec.unit, description: spec.description };
    if (spec.kind === 'gauge') {
      let g = p.gauges.get(name);
      if (!g) p.gauges.set(name, (g = p.meter.createGauge(name, options)));
      g.record(value, attributes);
    } else {
      let h = p.histograms.get(name);
      if (!h) p.histograms.set(name, (h = p.meter.createHistogram(name, options)));
      h.record(value, attributes);
    }
  } catch {
    // Telemetry never fails the work it describes.
  }
}
