/**
 * One private endpoint of every service family, end to end on the local host: the endpoint is created with the
 * real @azure/arm-network client, the emulator's Event Grid delivers the ARM event to the app, the app's
 * orchestration writes the records through the real Private DNS client, and each name the service publishes
 * resolves through the local DNS server to its endpoint's IP (the lookup a client in the hub VNet makes).
 *
 * The expected names are written out per family from Microsoft's documentation (the service's public name with
 * `privatelink` inserted where the zone puts it), not derived from the app's catalogue.
 */
import type { PrivateLinkTargetsService } from '../../local/arm/providers/privateLinkTargets';
import { waitUntil } from '../../local/stack';
import { HUB, HUB_RG, HUB_VNET_ID, SPOKE, SPOKE_RG, SPOKE_SUBNET_ID } from '../../demo/estate';
import { nicNames } from '../../demo/mission';
import { expectResolves } from '../helpers/dnsAnswers';
import { startDemoStack } from '../../demo/stack';
import type { DemoStack } from '../../demo/stack';

let stack: DemoStack;

beforeAll(async () => {
  stack = await startDemoStack({ emulator: { lro: { polls: 1, retryAfterSeconds: 0 } } });
});

afterAll(async () => {
  await stack?.stop();
});

/** Creates hub zones linked to the hub VNet (the DNS server's view), unless they exist. */
function hubZones(...zones: string[]): void {
  for (const zone of zones) {
    if (stack.privateDns.getZone(stack.privateDns.zoneId(HUB, HUB_RG, zone))) continue;
    const created = stack.privateDns.createZone(HUB, HUB_RG, zone);
    stack.privateDns.linkVirtualNetwork(created.id, 'link-hub', HUB_VNET_ID);
  }
}

function targetResource(type: string, name: string, properties: Record<string, unknown> = {}): string {
  return stack.emu.service<PrivateLinkTargetsService>('privateLinkTargets').createResource({
    subscriptionId: SPOKE,
    resourceGroup: SPOKE_RG,
    type,
    name,
    location: 'eastus',
    properties,
  }).id;
}

/** Creates the endpoint through the real SDK; returns `fqdn → ip` as its NIC shows them. */
async function endpoint(name: string, targetId: string, groupId: string): Promise<Map<string, string>> {
  await stack.networkClient(SPOKE).privateEndpoints.beginCreateOrUpdateAndWait(
    SPOKE_RG,
    name,
    {
      location: 'eastus',
      subnet: { id: SPOKE_SUBNET_ID },
      privateLinkServiceConnections: [{ name, privateLinkServiceId: targetId, groupIds: [groupId] }],
    },
    { updateIntervalInMs: 10 },
  );
  const id = `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/${name}`;
  return nicNames(stack, id);
}

/** Waits until every `name → ip` resolves as expected (the app writes after Event Grid delivers). */

