import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { ArmEmulator } from '../../arm/server';
import type { PrivateDnsService } from '../../arm/providers/privateDns';
import {
  armRequest,
  HUB_RG,
  HUB_SUBSCRIPTION,
  HUB_VNET_ID,
  SPOKE_VNET_ID,
  startSeededEmulator,
  withoutRetries,
} from '../helpers/armEmulator';

const ZONE = 'privatelink.blob.core.windows.net';
const LRO = { updateIntervalInMs: 5 };

describe('ARM emulator: Private DNS through @azure/arm-privatedns', () => {
  let emu: ArmEmulator;
  let client: PrivateDnsManagementClient;
  let dns: PrivateDnsService;

  beforeAll(async () => {
    emu = await startSeededEmulator({ throttling: { enabled: false } });
    client = new PrivateDnsManagementClient(emu.credential(), HUB_SUBSCRIPTION, withoutRetries(emu));
    dns = emu.service<PrivateDnsService>('privateDns');
  });
  afterAll(() => emu.stop());
  beforeEach(async () => {
    emu.reset();
    emu.throttle.enabled = false;
    await client.privateZones.createOrUpdate(HUB_RG, ZONE, { location: 'global' }, LRO);
  });

  it('creates zones as long-running operations and lists them by subscription and resource group', async () => {
    const zone = await client.privateZones.createOrUpdate(
      HUB_RG,
      'Privatelink.Vaultcore.Azure.Net',
      { location: 'global', tags: { team: 'dns' } },
      LRO,
    );
    expect(zone.name).toBe('privatelink.vaultcore.azure.net');
    expect(zone.provisioningState).toBe('Succeeded');
    expect(zone.numberOfRecordSets).toBe(1); // the apex SOA
    expect(zone.tags).toEqual({ team: 'dns' });
    const got = await client.privateZones.get(HUB_RG, 'privatelink.vaultcore.azure.net');
    expect(got.etag).toBe(zone.etag);
    const bySub: string[] = [];
    for await (const z of client.privateZones.list()) bySub.push(z.name ?? '');
    expect(bySub.sort()).toEqual([ZONE, 'privatelink.vaultcore.azure.net']);
    const byRg: string[] = [];
    for await (const z of client.privateZones.listByResourceGroup(HUB_RG, { top: 1 }))
      byRg.push(z.name ?? '');
    expect(byRg).toHaveLength(2);
    await expect(client.privateZones.get(HUB_RG, 'privatelink.none.net')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  it('writes A record sets: lower-cased names, fqdn, metadata, 201 then 200, new etag on every write', async () => {
    const since = emu.log.lastSeq;
    const created = await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'MyAccount', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.12.0.4' }],
      metadata: { owner: 'privatelink-dns-sync' },
    });
    expect(created).toMatchObject({
      name: 'myaccount',
      type: 'Microsoft.Network/privateDnsZones/A',
      fqdn: `myaccount.${ZONE}.`,
      ttl: 10,
      isAutoRegistered: false,
      metadata: { owner: 'privatelink-dns-sync' },
      aRecords: [{ ipv4Address: '10.12.0.4' }],
    });
    const updated = await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'myaccount', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.12.0.5' }],
    });
    expect(updated.etag).not.toBe(created.etag);
    expect(updated.metadata).toBeUndefined();
    expect(emu.log.list({ sinceSeq: since }).map((e) => e.status)).toEqual([201, 200]);

    const patched = await client.recordSets.update(
      HUB_RG,
      ZONE,
      'A',
      'myaccount',
      { metadata: { k: 'v' } },
      { ifMatch: updated.etag },
    );
    expect(patched.aRecords).toEqual([{ ipv4Address: '10.12.0.5' }]);
    expect(patched.metadata).toEqual({ k: 'v' });
    expect(patched.etag).not.toBe(updated.etag);
    const got = await client.recordSets.get(HUB_RG, ZONE, 'A', 'MYACCOUNT');
    expect(got).toMatchObject({ name: 'myaccount', etag: patched.etag });
  });

  it('enforces If-Match / If-None-Match with 412 PreconditionFailed', async () => {
    const first = await client.recordSets.createOrUpdate(
      HUB_RG,
      ZONE,
      'A',
      'acct',
      { ttl: 10, aRecords: [{ ipv4Address: '10.0.0.4' }] },
      { ifNoneMatch: '*' },
    );
    await expect(
      client.recordSets.createOrUpdate(
        HUB_RG,
        ZONE,
        'A',
        'acct',
        { ttl: 10, aRecords: [] },
        { ifNoneMatch: '*' },
      ),
    ).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    const second = await client.recordSets.createOrUpdate(
      HUB_RG,
      ZONE,
      'A',
      'acct',
      { ttl: 20, aRecords: [{ ipv4Address: '10.0.0.5' }] },
      { ifMatch: first.etag },
    );
    await expect(
      client.recordSets.createOrUpdate(
        HUB_RG,
        ZONE,
        'A',
        'acct',
        { ttl: 30, aRecords: [] },
        { ifMatch: first.etag },
      ),
    ).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    await expect(
      client.recordSets.update(HUB_RG, ZONE, 'A', 'acct', { ttl: 5 }, { ifMatch: first.etag }),
    ).rejects.toMatchObject({ statusCode: 412 });
    await expect(
      client.recordSets.delete(HUB_RG, ZONE, 'A', 'acct', { ifMatch: first.etag }),
    ).rejects.toMatchObject({ statusCode: 412 });
    await expect(
      client.recordSets.createOrUpdate(
        HUB_RG,
        ZONE,
        'A',
        'missing',
        { ttl: 30, aRecords: [] },
        { ifMatch: '*' },
      ),
    ).rejects.toMatchObject({ statusCode: 412 });
    // Nothing was clobbered by the refused writes.
    expect((await client.recordSets.get(HUB_RG, ZONE, 'A', 'acct')).ttl).toBe(20);
    await client.recordSets.delete(HUB_RG, ZONE, 'A', 'acct', { ifMatch: second.etag });
    await expect(client.recordSets.get(HUB_RG, ZONE, 'A', 'acct')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  it('deletes with 200, and 204 when the record set does not exist', async () => {
    await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'gone', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.0.0.4' }],
    });
    const since = emu.log.lastSeq;
    await client.recordSets.delete(HUB_RG, ZONE, 'A', 'gone');
    await client.recordSets.delete(HUB_RG, ZONE, 'A', 'gone');
    expect(emu.log.list({ sinceSeq: since }).map((e) => e.status)).toEqual([200, 204]);
  });

  it('pages many record sets with $top and absolute nextLinks, by type and ALL, with $recordsetnamesuffix', async () => {
    for (let i = 0; i < 45; i++) {
      dns.putARecordSet(dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, ZONE), {
        name: `acct${String(i).padStart(2, '0')}${i % 3 === 0 ? '.z12' : ''}`,
        ipv4Addresses: [`10.1.0.${i + 4}`],
      });
    }
    const since = emu.log.lastSeq;
    const byType: string[] = [];
    for await (const r of client.recordSets.listByType(HUB_RG, ZONE, 'A', { top: 10 }))
      byType.push(r.name ?? '');
    expect(byType).toHaveLength(45);
    expect(new Set(byType).size).toBe(45);
    const pages = emu.log.list({ sinceSeq: since });
    expect(pages.map((e) => e.operationId)).toEqual(Array(5).fill('RecordSets_ListByType'));

    const all: string[] = [];
    for await (const r of client.recordSets.list(HUB_RG, ZONE, { top: 7 }))
      all.push(`${r.type ?? ''}:${r.name ?? ''}`);
    expect(all).toHaveLength(46);
    expect(all).toContain('Microsoft.Network/privateDnsZones/SOA:@');

    const suffixed: string[] = [];
    for await (const r of client.recordSets.listByType(HUB_RG, ZONE, 'A', { recordsetnamesuffix: 'z12' }))
      suffixed.push(r.name ?? '');
    expect(suffixed).toHaveLength(15);
    expect(suffixed.every((n) => n.endsWith('.z12'))).toBe(true);

    const raw = await armRequest(
      emu,
      'GET',
      `${dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, ZONE)}/A?api-version=2024-06-01&$top=20`,
    );
    expect(raw.json.value).toHaveLength(20);
    expect(raw.json.nextLink).toMatch(new RegExp(`^${emu.url}/subscriptions/.*\\$skipToken=`));
    const badTop = await armRequest(
      emu,
      'GET',
      `${dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, ZONE)}/A?api-version=2024-06-01&$top=0`,
    );
    expect(badTop.status).toBe(400);
  });

  it('validates record sets and refuses SOA creation', async () => {
    await expect(
      client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'bad', {
        ttl: 10,
        aRecords: [{ ipv4Address: '10.0.0.300' }],
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'many', {
        ttl: 10,
        aRecords: Array.from({ length: 21 }, (_, i) => ({ ipv4Address: `10.0.0.${i + 1}` })),
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      client.recordSets.createOrUpdate(HUB_RG, 'privatelink.none.net', 'A', 'x', { ttl: 10, aRecords: [] }),
    ).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
    });
    await expect(client.recordSets.delete(HUB_RG, ZONE, 'SOA', '@')).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('links zones to virtual networks and resolves A records as a VNet sees them', async () => {
    const link = await client.virtualNetworkLinks.createOrUpdate(
      HUB_RG,
      ZONE,
      'link-hub',
      { location: 'global', virtualNetwork: { id: HUB_VNET_ID }, registrationEnabled: false },
      LRO,
    );
    expect(link).toMatchObject({
      name: 'link-hub',
      provisioningState: 'Succeeded',
      virtualNetworkLinkState: 'Completed',
    });
    expect((await client.virtualNetworkLinks.get(HUB_RG, ZONE, 'link-hub')).virtualNetwork?.id).toBe(
      HUB_VNET_ID,
    );
    const links: string[] = [];
    for await (const l of client.virtualNetworkLinks.list(HUB_RG, ZONE)) links.push(l.name ?? '');
    expect(links).toEqual(['link-hub']);
    await expect(
      client.virtualNetworkLinks.createOrUpdate(
        HUB_RG,
        ZONE,
        'link-dup',
        { location: 'global', virtualNetwork: { id: HUB_VNET_ID } },
        LRO,
      ),
    ).rejects.toMatchObject({ statusCode: 409 });

    await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'acct1', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.12.0.4' }],
    });
    expect(dns.resolveA(`ACCT1.${ZONE}.`, HUB_VNET_ID)?.ips).toEqual(['10.12.0.4']);
    expect(dns.resolveA(`acct1.${ZONE}`, SPOKE_VNET_ID)).toBeUndefined();
    expect(dns.resolveA(`acct2.${ZONE}`, HUB_VNET_ID)).toBeUndefined();
    const zone = await client.privateZones.get(HUB_RG, ZONE);
    expect(zone.numberOfVirtualNetworkLinks).toBe(1);
  });
});
