import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { NetworkService } from '../../arm/providers/network';
import type { ResourceGraphService } from '../../arm/providers/resourceGraph';
import type { ArmEmulator } from '../../arm/server';
import {
  failure,
  HUB_SUBSCRIPTION,
  SPOKE_RG,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
  withoutRetries,
} from '../helpers/armEmulator';

const SPOKE2 = '00000000-0000-4000-8000-00000000c0d3';
const PE_QUERY =
  "Resources | where type =~ 'microsoft.network/privateendpoints' | project id, name, type, location, resourceGroup, subscriptionId, properties";

describe('Resource Graph: through @azure/arm-resourcegraph', () => {
  let emu: ArmEmulator;
  let graph: ResourceGraphClient;
  let service: ResourceGraphService;
  const endpointCount = 1100;

  beforeAll(async () => {
    emu = await startSeededEmulator();
    service = emu.service<ResourceGraphService>('resourceGraph');
    const network = emu.service<NetworkService>('network');
    const vnet = network.createVirtualNetwork({
      subscriptionId: SPOKE2,
      resourceGroup: 'rg-bulk',
      name: 'vnet-bulk',
      location: 'eastus',
      addressPrefixes: ['10.40.0.0/16'],
      subnets: [{ name: 'snet', addressPrefix: '10.40.0.0/20' }],
    });
    for (let i = 0; i < endpointCount; i++) {
      network.createPrivateEndpoint({
        subscriptionId: SPOKE2,
        resourceGroup: 'rg-bulk',
        name: `pe-${String(i).padStart(4, '0')}`,
        subnetId: `${vnet.id}/subnets/snet`,
        connection: {
          privateLinkServiceId: `/subscriptions/${SPOKE2}/resourceGroups/rg-bulk/providers/Microsoft.Storage/storageAccounts/st${i}`,
          groupIds: ['blob'],
        },
      });
    }
    graph = new ResourceGraphClient(emu.credential(), withoutRetries(emu));
  });

  afterAll(async () => {
    await emu.stop();
  });

  beforeEach(() => {
    service.configureQuota({ enabled: true, limit: 15, windowMs: 5000 });
  });

  it('pages more than 1000 rows with $skipToken, 1000 a page, in a stable id order', async () => {
    const first = await graph.resources({
      query: PE_QUERY,
      subscriptions: [SPOKE2],
      options: { resultFormat: 'objectArray' },
    });
    expect(first.totalRecords).toBe(endpointCount);
    expect(first.count).toBe(1000);
    expect(first.resultTruncated).toBe('false');
    expect(first.skipToken).toEqual(expect.any(String));
    const second = await graph.resources({
      query: PE_QUERY,
      subscriptions: [SPOKE2],
      options: { skipToken: first.skipToken! },
    });
    expect(second.count).toBe(endpointCount - 1000);
    expect(second.skipToken).toBeUndefined();
    const rows = [
      ...(first.data as Array<Record<string, unknown>>),
      ...(second.data as Array<Record<string, unknown>>),
    ];
    const ids = rows.map((r) => String(r.id));
    expect(new Set(ids).size).toBe(endpointCount);
    expect(ids).toEqual([...ids].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const row = rows[0]!;
    expect(Object.keys(row).sort()).toEqual([
      'id',
      'location',
      'name',
      'properties',
      'resourceGroup',
      'subscriptionId',
      'type',
    ]);
    expect(row.type).toBe('microsoft.network/privateendpoints');
    expect(row.resourceGroup).toBe('rg-bulk');
    expect((row.properties as { networkInterfaces: unknown[] }).networkInterfaces).toHaveLength(1);
  });

  it('honours $top as the page size and scopes rows to the subscriptions in the request', async () => {
    const page = await graph.resources({
      query: PE_QUERY,
      subscriptions: [SPOKE2],
      options: { top: 10, skip: 5 },
    });
    expect(page.count).toBe(10);
    expect((page.data as Array<{ name: string }>).map((r) => r.name)[0]).toBe('pe-0005');
    const none = await graph.resources({ query: PE_QUERY, subscriptions: [HUB_SUBSCRIPTION] });
    expect(none.totalRecords).toBe(0);
    const nics = await graph.resources({
      query:
        "Resources | where type =~ 'microsoft.network/networkinterfaces' | where resourceGroup =~ 'RG-BULK' | project id, properties",
      subscriptions: [SPOKE2, SPOKE_SUBSCRIPTION],
      options: { top: 1 },
    });
    expect(nics.totalRecords).toBe(endpointCount);
  });

  it('answers in the table format when asked', async () => {
    const table = await graph.resources({
      query: "Resources | where name == 'pe-0001' | project id, name, subscriptionId",
      subscriptions: [SPOKE2],
      options: { resultFormat: 'table' },
    });
    const data = table.data as { columns: Array<{ name: string; type: string }>; rows: unknown[][] };
    expect(data.columns).toEqual([
      { name: 'id', type: 'string' },
      { name: 'name', type: 'string' },
      { name: 'subscriptionId', type: 'string' },
    ]);
    expect(data.rows).toEqual([[expect.stringContaining('/privateEndpoints/pe-0001'), 'pe-0001', SPOKE2]]);
  });

  it('refuses unsupported queries with 400 BadRequest naming the part, never with wrong rows', async () => {
    const e = await failure(
      graph.resources({
        query: 'Resources | mv-expand d = properties.customDnsConfigs | project d',
        subscriptions: [SPOKE2],
      }),
    );
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('BadRequest');
    expect(e.message).toContain('mv-expand');
    const e2 = await failure(graph.resources({ query: 'ResourceContainers', subscriptions: [SPOKE2] }));
    expect(e2.statusCode).toBe(400);
    expect(e2.message).toContain('ResourceContainers');
    const e3 = await failure(
      graph.resources({
        query: PE_QUERY,
        subscriptions: [SPOKE2],
        options: { skipToken: 'bm90LWEtdG9rZW4=' },
      }),
    );
    expect(e3.statusCode).toBe(400);
    expect(e3.message).toMatch(/skipToken/);
  });

  it('enforces the 15-queries-per-5-seconds user quota with 429 and quota headers', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 15; i++) {
      await graph.resources(
        { query: "Resources | where name == 'pe-0001' | project id", subscriptions: [SPOKE2] },
        {
          onResponse: (r: { headers: { get(n: string): string | undefined } }) => {
            remaining.push(r.headers.get('x-ms-user-quota-remaining') ?? '');
            expect(r.headers.get('x-ms-user-quota-resets-after')).toMatch(/^00:00:0[0-5]$/);
          },
        },
      );
    }
    expect(remaining).toEqual(Array.from({ length: 15 }, (_, i) => String(14 - i)));
    const e = await failure(graph.resources({ query: PE_QUERY, subscriptions: [SPOKE2] }));
    expect(e.statusCode).toBe(429);
    expect(e.response?.headers.get('x-ms-user-quota-remaining')).toBe('0');
    expect(Number(e.response?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(service.counters.throttled).toBeGreaterThanOrEqual(1);
    // Once the window has passed, queries are served again.
    emu.clock.advance(5000);
    const ok = await graph.resources({
      query: "Resources | where name == 'pe-0001' | project id",
      subscriptions: [SPOKE2],
    });
    expect(ok.count).toBe(1);
  });

  it('sees endpoints written through ARM as they change', async () => {
    const before = service.query(
      "Resources | where type =~ 'microsoft.network/privateendpoints' | where resourceGroup =~ 'rg-spoke'",
      [SPOKE_SUBSCRIPTION],
    );
    emu.service<NetworkService>('network').createPrivateEndpoint({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-live',
      subnetId: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`,
      connection: {
        privateLinkServiceId: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.KeyVault/vaults/kv1`,
        groupIds: ['vault'],
      },
    });
    const after = await graph.resources({
      query:
        "Resources | where type =~ 'microsoft.network/privateendpoints' | where resourceGroup =~ 'rg-spoke' | project id, name, properties",
      subscriptions: [SPOKE_SUBSCRIPTION],
    });
    expect(after.totalRecords).toBe(before.length + 1);
    const live = (
      after.data as Array<{ name: string; properties: { customDnsConfigs: Array<{ fqdn: string }> } }>
    ).find((r) => r.name === 'pe-live');
    expect(live?.properties.customDnsConfigs.map((c) => c.fqdn)).toEqual(['kv1.vault.azure.net']);
  });
});
