import { EventGridDeserializer } from '@azure/eventgrid';
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import type { EventGridService } from '../../arm/eventGridProvider';
import type { NetworkService } from '../../arm/providers/network';
import type { ArmEmulator } from '../../arm/server';
import { failure, SPOKE_RG, SPOKE_SUBSCRIPTION, startSeededEmulator } from '../helpers/armEmulator';
import { EventGridReceiver } from '../helpers/eventGridReceiver';

const OTHER_SUB = '00000000-0000-4000-8000-00000000c0e4';
const OTHER_RG = 'rg-app';
const OTHER_SUBNET = `/subscriptions/${OTHER_SUB}/resourceGroups/${OTHER_RG}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-pe`;
const LRO = { updateIntervalInMs: 5 };

describe('Recovery Services: vaults and Backup private endpoint connections', () => {
  let emu: ArmEmulator;
  let vaults: RecoveryServicesClient;
  let backupApi: RecoveryServicesBackupClient;
  let otherNetwork: NetworkManagementClient;
  let vaultId: string;
  const receiver = new EventGridReceiver();

  beforeAll(async () => {
    emu = await startSeededEmulator();
    vaults = new RecoveryServicesClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    backupApi = new RecoveryServicesBackupClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    otherNetwork = new NetworkManagementClient(emu.credential(), OTHER_SUB, emu.clientOptions());
    emu.service<NetworkService>('network').createVirtualNetwork({
      subscriptionId: OTHER_SUB,
      resourceGroup: OTHER_RG,
      name: 'vnet-app',
      location: 'eastus',
      addressPrefixes: ['10.30.0.0/16'],
      subnets: [{ name: 'snet-pe', addressPrefix: '10.30.1.0/24' }],
    });
    await receiver.start();
    await emu.service<EventGridService>('eventGrid').subscribe({
      name: 'app-spoke',
      subscriptionId: OTHER_SUB,
      endpointUrl: receiver.url,
      filter: {
        includedEventTypes: ['Microsoft.Resources.ResourceWriteSuccess'],
        advancedFilters: [
          {
            operatorType: 'StringIn',
            key: 'data.operationName',
            values: ['Microsoft.Network/privateEndpoints/write'],
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await receiver.stop();
    await emu.stop();
  });

  it('creates a vault with a system-assigned identity (long-running PUT) and lists it', async () => {
    const vault = await vaults.vaults.createOrUpdate(
      SPOKE_RG,
      'rsv-api',
      {
        location: 'eastus',
        identity: { type: 'SystemAssigned' },
        sku: { name: 'Standard' },
        properties: { publicNetworkAccess: 'Disabled' },
      },
      LRO,
    );
    vaultId = vault.id!;
    expect(vault.name).toBe('rsv-api');
    expect(vault.type).toBe('Microsoft.RecoveryServices/vaults');
    expect(vault.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(vault.identity?.tenantId).toBe(emu.tokens.tenantId);
    expect(vault.properties?.publicNetworkAccess).toBe('Disabled');
    expect(vault.properties?.privateEndpointStateForBackup).toBe('None');
    expect(vault.properties?.provisioningState).toBe('Succeeded');

    // An update keeps the identity.
    const again = await vaults.vaults.createOrUpdate(
      SPOKE_RG,
      'rsv-api',
      { location: 'eastus', identity: { type: 'SystemAssigned' }, sku: { name: 'Standard' } },
      LRO,
    );
    expect(again.identity?.principalId).toBe(vault.identity?.principalId);

    const inGroup: string[] = [];
    for await (const v of vaults.vaults.listByResourceGroup(SPOKE_RG)) inGroup.push(v.name!);
    expect(inGroup).toContain('rsv-api');
    const inSub: string[] = [];
    for await (const v of vaults.vaults.listBySubscriptionId()) inSub.push(v.id!);
    expect(inSub).toContain(vaultId);

    const missing = await failure(vaults.vaults.get(SPOKE_RG, 'rsv-none'));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('ResourceNotFound');
  });

  async function connectFromOtherSubscription(name: string): Promise<string> {
    const pe = await otherNetwork.privateEndpoints.beginCreateOrUpdateAndWait(
      OTHER_RG,
      name,
      {
        location: 'eastus',
        subnet: { id: OTHER_SUBNET },
        manualPrivateLinkServiceConnections: [
          {
            name,
            privateLinkServiceId: vaultId,
            groupIds: ['AzureBackup'],
            requestMessage: 'backup for app',
          },
        ],
      },
      LRO,
    );
    expect(pe.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe(
      'Pending',
    );
    const vault = await vaults.vaults.get(SPOKE_RG, 'rsv-api');
    const connection = vault.properties?.privateEndpointConnections?.find(
      (c) => c.properties?.privateEndpoint?.id === pe.id,
    );
    expect(connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Pending');
    return connection!.name!;
  }

  async function endpointView(name: string): Promise<{ status?: string; fqdns: string[] }> {
    const pe = await otherNetwork.privateEndpoints.get(OTHER_RG, name);
    const nic = await otherNetwork.networkInterfaces.get(
      OTHER_RG,
      pe.networkInterfaces![0]!.id!.split('/').pop()!,
    );
    return {
      status: pe.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status,
      fqdns: (nic.ipConfigurations ?? []).flatMap((c) => c.privateLinkConnectionProperties?.fqdns ?? []),
    };
  }

  it('approves a pending connection through the Backup API (LRO); the endpoint and its NIC follow, with an event', async () => {
    const name = await connectFromOtherSubscription('pe-app');
    expect(name).toMatch(/^pe-app\.\d{19}\.backup\.[0-9a-f-]{36}$/);
    expect((await endpointView('pe-app')).fqdns).toEqual([]);

    const got = await backupApi.privateEndpointConnectionOperations.get('rsv-api', SPOKE_RG, name);
    expect(got.properties?.privateLinkServiceConnectionState?.status).toBe('Pending');
    expect(got.properties?.groupIds).toEqual(['AzureBackup']);

    const eventsBefore = receiver.accepted.length;
    const approved = await backupApi.privateEndpointConnectionOperations.beginPutAndWait(
      'rsv-api',
      SPOKE_RG,
      name,
      {
        properties: {
          privateLinkServiceConnectionState: { status: 'Approved', description: 'Approved by backup admin' },
        },
      },
      LRO,
    );
    expect(approved.properties?.provisioningState).toBe('Succeeded');
    expect(approved.properties?.privateLinkServiceConnectionState).toMatchObject({
      status: 'Approved',
      description: 'Approved by backup admin',
    });

    // Approved: the NIC shows the two roles a new vault endpoint starts with.
    const view = await endpointView('pe-app');
    expect(view.status).toBe('Approved');
    expect(
      view.fqdns.map(
        (f) => /^\d{19}-ab-pod01-([a-z0-9]+)\.privatelink\.eus\.backup\.windowsazure\.com$/.exec(f)?.[1],
      ),
    ).toEqual(['rec2', 'id1']);

    await emu.service<EventGridService>('eventGrid').idle();
    const events = [];
    for (const body of receiver.accepted.slice(eventsBefore))
      events.push(...(await new EventGridDeserializer().deserializeEventGridEvents(body)));
    expect(events.map((e) => e.subject)).toContain(
      `/subscriptions/${OTHER_SUB}/resourceGroups/${OTHER_RG}/providers/Microsoft.Network/privateEndpoints/pe-app`,
    );

    const vault = await vaults.vaults.get(SPOKE_RG, 'rsv-api');
    expect(vault.properties?.privateEndpointStateForBackup).toBe('Enabled');
  });

  it('rejects a pending connection; the endpoint shows Rejected and gets no FQDNs', async () => {
    const name = await connectFromOtherSubscription('pe-rejected');
    const rejected = await backupApi.privateEndpointConnectionOperations.beginPutAndWait(
      'rsv-api',
      SPOKE_RG,
      name,
      { properties: { privateLinkServiceConnectionState: { status: 'Rejected', description: 'not ours' } } },
      LRO,
    );
    expect(rejected.properties?.privateLinkServiceConnectionState?.status).toBe('Rejected');
    expect(await endpointView('pe-rejected')).toEqual({ status: 'Rejected', fqdns: [] });
  });

  it('deletes a connection (LRO): it leaves the vault and the endpoint is Disconnected', async () => {
    const vault = await vaults.vaults.get(SPOKE_RG, 'rsv-api');
    const name = vault.properties!.privateEndpointConnections!.find((c) =>
      c.name!.startsWith('pe-app.'),
    )!.name!;
    await backupApi.privateEndpointConnectionOperations.beginDeleteAndWait('rsv-api', SPOKE_RG, name, LRO);
    const missing = await failure(
      backupApi.privateEndpointConnectionOperations.get('rsv-api', SPOKE_RG, name),
    );
    expect(missing.statusCode).toBe(404);
    expect(await endpointView('pe-app')).toEqual({ status: 'Disconnected', fqdns: [] });
    const after = await vaults.vaults.get(SPOKE_RG, 'rsv-api');
    expect(after.properties?.privateEndpointConnections?.some((c) => c.name === name)).toBe(false);
  });

  it('answers bad decisions and unknown connections with ARM errors', async () => {
    const name = await connectFromOtherSubscription('pe-bad');
    const pending = await failure(
      backupApi.privateEndpointConnectionOperations.beginPutAndWait(
        'rsv-api',
        SPOKE_RG,
        name,
        { properties: { privateLinkServiceConnectionState: { status: 'Pending' } } },
        LRO,
      ),
    );
    expect(pending.statusCode).toBe(400);
    expect(pending.message).toMatch(/Approved, Rejected, Disconnected/);
    const unknown = await failure(
      backupApi.privateEndpointConnectionOperations.beginPutAndWait(
        'rsv-api',
        SPOKE_RG,
        'pe-none.1234567890123456789.backup.00000000-0000-0000-0000-000000000000',
        { properties: { privateLinkServiceConnectionState: { status: 'Approved' } } },
        LRO,
      ),
    );
    expect(unknown.statusCode).toBe(404);
    const noVault = await failure(
      backupApi.privateEndpointConnectionOperations.get('rsv-none', SPOKE_RG, name),
    );
    expect(noVault.statusCode).toBe(404);
    const wrongGroup = await failure(
      otherNetwork.privateEndpoints.beginCreateOrUpdateAndWait(
        OTHER_RG,
        'pe-wrong-group',
        {
          location: 'eastus',
          subnet: { id: OTHER_SUBNET },
          privateLinkServiceConnections: [{ name: 'c', privateLinkServiceId: vaultId, groupIds: ['blob'] }],
        },
        LRO,
      ),
    );
    expect(wrongGroup.statusCode).toBe(400);
  });

  it('auto-approves an endpoint created in the vault owner subscription through the Network API', async () => {
    const network = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    const pe = await network.privateEndpoints.beginCreateOrUpdateAndWait(
      SPOKE_RG,
      'pe-owner',
      {
        location: 'eastus',
        subnet: {
          id: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`,
        },
        privateLinkServiceConnections: [
          { name: 'pe-owner', privateLinkServiceId: vaultId, groupIds: ['AzureBackup'] },
        ],
      },
      LRO,
    );
    expect(pe.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe('Approved');
    expect(pe.customDnsConfigs?.map((c) => c.fqdn?.split('.')[0]?.split('-').pop())).toEqual(['rec2', 'id1']);
    const vault = await vaults.vaults.get(SPOKE_RG, 'rsv-api');
    const connection = vault.properties?.privateEndpointConnections?.find(
      (c) => c.properties?.privateEndpoint?.id === pe.id,
    );
    expect(connection?.properties?.privateLinkServiceConnectionState?.status).toBe('Approved');
  });
});
