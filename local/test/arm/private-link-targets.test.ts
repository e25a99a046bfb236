/**
 * The emulator's private link services through the real @azure/arm-network client: the NIC FQDNs and
 * customDnsConfigs each service fills, the checks Network makes on creation, and the cloud the emulator plays.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import type { PrivateEndpoint } from '@azure/arm-network';
import type { PrivateLinkTargetsService } from '../../arm/providers/privateLinkTargets';
import type { ArmEmulator } from '../../arm/server';
import {
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  armRequest,
  startSeededEmulator,
} from '../helpers/armEmulator';

const LRO = { updateIntervalInMs: 5 };
const target = (type: string, name: string): string =>
  `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/${type}/${name}`;

async function nicFqdns(client: NetworkManagementClient, pe: PrivateEndpoint): Promise<string[][]> {
  const nicName = (pe.networkInterfaces?.[0]?.id ?? '').split('/').pop() ?? '';
  const nic = await client.networkInterfaces.get(SPOKE_RG, nicName);
  return (nic.ipConfigurations ?? []).map((c) => c.privateLinkConnectionProperties?.fqdns ?? []);
}

describe('ARM emulator: private link targets in the public cloud', () => {
  let emu: ArmEmulator;
  let client: NetworkManagementClient;

  beforeAll(async () => {
    emu = await startSeededEmulator({
      throttling: { enabled: false },
      lro: { polls: 1, retryAfterSeconds: 0 },
    });
    client = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    const targets = emu.service<PrivateLinkTargetsService>('privateLinkTargets');
    const add = (type: string, name: string, properties: Record<string, unknown> = {}) =>
      targets.createResource({
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        type,
        name,
        location: 'eastus',
        properties,
      });
    add('Microsoft.DocumentDB/databaseAccounts', 'cosmos1', {
      locations: [{ locationName: 'East US' }, { locationName: 'West US' }],
    });
    add('Microsoft.ContainerRegistry/registries', 'acr1', {
      dataEndpointHostNames: ['acr1.eastus.data.azurecr.io', 'acr1.westeurope.data.azurecr.io'],
    });
    add('Microsoft.ContainerService/managedClusters', 'aks1', { dnsPrefix: 'aks1-dns' });
    add('Microsoft.Web/sites', 'app1');
    add('Microsoft.Sql/managedInstances', 'mi1', { dnsZone: '767d5869f605' });
    add('Microsoft.Insights/privateLinkScopes', 'ampls1', {
      linkedWorkspaceIds: ['5e0e2a8c-0000-4000-8000-00000000cc03'],
    });
    add('Microsoft.Batch/batchAccounts', 'batch1');
  });

  afterAll(async () => {
    await emu.stop();
  });

  const create = (name: string, targetId: string, groupIds: string[]) =>
    client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      name,
      {
        location: 'eastus',
        subnet: { id: SPOKE_SUBNET_ID },
        privateLinkServiceConnections: [{ name, privateLinkServiceId: targetId, groupIds }],
      },
      LRO,
    );

  it.each([
    [
      'Cosmos DB: the account and one name per region',
      'Microsoft.DocumentDB/databaseAccounts',
      'cosmos1',
      'Sql',
      [
        ['cosmos1.documents.azure.com'],
        ['cosmos1-eastus.documents.azure.com'],
        ['cosmos1-westus.documents.azure.com'],
      ],
    ],
    [
      'Container Registry: registry and data endpoints',
      'Microsoft.ContainerRegistry/registries',
      'acr1',
      'registry',
      [['acr1.azurecr.io'], ['acr1.eastus.data.azurecr.io'], ['acr1.westeurope.data.azurecr.io']],
    ],
    [
      'Web Apps: the app and its SCM site, with privatelink inside',
      'Microsoft.Web/sites',
      'app1',
      'sites',
      [['app1.privatelink.azurewebsites.net', 'app1.scm.privatelink.azurewebsites.net']],
    ],
    [
      'SQL Managed Instance: the DNS zone of the instance',
      'Microsoft.Sql/managedInstances',
      'mi1',
      'managedInstance',
      [['mi1.767d5869f605.database.windows.net']],
    ],
    [
      'Batch: node management',
      'Microsoft.Batch/batchAccounts',
      'batch1',
      'nodeManagement',
      [['batch1.eastus.service.batch.azure.com']],
    ],
    [
      'Storage: a secondary sub-resource without the account',
      'Microsoft.Storage/storageAccounts',
      'st1',
      'queue_secondary',
      [['st1-secondary.queue.core.windows.net']],
    ],
  ])('%s', async (_what, type, name, group, expected) => {
    const pe = await create(`pe-${name}-${group.toLowerCase()}`, target(type, name), [group]);
    expect(await nicFqdns(client, pe)).toEqual(expected);
    expect((pe.customDnsConfigs ?? []).map((c) => c.fqdn)).toEqual(expected.flat());
    // Every member gets its own private IP.
    expect(new Set((pe.customDnsConfigs ?? []).flatMap((c) => c.ipAddresses ?? [])).size).toBe(
      expected.length,
    );
  });

  it('AKS: the private FQDN under privatelink.<region>.azmk8s.io; Azure Monitor: global, workspace and storage names', async () => {
    const aks = await create('pe-aks1', target('Microsoft.ContainerService/managedClusters', 'aks1'), [
      'management',
    ]);
    expect((await nicFqdns(client, aks)).flat()).toEqual([
      expect.stringMatching(/^aks1-dns-[0-9a-f]{8}\.privatelink\.eastus\.azmk8s\.io$/),
    ]);
    const ampls = await create('pe-ampls1', target('Microsoft.Insights/privateLinkScopes', 'ampls1'), [
      'azuremonitor',
    ]);
    const names = (await nicFqdns(client, ampls)).flat();
    expect(names).toEqual(
      expect.arrayContaining([
        'api.monitor.azure.com',
        'global.in.ai.monitor.azure.com',
        '5e0e2a8c-0000-4000-8000-00000000cc03.oms.opinsights.azure.com',
        '5e0e2a8c-0000-4000-8000-00000000cc03.ods.opinsights.azure.com',
        '5e0e2a8c-0000-4000-8000-00000000cc03.agentsvc.azure-automation.net',
        'scadvisorcontentpl.blob.core.windows.net',
      ]),
    );
  });

  it.each([
    [
      'a target that does not exist',
      target('Microsoft.DocumentDB/databaseAccounts', 'missing'),
      ['Sql'],
      404,
      'ResourceNotFound',
    ],
    [
      'two group ids to a first-party resource',
      target('Microsoft.Storage/storageAccounts', 'st2'),
      ['blob', 'file'],
      400,
      'OnlyOneGroupIdPermitted',
    ],
    [
      'a group id the service does not offer',
      target('Microsoft.Web/sites', 'app1'),
      ['blob'],
      400,
      'InvalidGroupId',
    ],
  ])('refuses %s', async (_what, targetId, groupIds, status, code) => {
    await expect(create(`pe-bad-${status}-${groupIds.length}`, targetId, groupIds)).rejects.toMatchObject({
      statusCode: status,
      code,
    });
  });
});

describe('ARM emulator: as Azure US Government', () => {
  let emu: ArmEmulator;

  beforeAll(async () => {
    emu = await startSeededEmulator({
      cloud: 'AzureUSGovernment',
      throttling: { enabled: false },
      lro: { polls: 1, retryAfterSeconds: 0 },
    });
    emu.service<PrivateLinkTargetsService>('privateLinkTargets').createResource({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      type: 'Microsoft.DocumentDB/databaseAccounts',
      name: 'cosmosgov',
      location: 'usgovvirginia',
      properties: { locations: [{ locationName: 'USGov Virginia' }] },
    });
  });

  afterAll(async () => {
    await emu.stop();
  });

  it('serves US Government suffixes to the real SDK with a US Government token', async () => {
    const client = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    expect(emu.clientOptions().credentialScopes).toEqual(['https://management.usgovcloudapi.net/.default']);
    const create = (name: string, type: string, targetName: string, group: string) =>
      client.privateEndpoints.createOrUpdate(
        SPOKE_RG,
        name,
        {
          location: 'usgovvirginia',
          subnet: { id: SPOKE_SUBNET_ID },
          privateLinkServiceConnections: [
            { name, privateLinkServiceId: target(type, targetName), groupIds: [group] },
          ],
        },
        LRO,
      );
    const blob = await create('pe-gov-blob', 'Microsoft.Storage/storageAccounts', 'stgov', 'blob');
    expect((await nicFqdns(client, blob)).flat()).toEqual(['stgov.blob.core.usgovcloudapi.net']);
    const cosmos = await create('pe-gov-cosmos', 'Microsoft.DocumentDB/databaseAccounts', 'cosmosgov', 'Sql');
    expect((await nicFqdns(client, cosmos)).flat()).toEqual([
      'cosmosgov.documents.azure.us',
      'cosmosgov-usgovvirginia.documents.azure.us',
    ]);
    emu.service<PrivateLinkTargetsService>('privateLinkTargets').createResource({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      type: 'Microsoft.ContainerService/managedClusters',
      name: 'aksgov',
      location: 'usgovvirginia',
    });
    // The Government table lists no AKS zone: the emulator does not pretend to know its names.
    await expect(
      create('pe-gov-aks', 'Microsoft.ContainerService/managedClusters', 'aksgov', 'management'),
    ).rejects.toMatchObject({ statusCode: 400, code: 'FeatureNotSupported' });
  });

  it('refuses a token for the public cloud with InvalidAuthenticationTokenAudience', async () => {
    const url = new URL(emu.identityEndpoint);
    url.searchParams.set('api-version', '2019-08-01');
    url.searchParams.set('resource', 'https://management.azure.com');
    const token = (
      (await (await fetch(url, { headers: { 'x-identity-header': emu.identityHeader } })).json()) as {
        access_token: string;
      }
    ).access_token;
    const response = await armRequest(
      emu,
      'GET',
      `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints?api-version=2024-01-01`,
      { token },
    );
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('InvalidAuthenticationTokenAudience');
  });
});
