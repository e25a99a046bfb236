/**
 * Regression tests of the sync machinery's correctness under real event timing, on the whole local stack (ARM
 * emulator with Event Grid delivery to the app's webhook, the app on the local host with the real durable replay):
 *
 * 1. a change delivered while an endpoint's orchestration runs is never dropped (the per-endpoint mailbox);
 * 2. a reconcile keeps the records of an endpoint that exists but momentarily shows no FQDNs (one pipeline);
 * 3. a write that meets a 412 and needs a second write gets its own slot, instead of looping on the stale write;
 * 4. duplicate deliveries racing the start of an instance are all acknowledged.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { waitUntil } from '../../local/stack';
import { HUB, HUB_RG, LOCATION, SPOKE, SPOKE_RG, SPOKE_SUBNET_ID } from '../../demo/estate';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { FUNCTION_NAMES } from '../../src/core/functionNames';
import { encodeOwnership } from '../../src/core/ownership';
import { ORCHESTRATIONS, syncInstanceId } from '../../src/orchestrations';
import type { ApplyZoneInput, ApplyZoneOutput } from '../../src/durable/applyZone';
import type { ReconcileOutput } from '../../src/flows/reconcile/contracts';
import type { SyncEndpointStatus } from '../../src/flows/sync/contracts';

const BLOB_ZONE = 'privatelink.blob.core.windows.net';
const OWNER = 'privatelink-dns-sync';

let stack: DemoStack;

beforeAll(async () => {
  stack = await startDemoStack();
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(() => {
  stack.emu.faults.configure({});
});

const storageId = (account: string): string =>
  `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/${account}`;

/** Creates a blob endpoint through the real SDK (ARM raises its write events); returns its id. */
async function createBlobEndpoint(name: string, account: string): Promise<string> {
  const created = await stack.networkClient(SPOKE).privateEndpoints.beginCreateOrUpdateAndWait(
    SPOKE_RG,
    name,
    {
      location: LOCATION,
      subnet: { id: SPOKE_SUBNET_ID },
      privateLinkServiceConnections: [
        { name: `${name}-conn`, privateLinkServiceId: storageId(account), groupIds: ['blob'] },
      ],
    },
    { updateIntervalInMs: 10 },
  );
  return created.id ?? '';
}

async function deleteEndpoint(name: string): Promise<void> {
  await stack.networkClient(SPOKE).privateEndpoints.beginDeleteAndWait(SPOKE_RG, name, {
    updateIntervalInMs: 10,
  });
}

/** The endpoint's NIC IP as ARM shows it. */
function endpointIp(endpointId: string): string {
  const nic = stack.network.getNetworkInterface(endpointId);
  const configs = (nic?.properties as { ipConfigurations?: { properties: { privateIPAddress: string } }[] })
    ?.ipConfigurations;
  return configs?.[0]?.properties.privateIPAddress ?? '';
}

function phaseOf(instanceId: string): string | undefined {
  const status = stack.host.durable.getStatus(instanceId);
  return (status?.customStatus as SyncEndpointStatus | undefined)?.phase;
}

describe('the mailbox: a change delivered while an orchestration runs leads to a read after it', () => {
  it('an endpoint deleted while its first sync writes its record ends without that record', async () => {
    // Record writes take a while, so the delete's event arrives while the instance is applying.
    stack.emu.faults.configure({
      rules: [
        { match: { operationId: 'RecordSets_CreateOrUpdate' }, latency: { distribution: 'fixed', ms: 600 } },
      ],
    });
    const endpointId = await createBlobEndpoint('pe-mbx-del', 'stmbxdel');
    const instanceId = syncInstanceId(endpointId);
    await waitUntil('the first sync to apply', () => phaseOf(instanceId) === 'applying');
    await deleteEndpoint('pe-mbx-del');
    await waitUntil('the delete to reach the app', () => stack.eventGrid.idle().then(() => true));
    await waitUntil(
      'the record of the deleted endpoint to go',
      () => stack.hubRecord(BLOB_ZONE, 'stmbxdel') === undefined,
    );
    const done = await stack.host.durable.waitForCompletion(instanceId, 20_000);
    expect(done.runtimeStatus).toBe('Completed');
    expect(stack.hubRecord(BLOB_ZONE, 'stmbxdel')).toBeUndefined();
  });

  it('an endpoint deleted and re-created with a new IP while its old record is removed ends with the new record', async () => {
    const endpointId = await createBlobEndpoint('pe-mbx-re', 'stmbxre');
    const oldIp = endpointIp(endpointId);
    await waitUntil('the record', () => stack.hubRecord(BLOB_ZONE, 'stmbxre')?.includes(oldIp));
    const instanceId = syncInstanceId(endpointId);
    await stack.host.durable.waitForCompletion(instanceId, 20_000);

    // Record deletes take a while, so the re-create's event arrives while the old record is being removed.
    stack.emu.faults.configure({
      rules: [{ match: { operationId: 'RecordSets_Delete' }, latency: { distribution: 'fixed', ms: 600 } }],
    });
    await deleteEndpoint('pe-mbx-re');
    await waitUntil('the removal to start', () => {
      const status = stack.host.durable.getStatus(instanceId);
      const custom = status?.customStatus as SyncEndpointStatus | undefined;
      return status?.runtimeStatus === 'Running' && custom?.message.includes('removing') === true;
    });
    // Another endpoint takes the freed address first, so the re-created one gets a new IP.
    await createBlobEndpoint('pe-mbx-filler', 'stmbxfiller');
    await createBlobEndpoint('pe-mbx-re', 'stmbxre');
    const newIp = endpointIp(endpointId);
    expect(newIp).not.toBe(oldIp);
    await waitUntil('the re-created endpoint to have its record', () =>
      stack.hubRecord(BLOB_ZONE, 'stmbxre')?.includes(newIp),
    );
    await waitUntil(
      'the instance to settle',
      () => stack.host.durable.getStatus(instanceId)?.runtimeStatus === 'Completed',
    );
    expect(stack.hubRecord(BLOB_ZONE, 'stmbxre')).toEqual([newIp]);
  });
});

