/**
 * The pure parts of reading only what must be read: which hub records an endpoint's sync reads (core
 * `recordsToRead`), the Backup watch's fingerprints and comparison (core/backupWatch), the hub read budget's
 * window arithmetic (durable/zonePacing + hubReadBudget) and the CLI's in-process read window.
 */
import { compareWithSynced, endpointFingerprint, isBackupEndpoint } from '../../src/core/backupWatch';
import type { EndpointState } from '../../src/core/endpoint';
import { encodeOwnership } from '../../src/core/ownership';
import { recordsToRead } from '../../src/core/pipeline';
import type { IndexedRecord } from '../../src/core/pipeline';
import { SlidingWindowBudget } from '../../src/azure/pacer';
import { hubReadLimits, readsBySubscription } from '../../src/durable/hubReadBudget';
import { recordUse, reserveWrites, settleWrites, ZONE_WRITE_LIMITS } from '../../src/durable/zonePacing';
import { readCovers } from '../../src/flows/sync/mailbox';
import { endpointByNicName } from '../../src/flows/sync/eventGridSync';

const ID =
  '/subscriptions/00000000-0000-4000-8000-0000000000b1/resourcegroups/rg/providers/microsoft.network/privateendpoints/pe-a';
const BLOB = 'privatelink.blob.core.windows.net';

function endpoint(
  entries: [fqdn: string, ip: string][],
  readiness: EndpointState['readiness'] = { ready: true },
  backup?: EndpointState['backup'],
): EndpointState {
  return {
    id: ID,
    name: 'pe-a',
    subscriptionId: '00000000-0000-4000-8000-0000000000b1',
    resourceGroup: 'rg',
    location: 'eastus',
    provisioningState: 'Succeeded',
    connections: [],
    groupIds: ['blob'],
    approved: readiness.ready || readiness.code !== 'connection-not-approved',
    nicIds: [],
    entrySource: 'nic',
    entries: readiness.ready
      ? entries.map(([fqdn, ip]) => ({ fqdn, ip, endpointId: ID, groupId: 'blob' }))
      : [],
    readiness,
    ...(backup ? { backup } : {}),
    skips: [],
  };
}

describe('recordsToRead: what one endpoint sync reads before planning', () => {
  const options = { ownerId: 'me', ttl: 10 };
  const known = (name: string, ips?: string[]): IndexedRecord => ({
    zone: BLOB,
    name,
    ...(ips ? { ips } : {}),
  });

  it.each<[string, EndpointState, IndexedRecord[], string[], string[]]>([
    [
      'a new endpoint: nothing read (creates go out with If-None-Match)',
      endpoint([['sta.blob.core.windows.net', '10.0.0.4']]),
      [],
      [],
      [],
    ],
    [
      'unchanged: taken as written, nothing read',
      endpoint([['sta.blob.core.windows.net', '10.0.0.4']]),
      [known('sta', ['10.0.0.4'])],
      [],
      ['sta'],
    ],
    [
      'a new IP: read for its etag',
      endpoint([['sta.blob.core.windows.net', '10.0.0.5']]),
      [known('sta', ['10.0.0.4'])],
      ['sta'],
      [],
    ],
    ['no longer wanted: read for its etag', endpoint([]), [known('sta', ['10.0.0.4'])], ['sta'], []],
    [
      'an index from before IPs were remembered: read',
      endpoint([['sta.blob.core.windows.net', '10.0.0.4']]),
      [known('sta')],
      ['sta'],
      [],
    ],
    [
      'caught mid-change (no FQDNs for a moment): kept as written, nothing read',
      endpoint([], { ready: false, code: 'no-dns-entries', message: 'none yet' }),
      [known('sta', ['10.0.0.4'])],
      [],
      ['sta'],
    ],
    [
      'not approved: its records go, so they are read',
      endpoint([], { ready: false, code: 'connection-not-approved', message: 'pending' }),
      [known('sta', ['10.0.0.4'])],
      ['sta'],
      [],
    ],
  ])('%s', (_what, state, indexed, read, assumed) => {
    const result = recordsToRead(state, indexed, options);
    expect(result.read.map((r) => r.name)).toEqual(read);
    expect(result.assumed.map((r) => r.name)).toEqual(assumed);
    for (const record of result.assumed) {
      expect(record.metadata).toEqual(encodeOwnership('me', [ID]));
      expect(record.etag).toBe('');
    }
  });
});

