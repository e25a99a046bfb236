/**
 * The emulator's write log (every store change with time, before/after and actor), its write-race faults
 * (another writer between a client's read and its conditional write) and scaled Retry-After on injected 429s,
 * seen through the real @azure/arm-privatedns client.
 */
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { NetworkService } from '../../arm/providers/network';
import type { PrivateDnsService } from '../../arm/providers/privateDns';
import { OTHER_WRITER_OID, type ArmEmulator } from '../../arm/server';
import {
  armRequest,
  HUB_RG,
  HUB_SUBSCRIPTION,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  failure,
  startSeededEmulator,
  withoutRetries,
} from '../helpers/armEmulator';

const ZONE = 'privatelink.blob.core.windows.net';
const A = 'microsoft.network/privatednszones/a';

describe('ARM emulator: write log and write races', () => {
  let emu: ArmEmulator;
  let client: PrivateDnsManagementClient;
  let dns: PrivateDnsService;

  beforeAll(async () => {
    emu = await startSeededEmulator({ throttling: { enabled: false } });
    client = new PrivateDnsManagementClient(emu.credential(), HUB_SUBSCRIPTION, withoutRetries(emu));
    dns = emu.service<PrivateDnsService>('privateDns');
  });
  afterAll(() => emu.stop());
  beforeEach(() => {
    emu.reset();
    emu.throttle.enabled = false;
    dns.createZone(HUB_SUBSCRIPTION, HUB_RG, ZONE);
  });

  it('logs request writes with the caller and internal writes as internal, with before and after', async () => {
    const since = emu.writes.lastSeq;
    const created = await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'acct1', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.1.0.4' }],
    });
    dns.putARecordSet(dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, ZONE), {
      name: 'acct1',
      ipv4Addresses: ['10.1.0.5'],
    });
    await client.recordSets.delete(HUB_RG, ZONE, 'A', 'acct1');

    const entries = emu.writes.list({ sinceSeq: since, type: A });
    expect(entries.map((e) => [e.kind, e.actor.internal, e.actor.method ?? null])).toEqual([
      ['write', false, 'PUT'],
      ['write', true, null],
      ['delete', false, 'DELETE'],
    ]);
    const [put, internal, del] = entries;
    expect(put?.before).toBeUndefined();
    expect(put?.after?.etag).toBe(created.etag);
    expect(typeof put?.actor.oid).toBe('string');
    expect(internal?.before?.etag).toBe(created.etag);
    expect(del?.before?.etag).toBe(internal?.after?.etag);
    expect(del?.after).toBeUndefined();
    expect(entries.every((e) => e.time > 0 && e.seq > since)).toBe(true);

    const http = await armRequest(
      emu,
      'GET',
      `/_emulator/writes?sinceSeq=${since}&type=${encodeURIComponent(A)}`,
      {
        token: null,
      },
    );
    expect((http.json as { value: unknown[] }).value).toHaveLength(3);
  });

  it('keeps the connection-state history of a private endpoint', () => {
    const network = emu.service<NetworkService>('network');
    const pe = network.createPrivateEndpoint({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-st',
      subnetId: SPOKE_SUBNET_ID,
      connection: {
        privateLinkServiceId: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/st1`,
        groupIds: ['blob'],
      },
      manual: true,
    });
    network.setConnectionState(pe.id, { status: 'Approved', description: 'ok', actionsRequired: 'None' });
    network.deletePrivateEndpoint(pe.id);
    expect(
      emu.writes.connectionHistory(pe.id).map((h) => [h.deleted, h.states.map((s) => s.status)]),
    ).toEqual([
      [false, ['Pending']],
      [false, ['Approved']],
      [true, []],
    ]);
  });

  it('touch race: another writer saves the record between read and If-Match write (412, content kept)', async () => {
    const first = await client.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'acct2', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.1.0.6' }],
    });
    emu.faults.configure({
      writeRaces: [
        {
          name: 'touch',
          match: { resourceType: 'Microsoft.Network/privateDnsZones/A' },
          rate: 1,
          action: 'touch',
          maxRaces: 1,
        },
      ],
    });
    const err = await failure(
      client.recordSets.createOrUpdate(
        HUB_RG,
        ZONE,
        'A',
        'acct2',
        { ttl: 10, aRecords: [{ ipv4Address: '10.1.0.7' }] },
        { ifMatch: first.etag ?? '' },
      ),
    );
    expect(err.statusCode).toBe(412);
    const now = await client.recordSets.get(HUB_RG, ZONE, 'A', 'acct2');
    expect(now.etag).not.toBe(first.etag);
    expect(now.aRecords).toEqual([{ ipv4Address: '10.1.0.6' }]);
    const raced = emu.writes.list({ type: A }).at(-1);
    expect(raced?.actor).toMatchObject({ internal: true, oid: OTHER_WRITER_OID });
    expect(emu.log.list({ method: 'PUT' }).at(-1)).toMatchObject({ status: 412, injected: 'race:touch' });
    // maxRaces: the retry with the fresh etag goes through.
    await client.recordSets.createOrUpdate(
      HUB_RG,
      ZONE,
      'A',
      'acct2',
      { ttl: 10, aRecords: [{ ipv4Address: '10.1.0.7' }] },
      { ifMatch: now.etag ?? '' },
    );
  });

  it('delete race: an admin deletes the record under an If-Match update; creates of absent records never race', async () => {
    emu.faults.configure({
      writeRaces: [
        { match: { resourceType: 'Microsoft.Network/privateDnsZones/A' }, rate: 1, action: 'delete' },
      ],
    });
    const created = await client.recordSets.createOrUpdate(
      HUB_RG,
      ZONE,
      'A',
      'acct3',
      { ttl: 10, aRecords: [{ ipv4Address: '10.1.0.8' }] },
      { ifNoneMatch: '*' },
    );
    expect(emu.faults.snapshot().injected).toEqual({});
    const err = await failure(
      client.recordSets.createOrUpdate(
        HUB_RG,
        ZONE,
        'A',
        'acct3',
        { ttl: 20, aRecords: [{ ipv4Address: '10.1.0.9' }] },
        { ifMatch: created.etag ?? '' },
      ),
    );
    expect(err.statusCode).toBe(412);
    expect(dns.getRecordSet(dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, ZONE), 'A', 'acct3')).toBeUndefined();
    expect(emu.faults.snapshot().injected).toEqual({ race0: 1 });
  });

  it('scaleRetryAfter: an injected 429 also says how long to wait in real ms', async () => {
    emu.clock.setTimeScale(50);
    try {
      emu.faults.configure({
        rules: [
          {
            match: { operationId: 'RecordSets_Get' },
            errorRate: 1,
            errors: [429],
            retryAfterSeconds: 5,
            scaleRetryAfter: true,
          },
        ],
      });
      const res = await armRequest(
        emu,
        'GET',
        `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateDnsZones/${ZONE}/A/x?api-version=2024-06-01`,
      );
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['retry-after-ms']).toBe('100');
    } finally {
      emu.clock.setTimeScale(1);
    }
  });
});
