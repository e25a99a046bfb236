/**
 * The metrics and events a sync emits, read from the app's local OpenTelemetry exporter (src/azure/telemetry.ts,
 * the in-memory reader and log exporter) while the real durable-functions replay runs the orchestrations on the
 * local host against the ARM emulator. Application Insights gets the same instruments through Azure Monitor's
 * exporter; here nothing leaves the process.
 */
import { waitUntil } from '../../local/stack';
import { localTelemetry, type ExportedEvent, type LocalTelemetry } from '../../src/azure/telemetry';
import { TELEMETRY_COUNTERS, TELEMETRY_EVENTS, TELEMETRY_METRICS } from '../../src/core/telemetry';
import { ORCHESTRATIONS, syncInstanceId } from '../../src/orchestrations';
import type { ReconcileOutput, SyncEndpointInput, SyncEndpointOutput } from '../../src/orchestrations';
import {
  BACKUP_ZONE,
  createVaultWithEndpoint,
  expectedRecords,
  startOrchestrationEnv,
} from './orchestration-helpers';
import type { OrchestrationTestEnv } from './orchestration-helpers';

let env: OrchestrationTestEnv;
let telemetry: LocalTelemetry;

beforeAll(async () => {
  env = await startOrchestrationEnv();
  const local = localTelemetry();
  if (!local) throw new Error('the app should use the in-memory exporter without a connection string');
  telemetry = local;
});

afterAll(async () => {
  await env.stop();
});

/** Metric totals now, to compare with totals after the step under test (the reader is cumulative). */
async function totals(): Promise<
  (name: string, where?: Record<string, string | number | boolean>) => Promise<number>
> {
  const before = new Map<string, number>();
  for (const series of await telemetry.metrics()) {
    const key = `${series.name}|${JSON.stringify(series.attributes)}`;
    before.set(key, series.kind === 'histogram' ? series.count : series.value);
  }
  return async (name, where = {}) => {
    let delta = 0;
    for (const series of await telemetry.metrics()) {
      if (series.name !== name) continue;
      if (!Object.entries(where).every(([k, v]) => series.attributes[k] === v)) continue;
      const now = series.kind === 'histogram' ? series.count : series.value;
      delta += now - (before.get(`${series.name}|${JSON.stringify(series.attributes)}`) ?? 0);
    }
    return delta;
  };
}

function eventsSince(mark: number, name: string): ExportedEvent[] {
  return telemetry
    .events()
    .slice(mark)
    .filter((e) => e.name === name);
}

async function sync(endpointId: string): Promise<SyncEndpointOutput> {
  const instanceId = syncInstanceId(endpointId);
  const input: SyncEndpointInput = { endpointId, trigger: 'event', eventTime: new Date().toISOString() };
  await env.host.durable.startNew(ORCHESTRATIONS.syncEndpoint, { instanceId, input });
  const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
  expect(done.runtimeStatus).toBe('Completed');
  return done.output as SyncEndpointOutput;
}

