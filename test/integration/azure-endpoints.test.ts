/**
 * The endpoint reader through the real @azure/arm-network and @azure/arm-resourcegraph clients against local/arm:
 * wire-shape reads, Resource Graph paging, the ARM fallback when Resource Graph is refused, and scope filters.
 */
import { ArmError } from '../../local/arm/errors';
import type { ArmProvider } from '../../local/arm/context';
import { resourceGraphProvider } from '../../local/arm/providers/resourceGraph';
import { ArmEndpointReader, scopeQuery } from '../../src/azure/endpointReader';
import { readEndpoints, splitResources } from '../../src/core/endpoint';
import {
  allProviders,
  backupSimulator,
  createBackupVault,
  createEndpoint,
  SPOKE_RG,
  SPOKE_SUBSCRIPTION,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';

const ids = (resources: readonly { id: string; type: string }[], type: string): string[] =>
  resources
    .filter((r) => r.type.toLowerCase() === type)
    .map((r) => r.id.toLowerCase())
    .sort();

describe('endpoint reader against local/arm', () => {
  let fx: Fixture;
  let reader: ArmEndpointReader;
  let v1: { vaultId: string; endpointId: string };
  let v2: { vaultId: string; endpointId: string };

  beforeAll(async () => {
    fx = await startFixture();
    reader = new ArmEndpointReader(fx.clients);
    v1 = createBackupVault(fx, 'rsv-one', 'v1');
    v2 = createBackupVault(fx, 'rsv-two', 'v2');
    backupSimulator(fx).run(v1.vaultId, 'discover');
    backupSimulator(fx).run(v2.vaultId, 'discover');
    createEndpoint(fx, 'pe-other', [
      { groupId: 'blob', requiredMemberName: 'blob', fqdns: ['stspoke.blob.core.windows.net'] },
    ]);
  });
  afterAll(async () => {
    await fx.emu.stop();
  });

  it('reads one endpoint and its NIC in the wire shape (properties nested, subnet kept)', async () => {
    const found = await reader.getEndpoint(v1.endpointId);
    expect(found).toBeDefined();
    const endpoint = found!.endpoint as unknown as { properties: { subnet: { id: string } } };
    expect(endpoint.properties.subnet.id).toMatch(/\/subnets\/snet-pe$/);
    expect(found!.nics).toHaveLength(1);
    const state = readEndpoints(splitResources([found!.endpoint, ...found!.nics]))[0]!;
    expect(state.approved).toBe(true);
    expect(
      state.entries.some((e) => e.fqdn.includes('-ab-pod01-fc1.privatelink.eus.backup.windowsazure.com')),
    ).toBe(true);
  });

  it('answers undefined for an endpoint or NIC that does not exist', async () => {
    const missing = v1.endpointId.replace(/pe-rsv-one$/, 'pe-missing');
    await expect(reader.getEndpoint(missing)).resolves.toBeUndefined();
    await expect(
      reader.getNetworkInterface(missing.replace('privateEndpoints', 'networkInterfaces')),
    ).resolves.toBeUndefined();
  });

  it('lists a subscription with one Resource Graph query, the same set the ARM listing finds', async () => {
    const graph = await reader.listScope({ subscriptionIds: [SPOKE_SUBSCRIPTION] });
    const arm = await new ArmEndpointReader(fx.clients, { disableResourceGraph: true }).listScope({
      subscriptionIds: [SPOKE_SUBSCRIPTION],
    });
    expect(graph.source).toBe('resource-graph');
    expect(graph.requests).toBe(1);
    expect(arm.source).toBe('arm');
    expect(arm.fallbackReason).toMatch(/disabled/);
    const endpoints = ids(graph.resources, 'microsoft.network/privateendpoints');
    expect(endpoints).toHaveLength(5); // two vault endpoints, v1's two ecs siblings, one other
    expect(ids(arm.resources, 'microsoft.network/privateendpoints')).toEqual(endpoints);
    expect(ids(arm.resources, 'microsoft.network/networkinterfaces')).toEqual(
      ids(graph.resources, 'microsoft.network/networkinterfaces'),
    );
    // Same entries whichever way they were read.
    const entries = (resources: unknown[]): string[] =>
      readEndpoints(splitResources(resources))
        .flatMap((e) => e.entries.map((x) => `${x.fqdn}=${x.ip}`))
        .sort();
    expect(entries(arm.resources)).toEqual(entries(graph.resources));
  });

  it('narrows to a vault (with its v1 siblings) and to one endpoint', async () => {
    const vault = await reader.listScope({ subscriptionIds: [SPOKE_SUBSCRIPTION], vaultId: v1.vaultId });
    expect(
      ids(vault.resources, 'microsoft.network/privateendpoints').map((id) => id.split('/').pop()),
    ).toEqual(['pe-rsv-one', 'pe-rsv-one_ecs_blob', 'pe-rsv-one_ecs_queue']);
    const one = await reader.listScope({ subscriptionIds: [SPOKE_SUBSCRIPTION], endpointId: v2.endpointId });
    expect(ids(one.resources, 'microsoft.network/privateendpoints')).toEqual([v2.endpointId.toLowerCase()]);
    expect(ids(one.resources, 'microsoft.network/networkinterfaces')).toHaveLength(1);
    const elsewhere = await reader.listScope({
      subscriptionIds: ['00000000-0000-4000-8000-0000000000ff'],
      endpointId: v2.endpointId,
    });
    expect(elsewhere.resources).toEqual([]);
  });

  it('builds a query inside the emulated Resource Graph subset', () => {
    const query = scopeQuery({
      subscriptionIds: [SPOKE_SUBSCRIPTION],
      resourceGroups: [`${SPOKE_SUBSCRIPTION}/rg-a`, `${SPOKE_SUBSCRIPTION}/rg-o'b`],
    });
    expect(query).toContain("resourceGroup =~ 'rg-o\\'b'");
    const rows = fx.emu.service<{ query(text: string, subs?: string[]): unknown[] }>('resourceGraph');
    expect(() =>
      rows.query(scopeQuery({ subscriptionIds: [SPOKE_SUBSCRIPTION] }), [SPOKE_SUBSCRIPTION]),
    ).not.toThrow();
  });
});

describe('Resource Graph paging and the ARM fallback', () => {
  /** Resource Graph that refuses every query, as it does for an identity without read access at that scope. */
  const refusingResourceGraph: ArmProvider = {
    name: 'refusingResourceGraph',
    register(ctx) {
      ctx.router.add({
        method: 'POST',
        path: '/providers/Microsoft.ResourceGraph/resources',
        operationId: 'Resources',
        resourceType: 'Microsoft.ResourceGraph/resources',
        apiVersions: ['2024-04-01', '2022-10-01', '2021-06-01-preview', '2021-03-01'],
        skipScopeChecks: true,
        handler: () => {
          throw new ArmError(
            403,
            'AuthorizationFailed',
            "The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'.",
          );
        },
      });
    },
  };

  it('falls back to per-subscription ARM listing when Resource Graph answers 403 AuthorizationFailed', async () => {
    const fx = await startFixture({
      providers: [
        ...allProviders().filter((p) => p.name !== resourceGraphProvider.name),
        refusingResourceGraph,
      ],
    });
    try {
      createBackupVault(fx, 'rsv-fb', 'v1');
      const listing = await new ArmEndpointReader(fx.clients).listScope({
        subscriptionIds: [SPOKE_SUBSCRIPTION],
      });
      expect(listing.source).toBe('arm');
      expect(listing.fallbackReason).toMatch(/^AuthorizationFailed/);
      expect(ids(listing.resources, 'microsoft.network/privateendpoints')).toHaveLength(1);
      expect(fx.emu.log.count('Resources')).toBe(1);
      expect(fx.emu.log.count('PrivateEndpoints_ListBySubscription')).toBe(1);
    } finally {
      await fx.emu.stop();
    }
  });

  it('pages past 1000 rows with $skipToken and loses nothing', async () => {
    const fx = await startFixture();
    try {
      fx.network.createVirtualNetwork({
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'vnet-big',
        addressPrefixes: ['10.40.0.0/16'],
        subnets: [{ name: 'snet-big', addressPrefix: '10.40.0.0/20' }],
      });
      const subnetId = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-big/subnets/snet-big`;
      for (let i = 0; i < 1005; i++) {
        fx.network.createPrivateEndpoint({
          subscriptionId: SPOKE_SUBSCRIPTION,
          resourceGroup: SPOKE_RG,
          name: `pe-${String(i).padStart(4, '0')}`,
          subnetId,
          connection: { privateLinkServiceId: `${subnetId}/x`, groupIds: ['blob'] },
          members: [
            { groupId: 'blob', requiredMemberName: 'blob', fqdns: [`acct${i}.blob.core.windows.net`] },
          ],
          state: { status: 'Approved' },
        });
      }
      const listing = await new ArmEndpointReader(fx.clients).listScope({
        subscriptionIds: [SPOKE_SUBSCRIPTION],
      });
      expect(listing.source).toBe('resource-graph');
      expect(listing.requests).toBe(2);
      expect(ids(listing.resources, 'microsoft.network/privateendpoints')).toHaveLength(1005);
      expect(ids(listing.resources, 'microsoft.network/networkinterfaces')).toHaveLength(1005);
    } finally {
      await fx.emu.stop();
    }
  });
});
