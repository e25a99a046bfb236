import { NetworkManagementClient } from '@azure/arm-network';
import type { ArmEmulator } from '../../arm/server';
import type { NetworkService } from '../../arm/providers/network';
import {
  armRequest,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
} from '../helpers/armEmulator';

const LRO = { updateIntervalInMs: 5 };
const storageTarget = (account: string): string =>
  `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/${account}`;
const vaultTarget = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.KeyVault/vaults/kv-app`;

describe('ARM emulator: Microsoft.Network through @azure/arm-network', () => {
  let emu: ArmEmulator;
  let client: NetworkManagementClient;
  let network: NetworkService;

  beforeAll(async () => {
    emu = await startSeededEmulator({ lro: { polls: 2 } });
    client = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    network = emu.service<NetworkService>('network');
  });
  afterAll(() => emu.stop());
  beforeEach(() => emu.reset());

  const createStorageEndpoint = (name: string, account = name.replace(/[^a-z0-9]/g, '')) =>
    client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      name,
      {
        location: 'eastus',
        subnet: { id: SPOKE_SUBNET_ID },
        privateLinkServiceConnections: [
          { name: `${name}-conn`, privateLinkServiceId: storageTarget(account), groupIds: ['blob'] },
        ],
      },
      LRO,
    );

  it('creates a private endpoint as a long-running operation and polls Azure-AsyncOperation until Succeeded', async () => {
    const since = emu.log.lastSeq;
    const pe = await createStorageEndpoint('pe-blob');
    expect(pe.provisioningState).toBe('Succeeded');
    expect(pe.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    const connection = pe.privateLinkServiceConnections?.[0];
    expect(connection?.privateLinkServiceConnectionState?.status).toBe('Approved');
    expect(pe.manualPrivateLinkServiceConnections).toEqual([]);
    expect(pe.customDnsConfigs).toEqual([
      { fqdn: 'peblob.blob.core.windows.net', ipAddresses: ['10.12.0.4'] },
    ]);

    const sequence = emu.log.list({ sinceSeq: since }).map((e) => `${e.operationId} ${e.status}`);
    // PUT accepted, two InProgress polls, the Succeeded poll, then the final GET of the resource.
    expect(sequence).toEqual([
      'PrivateEndpoints_CreateOrUpdate 201',
      'AsyncOperation_Get 200',
      'AsyncOperation_Get 200',
      'AsyncOperation_Get 200',
      'PrivateEndpoints_Get 200',
    ]);
  });

  it('creates the NIC with privateLinkConnectionProperties and a private IP from the subnet', async () => {
    const pe = await createStorageEndpoint('pe-one', 'acctone');
    const nicId = pe.networkInterfaces?.[0]?.id ?? '';
    expect(nicId).toMatch(/\/networkInterfaces\/pe-one\.nic\.[0-9a-f-]{36}$/);
    const nic = await client.networkInterfaces.get(SPOKE_RG, nicId.split('/').pop() ?? '');
    expect(nic.privateEndpoint?.id).toBe(pe.id);
    expect(nic.ipConfigurations).toHaveLength(1);
    const ipc = nic.ipConfigurations?.[0];
    expect(ipc?.privateIPAddress).toBe('10.12.0.4');
    expect(ipc?.privateLinkConnectionProperties).toEqual({
      groupId: 'blob',
      requiredMemberName: 'blob',
      fqdns: ['acctone.blob.core.windows.net'],
    });

    const second = await client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      'pe-kv',
      {
        location: 'eastus',
        subnet: { id: SPOKE_SUBNET_ID },
        privateLinkServiceConnections: [
          { name: 'kv', privateLinkServiceId: vaultTarget, groupIds: ['vault'] },
        ],
        customNetworkInterfaceName: 'nic-kv',
      },
      LRO,
    );
    expect(second.networkInterfaces?.[0]?.id).toMatch(/\/networkInterfaces\/nic-kv$/);
    const kvNic = await client.networkInterfaces.get(SPOKE_RG, 'nic-kv');
    expect(kvNic.ipConfigurations?.[0]?.privateIPAddress).toBe('10.12.0.5');
    expect(kvNic.ipConfigurations?.[0]?.privateLinkConnectionProperties?.fqdns).toEqual([
      'kv-app.vault.azure.net',
    ]);
  });

  it('lists endpoints and NICs by resource group and by subscription, following nextLink pages', async () => {
    for (const name of ['pe-a', 'pe-b', 'pe-c']) await createStorageEndpoint(name);
    network.pageSize = 2;
    try {
      const byGroup: string[] = [];
      for await (const pe of client.privateEndpoints.list(SPOKE_RG)) byGroup.push(pe.name ?? '');
      expect(byGroup.sort()).toEqual(['pe-a', 'pe-b', 'pe-c']);
      const bySub: string[] = [];
      for await (const pe of client.privateEndpoints.listBySubscription()) bySub.push(pe.name ?? '');
      expect(bySub.sort()).toEqual(['pe-a', 'pe-b', 'pe-c']);
      const nics: string[] = [];
      for await (const nic of client.networkInterfaces.listAll()) nics.push(nic.privateEndpoint?.id ?? '');
      expect(nics).toHaveLength(3);
      const rgNics: string[] = [];
      for await (const nic of client.networkInterfaces.list(SPOKE_RG)) rgNics.push(nic.name ?? '');
      expect(rgNics).toHaveLength(3);
      expect(emu.log.count('PrivateEndpoints_List')).toBe(2);
    } finally {
      network.pageSize = 1000;
    }
  });

  it('deletes an endpoint and its NIC as a long-running operation; a second delete is a 204', async () => {
    const pe = await createStorageEndpoint('pe-gone');
    const nicName = pe.networkInterfaces?.[0]?.id?.split('/').pop() ?? '';
    await client.privateEndpoints.delete(SPOKE_RG, 'pe-gone', LRO);
    await expect(client.privateEndpoints.get(SPOKE_RG, 'pe-gone')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    await expect(client.networkInterfaces.get(SPOKE_RG, nicName)).rejects.toMatchObject({ statusCode: 404 });
    const again = await armRequest(emu, 'DELETE', `${pe.id ?? ''}?api-version=2026-01-01`);
    expect(again.status).toBe(204);
    // The freed address is handed out again.
    const next = await createStorageEndpoint('pe-next');
    expect(next.customDnsConfigs?.[0]?.ipAddresses).toEqual(['10.12.0.4']);
  });

  it('keeps manual connections Pending until the target approves them', async () => {
    const pe = await client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      'pe-manual',
      {
        location: 'eastus',
        subnet: { id: SPOKE_SUBNET_ID },
        manualPrivateLinkServiceConnections: [
          {
            name: 'manual',
            privateLinkServiceId: storageTarget('other'),
            groupIds: ['blob'],
            requestMessage: 'please',
          },
        ],
      },
      LRO,
    );
    expect(pe.privateLinkServiceConnections).toEqual([]);
    expect(pe.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState).toEqual({
      status: 'Pending',
      description: 'please',
      actionsRequired: 'None',
    });
    const control = await fetchControl(emu, 'PUT', '/_emulator/network/privateEndpoints/connectionState', {
      privateEndpointId: pe.id,
      status: 'Approved',
      description: 'Approved by owner',
    });
    expect(control.status).toBe(200);
    const after = await client.privateEndpoints.get(SPOKE_RG, 'pe-manual');
    expect(after.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe(
      'Approved',
    );
    expect(after.etag).not.toBe(pe.etag);
  });

  it('grows NIC FQDNs through the control API and the in-process service, keeping existing IPs', async () => {
    const pe = await createStorageEndpoint('pe-grow', 'grow');
    const nicName = pe.networkInterfaces?.[0]?.id?.split('/').pop() ?? '';
    const res = await fetchControl(emu, 'PATCH', '/_emulator/network/privateEndpoints/members', {
      privateEndpointId: pe.id,
      member: {
        groupId: 'blob',
        requiredMemberName: 'blob',
        fqdns: ['grow.blob.core.windows.net', 'grow.z12.blob.storage.azure.net'],
      },
    });
    expect(res.status).toBe(200);
    network.upsertMember(pe.id ?? '', {
      groupId: 'blob',
      requiredMemberName: 'blob_secondary',
      fqdns: ['grow-secondary.blob.core.windows.net'],
    });
    const nic = await client.networkInterfaces.get(SPOKE_RG, nicName);
    const members = nic.ipConfigurations?.map((c) => [
      c.privateIPAddress,
      c.privateLinkConnectionProperties?.requiredMemberName,
      c.privateLinkConnectionProperties?.fqdns,
    ]);
    expect(members).toEqual([
      ['10.12.0.4', 'blob', ['grow.blob.core.windows.net', 'grow.z12.blob.storage.azure.net']],
      ['10.12.0.5', 'blob_secondary', ['grow-secondary.blob.core.windows.net']],
    ]);
    const refreshed = await client.privateEndpoints.get(SPOKE_RG, 'pe-grow');
    expect(refreshed.customDnsConfigs?.map((c) => c.fqdn)).toEqual([
      'grow.blob.core.windows.net',
      'grow.z12.blob.storage.azure.net',
      'grow-secondary.blob.core.windows.net',
    ]);
  });

  it('hides NIC FQDNs for the first N reads when the emptyNicFqdns fault is set', async () => {
    const pe = await createStorageEndpoint('pe-slow', 'slow');
    const nicName = pe.networkInterfaces?.[0]?.id?.split('/').pop() ?? '';
    emu.faults.configure({ emptyNicFqdns: [{ privateEndpoint: 'pe-slow', reads: 2 }] });
    // The endpoint's customDnsConfigs stay empty as long as its NIC does (reading the endpoint does not count).
    expect((await client.privateEndpoints.get(SPOKE_RG, 'pe-slow')).customDnsConfigs).toEqual([]);
    const reads: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const nic = await client.networkInterfaces.get(SPOKE_RG, nicName);
      reads.push(nic.ipConfigurations?.[0]?.privateLinkConnectionProperties?.fqdns ?? []);
    }
    expect(reads).toEqual([[], [], ['slow.blob.core.windows.net']]);
    expect((await client.privateEndpoints.get(SPOKE_RG, 'pe-slow')).customDnsConfigs).toEqual([
      { fqdn: 'slow.blob.core.windows.net', ipAddresses: ['10.12.0.4'] },
    ]);
  });

  it('tells link targets about new and deleted endpoints and lets them choose members and state', async () => {
    const created: string[] = [];
    const deleted: string[] = [];
    network.registerLinkTarget({
      resourceType: 'Microsoft.Example/widgets',
      validate: (r) => {
        if (!r.groupIds.includes('widget')) throw new Error('unexpected group');
      },
      members: (r) => [
        { groupId: 'widget', requiredMemberName: 'w1', fqdns: [`${r.privateEndpointName}.widgets.example`] },
      ],
      initialState: () => ({ status: 'Pending', description: 'owner must approve' }),
      onCreated: (pe) => created.push(pe.name),
      onDeleted: (pe) => deleted.push(pe.name),
    });
    const target = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Example/widgets/w`;
    const pe = await client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      'pe-widget',
      {
        location: 'eastus',
        subnet: { id: SPOKE_SUBNET_ID },
        privateLinkServiceConnections: [{ privateLinkServiceId: target, groupIds: ['widget'] }],
      },
      LRO,
    );
    expect(pe.privateLinkServiceConnections?.[0]?.name).toBe('pe-widget');
    expect(pe.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe('Pending');
    expect(pe.customDnsConfigs?.[0]?.fqdn).toBe('pe-widget.widgets.example');
    expect(created).toEqual(['pe-widget']);
    await client.privateEndpoints.delete(SPOKE_RG, 'pe-widget', LRO);
    expect(deleted).toEqual(['pe-widget']);
  });

  it('serves Azure-AsyncOperation and Location polling, including a Failed operation', async () => {
    emu.lro.settings.polls = 1;
    try {
      const id = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-poll`;
      const body = {
        location: 'eastus',
        properties: {
          subnet: { id: SPOKE_SUBNET_ID },
          privateLinkServiceConnections: [
            { properties: { privateLinkServiceId: storageTarget('poll'), groupIds: ['blob'] } },
          ],
        },
      };
      const put = await armRequest(emu, 'PUT', `${id}?api-version=2026-01-01`, { body });
      expect(put).toMatchObject({ status: 201, json: { properties: { provisioningState: 'Updating' } } });
      const statusUrl = new URL(String(put.headers['azure-asyncoperation']));
      expect(statusUrl.origin).toBe(emu.url);
      const poll = () => armRequest(emu, 'GET', statusUrl.pathname + statusUrl.search);
      expect((await poll()).json.status).toBe('InProgress');
      // The endpoint disappears before the operation completes: the operation fails.
      network.deletePrivateEndpoint(id);
      const failed = await poll();
      expect(failed.json).toMatchObject({ status: 'Failed', error: { code: 'Conflict' } });

      const created = await createStorageEndpoint('pe-loc', 'loc');
      const del = await armRequest(emu, 'DELETE', `${created.id ?? ''}?api-version=2026-01-01`);
      expect(del.status).toBe(202);
      const location = new URL(String(del.headers.location));
      const first = await armRequest(emu, 'GET', location.pathname + location.search);
      expect(first.status).toBe(202);
      const done = await armRequest(emu, 'GET', location.pathname + location.search);
      expect(done.status).toBe(204);
      expect(network.getPrivateEndpoint(created.id ?? '')).toBeUndefined();
      const unknown = await armRequest(
        emu,
        'GET',
        location.pathname.replace(/[^/]+$/, 'nope') + location.search,
      );
      expect(unknown).toMatchObject({ status: 404, json: { error: { code: 'OperationNotFound' } } });
    } finally {
      emu.lro.settings.polls = 2;
    }
  });

  it('rejects bad requests with ARM error codes', async () => {
    const base = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-x`;
    const noVersion = await armRequest(emu, 'GET', base);
    expect(noVersion).toMatchObject({ status: 400, json: { error: { code: 'MissingApiVersionParameter' } } });
    const oldVersion = await armRequest(emu, 'GET', `${base}?api-version=2019-01-01`);
    expect(oldVersion).toMatchObject({ status: 400, json: { error: { code: 'NoRegisteredProviderFound' } } });
    const badVersion = await armRequest(emu, 'GET', `${base}?api-version=latest`);
    expect(badVersion).toMatchObject({
      status: 400,
      json: { error: { code: 'InvalidApiVersionParameter' } },
    });
    const missingRg = await armRequest(
      emu,
      'GET',
      base.replace(SPOKE_RG, 'rg-none') + '?api-version=2026-01-01',
    );
    expect(missingRg).toMatchObject({ status: 404, json: { error: { code: 'ResourceGroupNotFound' } } });
    const missingSub = await armRequest(
      emu,
      'GET',
      base.replace(SPOKE_SUBSCRIPTION, 'ffffffff-0000-4000-8000-000000000000') + '?api-version=2026-01-01',
    );
    expect(missingSub).toMatchObject({ status: 404, json: { error: { code: 'SubscriptionNotFound' } } });
    const noSubnet = await armRequest(emu, 'PUT', `${base}?api-version=2026-01-01`, {
      body: {
        location: 'eastus',
        properties: {
          subnet: { id: SPOKE_SUBNET_ID.replace('snet-pe', 'snet-none') },
          privateLinkServiceConnections: [
            { properties: { privateLinkServiceId: storageTarget('a'), groupIds: ['blob'] } },
          ],
        },
      },
    });
    expect(noSubnet).toMatchObject({ status: 400, json: { error: { code: 'InvalidResourceReference' } } });
    const emptyBody = await armRequest(emu, 'PUT', `${base}?api-version=2026-01-01`, {
      headers: { 'content-type': 'application/json' },
      body: undefined,
    });
    expect(emptyBody).toMatchObject({ status: 400, json: { error: { code: 'InvalidRequestFormat' } } });
    await expect(client.privateEndpoints.get(SPOKE_RG, 'nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    // Paths and names are case-insensitive, as in ARM; the stored casing comes back.
    const pe = await createStorageEndpoint('pe-case');
    const upper = await armRequest(emu, 'GET', `${(pe.id ?? '').toUpperCase()}?api-version=2026-01-01`);
    expect(upper).toMatchObject({ status: 200, json: { name: 'pe-case' } });
    const mixed = await armRequest(
      emu,
      'GET',
      `${(pe.id ?? '').replace('/resourceGroups/', '/RESOURCEGROUPS/').replace('/providers/', '/PROVIDERS/')}?api-version=2026-01-01`,
    );
    expect(mixed).toMatchObject({ status: 200, json: { name: 'pe-case' } });
  });
});

async function fetchControl(emu: ArmEmulator, method: string, path: string, body: unknown) {
  return armRequest(emu, method, path, { body, token: null });
}
