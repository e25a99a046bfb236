/**
 * Event Grid → app → hub records, on the local host with the ARM emulator: the emulator's Event Grid delivery
 * validates the webhook and posts the events ARM would publish; the app's trigger starts or signals the
 * endpoint's orchestration; records land in the hub zones through the real SDK clients.
 */
import { waitUntil } from '../../local/stack';
import {
  LOCATION,
  SPOKE,
  SPOKE2,
  SPOKE2_RG,
  SPOKE2_SUBNET_ID,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
} from '../../demo/estate';
import { createBackupEndpoint, createVault, missingEntries } from '../../demo/mission';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { syncInstanceId } from '../../src/orchestrations';
import { telemetryCounters } from '../../src/durable/telemetry';
import { FUNCTION_NAMES } from '../../src/core/functionNames';
import { parseTelemetryLine } from '../../src/core/telemetry';

const FOREIGN_SUB = '00000000-0000-4000-8000-0000000000f1';

let stack: DemoStack;
/** What the app logged through its invocation contexts (the host's log sink). */
const appLog: string[] = [];

/**
 * Emulated time runs 20x real time (host and emulator alike, so Azure's limits and the app's pacing agree). The
 * tests here write over a hundred records, about 60 of them into `privatelink.eus.backup.windowsazure.com`
 * within a minute; the zone's write pacer (60 starts per 63 s) then holds the reconcile's writes back until
 * the oldest ones leave the window, which at real time would be most of a minute of waiting.
 */
const TIME_SCALE = 20;

beforeAll(async () => {
  stack = await startDemoStack({
    log: (_level, message) => appLog.push(message),
    timeMode: { scale: TIME_SCALE },
    emulator: { timeScale: TIME_SCALE },
  });
});

/** Telemetry lines the app wrote (`plds <Name> {json}`), parsed back. */
function telemetryLines(name: string): Record<string, unknown>[] {
  return appLog.flatMap((line) => {
    const at = line.indexOf(`plds ${name} {`);
    if (at < 0) return [];
    const parsed = parseTelemetryLine(line.slice(at));
    return parsed ? [parsed.properties] : [];
  });
}

afterAll(async () => {
  await stack?.stop();
});

const settledEntries = (vaultId: string) => () => {
  const entries = stack.backup.dnsEntries(vaultId);
  return entries.length > 0 && missingEntries(stack, entries).length === 0;
};

/** Hub A-record writes (PUT) the app made, from the emulator's request log. */
const recordPuts = () => stack.emu.log.count('RecordSets_CreateOrUpdate');

async function postEvents(events: unknown[]): Promise<number> {
  const response = await fetch(stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify(events),
  });
  return response.status;
}

function armEvent(
  kind: 'write' | 'delete',
  resourceUri: string,
  operationName: string,
  subscriptionId = SPOKE,
) {
  return {
    id: `${kind}-${Math.random().toString(16).slice(2)}`,
    topic: `/subscriptions/${subscriptionId}`,
    subject: resourceUri,
    eventType:
      kind === 'write'
        ? 'Microsoft.Resources.ResourceWriteSuccess'
        : 'Microsoft.Resources.ResourceDeleteSuccess',
    eventTime: new Date().toISOString(),
    data: { resourceUri, operationName, status: 'Succeeded', subscriptionId },
    dataVersion: '',
    metadataVersion: '1',
  };
}

