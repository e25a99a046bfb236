/**
 * The app in AZURE_CLOUD=AzureUSGovernment against the emulator playing Azure US Government: Resource Manager
 * accepts only tokens for the US Government audience (so the app's managed-identity token must be asked for the
 * cloud's scope), endpoints publish US Government names, and the records land in the US Government zones and
 * resolve through the local DNS server. Public-cloud zones stay empty.
 */
import type { PrivateLinkTargetsService } from '../../local/arm/providers/privateLinkTargets';
import { HUB, HUB_RG, HUB_VNET_ID, SPOKE, SPOKE_RG, SPOKE_SUBNET_ID } from '../../demo/estate';
import { nicNames } from '../../demo/mission';
import { expectResolves } from '../helpers/dnsAnswers';
import { startDemoStack } from '../../demo/stack';
import type { DemoStack } from '../../demo/stack';

const GOV_ZONES = [
  'privatelink.blob.core.usgovcloudapi.net',
  'privatelink.vaultcore.usgovcloudapi.net',
  'privatelink.documents.azure.us',
  'privatelink.servicebus.usgovcloudapi.net',
];

let stack: DemoStack;

beforeAll(async () => {
  stack = await startDemoStack({
    emulator: { cloud: 'AzureUSGovernment', lro: { polls: 1, retryAfterSeconds: 0 } },
    settings: { AZURE_CLOUD: 'AzureUSGovernment' },
  });
  for (const zone of GOV_ZONES) {
    const created = stack.privateDns.createZone(HUB, HUB_RG, zone);
    stack.privateDns.linkVirtualNetwork(created.id, 'link-hub', HUB_VNET_ID);
  }
});

afterAll(async () => {
  await stack?.stop();
});

const target = (type: string, name: string): string =>
  `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/${type}/${name}`;

async function endpoint(name: string, targetId: string, groupId: string): Promise<Map<string, string>> {
  await stack.networkClient(SPOKE).privateEndpoints.beginCreateOrUpdateAndWait(
    SPOKE_RG,
    name,
    {
      location: 'usgovvirginia',
      subnet: { id: SPOKE_SUBNET_ID },
      privateLinkServiceConnections: [{ name, privateLinkServiceId: targetId, groupIds: [groupId] }],
    },
    { updateIntervalInMs: 10 },
  );
  return nicNames(stack, target('Microsoft.Network/privateEndpoints', name));
}

describe('AZURE_CLOUD=AzureUSGovernment, end to end', () => {
  it('storage, Key Vault, Cosmos DB and Event Hubs endpoints get their records in the US Government zones', async () => {
    stack.emu.service<PrivateLinkTargetsService>('privateLinkTargets').createResource({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      type: 'Microsoft.DocumentDB/databaseAccounts',
      name: 'cosmos-gov',
      location: 'usgovvirginia',
      properties: { locations: [{ locationName: 'USGov Virginia' }, { locationName: 'USGov Texas' }] },
    });
    stack.emu.service<PrivateLinkTargetsService>('privateLinkTargets').createResource({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      type: 'Microsoft.EventHub/namespaces',
      name: 'evhns-gov',
      location: 'usgovvirginia',
    });
    const blob = await endpoint(
      'pe-stgov-blob',
      target('Microsoft.Storage/storageAccounts', 'stgov'),
      'blob',
    );
    const vault = await endpoint('pe-kv-gov', target('Microsoft.KeyVault/vaults', 'kv-gov'), 'vault');
    const cosmos = await endpoint(
      'pe-cosmos-gov',
      target('Microsoft.DocumentDB/databaseAccounts', 'cosmos-gov'),
      'Sql',
    );
    const hubs = await endpoint(
      'pe-evhns-gov',
      target('Microsoft.EventHub/namespaces', 'evhns-gov'),
      'namespace',
    );
    expect([...blob.keys()]).toEqual(['stgov.blob.core.usgovcloudapi.net']);

    const expected: Record<string, string> = {
      'stgov.privatelink.blob.core.usgovcloudapi.net': blob.get('stgov.blob.core.usgovcloudapi.net') ?? '',
      'kv-gov.privatelink.vaultcore.usgovcloudapi.net': vault.get('kv-gov.vault.usgovcloudapi.net') ?? '',
      'cosmos-gov.privatelink.documents.azure.us': cosmos.get('cosmos-gov.documents.azure.us') ?? '',
      'cosmos-gov-usgovvirginia.privatelink.documents.azure.us':
        cosmos.get('cosmos-gov-usgovvirginia.documents.azure.us') ?? '',
      'cosmos-gov-usgovtexas.privatelink.documents.azure.us':
        cosmos.get('cosmos-gov-usgovtexas.documents.azure.us') ?? '',
      'evhns-gov.privatelink.servicebus.usgovcloudapi.net':
        hubs.get('evhns-gov.servicebus.usgovcloudapi.net') ?? '',
    };
    await expectResolves(stack.resolver, expected, 'the US Government names to resolve');
  });

  it('the app signed in for the US Government Resource Manager: no call was refused for its token', () => {
    const refused = stack.emu.log.list().filter((e) => e.status === 401);
    expect(refused).toEqual([]);
    // The app wrote the records (its own calls), not the test.
    expect(stack.emu.log.count('RecordSets_CreateOrUpdate')).toBeGreaterThanOrEqual(6);
  });

  it('wrote nothing into public-cloud zones', () => {
    for (const zone of ['privatelink.blob.core.windows.net', 'privatelink.queue.core.windows.net']) {
      const names = stack.privateDns
        .listRecordSets(stack.privateDns.zoneId(HUB, HUB_RG, zone), 'A')
        .map((r) => r.name);
      expect(names.filter((n) => n !== 'legacyappstore')).toEqual([]);
    }
  });
});
