import fs from 'node:fs';
import path from 'node:path';
import { readRecordSet } from '../../src/core/recordSets';
import { SHARED_REFERENCE, describeIfShared } from './support/arm';

const id = (zone: string, type: string, name: string): string =>
  `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/${zone}/${type}/${name}`;

describe('readRecordSet', () => {
  it('reads the wire shape and takes the zone from the id', () => {
    const read = readRecordSet({
      id: id('privatelink.blob.core.windows.net', 'A', 'Acct1'),
      name: 'Acct1',
      etag: 'e-1',
      properties: {
        ttl: 10,
        metadata: { k: 'v' },
        aRecords: [{ ipv4Address: '10.0.0.10' }, { ipv4Address: '10.0.0.9' }],
      },
    });
    expect(read).toEqual({
      ok: true,
      recordSet: {
        id: id('privatelink.blob.core.windows.net', 'A', 'Acct1'),
        zone: 'privatelink.blob.core.windows.net',
        name: 'acct1',
        ips: ['10.0.0.9', '10.0.0.10'],
        ttl: 10,
        etag: 'e-1',
        metadata: { k: 'v' },
      },
    });
  });

  it('reads the SDK-flattened shape', () => {
    const read = readRecordSet({
      id: id('z.example', 'A', 'r'),
      name: 'r',
      ttl: 5,
      aRecords: [{ ipv4Address: '1.2.3.4' }],
    });
    expect(read).toMatchObject({ ok: true, recordSet: { ips: ['1.2.3.4'], ttl: 5, etag: '', metadata: {} } });
  });

  it.each([
    [{ id: id('z', 'CNAME', 'r'), name: 'r' }, true],
    [{ id: '/subscriptions/s/whatever', name: 'r' }, false],
    [{ id: id('z', 'A', 'r'), name: 'r', properties: { aRecords: [{ ipv4Address: 'nope' }] } }, false],
    [{ name: 'r' }, false],
  ])('rejects %j', (raw, notA) => {
    const read = readRecordSet(raw);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.notA === true).toBe(notA);
  });
});

describeIfShared('record sets from the published spec example', () => {
  it('reads RecordSetAList', () => {
    const example = JSON.parse(
      fs.readFileSync(
        path.join(SHARED_REFERENCE, 'samples', 'spec.privatedns.2024-06-01.RecordSetAList.json'),
        'utf8',
      ),
    ) as { responses: { 200: { body: { value: unknown[] } } } };
    const reads = example.responses[200].body.value.map(readRecordSet);
    expect(
      reads.map((r) =>
        r.ok ? `${r.recordSet.zone}/${r.recordSet.name}=${r.recordSet.ips.join()}` : r.message,
      ),
    ).toEqual(['privatezone1.com/recorda1=1.2.3.4', 'privatezone1.com/recorda2=5.6.7.8']);
  });
});