describe('Event Grid webhook', () => {
  it('passed the validation handshake for both spokes', () => {
    const subscriptions = stack.eventGrid.delivery.subscriptions();
    expect(subscriptions.map((s) => s.subscriptionId).sort()).toEqual([SPOKE, SPOKE2].sort());
  });

  it('answers a validation event with the code', async () => {
    const response = await fetch(stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body: JSON.stringify([
        {
          id: 'v1',
          topic: `/subscriptions/${SPOKE}`,
          subject: '',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: new Date().toISOString(),
          data: { validationCode: 'code-123' },
          dataVersion: '1',
        },
      ]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ validationResponse: 'code-123' });
  });

  it('acknowledges out-of-scope events and counts them with a reason', async () => {
    const before = telemetryCounters();
    const foreignPe = `/subscriptions/${FOREIGN_SUB}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-x`;
    const missingNic = `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/networkInterfaces/nic-gone`;
    const status = await postEvents([
      armEvent('write', foreignPe, 'Microsoft.Network/privateEndpoints/write', FOREIGN_SUB),
      armEvent(
        'write',
        `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/sa1`,
        'Microsoft.Storage/storageAccounts/write',
      ),
      armEvent('write', missingNic, 'Microsoft.Network/networkInterfaces/write'),
      {
        id: 'garbage',
        eventType: 'Microsoft.Resources.ResourceWriteSuccess',
        subject: 'x',
        eventTime: 'now',
        data: 7,
      },
    ]);
    expect(status).toBe(202);
    const after = telemetryCounters();
    const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(delta('EventIgnored:subscription-not-allowed')).toBe(1);
    expect(delta('EventIgnored:unsupported-operation')).toBe(1);
    expect(delta('EventIgnored:nic-not-found')).toBe(1);
    expect(delta('EventIgnored:malformed-event')).toBe(1);
    expect(delta('EventIgnored')).toBe(4);
    // Each one is also a structured telemetry line in the invocation log.
    const reasons = telemetryLines('EventIgnored').map((p) => p.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'subscription-not-allowed',
        'unsupported-operation',
        'nic-not-found',
        'malformed-event',
      ]),
    );
  });
});

