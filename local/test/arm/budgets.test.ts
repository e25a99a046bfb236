/**
 * Azure's request budgets in the emulator, seen through the real @azure/arm-privatedns and @azure/arm-network
 * clients: Private DNS's 500 GETs per 5 minutes per subscription, its per-zone operation rates, the per-zone write
 * limit as a rolling 60 s window, all in emulated time (so they scale with `timeScale`), and the latency model.
 * Time is a hand-driven clock: real time never moves it, so every window edge is exact.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { ScaledClock } from '../../arm/clock';
import type { EventGridService } from '../../arm/eventGridProvider';
import {
  PRIVATE_DNS_READ_HEADER,
  PRIVATE_DNS_RATE_LIMITS,
  PRIVATE_DNS_READ_LIMIT,
  RECORD_SET_WRITE_LIMIT,
  type PrivateDnsService,
} from '../../arm/providers/privateDns';
import type { ArmEmulator } from '../../arm/server';
import {
  armRequest,
  failure,
  HUB_RG,
  HUB_SUBSCRIPTION,
  HUB_VNET_ID,
  SPOKE_RG,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
  withoutRetries,
} from '../helpers/armEmulator';
import { EventGridReceiver } from '../helpers/eventGridReceiver';

const ZONES = [
  'privatelink.blob.core.windows.net',
  'privatelink.queue.core.windows.net',
  'privatelink.vaultcore.azure.net',
  'privatelink.file.core.windows.net',
];
const [BLOB, QUEUE, VAULT, FILE] = ZONES as [string, string, string, string];

/** An emulator clock that moves only when the test says so (`timeScale` still converts Retry-After to real time). */
function handClock(timeScale: number): { clock: ScaledClock; tick: (emulatedMs: number) => void } {
  let real = 1_000_000;
  const clock = new ScaledClock(timeScale, () => real);
  return { clock, tick: (ms) => void (real += ms / timeScale) };
}