describe('telemetry a sync emits, through the local exporter', () => {
  it('each record written is one RecordWritten event, one count and one latency sample', async () => {
    const delta = await totals();
    const mark = telemetry.events().length;
    const logMark = env.logs.length;
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'tel');
    const output = await sync(endpointId);
    expect(output.written).toBe(2);

    const wanted = [...(expectedRecords(env, vaultId).get(BACKUP_ZONE)?.keys() ?? [])].sort();
    expect(wanted).toHaveLength(2);
    await waitUntil(
      'RecordWritten',
      () => eventsSince(mark, TELEMETRY_EVENTS.recordWritten).length >= 2,
      30_000,
    );
    const written = eventsSince(mark, TELEMETRY_EVENTS.recordWritten);
    // Once per record, whatever the replays of the orchestrator around the activity.
    expect(written.map((e) => e.properties.recordName).sort()).toEqual(wanted);
    for (const event of written) {
      expect(event.properties).toMatchObject({
        zone: BACKUP_ZONE,
        change: 'create',
        endpointId: endpointId.toLowerCase(),
      });
      expect(typeof event.properties.latencyMs).toBe('number');
    }

    // The counter behind the workbook's "records written" carries zone and change, not the record name.
    expect(await delta(TELEMETRY_EVENTS.recordWritten, { zone: BACKUP_ZONE, change: 'create' })).toBe(2);
    const series = (await telemetry.metrics()).filter((s) => s.name === TELEMETRY_EVENTS.recordWritten);
    for (const s of series) expect(Object.keys(s.attributes).sort()).toEqual(['change', 'zone']);

    // Event-to-record latency is a histogram with one sample per record written.
    expect(await delta(TELEMETRY_METRICS.eventToRecordLatencyMs, { zone: BACKUP_ZONE })).toBe(2);
    const latency = (await telemetry.metrics()).find(
      (s) => s.name === TELEMETRY_METRICS.eventToRecordLatencyMs && s.attributes.zone === BACKUP_ZONE,
    );
    expect(latency?.kind).toBe('histogram');
    expect(latency?.min).toBeGreaterThanOrEqual(0);

    // The debug echo in the log names the same events.
    const echoed = env
      .telemetry(TELEMETRY_EVENTS.recordWritten)
      .filter((t) => wanted.includes(String(t.properties.recordName)));
    expect(env.logs.length).toBeGreaterThan(logMark);
    expect(echoed.map((t) => t.properties.recordName).sort()).toEqual(wanted);
  });

  it('a reconcile reports its outcome once: ReconcileCompleted, drift and pending approvals', async () => {
    const delta = await totals();
    const mark = telemetry.events().length;
    createVaultWithEndpoint(env, 'tel-pending', { pending: true });
    const instanceId = 'telemetry-reconcile-1';
    await env.host.durable.startNew(ORCHESTRATIONS.reconcile, {
      instanceId,
      input: { dryRun: true, trigger: 'test' },
    });
    const done = await env.host.durable.waitForCompletion(instanceId, 60_000);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as ReconcileOutput;

    const completed = eventsSince(mark, TELEMETRY_EVENTS.reconcileCompleted);
    expect(completed).toHaveLength(1);
    expect(completed[0]?.properties).toMatchObject({ trigger: 'test', dryRun: true });
    expect(await delta(TELEMETRY_EVENTS.reconcileCompleted, { trigger: 'test', dryRun: true })).toBe(1);
    expect(await delta(TELEMETRY_METRICS.reconcileDriftCount, { trigger: 'test' })).toBe(1);
    expect(output).toBeDefined();

    const pending = (await telemetry.metrics()).find(
      (s) => s.name === TELEMETRY_METRICS.pendingApprovalCount,
    );
    expect(pending?.kind).toBe('gauge');
    expect(pending?.value).toBeGreaterThanOrEqual(1);
  });

  it('counts a 429 from ARM and the retry it caused', async () => {
    const delta = await totals();
    const { endpointId } = createVaultWithEndpoint(env, 'tel-throttled');
    env.emu.faults.configure({
      rules: [
        {
          name: 'endpoint-429',
          match: { operationId: 'PrivateEndpoints_Get' },
          errorRate: 1,
          errors: [429],
          maxErrors: 1,
          retryAfterSeconds: 0,
        },
      ],
    });
    try {
      expect((await sync(endpointId)).written).toBe(2);
    } finally {
      env.emu.faults.reset();
    }
    expect(
      await delta(TELEMETRY_COUNTERS.armThrottled, {
        method: 'GET',
        resourceType: 'privateEndpoints',
        status: 429,
      }),
    ).toBe(1);
    expect(await delta(TELEMETRY_COUNTERS.armRetried, { reason: 'throttled', status: 429 })).toBe(1);
  });
});