describe('the cost of one change', () => {
  it("an endpoint's creation raises an endpoint and a NIC event, and costs one read of each and one write", async () => {
    const before = stack.emu.log.lastSeq;
    // The SDK's own calls (the create, its polls and its final read) are counted apart from the app's.
    const own: Record<string, number> = {};
    const client = new NetworkManagementClient(stack.emu.credential(), SPOKE, {
      ...stack.emu.clientOptions(),
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'count-own-requests',
            sendRequest: (request, next) => {
              const path = new URL(request.url).pathname;
              const what = /networkInterfaces/i.test(path)
                ? 'nic'
                : /\/privateEndpoints\/[^/]+$/i.test(path)
                  ? 'endpoint'
                  : 'other';
              const kind = `${request.method} ${what}`;
              own[kind] = (own[kind] ?? 0) + 1;
              return next(request);
            },
          },
        },
      ],
    });
    const created = await client.privateEndpoints.beginCreateOrUpdateAndWait(
      SPOKE_RG,
      'pe-mbx-cost',
      {
        location: LOCATION,
        subnet: { id: SPOKE_SUBNET_ID },
        privateLinkServiceConnections: [
          { name: 'pe-mbx-cost-conn', privateLinkServiceId: storageId('stmbxcost'), groupIds: ['blob'] },
        ],
      },
      { updateIntervalInMs: 10 },
    );
    const endpointId = created.id ?? '';
    const ip = endpointIp(endpointId);
    await waitUntil('the record', () => stack.hubRecord(BLOB_ZONE, 'stmbxcost')?.includes(ip));
    await stack.eventGrid.idle();
    const instanceId = syncInstanceId(endpointId);
    await waitUntil(
      'the instance to settle',
      () => stack.host.durable.getStatus(instanceId)?.runtimeStatus === 'Completed',
    );
    const subjects = stack.eventGrid.delivery
      .deliveries()
      .filter((d) => d.outcome === 'delivered' && d.subject.toLowerCase().includes('pe-mbx-cost'))
      .map((d) => d.subject.split('/').slice(-2, -1)[0]);
    expect(new Set(subjects)).toEqual(new Set(['privateEndpoints', 'networkInterfaces']));
    const appCalls = stack.emu.log
      .list({ sinceSeq: before })
      .filter(
        (e) => e.path.toLowerCase().includes('pe-mbx-cost') || e.path.toLowerCase().includes('/stmbxcost'),
      )
      .filter((e) => e.method !== 'PUT' || e.operationId === 'RecordSets_CreateOrUpdate')
      .filter((e) => e.operationId !== 'AsyncOperation_Get');
    const counts: Record<string, number> = {};
    for (const e of appCalls) counts[e.operationId ?? ''] = (counts[e.operationId ?? ''] ?? 0) + 1;
    // The SDK read the endpoint once at the end of its create (and polled the operation, left out above).
    expect(own['GET nic'] ?? 0).toBe(0);
    const ownEndpointReads = own['GET endpoint'] ?? 0;
    expect(counts).toEqual({
      PrivateEndpoints_Get: 1 + ownEndpointReads,
      NetworkInterfaces_Get: 1,
      RecordSets_CreateOrUpdate: 1,
    });
  });
});

describe('one pipeline: reconcile keeps the records of an endpoint caught mid-change', () => {
  it('an approved endpoint whose NIC momentarily shows no FQDNs keeps its record, listed as kept with the reason', async () => {
    const endpointId = await createBlobEndpoint('pe-mbx-keep', 'stmbxkeep');
    const ip = endpointIp(endpointId);
    await waitUntil('the record', () => stack.hubRecord(BLOB_ZONE, 'stmbxkeep')?.includes(ip));
    await stack.host.durable.waitForCompletion(syncInstanceId(endpointId), 20_000);

    // The NIC loses its FQDNs for a moment (the IP stays), as ARM shows it to every reader.
    stack.network.setMembers(endpointId, [{ groupId: 'blob', requiredMemberName: 'blob', fqdns: [] }]);
    const started = await stack.api('POST', 'resync', JSON.stringify({ scope: 'all' }));
    expect(started.status).toBe(202);
    const { id } = started.json as { id: string };
    const done = await stack.host.durable.waitForCompletion(id, 30_000);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as ReconcileOutput;
    expect(stack.hubRecord(BLOB_ZONE, 'stmbxkeep')).toEqual([ip]);
    expect(output.summary.deletes).toBe(0);
    expect(output.kept).toContainEqual(
      expect.objectContaining({
        zone: BLOB_ZONE,
        name: 'stmbxkeep',
        endpointId: endpointId.toLowerCase(),
        code: 'no-dns-entries',
      }),
    );
    expect(output.skips).toContainEqual(
      expect.objectContaining({ code: 'no-dns-entries', endpointId: endpointId.toLowerCase() }),
    );
  });
});

