import type { promises as dnsPromises } from 'node:dns';
import dns2 from 'dns2';
import { InMemoryDnsZones, startDnsServer, storeSource, type RunningDnsServer } from '../../dns/server';
import { lookupError, resolverFor } from '../helpers/dns';

const HUB_VNET = '/subscriptions/s1/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub';
const OTHER_VNET = '/subscriptions/s1/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/other';

describe('DNS server: real lookups through node:dns', () => {
  const zones = new InMemoryDnsZones()
    .addZone('privatelink.vaultcore.azure.net')
    .link('privatelink.vaultcore.azure.net', HUB_VNET)
    .addZone('privatelink.eus.backup.windowsazure.com')
    .link('privatelink.eus.backup.windowsazure.com', HUB_VNET)
    .addZone('privatelink.blob.core.windows.net')
    .link('privatelink.blob.core.windows.net', OTHER_VNET)
    .setA('privatelink.vaultcore.azure.net', 'kv1', ['10.1.0.4'])
    .setA('privatelink.blob.core.windows.net', 'sa1', ['10.9.0.4']);
  let server: RunningDnsServer;
  let resolver: dnsPromises.Resolver;

  beforeAll(async () => {
    server = await startDnsServer({ source: zones.resolverFor(HUB_VNET) });
    resolver = resolverFor(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers an A record of a linked zone', async () => {
    expect(await resolver.resolve4('kv1.privatelink.vaultcore.azure.net')).toEqual(['10.1.0.4']);
  });

  it('reads the source on every query (live updates, several addresses, deletes)', async () => {
    const fqdn = 'vault1-123-ab-pod01-rec2.privatelink.eus.backup.windowsazure.com';
    expect(await lookupError(resolver.resolve4(fqdn))).toBe('ENOTFOUND');
    zones.setA('privatelink.eus.backup.windowsazure.com', 'vault1-123-ab-pod01-rec2', ['10.1.0.5']);
    expect(await resolver.resolve4(fqdn)).toEqual(['10.1.0.5']);
    zones.setA('privatelink.eus.backup.windowsazure.com', 'vault1-123-ab-pod01-rec2', [
      '10.1.0.6',
      '10.1.0.7',
    ]);
    expect((await resolver.resolve4(fqdn)).sort()).toEqual(['10.1.0.6', '10.1.0.7']);
    zones.deleteA('privatelink.eus.backup.windowsazure.com', 'vault1-123-ab-pod01-rec2');
    expect(await lookupError(resolver.resolve4(fqdn))).toBe('ENOTFOUND');
  });

  it('answers NXDOMAIN for unknown names and names outside every zone', async () => {
    expect(await lookupError(resolver.resolve4('missing.privatelink.vaultcore.azure.net'))).toBe('ENOTFOUND');
    expect(await lookupError(resolver.resolve4('www.example.org'))).toBe('ENOTFOUND');
  });

  it('does not answer from a zone that is not linked to the virtual network', async () => {
    expect(await lookupError(resolver.resolve4('sa1.privatelink.blob.core.windows.net'))).toBe('ENOTFOUND');
    zones.link('privatelink.blob.core.windows.net', HUB_VNET);
    expect(await resolver.resolve4('sa1.privatelink.blob.core.windows.net')).toEqual(['10.9.0.4']);
    zones.unlink('privatelink.blob.core.windows.net', HUB_VNET);
    expect(await lookupError(resolver.resolve4('sa1.privatelink.blob.core.windows.net'))).toBe('ENOTFOUND');
  });

  it('matches names case-insensitively', async () => {
    expect(await resolver.resolve4('KV1.PrivateLink.VaultCore.Azure.NET')).toEqual(['10.1.0.4']);
  });

  it('answers NODATA for other record types on a known name', async () => {
    expect(await lookupError(resolver.resolve6('kv1.privatelink.vaultcore.azure.net'))).toBe('ENODATA');
    expect(await lookupError(resolver.resolveTxt('kv1.privatelink.vaultcore.azure.net'))).toBe('ENODATA');
  });

  it('answers over TCP on the same port', async () => {
    const resolve = dns2.TCPClient({ dns: '127.0.0.1', port: server.port });
    const answer = await resolve('kv1.privatelink.vaultcore.azure.net', 'A');
    expect(answer.answers.map((a) => a.address)).toEqual(['10.1.0.4']);
    const missing = await resolve('nope.privatelink.vaultcore.azure.net', 'A');
    expect(missing.header.rcode).toBe(3);
  });

  it('uses the longest matching zone', async () => {
    const nested = new InMemoryDnsZones()
      .addZone('azure.net')
      .addZone('vaultcore.azure.net')
      .setA('azure.net', 'kv1.vaultcore', ['10.0.0.1'])
      .setA('vaultcore.azure.net', 'kv1', ['10.0.0.2']);
    const other = await startDnsServer({ source: nested.allZones() });
    try {
      const r = resolverFor(other);
      expect(await r.resolve4('kv1.vaultcore.azure.net')).toEqual(['10.0.0.2']);
    } finally {
      await other.stop();
    }
  });

  it('answers SERVFAIL (and reports the error) when the source throws', async () => {
    const errors: string[] = [];
    const broken = await startDnsServer({
      source: {
        zonesFor: () => ['privatelink.vaultcore.azure.net'],
        aRecords: () => {
          throw new Error('store unavailable');
        },
      },
      onError: (_e, name) => errors.push(name),
    });
    try {
      const r = resolverFor(broken, 1);
      expect(await lookupError(r.resolve4('kv1.privatelink.vaultcore.azure.net'))).toBe('ESERVFAIL');
      expect(errors.length).toBeGreaterThan(0);
      expect(broken.stats.servfail).toBeGreaterThan(0);
    } finally {
      await broken.stop();
    }
  });

  it('plugs into a Private DNS store through storeSource', async () => {
    const records = new Map([['privatelink.vaultcore.azure.net/kv9', ['10.2.0.9']]]);
    const store = {
      linkedZones: (vnet: string | undefined) =>
        vnet === HUB_VNET ? ['privatelink.vaultcore.azure.net'] : [],
      getARecords: (zone: string, name: string) => records.get(`${zone}/${name}`),
    };
    const viaStore = await startDnsServer({ source: storeSource(store, HUB_VNET), tcp: false });
    try {
      const r = resolverFor(viaStore);
      expect(await r.resolve4('kv9.privatelink.vaultcore.azure.net')).toEqual(['10.2.0.9']);
      records.delete('privatelink.vaultcore.azure.net/kv9');
      expect(await lookupError(r.resolve4('kv9.privatelink.vaultcore.azure.net'))).toBe('ENOTFOUND');
    } finally {
      await viaStore.stop();
    }
  });
});
