import { desiredRecords } from '../../src/core/desiredState';
import type { CurrentRecordSet, EndpointDnsEntry } from '../../src/core/types';
import { canonicalPeId } from './support/arm';

const A = canonicalPeId('pe-a');
const B = canonicalPeId('pe-b');
const C = canonicalPeId('pe-c');
const entry = (endpointId: string, fqdn: string, ip: string): EndpointDnsEntry => ({
  endpointId,
  fqdn,
  ip,
  groupId: 'blob',
});
const standing = (name: string, ips: string[]): CurrentRecordSet => ({
  id: '',
  zone: 'privatelink.blob.core.windows.net',
  name,
  ips,
  ttl: 10,
  etag: 'e1',
  metadata: {},
});

describe('desiredRecords', () => {
  it('merges two endpoints publishing one FQDN with the same IP into one record with two owners', () => {
    const state = desiredRecords([
      entry(B, 'sa.blob.core.windows.net', '10.0.0.4'),
      entry(A, 'sa.privatelink.blob.core.windows.net', '10.0.0.4'),
    ]);
    expect(state.records).toEqual([
      { zone: 'privatelink.blob.core.windows.net', name: 'sa', ips: ['10.0.0.4'], owners: [A, B] },
    ]);
    expect(state.conflicts).toEqual([]);
  });

  it('reports different IPs as a conflict and keeps the lowest endpoint id when nothing stands', () => {
    const state = desiredRecords([
      entry(B, 'sa.blob.core.windows.net', '10.0.0.5'),
      entry(A, 'sa.blob.core.windows.net', '10.0.0.9'),
    ]);
    expect(state.records).toEqual([
      { zone: 'privatelink.blob.core.windows.net', name: 'sa', ips: ['10.0.0.9'], owners: [A] },
    ]);
    expect(state.conflicts).toEqual([
      expect.objectContaining({
        code: 'endpoints-disagree',
        keptIps: ['10.0.0.9'],
        claims: [
          { owner: A, ips: ['10.0.0.9'] },
          { owner: B, ips: ['10.0.0.5'] },
        ],
      }),
    ]);
  });

  it('keeps what stands when the endpoints disagree', () => {
    const state = desiredRecords(
      [
        entry(A, 'sa.blob.core.windows.net', '10.0.0.9'),
        entry(B, 'sa.blob.core.windows.net', '10.0.0.5'),
        entry(C, 'sa.blob.core.windows.net', '10.0.0.5'),
      ],
      [standing('sa', ['10.0.0.5'])],
    );
    expect(state.records[0]).toMatchObject({ ips: ['10.0.0.5'], owners: [B, C] });
    expect(state.conflicts[0]?.message).toContain('standing');
  });

  it('falls back to the lowest id when the standing record matches no claim', () => {
    const state = desiredRecords(
      [entry(B, 'sa.blob.core.windows.net', '10.0.0.5'), entry(A, 'sa.blob.core.windows.net', '10.0.0.9')],
      [standing('sa', ['10.9.9.9'])],
    );
    expect(state.records[0]?.owners).toEqual([A]);
  });

  it('collects several IPs of one endpoint into one record, sorted numerically', () => {
    const state = desiredRecords([
      entry(A, 'sa.blob.core.windows.net', '10.0.0.10'),
      entry(A, 'sa.blob.core.windows.net', '10.0.0.9'),
    ]);
    expect(state.records[0]?.ips).toEqual(['10.0.0.9', '10.0.0.10']);
  });

  it('skips FQDNs outside the catalogue and regions outside the geo table, with reasons', () => {
    const state = desiredRecords([
      entry(A, '123-ab-pod01-fc1.xyz.backup.windowsazure.com', '10.0.0.4'),
      entry(A, 'thing.example.org', '10.0.0.5'),
      entry(A, 'x.blob.core.windows.net', '10.0.0.6'),
    ]);
    expect(state.records.map((r) => r.name)).toEqual(['x']);
    expect(state.skips.map((s) => [s.code, s.fqdn])).toEqual([
      ['unknown-geo', '123-ab-pod01-fc1.xyz.backup.windowsazure.com'],
      ['unknown-suffix', 'thing.example.org'],
    ]);
  });

  it('sorts records by zone then name', () => {
    const state = desiredRecords([
      entry(A, 'b.queue.core.windows.net', '10.0.0.1'),
      entry(A, 'b.blob.core.windows.net', '10.0.0.2'),
      entry(A, 'a.blob.core.windows.net', '10.0.0.3'),
    ]);
    expect(state.records.map((r) => `${r.zone}/${r.name}`)).toEqual([
      'privatelink.blob.core.windows.net/a',
      'privatelink.blob.core.windows.net/b',
      'privatelink.queue.core.windows.net/b',
    ]);
  });
});

describe('desiredRecords: clouds and zone choices', () => {
  const acr = (id: string, fqdn: string, ip: string): EndpointDnsEntry => ({
    endpointId: id,
    fqdn,
    ip,
    groupId: 'registry',
  });

  it('without the hub zones, assumes the broad zone and reports the choice once per FQDN', () => {
    const state = desiredRecords([
      acr(A, 'acr1.azurecr.io', '10.0.0.4'),
      acr(A, 'acr1.eastus.data.azurecr.io', '10.0.0.5'),
      acr(B, 'acr1.eastus.data.azurecr.io', '10.0.0.5'),
    ]);
    expect(state.records.map((r) => `${r.name}.${r.zone}`)).toEqual([
      'acr1.privatelink.azurecr.io',
      'acr1.eastus.data.privatelink.azurecr.io',
    ]);
    expect(state.zoneChoices).toEqual([
      {
        fqdn: 'acr1.eastus.data.azurecr.io',
        zone: 'privatelink.azurecr.io',
        name: 'acr1.eastus.data',
        alternatives: ['eastus.data.privatelink.azurecr.io', 'privatelink.azurecr.io'],
        basis: 'assumed',
      },
    ]);
  });

  it('with the hub zones, writes into the most specific one the hub holds', () => {
    const state = desiredRecords([acr(A, 'acr1.eastus.data.azurecr.io', '10.0.0.5')], [], {
      hubZones: ['EastUS.Data.PrivateLink.AzureCR.io.', 'privatelink.azurecr.io'],
    });
    expect(state.records).toEqual([
      { zone: 'eastus.data.privatelink.azurecr.io', name: 'acr1', ips: ['10.0.0.5'], owners: [A] },
    ]);
    expect(state.zoneChoices[0]?.basis).toBe('hub');
  });

  it('counts only the zones of the configured cloud', () => {
    const gov = entry(A, 'sa.blob.core.usgovcloudapi.net', '10.0.0.4');
    expect(desiredRecords([gov]).skips.map((s) => s.code)).toEqual(['other-cloud']);
    expect(desiredRecords([gov], [], { cloud: 'AzureUSGovernment' }).records).toEqual([
      { zone: 'privatelink.blob.core.usgovcloudapi.net', name: 'sa', ips: ['10.0.0.4'], owners: [A] },
    ]);
  });

  it('tells two zones of one suffix apart by the sub-resource that published the name', () => {
    const feed: EndpointDnsEntry = {
      endpointId: C,
      fqdn: 'rdweb.wvd.microsoft.com',
      ip: '10.0.0.7',
      groupId: 'global',
    };
    expect(desiredRecords([feed]).records[0]?.zone).toBe('privatelink-global.wvd.microsoft.com');
    expect(desiredRecords([{ ...feed, groupId: '' }]).skips.map((s) => s.code)).toEqual(['ambiguous-zone']);
  });
});