describe('ARM emulator: budgets through the real SDK clients', () => {
  let emu: ArmEmulator;
  let tick: (emulatedMs: number) => void;
  let dns: PrivateDnsManagementClient;
  let lastHeaders: Record<string, string | undefined>;
  const onResponse = (raw: { headers: { get(name: string): string | undefined } }): void => {
    lastHeaders = {
      [PRIVATE_DNS_READ_HEADER]: raw.headers.get(PRIVATE_DNS_READ_HEADER),
      'x-ms-ratelimit-remaining-subscription-reads': raw.headers.get(
        'x-ms-ratelimit-remaining-subscription-reads',
      ),
    };
  };

  beforeAll(async () => {
    const hand = handClock(20);
    tick = hand.tick;
    emu = await startSeededEmulator({ clock: hand.clock });
  });
  afterAll(() => emu.stop());
  beforeEach(() => {
    emu.reset();
    emu.throttle.configure({ extra: PRIVATE_DNS_RATE_LIMITS });
    const privateDns = emu.service<PrivateDnsService>('privateDns');
    for (const zone of ZONES) {
      const zoneId = privateDns.createZone(HUB_SUBSCRIPTION, HUB_RG, zone).id;
      for (let i = 0; i < 5; i++)
        privateDns.putARecordSet(zoneId, { name: `r${i}`, ipv4Addresses: ['10.0.0.4'] });
    }
    // No retries: every 429 reaches the test.
    dns = new PrivateDnsManagementClient(emu.credential(), HUB_SUBSCRIPTION, withoutRetries(emu));
  });

  const getRecord = (zone: string, name = 'r0') =>
    dns.recordSets.get(HUB_RG, zone, 'A', name, { onResponse });
  /** One list page (of one record set), as a pager sends it. */
  const listPage = async (zone: string) => {
    const pages = dns.recordSets.listByType(HUB_RG, zone, 'A', { top: 1, onResponse }).byPage();
    return (await pages.next()).value as unknown[];
  };
  const times = async (n: number, call: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < n; i++) await call(i);
  };

  describe('Private DNS reads: 500 GETs per 5 minutes per subscription', () => {
    it('counts record GETs, list pages and zone GETs alike, then answers 429 with Retry-After and the header Azure sends', async () => {
      // 500 reads spread so that no per-zone rate is reached: 200 record GETs, 100 list pages, 199 + 1 zone GETs,
      // 10 s apart so that ARM's subscription read bucket (250, 25 a second) refills in between.
      await times(200, () => getRecord(BLOB));
      expect(lastHeaders[PRIVATE_DNS_READ_HEADER]).toBe('300');
      expect(lastHeaders['x-ms-ratelimit-remaining-subscription-reads']).toBeUndefined();
      tick(10_000);
      await times(100, () => listPage(QUEUE));
      expect(lastHeaders[PRIVATE_DNS_READ_HEADER]).toBe('200');
      tick(10_000);
      await times(199, () => dns.privateZones.get(HUB_RG, VAULT, { onResponse }));
      await dns.privateZones.get(HUB_RG, FILE, { onResponse });
      expect(lastHeaders[PRIVATE_DNS_READ_HEADER]).toBe('0');

      const refused = await failure(getRecord(FILE));
      expect(refused.statusCode).toBe(429);
      expect(refused.code).toBe('TooManyRequests');
      expect(refused.message).toContain(PRIVATE_DNS_READ_LIMIT);
      expect(refused.response?.headers.get(PRIVATE_DNS_READ_HEADER)).toBe('0');
      // The window opens again 5 emulated minutes after the first read, 280 s from now: 14 real s at 20x.
      expect(Number(refused.response?.headers.get('retry-after-ms'))).toBe(14_000);
      expect(Number(refused.response?.headers.get('retry-after'))).toBe(14);
      // A refused request costs nothing, writes draw from other limits, and so do other services' reads.
      await dns.recordSets.createOrUpdate(HUB_RG, FILE, 'A', 'new', { ttl: 10, aRecords: [] });
      const network = new NetworkManagementClient(emu.credential(), HUB_SUBSCRIPTION, withoutRetries(emu));
      expect((await network.virtualNetworks.get(HUB_RG, 'vnet-hub')).name).toBe('vnet-hub');

      tick(279_000);
      expect((await failure(getRecord(FILE))).statusCode).toBe(429);
      tick(1_000);
      expect((await getRecord(FILE)).name).toBe('r0');
    });

    it('is kept per subscription: the spoke has its own 500', async () => {
      emu.throttle.configure({ extra: { [PRIVATE_DNS_READ_LIMIT]: { max: 3, windowMs: 300_000 } } });
      await times(3, () => getRecord(BLOB));
      expect((await failure(getRecord(BLOB))).statusCode).toBe(429);
      emu.service<PrivateDnsService>('privateDns').createZone(SPOKE_SUBSCRIPTION, SPOKE_RG, BLOB);
      const spoke = new PrivateDnsManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, withoutRetries(emu));
      expect((await spoke.privateZones.get(SPOKE_RG, BLOB)).name).toBe(BLOB);
    });

    it('counts every page of a paged list, and a 404 like any other GET', async () => {
      emu.throttle.configure({ extra: { [PRIVATE_DNS_READ_LIMIT]: { max: 4, windowMs: 300_000 } } });
      // Five record sets and the SOA, two to a page: three pages, three reads.
      const all: unknown[] = [];
      for await (const rs of dns.recordSets.list(HUB_RG, BLOB, { top: 2 })) all.push(rs);
      expect(all).toHaveLength(6);
      expect((await failure(getRecord(BLOB, 'missing'))).statusCode).toBe(404);
      expect((await failure(getRecord(BLOB))).statusCode).toBe(429);
    });
  });

  describe('Private DNS per-zone operation rates (rolling 60 s windows)', () => {
    it('allows 200 record GETs per zone per minute', async () => {
      await times(200, () => getRecord(BLOB));
      const refused = await failure(getRecord(BLOB));
      expect(refused.statusCode).toBe(429);
      expect(refused.message).toContain('privateDns.recordSetGets');
      // Another zone has its own window.
      expect((await getRecord(QUEUE)).name).toBe('r0');
      tick(60_000);
      expect((await getRecord(BLOB)).name).toBe('r0');
    });

    it('allows 100 list pages per zone per minute', async () => {
      await times(100, () => listPage(BLOB));
      expect((await failure(listPage(BLOB))).statusCode).toBe(429);
      const raw = await armRequest(
        emu,
        'GET',
        `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateDnsZones/${BLOB}/A?api-version=2024-06-01`,
      );
      expect(raw.status).toBe(429);
      expect(raw.json.error.message).toContain('privateDns.recordSetLists');
      expect(await listPage(QUEUE)).toHaveLength(1);
    });
  });

  describe('Private DNS zone and link operation rates (rolling 60 s windows)', () => {
    const zoneBase = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateDnsZones`;
    const firstPage = async <T>(pages: AsyncIterableIterator<T[]>) => (await pages.next()).value as T[];

    it.each([
      ['privateDns.zoneGets', 200, () => dns.privateZones.get(HUB_RG, BLOB)],
      [
        'privateDns.zoneListsByResourceGroup',
        100,
        () => firstPage(dns.privateZones.listByResourceGroup(HUB_RG).byPage()),
      ],
      ['privateDns.zoneListsBySubscription', 60, () => firstPage(dns.privateZones.list().byPage())],
      ['privateDns.linkGets', 100, () => failure(dns.virtualNetworkLinks.get(HUB_RG, BLOB, 'missing'))],
    ] as const)('%s: %i in any 60 s', async (limit, max, call) => {
      await times(max, () => call());
      const raw = await armRequest(
        emu,
        'GET',
        limit === 'privateDns.zoneListsBySubscription'
          ? `/subscriptions/${HUB_SUBSCRIPTION}/providers/Microsoft.Network/privateDnsZones?api-version=2024-06-01`
          : limit === 'privateDns.zoneListsByResourceGroup'
            ? `${zoneBase}?api-version=2024-06-01`
            : limit === 'privateDns.linkGets'
              ? `${zoneBase}/${BLOB}/virtualNetworkLinks/missing?api-version=2024-06-01`
              : `${zoneBase}/${BLOB}?api-version=2024-06-01`,
      );
      expect(raw.status).toBe(429);
      expect(raw.json.error.message).toContain(limit);
      tick(60_000);
      await call();
    });

    it('privateDns.linkWrites: 60 link writes per zone in any 60 s', async () => {
      const put = () =>
        armRequest(emu, 'PUT', `${zoneBase}/${BLOB}/virtualNetworkLinks/link-hub?api-version=2024-06-01`, {
          body: { location: 'global', properties: { virtualNetwork: { id: HUB_VNET_ID } } },
        });
      for (let i = 0; i < 60; i++) expect((await put()).status).toBeLessThan(300);
      const refused = await put();
      expect(refused.status).toBe(429);
      expect(refused.json.error.message).toContain('privateDns.linkWrites');
    });

    it('privateDns.zoneWrites: 40 zone writes per subscription in any 60 s', async () => {
      const put = (name: string) =>
        armRequest(emu, 'PUT', `${zoneBase}/${name}?api-version=2024-06-01`, {
          body: { location: 'global' },
        });
      for (let i = 0; i < 40; i++) expect((await put(`zone${i}.example.com`)).status).toBe(201);
      const refused = await put('zone40.example.com');
      expect(refused.status).toBe(429);
      expect(refused.json.error.message).toContain('privateDns.zoneWrites');
    });
  });

  describe('Private DNS record-set writes: 60 per zone in any 60 s', () => {
    const put = (zone: string, name: string) =>
      dns.recordSets.createOrUpdate(HUB_RG, zone, 'A', name, { ttl: 10, aRecords: [] });

    it('refuses the 61st write in the window and admits it when the first one leaves', async () => {
      await times(60, (i) => put(BLOB, `w${i}`));
      const refused = await failure(put(BLOB, 'w60'));
      expect(refused.statusCode).toBe(429);
      expect(refused.message).toContain(RECORD_SET_WRITE_LIMIT);
      expect(Number(refused.response?.headers.get('retry-after-ms'))).toBe(3_000); // 60 emulated s at 20x
      await put(QUEUE, 'w0'); // another zone
      tick(59_999);
      expect((await failure(put(BLOB, 'w60'))).statusCode).toBe(429);
      tick(1);
      await put(BLOB, 'w60');
    });

    it('is a rolling window, not a token bucket: no 120 writes in one minute after a quiet spell', async () => {
      // 30 writes, 30 s later 30 more: 60 in the window that started with the first.
      await times(30, (i) => put(BLOB, `a${i}`));
      tick(30_000);
      await times(30, (i) => put(BLOB, `b${i}`));
      // A bucket of 60 refilling 1/s would have 30 tokens back now; the window has none.
      expect((await failure(put(BLOB, 'c0'))).statusCode).toBe(429);
      // 30 s later the first 30 have left the window: exactly 30 more fit.
      tick(30_000);
      await times(30, (i) => put(BLOB, `c${i}`));
      expect((await failure(put(BLOB, 'c30'))).statusCode).toBe(429);
      // Deletes share the window.
      const del = await failure(dns.recordSets.delete(HUB_RG, BLOB, 'A', 'a0'));
      expect(del.statusCode).toBe(429);
    });
  });
});

describe('ARM emulator: the latency model', () => {
  it('is off by default', async () => {
    const emu = await startSeededEmulator();
    try {
      const network = new NetworkManagementClient(emu.credential(), HUB_SUBSCRIPTION, emu.clientOptions());
      await network.virtualNetworks.get(HUB_RG, 'vnet-hub');
      expect(emu.latency.active).toBe(false);
      expect(emu.log.list().every((e) => e.latencyMs === undefined)).toBe(true);
    } finally {
      await emu.stop();
    }
  });

  it("adds Azure's ARM latency (p50 about 60 ms, p99 about 250 ms, emulated) to every ARM request", async () => {
    // Time scale 1000: 60 emulated ms are 0.06 real ms, so 300 requests cost no real time worth mentioning.
    const emu = await startSeededEmulator({ timeScale: 1000, latency: 'azure' });
    try {
      const network = new NetworkManagementClient(emu.credential(), HUB_SUBSCRIPTION, emu.clientOptions());
      for (let i = 0; i < 300; i++) await network.virtualNetworks.get(HUB_RG, 'vnet-hub');
      const sampled = emu.log
        .list()
        .map((e) => e.latencyMs ?? 0)
        .sort((a, b) => a - b);
      expect(sampled).toHaveLength(300);
      expect(sampled[0]).toBeGreaterThan(0);
      const median = sampled[149] ?? 0;
      expect(median).toBeGreaterThan(45);
      expect(median).toBeLessThan(80);
      expect(sampled[296]).toBeGreaterThan(150); // p99 region
      expect(sampled[296]).toBeLessThan(400);
    } finally {
      await emu.stop();
    }
  });

  it('delays Event Grid deliveries by the modelled delay, in emulated time', async () => {
    const emu = await startSeededEmulator({
      timeScale: 100,
      latency: { eventGrid: { p50Ms: 3_000, p99Ms: 3_000 } },
    });
    const receiver = await new EventGridReceiver().start();
    try {
      const eventGrid = emu.service<EventGridService>('eventGrid');
      await eventGrid.subscribe({ name: 'sub', subscriptionId: HUB_SUBSCRIPTION, endpointUrl: receiver.url });
      const written = emu.clock.now();
      emu.service<PrivateDnsService>('privateDns').createZone(HUB_SUBSCRIPTION, HUB_RG, BLOB);
      await eventGrid.idle();
      const sent = eventGrid.delivery.deliveries('sub').map((d) => d.sentAt ?? 0);
      expect(sent.length).toBeGreaterThan(0);
      // The model's 3 s (30 real ms at 100x) pass before the first attempt; a busy machine only adds to it.
      for (const at of sent) expect(at - written).toBeGreaterThanOrEqual(3_000 - 100);
      expect(receiver.accepted).toHaveLength(sent.length);
    } finally {
      await receiver.stop();
      await emu.stop();
    }
  });
});
