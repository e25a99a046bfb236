/**
 * Every response body the Private DNS provider returns, validated against Microsoft's published OpenAPI
 * definitions (privatedns.json 2024-06-01), plus the request bodies the real @azure/arm-privatedns client sends.
 */
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { ArmEmulator } from '../../arm/server';
import {
  captureResponses,
  HUB_RG,
  HUB_SUBSCRIPTION,
  HUB_VNET_ID,
  routedOperationId,
  sendRaw,
  startSeededEmulator,
  type CapturedResponse,
  type RawOperationResponse,
  withoutRetries,
} from '../helpers/armEmulator';
import { describeIfSpecs, loadSpecs, SPEC_FILES, SpecValidator, validateCollected } from '../helpers/specs';

const ZONE = 'privatelink.blob.core.windows.net';

describeIfSpecs('conformance: Private DNS responses match the 2024-06-01 OpenAPI definitions', () => {
  const specs = loadSpecs() as SpecValidator;
  let emu: ArmEmulator;
  let captured: CapturedResponse[];
  const raw: RawOperationResponse[] = [];

  beforeAll(async () => {
    emu = await startSeededEmulator({ throttling: { enabled: false } });
    const client = new PrivateDnsManagementClient(emu.credential(), HUB_SUBSCRIPTION, withoutRetries(emu));
    captured = captureResponses(client);
    const lro = { updateIntervalInMs: 5 };
    await client.privateZones.createOrUpdate(
      HUB_RG,
      ZONE,
      { location: 'global', tags: { team: 'net' } },
      lro,
    );
    await client.privateZones.createOrUpdate(
      HUB_RG,
      ZONE,
      { location: 'global', tags: { team: 'net2' } },
      lro,
    );
    await client.privateZones.get(HUB_RG, ZONE);
    for await (const _ of client.privateZones.list()) void _;
    for await (const _ of client.privateZones.listByResourceGroup(HUB_RG)) void _;
    await client.virtualNetworkLinks.createOrUpdate(
      HUB_RG,
      ZONE,
      'hub',
      { location: 'global', virtualNetwork: { id: HUB_VNET_ID } },
      lro,
    );
    await client.virtualNetworkLinks.get(HUB_RG, ZONE, 'hub');
    for await (const _ of client.virtualNetworkLinks.list(HUB_RG, ZONE)) void _;
    for (let i = 0; i < 5; i++) {
      await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', `Acct${i}`, {
        ttl: 10,
        aRecords: [{ ipv4Address: `10.12.0.${i + 4}` }],
        metadata: { owner: 'privatelink-dns-sync', endpoint: `pe-${i}` },
      });
    }
    await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'acct0', {
      ttl: 20,
      aRecords: [{ ipv4Address: '10.12.0.9' }],
    });
    await client.recordSets.update(HUB_RG, ZONE, 'A', 'acct1', { metadata: { owner: 'x' } });
    await client.recordSets.get(HUB_RG, ZONE, 'A', 'acct2');
    for await (const _ of client.recordSets.listByType(HUB_RG, ZONE, 'A', { top: 2 })) void _;
    for await (const _ of client.recordSets.list(HUB_RG, ZONE, { top: 4 })) void _;
    await client.recordSets.delete(HUB_RG, ZONE, 'A', 'acct3');
    await client.recordSets.delete(HUB_RG, ZONE, 'A', 'acct3');
    await client.recordSets
      .createOrUpdate(HUB_RG, ZONE, 'A', 'acct4', { ttl: 1, aRecords: [] }, { ifNoneMatch: '*' })
      .catch(() => undefined);
    await client.recordSets.get(HUB_RG, ZONE, 'A', 'missing').catch(() => undefined);

    const zoneBase = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateDnsZones`;
    const errors: Array<[string, string, string, unknown?]> = [
      ['PrivateZones_Get', 'GET', `${zoneBase}/privatelink.none.net?api-version=2024-06-01`],
      ['PrivateZones_Get', 'GET', `${zoneBase}/${ZONE}?api-version=2018-09-01`],
      ['RecordSets_Get', 'GET', `${zoneBase}/privatelink.none.net/A/x?api-version=2024-06-01`],
      [
        'RecordSets_CreateOrUpdate',
        'PUT',
        `${zoneBase}/${ZONE}/A/bad?api-version=2024-06-01`,
        { properties: { aRecords: [{ ipv4Address: 'x' }] } },
      ],
      ['RecordSets_ListByType', 'GET', `${zoneBase}/${ZONE}/A?api-version=2024-06-01&$top=-1`],
    ];
    raw.push(...(await sendRaw(emu, errors)));
  });
  afterAll(() => emu.stop());

  const operationOf = (c: CapturedResponse): string => routedOperationId(emu, c);

  it('covers every Private DNS operation the emulator serves, including the errors', () => {
    const seen = new Set(captured.map(operationOf));
    for (const op of [
      'PrivateZones_Get',
      'PrivateZones_List',
      'PrivateZones_ListByResourceGroup',
      'PrivateZones_CreateOrUpdate',
      'RecordSets_Get',
      'RecordSets_CreateOrUpdate',
      'RecordSets_Update',
      'RecordSets_Delete',
      'RecordSets_ListByType',
      'RecordSets_List',
      'VirtualNetworkLinks_Get',
      'VirtualNetworkLinks_List',
      'VirtualNetworkLinks_CreateOrUpdate',
    ]) {
      expect(seen).toContain(op);
    }
    expect(captured.map((c) => c.status)).toEqual(expect.arrayContaining([200, 201, 204, 404, 412]));
  });

  it('returns response bodies that validate against the spec (success and error)', () => {
    for (const r of raw) expect(r.status).toBeGreaterThanOrEqual(400);
    const { failures } = validateCollected(specs, {
      captured,
      raw,
      operationOf,
      fileFor: () => SPEC_FILES.privateDns,
    });
    expect(failures).toEqual([]);
    const sample = structuredClone(
      captured.find((c) => operationOf(c) === 'RecordSets_Get' && c.status === 200)?.body,
    ) as {
      properties: Record<string, unknown>;
    };
    sample.properties.ttl = 'ten';
    expect(specs.validateResponse(SPEC_FILES.privateDns, 'RecordSets_Get', 200, sample).valid).toBe(false);
  });

  it('accepts request bodies that validate against the spec, as the SDK sends them', () => {
    const writes = captured.filter((c) => c.method === 'PUT' || c.method === 'PATCH');
    expect(writes.length).toBeGreaterThanOrEqual(8);
    for (const c of writes) specs.assertRequest(SPEC_FILES.privateDns, operationOf(c), c.requestBody);
  });

  it('returns record sets shaped like the official RecordSetAGet example', () => {
    const example = SpecValidator.example(
      'examples/specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/examples/RecordSetAGet.json',
    ).responses['200']?.body as Record<string, unknown> & { properties: Record<string, unknown> };
    const ours = captured.find((c) => operationOf(c) === 'RecordSets_Get' && c.status === 200)
      ?.body as Record<string, unknown> & {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(ours).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(ours.properties).sort()).toEqual(Object.keys(example.properties).sort());
  });
});