describe('bounded retries: a 412 re-plan that needs a second write', () => {
  it('re-creates a record an admin deleted under our update, in its own slot, without holding up the zone', async () => {
    const dns = new PrivateDnsManagementClient(stack.emu.credential(), HUB, stack.emu.clientOptions());
    const owners = [
      `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-x`,
    ];
    const drifted = await dns.recordSets.createOrUpdate(HUB_RG, BLOB_ZONE, 'A', 'stmbxdrift', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.9.9.9' }],
      metadata: encodeOwnership(OWNER, owners),
    });
    // The admin deletes it after the plan read it: the update's If-Match now meets no record (412).
    await dns.recordSets.delete(HUB_RG, BLOB_ZONE, 'A', 'stmbxdrift');
    const change = (name: string, ip: string, etag: string) => ({
      zone: BLOB_ZONE,
      name,
      ips: [ip],
      ttl: 10,
      metadata: encodeOwnership(OWNER, owners),
      owners: owners.map((o) => o.toLowerCase()),
      etag,
    });
    const input: ApplyZoneInput = {
      zone: BLOB_ZONE,
      items: [
        {
          action: 'update',
          change: { ...change('stmbxdrift', '10.1.2.3', drifted.etag ?? ''), previousIps: ['10.9.9.9'] },
        },
        { action: 'create', change: change('stmbxother', '10.1.2.4', '') },
      ],
      replan: {
        desired: [
          {
            zone: BLOB_ZONE,
            name: 'stmbxdrift',
            ips: ['10.1.2.3'],
            owners: owners.map((o) => o.toLowerCase()),
          },
          {
            zone: BLOB_ZONE,
            name: 'stmbxother',
            ips: ['10.1.2.4'],
            owners: owners.map((o) => o.toLowerCase()),
          },
        ],
        options: { policy: 'sync', ownerId: OWNER, adopt: false, ttl: 10 },
      },
    };
    const before = stack.emu.log.list().length;
    const instanceId = await stack.host.durable.startNew(ORCHESTRATIONS.applyZone, { input });
    const done = await stack.host.durable.waitForCompletion(instanceId, 20_000);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as ApplyZoneOutput;
    expect(output.totals.failures).toEqual([]);
    expect(output.totals).toMatchObject({ created: 2, replans: 1 });
    expect(stack.hubRecord(BLOB_ZONE, 'stmbxdrift')).toEqual(['10.1.2.3']);
    expect(stack.hubRecord(BLOB_ZONE, 'stmbxother')).toEqual(['10.1.2.4']);
    // One 412, one re-read, one create for the drifted record; one create for the other.
    const puts = stack.emu.log
      .list()
      .slice(before)
      .filter(
        (e) => e.operationId === 'RecordSets_CreateOrUpdate' && e.path.toLowerCase().includes('/stmbxdrift'),
      );
    expect(puts.map((e) => e.status)).toEqual([412, 201]);
  });
});

describe('duplicate deliveries racing a start', () => {
  it('acknowledges every one of 36 concurrent duplicates and syncs the endpoint once', async () => {
    // Created without Event Grid seeing it, so the duplicates below are the only deliveries.
    const endpoint = stack.network.createPrivateEndpoint({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      name: 'pe-mbx-dup',
      location: LOCATION,
      subnetId: SPOKE_SUBNET_ID,
      connection: { privateLinkServiceId: storageId('stmbxdup'), groupIds: ['blob'] },
    });
    const event = {
      id: 'dup-1',
      topic: `/subscriptions/${SPOKE}`,
      subject: endpoint.id,
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      eventTime: new Date().toISOString(),
      data: {
        resourceUri: endpoint.id,
        operationName: 'Microsoft.Network/privateEndpoints/write',
        status: 'Succeeded',
        subscriptionId: SPOKE,
      },
      dataVersion: '',
      metadataVersion: '1',
    };
    const statuses = await Promise.all(
      Array.from({ length: 36 }, async () => {
        const response = await fetch(stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
          body: JSON.stringify([event]),
        });
        await response.text();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s < 200 || s >= 300)).toEqual([]);
    const ip = endpointIp(endpoint.id);
    await waitUntil('the record', () => stack.hubRecord(BLOB_ZONE, 'stmbxdup')?.includes(ip));
  });
});