describe('Backup watch fingerprints', () => {
  const vault: EndpointState['backup'] = { kind: 'vault', secondary: false, experience: 'unknown' };

  it('only Backup endpoints are watched', () => {
    expect(isBackupEndpoint(endpoint([], { ready: true }, vault))).toBe(true);
    expect(isBackupEndpoint(endpoint([]))).toBe(false);
  });

  it('depend on the FQDN → IP pairs and readiness, not their order', () => {
    const a = endpoint([
      ['x.blob.core.windows.net', '10.0.0.4'],
      ['y.blob.core.windows.net', '10.0.0.5'],
    ]);
    const b = endpoint([
      ['y.blob.core.windows.net', '10.0.0.5'],
      ['X.blob.core.windows.net', '10.0.0.4'],
    ]);
    expect(endpointFingerprint(a)).toBe(endpointFingerprint(b));
    expect(endpointFingerprint(a)).not.toBe(
      endpointFingerprint(endpoint([['x.blob.core.windows.net', '10.0.0.4']])),
    );
    expect(endpointFingerprint(endpoint([], { ready: false, code: 'no-dns-entries', message: '' }))).not.toBe(
      endpointFingerprint(endpoint([], { ready: false, code: 'connection-not-approved', message: '' })),
    );
  });

  it('compare with what was synced: changed, never synced, gone', () => {
    const seen = new Map([
      ['/A', 'fp1'],
      ['/B', 'fp2'],
      ['/C', 'fp3'],
    ]);
    expect(compareWithSynced(seen, { '/a': 'fp1', '/b': 'old', '/d': 'fp4' })).toEqual({
      changed: ['/b', '/c'],
      gone: ['/d'],
      unchanged: 1,
    });
    expect(compareWithSynced(new Map(), {})).toEqual({ changed: [], gone: [], unchanged: 0 });
  });
});

describe('the hub read budget', () => {
  const limits = hubReadLimits(500);

  it('is a five-minute window (plus 5%) of the configured reads', () => {
    expect(limits).toMatchObject({ capacity: 500, maxBatch: 500, windowMs: 315_000 });
  });

  it('grants up to the budget at once, then makes the next reservation wait for the oldest reads to leave', () => {
    const first = reserveWrites(undefined, { count: 500, nowMs: 0 }, limits);
    expect(first.grant).toEqual({ granted: 500, notBeforeMs: 0 });
    const second = reserveWrites(first.state, { count: 10, nowMs: 1_000 }, limits);
    expect(second.grant.notBeforeMs).toBe(315_000);
  });

  it('counts reads made beyond a reservation, so later reservations wait for them too', () => {
    const reserved = reserveWrites(undefined, { count: 490, nowMs: 0 }, limits).state;
    const over = recordUse(reserved, { count: 20, nowMs: 1_000 }, limits);
    expect(reserveWrites(over, { count: 1, nowMs: 2_000 }, limits).grant.notBeforeMs).toBeGreaterThan(2_000);
    expect(reserveWrites(reserved, { count: 1, nowMs: 2_000 }, limits).grant.notBeforeMs).toBe(2_000);
  });

  it('is kept per hub subscription, zones folded by where they live', () => {
    const settings = {
      hub: {
        hubSubscriptionId: 'HUB',
        hubZoneResourceGroup: 'rg',
        hubZoneOverrides: { [BLOB]: { subscriptionId: 'other', resourceGroup: 'rg2' } },
      },
      hubDnsReadBudget: 500,
    };
    expect(
      readsBySubscription(settings, [
        [BLOB, 2],
        ['privatelink.queue.core.windows.net', 3],
        ['privatelink.vaultcore.azure.net', 1],
        ['privatelink.file.core.windows.net', 0],
      ]),
    ).toEqual(
      new Map([
        ['other', 2],
        ['hub', 4],
      ]),
    );
  });
});