describe('every service family, from the ARM write to a DNS answer', () => {
  it('storage sub-resources: blob, file and dfs of one account', async () => {
    hubZones('privatelink.file.core.windows.net', 'privatelink.dfs.core.windows.net');
    const account = `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/stpayroll`;
    const blob = await endpoint('pe-stpayroll-blob', account, 'blob');
    const file = await endpoint('pe-stpayroll-file', account, 'file');
    const dfs = await endpoint('pe-stpayroll-dfs', account, 'dfs');
    await expectResolves(stack.resolver, {
      'stpayroll.privatelink.blob.core.windows.net': blob.get('stpayroll.blob.core.windows.net') ?? '',
      'stpayroll.privatelink.file.core.windows.net': file.get('stpayroll.file.core.windows.net') ?? '',
      'stpayroll.privatelink.dfs.core.windows.net': dfs.get('stpayroll.dfs.core.windows.net') ?? '',
    });
  });

  it('Key Vault: <vault>.vault.azure.net in privatelink.vaultcore.azure.net', async () => {
    hubZones('privatelink.vaultcore.azure.net');
    const nic = await endpoint(
      'pe-kv-payroll',
      `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.KeyVault/vaults/kv-payroll`,
      'vault',
    );
    await expectResolves(stack.resolver, {
      'kv-payroll.privatelink.vaultcore.azure.net': nic.get('kv-payroll.vault.azure.net') ?? '',
    });
  });

  it('SQL Database', async () => {
    hubZones('privatelink.database.windows.net');
    const nic = await endpoint(
      'pe-sql-payroll',
      targetResource('Microsoft.Sql/servers', 'sql-payroll'),
      'sqlServer',
    );
    await expectResolves(stack.resolver, {
      'sql-payroll.privatelink.database.windows.net': nic.get('sql-payroll.database.windows.net') ?? '',
    });
  });

  it('SQL Managed Instance: the zone carries the instance DNS zone', async () => {
    hubZones('privatelink.767d5869f605.database.windows.net');
    const nic = await endpoint(
      'pe-sqlmi-payroll',
      targetResource('Microsoft.Sql/managedInstances', 'sqlmi-payroll', { dnsZone: '767d5869f605' }),
      'managedInstance',
    );
    await expectResolves(stack.resolver, {
      'sqlmi-payroll.privatelink.767d5869f605.database.windows.net':
        nic.get('sqlmi-payroll.767d5869f605.database.windows.net') ?? '',
    });
  });

  it('Cosmos DB with two regions: the account and one name per region', async () => {
    hubZones('privatelink.documents.azure.com');
    const nic = await endpoint(
      'pe-cosmos-payroll',
      targetResource('Microsoft.DocumentDB/databaseAccounts', 'cosmos-payroll', {
        locations: [{ locationName: 'East US' }, { locationName: 'West US' }],
      }),
      'Sql',
    );
    expect(nic.size).toBe(3);
    await expectResolves(stack.resolver, {
      'cosmos-payroll.privatelink.documents.azure.com': nic.get('cosmos-payroll.documents.azure.com') ?? '',
      'cosmos-payroll-eastus.privatelink.documents.azure.com':
        nic.get('cosmos-payroll-eastus.documents.azure.com') ?? '',
      'cosmos-payroll-westus.privatelink.documents.azure.com':
        nic.get('cosmos-payroll-westus.documents.azure.com') ?? '',
    });
  });

  it('Container Registry with a data endpoint: the data name goes into the regional sub-zone the hub holds', async () => {
    hubZones('privatelink.azurecr.io', 'eastus.data.privatelink.azurecr.io');
    const nic = await endpoint(
      'pe-acr-payroll',
      targetResource('Microsoft.ContainerRegistry/registries', 'acrpayroll'),
      'registry',
    );
    await expectResolves(stack.resolver, {
      'acrpayroll.privatelink.azurecr.io': nic.get('acrpayroll.azurecr.io') ?? '',
      // A linked, more specific zone answers this name: a record in privatelink.azurecr.io would never be read.
      'acrpayroll.eastus.data.privatelink.azurecr.io': nic.get('acrpayroll.eastus.data.azurecr.io') ?? '',
    });
    const sub = stack.privateDns.zoneId(HUB, HUB_RG, 'eastus.data.privatelink.azurecr.io');
    expect(stack.privateDns.getRecordSet(sub, 'A', 'acrpayroll')).toBeDefined();
  });

  it('AKS private cluster: the private FQDN, privatelink already inside', async () => {
    hubZones('privatelink.eastus.azmk8s.io');
    const nic = await endpoint(
      'pe-aks-payroll',
      targetResource('Microsoft.ContainerService/managedClusters', 'aks-payroll', {
        dnsPrefix: 'aks-payroll-dns',
      }),
      'management',
    );
    const [fqdn, ip] = [...nic.entries()][0] as [string, string];
    expect(fqdn).toMatch(/^aks-payroll-dns-[0-9a-f]{8}\.privatelink\.eastus\.azmk8s\.io$/);
    await expectResolves(stack.resolver, { [fqdn]: ip });
  });

  it('Web App with its SCM site: both names in privatelink.azurewebsites.net', async () => {
    hubZones('privatelink.azurewebsites.net');
    const nic = await endpoint(
      'pe-app-payroll',
      targetResource('Microsoft.Web/sites', 'app-payroll'),
      'sites',
    );
    const ip = nic.get('app-payroll.privatelink.azurewebsites.net') ?? '';
    await expectResolves(stack.resolver, {
      'app-payroll.privatelink.azurewebsites.net': ip,
      'app-payroll.scm.privatelink.azurewebsites.net': ip,
    });
  });

  it('Azure Monitor private link scope: global, workspace and storage names in five zones', async () => {
    hubZones(
      'privatelink.monitor.azure.com',
      'privatelink.oms.opinsights.azure.com',
      'privatelink.ods.opinsights.azure.com',
      'privatelink.agentsvc.azure-automation.net',
    );
    const ws = '5e0e2a8c-41d7-4b8e-9c3a-7f61d2b0cc03';
    const nic = await endpoint(
      'pe-ampls-payroll',
      targetResource('Microsoft.Insights/privateLinkScopes', 'ampls-payroll', { linkedWorkspaceIds: [ws] }),
      'azuremonitor',
    );
    await expectResolves(stack.resolver, {
      'api.privatelink.monitor.azure.com': nic.get('api.monitor.azure.com') ?? '',
      'global.in.ai.privatelink.monitor.azure.com': nic.get('global.in.ai.monitor.azure.com') ?? '',
      [`${ws}.privatelink.oms.opinsights.azure.com`]: nic.get(`${ws}.oms.opinsights.azure.com`) ?? '',
      [`${ws}.privatelink.ods.opinsights.azure.com`]: nic.get(`${ws}.ods.opinsights.azure.com`) ?? '',
      [`${ws}.privatelink.agentsvc.azure-automation.net`]:
        nic.get(`${ws}.agentsvc.azure-automation.net`) ?? '',
      'scadvisorcontentpl.privatelink.blob.core.windows.net':
        nic.get('scadvisorcontentpl.blob.core.windows.net') ?? '',
    });
  });

  it('Event Hubs namespace', async () => {
    hubZones('privatelink.servicebus.windows.net');
    const nic = await endpoint(
      'pe-evhns-payroll',
      targetResource('Microsoft.EventHub/namespaces', 'evhns-payroll'),
      'namespace',
    );
    await expectResolves(stack.resolver, {
      'evhns-payroll.privatelink.servicebus.windows.net':
        nic.get('evhns-payroll.servicebus.windows.net') ?? '',
    });
  });

  it('Batch: account and node management names under privatelink.batch.azure.com', async () => {
    hubZones('privatelink.batch.azure.com');
    const account = targetResource('Microsoft.Batch/batchAccounts', 'batchpayroll');
    const nic = await endpoint('pe-batch-payroll', account, 'batchAccount');
    const node = await endpoint('pe-batch-payroll-node', account, 'nodeManagement');
    await expectResolves(stack.resolver, {
      'batchpayroll.eastus.privatelink.batch.azure.com': nic.get('batchpayroll.eastus.batch.azure.com') ?? '',
      'batchpayroll.eastus.service.privatelink.batch.azure.com':
        node.get('batchpayroll.eastus.service.batch.azure.com') ?? '',
    });
  });

  it('a reconcile of every spoke finds all of it in step (the same zone choices, including the ACR sub-zone)', async () => {
    const started = await stack.api('POST', 'resync', JSON.stringify({ scope: 'all', dryRun: true }));
    expect(started.status).toBe(202);
    const { id } = started.json as { id: string };
    const done = await waitUntil(
      'the dry-run reconcile',
      async () => {
        const status = (await stack.api('GET', `resync/${encodeURIComponent(id)}`)).json as {
          runtimeStatus: string;
          output: { summary: Record<string, number>; skips: { code: string }[] };
        };
        return ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus) ? status : undefined;
      },
      30_000,
    );
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output.summary).toMatchObject({
      creates: 0,
      updates: 0,
      deletes: 0,
      adoptions: 0,
      conflicts: 0,
    });
    expect(done.output.summary.unchanged).toBeGreaterThan(25);
  });

  it('wrote every record as its own (ownership metadata), nothing foreign touched', () => {
    const zoneId = stack.privateDns.zoneId(HUB, HUB_RG, 'privatelink.documents.azure.com');
    for (const rs of stack.privateDns.listRecordSets(zoneId, 'A')) {
      const metadata = (rs.properties as { metadata?: Record<string, string> }).metadata ?? {};
      expect(Object.values(metadata).join(' ')).toContain('privatelink-dns-sync');
    }
    expect(stack.hubRecord('privatelink.blob.core.windows.net', 'legacyappstore')).toEqual(['10.0.9.9']);
  });
});