describe('event-driven sync', () => {
  // Backup's own later changes to a vault endpoint's NIC (roles arriving on registration, v2 storage FQDNs) raise no
  // event unless the simulator is told to publish them; the tests that follow Backup by its events turn that on.
  afterEach(() => {
    stack.backup.options.serviceChangeEvents = false;
  });

  it('follows Backup v1 through endpoint, discovery and first backup (Backup change events on)', async () => {
    stack.backup.options.serviceChangeEvents = true;
    const vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-eg-v1');
    const endpointId = await createBackupEndpoint(stack, {
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      subnetId: SPOKE_SUBNET_ID,
      name: 'pe-eg-v1',
      vaultId,
    });
    await waitUntil('v1 service records', settledEntries(vaultId));
    stack.backup.discover(vaultId);
    await waitUntil('v1 ecs records', settledEntries(vaultId));
    stack.backup.firstBackup(vaultId);
    await waitUntil('v1 prot records', settledEntries(vaultId));
    const entries = stack.backup.dnsEntries(vaultId);
    expect(new Set(entries.map((e) => e.zone))).toEqual(
      new Set([
        'privatelink.eus.backup.windowsazure.com',
        'privatelink.blob.core.windows.net',
        'privatelink.queue.core.windows.net',
      ]),
    );
    // Every delivery for the vault endpoint went to one instance.
    expect(stack.host.durable.getStatus(syncInstanceId(endpointId))).toBeDefined();
  });

  it('maps a NIC event to the endpoint the NIC belongs to', async () => {
    const vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-eg-nic');
    const endpointId = await createBackupEndpoint(stack, {
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      subnetId: SPOKE_SUBNET_ID,
      name: 'pe-eg-nic',
      vaultId,
    });
    await waitUntil('records of the endpoint', settledEntries(vaultId));
    const nicId = stack.network.getNetworkInterface(endpointId)!.id;
    const event = armEvent('write', nicId, 'Microsoft.Network/networkInterfaces/write');
    expect(await postEvents([event])).toBe(202);
    const line = appLog.find((l) => l.includes(`event ${event.id}:`));
    expect(line).toContain(syncInstanceId(endpointId));
    expect(line).toContain(endpointId.toLowerCase());
  });

  it('follows Backup v2 as the endpoint NIC gains storage FQDNs (Backup change events on)', async () => {
    stack.backup.options.serviceChangeEvents = true;
    const vaultId = stack.backup.createVault({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      name: 'rsv-eg-v2',
      location: LOCATION,
      experience: 'v2',
    }).id;
    await createBackupEndpoint(stack, {
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      subnetId: SPOKE_SUBNET_ID,
      name: 'pe-eg-v2',
      vaultId,
    });
    await waitUntil('v2 service records', settledEntries(vaultId));
    stack.backup.discover(vaultId);
    stack.backup.firstBackup(vaultId);
    await waitUntil('v2 storage records', settledEntries(vaultId));
    expect(
      stack.backup.dnsEntries(vaultId).some((e) => e.zone === 'privatelink.queue.core.windows.net'),
    ).toBe(true);
  });

  it('coalesces duplicated, reordered and delayed deliveries', async () => {
    const name = 'plds-chaos';
    const normal = stack.eventGrid.delivery.subscriptions().find((s) => s.subscriptionId === SPOKE);
    stack.eventGrid.delivery.unsubscribe(normal!.name);
    await stack.subscribeSpoke(SPOKE, name, { duplicateRate: 1, reorderWindowMs: 150, delayMs: 100 });
    try {
      const vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-eg-chaos');
      const putsBefore = recordPuts();
      const endpointId = await createBackupEndpoint(stack, {
        subscriptionId: SPOKE,
        resourceGroup: SPOKE_RG,
        subnetId: SPOKE_SUBNET_ID,
        name: 'pe-eg-chaos',
        vaultId,
      });
      await waitUntil('records despite chaos', settledEntries(vaultId));
      await stack.eventGrid.idle();
      const stats = stack.eventGrid.delivery.stats(name);
      expect(stats.duplicated).toBeGreaterThan(0);
      // One instance for the endpoint; each record written once although every event came twice.
      const instances = stack.host.durable
        .listInstances()
        .filter((s) => s.instanceId === syncInstanceId(endpointId));
      expect(instances).toHaveLength(1);
      await waitUntil('the instance to settle', () => {
        const s = stack.host.durable.getStatus(syncInstanceId(endpointId));
        return s !== undefined && s.runtimeStatus !== 'Running' && s.runtimeStatus !== 'Pending';
      });
      expect(recordPuts() - putsBefore).toBe(stack.backup.dnsEntries(vaultId).length);

      // Created and deleted at once: whatever order the events arrive in, nothing is left behind.
      const shortLived = await createBackupEndpoint(stack, {
        subscriptionId: SPOKE,
        resourceGroup: SPOKE_RG,
        subnetId: SPOKE_SUBNET_ID,
        name: 'pe-eg-shortlived',
        vaultId,
      });
      const shortLivedIp = JSON.stringify(stack.network.getNetworkInterface(shortLived)?.properties).match(
        /10\.12\.\d+\.\d+/,
      )?.[0];
      await stack
        .networkClient(SPOKE)
        .privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-eg-shortlived', { updateIntervalInMs: 10 });
      await stack.eventGrid.idle();
      await stack.host.durable.waitForStatus(
        syncInstanceId(shortLived),
        (s) => s !== undefined && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus),
        20_000,
      );
      expect(stack.hubRecords().some((r) => shortLivedIp !== undefined && r.ips.includes(shortLivedIp))).toBe(
        false,
      );
    } finally {
      stack.eventGrid.delivery.unsubscribe(name);
      await stack.subscribeSpoke(SPOKE, normal!.name);
    }
  });

  it('ends with no records when the delete event arrives before the (stale) write event', async () => {
    const vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-eg-dbc');
    const endpointId = await createBackupEndpoint(stack, {
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      subnetId: SPOKE_SUBNET_ID,
      name: 'pe-eg-dbc',
      vaultId,
    });
    await waitUntil('records of the endpoint', settledEntries(vaultId));
    const entries = stack.backup.dnsEntries(vaultId);
    await stack.host.durable.waitForStatus(
      syncInstanceId(endpointId),
      (s) => s !== undefined && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus),
      20_000,
    );
    // Deleted while nobody listens; then its events arrive out of order: the delete, then a stale write.
    const normal = stack.eventGrid.delivery.subscriptions().find((s) => s.subscriptionId === SPOKE)!;
    stack.eventGrid.delivery.unsubscribe(normal.name);
    try {
      await stack
        .networkClient(SPOKE)
        .privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-eg-dbc', { updateIntervalInMs: 10 });
    } finally {
      await stack.subscribeSpoke(SPOKE, normal.name);
    }
    expect(missingEntries(stack, entries)).toEqual([]);
    expect(
      await postEvents([armEvent('delete', endpointId, 'Microsoft.Network/privateEndpoints/delete')]),
    ).toBe(202);
    expect(
      await postEvents([armEvent('write', endpointId, 'Microsoft.Network/privateEndpoints/write')]),
    ).toBe(202);
    await waitUntil('the records to go', () =>
      entries.every((e) => stack.hubRecord(e.zone, e.recordName) === undefined),
    );
    const done = await stack.host.durable.waitForStatus(
      syncInstanceId(endpointId),
      (s) => s !== undefined && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus),
      20_000,
    );
    expect(done?.runtimeStatus).toBe('Completed');
    expect(entries.filter((e) => stack.hubRecord(e.zone, e.recordName) !== undefined)).toEqual([]);
  });

  it('takes CloudEvents 1.0 deliveries as well', async () => {
    const normal = stack.eventGrid.delivery.subscriptions().find((s) => s.subscriptionId === SPOKE2)!;
    stack.eventGrid.delivery.unsubscribe(normal.name);
    const name = 'plds-cloudevents';
    await stack.eventGrid.subscribe({
      name,
      subscriptionId: SPOKE2,
      endpointUrl: stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync),
      eventDeliverySchema: 'CloudEventSchemaV1_0',
    });
    try {
      // The vault lives in the second spoke, so its owner's endpoint is approved at once.
      const vaultId = await createVault(stack, SPOKE2, SPOKE2_RG, 'rsv-eg-ce');
      await createBackupEndpoint(stack, {
        subscriptionId: SPOKE2,
        resourceGroup: SPOKE2_RG,
        subnetId: SPOKE2_SUBNET_ID,
        name: 'pe-eg-ce',
        vaultId,
      });
      await waitUntil('records from CloudEvents', settledEntries(vaultId));
      expect(stack.eventGrid.delivery.stats(name).delivered).toBeGreaterThan(0);
    } finally {
      stack.eventGrid.delivery.unsubscribe(name);
      await stack.subscribeSpoke(SPOKE2, normal.name);
    }
  });

  it('repairs a lost event on the timer reconcile', async () => {
    const normal = stack.eventGrid.delivery.subscriptions().find((s) => s.subscriptionId === SPOKE)!;
    stack.eventGrid.delivery.unsubscribe(normal.name);
    let vaultId: string;
    try {
      vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-eg-lost');
      await createBackupEndpoint(stack, {
        subscriptionId: SPOKE,
        resourceGroup: SPOKE_RG,
        subnetId: SPOKE_SUBNET_ID,
        name: 'pe-eg-lost',
        vaultId,
      });
    } finally {
      await stack.subscribeSpoke(SPOKE, normal.name);
    }
    // Nothing heard of it: its records are missing.
    expect(missingEntries(stack, stack.backup.dnsEntries(vaultId))).toHaveLength(
      stack.backup.dnsEntries(vaultId).length,
    );
    await stack.host.runTimerNow(FUNCTION_NAMES.reconcileTimer);
    const timerRun = stack.host.durable.listInstances({ instanceIdPrefix: 'reconcile-timer-' });
    expect(timerRun.length).toBeGreaterThan(0);
    const finished = await stack.host.durable.waitForCompletion(
      timerRun[timerRun.length - 1]!.instanceId,
      30_000,
    );
    expect(finished.runtimeStatus).toBe('Completed');
    expect(missingEntries(stack, stack.backup.dnsEntries(vaultId))).toEqual([]);
    // Hub zone records of this estate only: the foreign record stands.
    expect(stack.hubRecord('privatelink.blob.core.windows.net', 'legacyappstore')).toEqual(['10.0.9.9']);
  });
});