describe('the CLI read window', () => {
  it('lets the budget through at once, then spaces what comes after by the window', () => {
    let now = 0;
    const budget = new SlidingWindowBudget(3, 1_000, { now: () => now });
    expect([budget.reserve(), budget.reserve(), budget.reserve()]).toEqual([0, 0, 0]);
    expect(budget.reserve()).toBe(1_000);
    now = 5_000;
    expect(budget.reserve()).toBe(5_000);
  });

  it('waits in acquire until the use fits', async () => {
    let now = 0;
    const waits: number[] = [];
    const budget = new SlidingWindowBudget(1, 1_000, {
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    await budget.acquire();
    await budget.acquire();
    expect(waits).toEqual([1_000]);
  });
});

describe('a read covers a change stamped well before it', () => {
  const at = (iso: string) => ({ eventTime: iso });
  it.each<[string, string | undefined, { eventTime?: string }, boolean]>([
    ['stamped 2 s before the read', '2026-01-01T10:00:02.000Z', at('2026-01-01T10:00:00.000Z'), true],
    ['stamped exactly the margin before', '2026-01-01T10:00:01.000Z', at('2026-01-01T10:00:00.000Z'), true],
    [
      'stamped within the margin (clock skew could hide its order)',
      '2026-01-01T10:00:00.500Z',
      at('2026-01-01T10:00:00.000Z'),
      false,
    ],
    ['stamped after the read', '2026-01-01T10:00:00.000Z', at('2026-01-01T10:00:05.000Z'), false],
    ['without an event time (the Backup watch, a resync)', '2026-01-01T10:00:02.000Z', {}, false],
    ['without a read', undefined, at('2026-01-01T10:00:00.000Z'), false],
  ])('%s', (_what, readAt, change, covered) => {
    expect(readCovers(readAt, change)).toBe(covered);
  });
});

describe("a NIC event's endpoint, from Azure's NIC naming", () => {
  const rg =
    '/subscriptions/00000000-0000-4000-8000-0000000000b1/resourceGroups/rg-app/providers/Microsoft.Network';
  it.each<[string, string, string | undefined]>([
    [
      'the default name',
      `${rg}/networkInterfaces/pe-db.nic.0f6a8c1e-0000-4000-8000-000000000004`,
      `${rg}/privateEndpoints/pe-db`.toLowerCase(),
    ],
    [
      "Microsoft's example name",
      `${rg}/networkInterfaces/testPe.nic.abcd1234`,
      `${rg}/privateEndpoints/testpe`.toLowerCase(),
    ],
    [
      'an endpoint name with dots',
      `${rg}/networkInterfaces/pe.db.nic.1234`,
      `${rg}/privateEndpoints/pe.db`.toLowerCase(),
    ],
    ['a custom name', `${rg}/networkInterfaces/my-endpoint-nic`, undefined],
    ['a VM NIC', `${rg}/networkInterfaces/vm01-nic-01`, undefined],
    ['not a NIC id', `${rg}/privateEndpoints/pe-db`, undefined],
  ])('%s', (_what, nicId, endpointId) => {
    expect(endpointByNicName(nicId)).toBe(endpointId);
  });
});

describe('a zone write batch gives back the slots it did not use', () => {
  const W = ZONE_WRITE_LIMITS.windowMs ?? 60_000;
  it('frees the unused slots of a grant, so the next batch need not wait for writes that never happened', () => {
    let state = reserveWrites(undefined, { count: 20, nowMs: 0 }).state;
    state = reserveWrites(state, { count: 20, nowMs: 0 }).state;
    state = reserveWrites(state, { count: 20, nowMs: 0 }).state;
    // All 60 granted at 0: the window is full until W.
    expect(reserveWrites(state, { count: 20, nowMs: 1_000 }).grant).toEqual({ granted: 20, notBeforeMs: W });
    // One batch's lease ran out after 5 of its 20 writes: 15 slots come back at once.
    const settled = settleWrites(state, { grantedAtMs: 0, count: 5, granted: 20, nowMs: 6_000 });
    expect(reserveWrites(settled, { count: 20, nowMs: 6_000 }).grant).toEqual({
      granted: 15,
      notBeforeMs: 6_000,
    });
  });

  it.each([
    ['every slot used', { grantedAtMs: 1_000, count: 5, granted: 5, nowMs: 2_000 }],
    ['a message of an earlier version (no granted)', { grantedAtMs: 1_000, count: 0, nowMs: 2_000 }],
    ['a grant time no slot has', { grantedAtMs: 999, count: 0, granted: 5, nowMs: 2_000 }],
  ])('leaves the window alone for %s', (_what, request) => {
    const first = reserveWrites(undefined, { count: 5, nowMs: 1_000 }).state;
    expect(settleWrites(first, request).recent).toEqual(first.recent);
  });
});
