/**
 * Every response body the Network provider returns, validated against Microsoft's published OpenAPI
 * definitions (privateEndpoint.json / networkInterface.json / virtualNetwork.json, 2024-01-01), plus the request
 * bodies the real @azure/arm-network client sends. Responses are captured from the real SDK's pipeline.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import type { ArmEmulator } from '../../arm/server';
import type { NetworkService } from '../../arm/providers/network';
import type { PrivateLinkTargetsService } from '../../arm/providers/privateLinkTargets';
import {
  captureResponses,
  routedOperationId,
  sendRaw,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
  type CapturedResponse,
  type RawOperationResponse,
} from '../helpers/armEmulator';
import { describeIfSpecs, loadSpecs, SPEC_FILES, SpecValidator, validateCollected } from '../helpers/specs';

const FILE_BY_PREFIX: Array<[string, string]> = [
  ['PrivateEndpoints_', SPEC_FILES.privateEndpoint],
  ['NetworkInterfaces_', SPEC_FILES.networkInterface],
  ['VirtualNetworks_', SPEC_FILES.virtualNetwork],
];

describeIfSpecs('conformance: Microsoft.Network responses match the 2024-01-01 OpenAPI definitions', () => {
  const specs = loadSpecs() as SpecValidator;
  let emu: ArmEmulator;
  let captured: CapturedResponse[];
  const raw: RawOperationResponse[] = [];

  beforeAll(async () => {
    emu = await startSeededEmulator({ throttling: { enabled: false } });
    const client = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    captured = captureResponses(client);
    const lro = { updateIntervalInMs: 5 };
    const target = (t: string) =>
      `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/${t}`;
    // Network refuses an endpoint to a SQL server that does not exist.
    emu.service<PrivateLinkTargetsService>('privateLinkTargets').createResource({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      type: 'Microsoft.Sql/servers',
      name: 'sql1',
    });

    const auto = await client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      'pe-auto',
      {
        location: 'eastus',
        tags: { app: 'demo' },
        subnet: { id: SPOKE_SUBNET_ID },
        privateLinkServiceConnections: [
          {
            name: 'c',
            privateLinkServiceId: target('Microsoft.Storage/storageAccounts/acct'),
            groupIds: ['blob'],
            requestMessage: 'hi',
          },
        ],
      },
      lro,
    );
    await client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      'pe-manual',
      {
        location: 'eastus',
        subnet: { id: SPOKE_SUBNET_ID },
        customNetworkInterfaceName: 'nic-manual',
        manualPrivateLinkServiceConnections: [
          {
            name: 'm',
            privateLinkServiceId: target('Microsoft.Sql/servers/sql1'),
            groupIds: ['sqlServer'],
          },
        ],
      },
      lro,
    );
    // An update of an existing endpoint (200 + LRO).
    await client.privateEndpoints.createOrUpdate(
      SPOKE_RG,
      'pe-auto',
      { ...auto, tags: { app: 'demo2' } },
      lro,
    );
    emu.service<NetworkService>('network').setMembers(auto.id ?? '', [
      { groupId: 'blob', requiredMemberName: 'blob', fqdns: ['acct.blob.core.windows.net'] },
      {
        groupId: 'blob',
        requiredMemberName: 'blob_secondary',
        fqdns: ['acct-secondary.blob.core.windows.net'],
      },
    ]);
    await client.privateEndpoints.get(SPOKE_RG, 'pe-auto');
    for await (const _ of client.privateEndpoints.list(SPOKE_RG)) void _;
    for await (const _ of client.privateEndpoints.listBySubscription()) void _;
    await client.networkInterfaces.get(SPOKE_RG, 'nic-manual');
    for await (const _ of client.networkInterfaces.list(SPOKE_RG)) void _;
    for await (const _ of client.networkInterfaces.listAll()) void _;
    await client.virtualNetworks.get(SPOKE_RG, 'vnet-spoke');
    for await (const _ of client.virtualNetworks.list(SPOKE_RG)) void _;
    await client.privateEndpoints.delete(SPOKE_RG, 'pe-manual', lro);
    await client.privateEndpoints.get(SPOKE_RG, 'pe-manual').catch(() => undefined);

    // Error bodies, straight from the wire.
    const peBase = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints`;
    const errors: Array<[string, string, string, unknown?]> = [
      ['PrivateEndpoints_Get', 'GET', `${peBase}/missing?api-version=2026-01-01`],
      ['PrivateEndpoints_Get', 'GET', `${peBase}/missing`],
      [
        'PrivateEndpoints_CreateOrUpdate',
        'PUT',
        `${peBase}/bad?api-version=2026-01-01`,
        { location: 'eastus', properties: {} },
      ],
      [
        'NetworkInterfaces_Get',
        'GET',
        `${peBase.replace('privateEndpoints', 'networkInterfaces')}/missing?api-version=2026-01-01`,
      ],
    ];
    raw.push(...(await sendRaw(emu, errors)));
  });
  afterAll(() => emu.stop());

  const fileFor = (operationId: string): string => {
    const entry = FILE_BY_PREFIX.find(([prefix]) => operationId.startsWith(prefix));
    if (!entry) throw new Error(`No spec file for ${operationId}`);
    return entry[1];
  };

  const operationOf = (c: CapturedResponse): string => routedOperationId(emu, c);

  it('covers every Network operation the emulator serves', () => {
    const seen = new Set(captured.map(operationOf));
    for (const op of [
      'PrivateEndpoints_Get',
      'PrivateEndpoints_List',
      'PrivateEndpoints_ListBySubscription',
      'PrivateEndpoints_CreateOrUpdate',
      'PrivateEndpoints_Delete',
      'NetworkInterfaces_Get',
      'NetworkInterfaces_List',
      'NetworkInterfaces_ListAll',
      'VirtualNetworks_Get',
      'VirtualNetworks_List',
    ]) {
      expect(seen).toContain(op);
    }
  });

  it('returns response bodies that validate against the spec (success and error)', () => {
    const { failures, checked } = validateCollected(specs, { captured, raw, operationOf, fileFor });
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(15);
    // The validator is live: a corrupted body is rejected.
    const sample = structuredClone(
      captured.find((c) => operationOf(c) === 'PrivateEndpoints_Get' && c.status === 200)?.body,
    ) as {
      properties: Record<string, unknown>;
    };
    sample.properties.privateLinkServiceConnections = 'not-an-array';
    expect(
      specs.validateResponse(SPEC_FILES.privateEndpoint, 'PrivateEndpoints_Get', 200, sample).valid,
    ).toBe(false);
  });

  it('accepts request bodies that validate against the spec, as the SDK sends them', () => {
    const puts = captured.filter((c) => c.method === 'PUT');
    expect(puts.length).toBeGreaterThanOrEqual(3);
    for (const c of puts) specs.assertRequest(fileFor(operationOf(c)), operationOf(c), c.requestBody);
  });

  it('matches the shape of the official 2026-01-01 PrivateEndpointGet example field for field (wire names)', () => {
    const example = SpecValidator.example(
      'examples/specification/network/resource-manager/Microsoft.Network/stable/2026-01-01/examples/PrivateEndpointGet.json',
    ).responses['200']?.body as { properties: Record<string, unknown> };
    const ours = captured.find((c) => operationOf(c) === 'PrivateEndpoints_Get' && c.status === 200)
      ?.body as {
      properties: Record<string, unknown>;
    };
    const exampleKeys = Object.keys(example.properties).filter((k) => k !== 'customNetworkInterfaceName');
    for (const key of exampleKeys) expect(Object.keys(ours.properties)).toContain(key);
  });
});
