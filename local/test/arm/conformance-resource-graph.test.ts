/**
 * Resource Graph responses (success, paging, table format, 400 and 429 errors) validated against
 * resourcegraph.json 2024-04-01. `data` is declared `type: object` but is an array (objectArray) or a table in
 * every real response and example, so that bare `object` is relaxed (AutoRest reads it as "any").
 */
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { BackupSimulator } from '../../arm/backupSimulator';
import type { ResourceGraphService } from '../../arm/providers/resourceGraph';
import type { ArmEmulator } from '../../arm/server';
import {
  armRequest,
  captureResponses,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
  type CapturedResponse,
  withoutRetries,
} from '../helpers/armEmulator';
import type { SpecValidator } from '../helpers/specs';
import { describeIfSpecs, loadSpecs, SPEC_FILES } from '../helpers/specs';

const PATH = '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01';

describeIfSpecs('conformance: Resource Graph responses match resourcegraph.json 2024-04-01', () => {
  const specs = loadSpecs({ bareObjects: true }) as SpecValidator;
  let emu: ArmEmulator;
  let captured: CapturedResponse[];
  const requests = [
    {
      query:
        "Resources | where type =~ 'microsoft.network/privateendpoints' | project id, name, type, location, resourceGroup, subscriptionId, properties",
      subscriptions: [SPOKE_SUBSCRIPTION],
      options: { top: 2, resultFormat: 'objectArray' as const },
    },
    {
      query:
        "Resources | where type in~ ('microsoft.network/privateendpoints', 'microsoft.network/networkinterfaces') | project id, name, type",
      subscriptions: [SPOKE_SUBSCRIPTION],
      options: { resultFormat: 'table' as const },
    },
    { query: 'Resources', subscriptions: [SPOKE_SUBSCRIPTION] },
  ];

  beforeAll(async () => {
    emu = await startSeededEmulator();
    const backup = emu.service<BackupSimulator>('backup');
    const vault = backup.createVault({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-graph',
    });
    backup.createVaultEndpoint({
      vaultId: vault.id,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-graph',
      subnetId: SPOKE_SUBNET_ID,
    });
    backup.discover(vault.id);
    const graph = new ResourceGraphClient(emu.credential(), withoutRetries(emu));
    captured = captureResponses(graph);
    const first = await graph.resources(requests[0]!);
    await graph.resources({ ...requests[0]!, options: { skipToken: first.skipToken! } });
    await graph.resources(requests[1]!);
    await graph.resources(requests[2]!);
  });

  afterAll(async () => {
    await emu.stop();
  });

  it('success bodies (first page with $skipToken, next page, table, full rows) match QueryResponse', () => {
    const ok = captured.filter((c) => c.status === 200);
    expect(ok).toHaveLength(4);
    expect((ok[0]!.body as { $skipToken?: string }).$skipToken).toEqual(expect.any(String));
    for (const c of ok) specs.assertResponse(SPEC_FILES.resourceGraph, 'Resources', 200, c.body);
    const broken = { ...(ok[0]!.body as object), resultTruncated: 'maybe' };
    expect(specs.validateResponse(SPEC_FILES.resourceGraph, 'Resources', 200, broken).valid).toBe(false);
  });

  it('the request bodies the client sends match QueryRequest', () => {
    specs.assertRequest(SPEC_FILES.resourceGraph, 'Resources', {
      query: requests[0]!.query,
      subscriptions: [SPOKE_SUBSCRIPTION],
      options: { $top: 2, resultFormat: 'objectArray' },
    });
  });

  it('400 and 429 bodies match ErrorResponse', async () => {
    const bad = await armRequest(emu, 'POST', PATH, {
      body: { query: 'Resources | summarize count() by type', subscriptions: [SPOKE_SUBSCRIPTION] },
    });
    expect(bad.status).toBe(400);
    specs.assertResponse(SPEC_FILES.resourceGraph, 'Resources', 'default', bad.json);
    emu.service<ResourceGraphService>('resourceGraph').configureQuota({ limit: 1 });
    await armRequest(emu, 'POST', PATH, {
      body: { query: 'Resources | project id', subscriptions: [SPOKE_SUBSCRIPTION] },
    });
    const throttled = await armRequest(emu, 'POST', PATH, {
      body: { query: 'Resources | project id', subscriptions: [SPOKE_SUBSCRIPTION] },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['x-ms-user-quota-remaining']).toBe('0');
    specs.assertResponse(SPEC_FILES.resourceGraph, 'Resources', 'default', throttled.json);
  });
});
