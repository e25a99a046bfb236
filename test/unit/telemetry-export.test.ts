/**
 * The telemetry transport (src/azure/telemetry.ts) on its in-memory exporter: what each kind of signal becomes,
 * which properties become metric dimensions, what is dropped, and how the Azure Monitor identity is read from the
 * app settings the hub template writes.
 */
import {
  CUSTOM_EVENT_ATTRIBUTE,
  LOCAL_EVENT_LIMIT,
  localTelemetry,
  recordCount,
  recordEvent,
  recordMetric,
  startTelemetry,
  stopTelemetry,
  telemetryIdentity,
} from '../../src/azure/telemetry';
import { armResourceType } from '../../src/azure/clients';
import {
  METRIC_DIMENSIONS,
  METRIC_INSTRUMENTS,
  TELEMETRY_COUNTERS,
  TELEMETRY_EVENTS,
  TELEMETRY_METRICS,
  metricDimensions,
} from '../../src/core/telemetry';

const local = () => {
  const t = localTelemetry();
  if (!t) throw new Error('no local exporter');
  return t;
};

describe('telemetry transport (in-memory exporter)', () => {
  it('without a connection string the process keeps telemetry in memory, and says so every time', async () => {
    expect(startTelemetry({})).toBe('local');
    expect(startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' })).toBe('local');
    await expect(stopTelemetry()).resolves.toBeUndefined();
  });

  it('an event is a custom event with every property and a count with only the dimensions', async () => {
    const mark = local().events().length;
    const before = await local().total(TELEMETRY_EVENTS.conflictDetected, { reason: 'unit-test-conflict' });
    recordEvent(TELEMETRY_EVENTS.conflictDetected, {
      reason: 'unit-test-conflict',
      zone: 'privatelink.blob.core.windows.net',
      recordName: 'acct1',
      endpointId: undefined,
    });
    const [event] = local().events().slice(mark);
    expect(event?.name).toBe('ConflictDetected');
    expect(event?.properties).toEqual({
      reason: 'unit-test-conflict',
      zone: 'privatelink.blob.core.windows.net',
      recordName: 'acct1',
    });
    expect(event?.properties[CUSTOM_EVENT_ATTRIBUTE]).toBeUndefined();
    expect(await local().total(TELEMETRY_EVENTS.conflictDetected, { reason: 'unit-test-conflict' })).toBe(
      before + 1,
    );
    const series = (await local().metrics()).find(
      (s) => s.name === TELEMETRY_EVENTS.conflictDetected && s.attributes.reason === 'unit-test-conflict',
    );
    expect(series?.attributes).toEqual({
      reason: 'unit-test-conflict',
      zone: 'privatelink.blob.core.windows.net',
    });
  });

  it('counters leave no event; metrics go to their histogram or gauge; non-finite samples are dropped', async () => {
    const mark = local().events().length;
    recordCount(TELEMETRY_COUNTERS.armThrottled, { method: 'PUT', resourceType: 'unit/x', status: 429 });
    recordMetric(TELEMETRY_METRICS.backupWatchChangedCount, 3, { source: 'unit' });
    recordMetric(TELEMETRY_METRICS.backupWatchChangedCount, 1, { source: 'unit' });
    recordMetric(TELEMETRY_METRICS.backupWatchChangedCount, Number.NaN, { source: 'unit' });
    recordMetric(TELEMETRY_METRICS.pendingApprovalCount, 7, { scope: 'all' });
    recordMetric(TELEMETRY_METRICS.pendingApprovalCount, 4, { scope: 'all' });
    expect(local().events().slice(mark)).toEqual([]);

    const metrics = await local().metrics();
    expect(
      metrics.find((s) => s.name === 'ArmThrottled' && s.attributes.resourceType === 'unit/x'),
    ).toMatchObject({
      kind: 'counter',
      value: 1,
    });
    expect(
      metrics.find((s) => s.name === 'BackupWatchChangedCount' && s.attributes.source === 'unit'),
    ).toMatchObject({
      kind: 'histogram',
      value: 4,
      count: 2,
      min: 1,
      max: 3,
    });
    // A gauge keeps the last value; `scope` is not a dimension.
    expect(metrics.find((s) => s.name === 'PendingApprovalCount')).toMatchObject({
      kind: 'gauge',
      value: 4,
      attributes: {},
    });
    expect(await local().total('BackupWatchChangedCount', { source: 'unit' })).toBe(2);
    expect(await local().total('NoSuchMetric')).toBe(0);
  });

  it(`keeps the last ${LOCAL_EVENT_LIMIT} events`, () => {
    for (let i = 0; i <= LOCAL_EVENT_LIMIT; i++)
      recordEvent(TELEMETRY_EVENTS.eventIgnored, { reason: `r${i}` });
    const events = local().events(TELEMETRY_EVENTS.eventIgnored);
    expect(local().events()).toHaveLength(LOCAL_EVENT_LIMIT);
    expect(events.at(-1)?.properties.reason).toBe(`r${LOCAL_EVENT_LIMIT}`);
    expect(events.some((e) => e.properties.reason === 'r0')).toBe(false);
  });
});

describe('telemetry vocabulary → instruments', () => {
  it('every metric has an instrument, and dimensions are only low-cardinality properties', () => {
    expect(Object.keys(METRIC_INSTRUMENTS).sort()).toEqual(Object.values(TELEMETRY_METRICS).sort());
    for (const highCardinality of [
      'endpointId',
      'recordName',
      'instanceId',
      'error',
      'vaultId',
      'connectionId',
    ])
      expect(METRIC_DIMENSIONS.has(highCardinality as never)).toBe(false);
    expect(metricDimensions({ reason: 'x', endpointId: 'e', zone: undefined, dryRun: false })).toEqual({
      reason: 'x',
      dryRun: false,
    });
  });
});

describe('Azure Monitor identity from APPLICATIONINSIGHTS_AUTHENTICATION_STRING', () => {
  it.each([
    [{}, undefined],
    [{ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: '' }, undefined],
    [{ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=Key' }, undefined],
    [{ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=abc;Authorization=AAD' }, { clientId: 'abc' }],
    [
      { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'authorization=aad; clientid = abc ' },
      { clientId: 'abc' },
    ],
    [{ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD' }, {}],
    [
      { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD', AZURE_CLIENT_ID: ' def ' },
      { clientId: 'def' },
    ],
    [
      { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=', AZURE_CLIENT_ID: 'def' },
      { clientId: 'def' },
    ],
    [{ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: '=x;Authorization=AAD;junk' }, {}],
  ])('%j → %j', (env, expected) => {
    expect(telemetryIdentity(env)).toEqual(expected);
  });
});

describe('armResourceType (ArmThrottled dimension)', () => {
  const base = 'https://management.azure.com';
  it.each([
    [
      `${base}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z/A/rec?api-version=1`,
      'privateDnsZones/A',
    ],
    [
      `${base}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`,
      'privateEndpoints',
    ],
    [
      `${base}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z/ALL`,
      'privateDnsZones/ALL',
    ],
    [`${base}/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01`, 'resources'],
    [`${base}/subscriptions/s/resourceGroups/rg`, 'resources'],
    [`${base}/subscriptions/s/providers/Microsoft.Network`, 'resources'],
    ['not a url', 'unknown'],
  ])('%s → %s', (url, expected) => {
    expect(armResourceType(url)).toBe(expected);
  });
});
