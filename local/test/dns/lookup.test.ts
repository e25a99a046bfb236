/**
 * Acceptance: a lookup through `local/dns` resolves a record written with `@azure/arm-privatedns`. Zones, links
 * and record sets are written through the real SDK client against the ARM emulator; names are resolved with
 * `node:dns` against the local DNS server, which reads the emulator's zones linked to one virtual network.
 */
import type { promises as dnsPromises } from 'node:dns';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { ArmEmulator } from '../../arm/server';
import { armDnsSource } from '../../dns/armSource';
import { startDnsServer, type RunningDnsServer } from '../../dns/server';
import {
  HUB_RG,
  HUB_SUBSCRIPTION,
  HUB_VNET_ID,
  SPOKE_VNET_ID,
  startSeededEmulator,
} from '../helpers/armEmulator';
import { lookupError, resolverFor } from '../helpers/dns';

const BLOB_ZONE = 'privatelink.blob.core.windows.net';
const VAULT_ZONE = 'privatelink.vaultcore.azure.net';
const RECORD = 'stappdata01';
const LRO = { updateIntervalInMs: 5 };

describe('DNS server: resolves records written with @azure/arm-privatedns on the ARM emulator', () => {
  let emu: ArmEmulator;
  let client: PrivateDnsManagementClient;
  let hubDns: RunningDnsServer;
  let spokeDns: RunningDnsServer;
  let hub: dnsPromises.Resolver;
  let spoke: dnsPromises.Resolver;

  const link = (zone: string, name: string, vnetId: string) =>
    client.virtualNetworkLinks.createOrUpdate(
      HUB_RG,
      zone,
      name,
      { location: 'global', virtualNetwork: { id: vnetId }, registrationEnabled: false },
      LRO,
    );

  beforeAll(async () => {
    emu = await startSeededEmulator();
    client = new PrivateDnsManagementClient(emu.credential(), HUB_SUBSCRIPTION, emu.clientOptions());
    await client.privateZones.createOrUpdate(HUB_RG, BLOB_ZONE, { location: 'global' }, LRO);
    await link(BLOB_ZONE, 'link-hub', HUB_VNET_ID);
    hubDns = await startDnsServer({ source: armDnsSource(emu, HUB_VNET_ID) });
    spokeDns = await startDnsServer({ source: armDnsSource(emu, SPOKE_VNET_ID) });
    hub = resolverFor(hubDns);
    spoke = resolverFor(spokeDns);
  });

  afterAll(async () => {
    await hubDns?.stop();
    await spokeDns?.stop();
    await emu?.stop();
  });

  it('resolves an A record set the SDK wrote, follows an update and stops resolving after a delete', async () => {
    const fqdn = `${RECORD}.${BLOB_ZONE}`;
    expect(await lookupError(hub.resolve4(fqdn))).toBe('ENOTFOUND');

    const created = await client.recordSets.createOrUpdate(
      HUB_RG,
      BLOB_ZONE,
      'A',
      RECORD,
      { ttl: 10, aRecords: [{ ipv4Address: '10.0.0.4' }] },
      { ifNoneMatch: '*' },
    );
    expect(created.fqdn).toBe(`${fqdn}.`);
    expect(await hub.resolve4(fqdn)).toEqual(['10.0.0.4']);
    // DNS names are case-insensitive.
    expect(await hub.resolve4(fqdn.toUpperCase())).toEqual(['10.0.0.4']);

    await client.recordSets.createOrUpdate(
      HUB_RG,
      BLOB_ZONE,
      'A',
      RECORD,
      { ttl: 10, aRecords: [{ ipv4Address: '10.0.0.5' }, { ipv4Address: '10.0.0.6' }] },
      { ifMatch: created.etag },
    );
    expect((await hub.resolve4(fqdn)).sort()).toEqual(['10.0.0.5', '10.0.0.6']);

    await client.recordSets.update(HUB_RG, BLOB_ZONE, 'A', RECORD, {
      aRecords: [{ ipv4Address: '10.0.0.7' }],
    });
    expect(await hub.resolve4(fqdn)).toEqual(['10.0.0.7']);

    await client.recordSets.delete(HUB_RG, BLOB_ZONE, 'A', RECORD);
    expect(await lookupError(hub.resolve4(fqdn))).toBe('ENOTFOUND');
  });

  it('answers NODATA for the zone apex, which holds only the SOA record set', async () => {
    expect(await lookupError(hub.resolve4(BLOB_ZONE))).toBe('ENODATA');
  });

  it('does not resolve records of a zone that is not linked to the resolving virtual network', async () => {
    const fqdn = `kv-app.${VAULT_ZONE}`;
    await client.privateZones.createOrUpdate(HUB_RG, VAULT_ZONE, { location: 'global' }, LRO);
    await client.recordSets.createOrUpdate(HUB_RG, VAULT_ZONE, 'A', 'kv-app', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.0.0.9' }],
    });
    await link(VAULT_ZONE, 'link-spoke', SPOKE_VNET_ID);
    // Linked to the spoke network only: the spoke resolves it, the hub does not.
    expect(await spoke.resolve4(fqdn)).toEqual(['10.0.0.9']);
    expect(await lookupError(hub.resolve4(fqdn))).toBe('ENOTFOUND');
    // The blob zone is linked to the hub only.
    await client.recordSets.createOrUpdate(HUB_RG, BLOB_ZONE, 'A', 'stother', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.0.0.10' }],
    });
    expect(await hub.resolve4(`stother.${BLOB_ZONE}`)).toEqual(['10.0.0.10']);
    expect(await lookupError(spoke.resolve4(`stother.${BLOB_ZONE}`))).toBe('ENOTFOUND');

    // Linking the zone to the hub network makes it visible there at once.
    await link(VAULT_ZONE, 'link-hub', HUB_VNET_ID);
    expect(await hub.resolve4(fqdn)).toEqual(['10.0.0.9']);
  });
});
