import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { ArmEmulator } from '../../arm/server';
import { armRequest, HUB_RG, HUB_SUBSCRIPTION, startSeededEmulator } from '../helpers/armEmulator';

const ZONE = 'privatelink.blob.core.windows.net';
const records = (): string =>
  `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateDnsZones/${ZONE}`;

describe('ARM emulator: throttling, faults, counters and the control API', () => {
  let emu: ArmEmulator;

  beforeAll(async () => {
    emu = await startSeededEmulator();
  });
  afterAll(() => emu.stop());
  beforeEach(() => {
    emu.reset();
    emu.throttle.configure({
      enabled: true,
      subscription: {
        reads: { capacity: 250, refillPerSecond: 25 },
        writes: { capacity: 200, refillPerSecond: 10 },
        deletes: { capacity: 200, refillPerSecond: 10 },
      },
    });
    emu.clock.setTimeScale(1);
    emu
      .service<{ createZone(s: string, r: string, z: string): unknown }>('privateDns')
      .createZone(HUB_SUBSCRIPTION, HUB_RG, ZONE);
  });

  const client = (maxRetries: number): PrivateDnsManagementClient =>
    new PrivateDnsManagementClient(emu.credential(), HUB_SUBSCRIPTION, {
      ...emu.clientOptions(),
      retryOptions: { maxRetries, retryDelayInMs: 5, maxRetryDelayInMs: 50 },
    });

  it('counts down x-ms-ratelimit-remaining-subscription-* headers per operation class', async () => {
    emu.clock.setTimeScale(0.001); // effectively no refill during the test
    const vnet = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub?api-version=2025-05-01`;
    const first = await armRequest(emu, 'GET', vnet);
    const second = await armRequest(emu, 'GET', vnet);
    expect(first.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('249');
    expect(second.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('248');
    // Private DNS reads report its own 500-per-5-minutes budget instead (Resource Manager's override header).
    const dnsRead = await armRequest(emu, 'GET', `${records()}/ALL?api-version=2024-06-01`);
    expect(dnsRead.headers['x-ms-ratelimit-remaining-subscription-resource-requests']).toBe('499');
    expect(dnsRead.headers['x-ms-ratelimit-remaining-subscription-reads']).toBeUndefined();
    const write = await armRequest(emu, 'PUT', `${records()}/A/x?api-version=2024-06-01`, {
      body: { properties: { ttl: 5, aRecords: [] } },
    });
    expect(write.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('199');
    const del = await armRequest(emu, 'DELETE', `${records()}/A/x?api-version=2024-06-01`);
    expect(del.headers['x-ms-ratelimit-remaining-subscription-deletes']).toBe('199');
  });

  it('answers 429 TooManyRequests with Retry-After when a bucket is empty, and the SDK retry policy absorbs it', async () => {
    emu.throttle.configure({ subscription: { writes: { capacity: 2, refillPerSecond: 1 } } });
    const dns = client(3);
    const since = emu.log.lastSeq;
    for (let i = 0; i < 4; i++) {
      await dns.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', `r${i}`, {
        ttl: 5,
        aRecords: [{ ipv4Address: `10.0.0.${i + 4}` }],
      });
    }
    const statuses = emu.log.list({ sinceSeq: since }).map((e) => e.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses).toContain(429);
    expect(emu.log.snapshot().throttled).toBeGreaterThan(0);

    // A deterministic refusal: one token, and (almost) no refill.
    emu.clock.setTimeScale(0.001);
    emu.throttle.configure({ subscription: { writes: { capacity: 1, refillPerSecond: 1 } } });
    const put = () =>
      armRequest(emu, 'PUT', `${records()}/A/r9?api-version=2024-06-01`, {
        body: { properties: { ttl: 5, aRecords: [] } },
      });
    expect((await put()).status).toBe(201);
    const raw = await put();
    expect(raw.status).toBe(429);
    expect(raw.json.error.code).toBe('TooManyRequests');
    expect(Number(raw.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(raw.headers['retry-after-ms'])).toBeGreaterThan(0);
    expect(raw.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('0');
  });

  it('limits record-set writes to 60 per zone per minute (Private DNS), independent of other zones', async () => {
    emu.clock.setTimeScale(0.001);
    const dns = client(0);
    for (let i = 0; i < 60; i++) {
      await dns.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', `n${i}`, { ttl: 5, aRecords: [] });
    }
    const refused = await dns.recordSets
      .createOrUpdate(HUB_RG, ZONE, 'A', 'n60', { ttl: 5, aRecords: [] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    // Reads are not limited by the zone write bucket, and another zone has its own bucket.
    expect((await dns.recordSets.get(HUB_RG, ZONE, 'A', 'n0')).name).toBe('n0');
    await dns.privateZones.createOrUpdate(
      HUB_RG,
      'privatelink.queue.core.windows.net',
      { location: 'global' },
      { updateIntervalInMs: 5 },
    );
    await dns.recordSets.createOrUpdate(HUB_RG, 'privatelink.queue.core.windows.net', 'A', 'n0', {
      ttl: 5,
      aRecords: [],
    });
    // Time moves on: a minute later the bucket is full again.
    emu.clock.advance(60_000);
    await dns.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'n60', { ttl: 5, aRecords: [] });
  });

  it('injects 503s that the SDK retries, connection resets, and 500s it reports', async () => {
    const dns = client(3);
    await dns.recordSets.createOrUpdate(HUB_RG, ZONE, 'A', 'f', { ttl: 5, aRecords: [] });
    emu.faults.configure({
      seed: 3,
      rules: [
        {
          name: 'get-503',
          match: { operationId: 'RecordSets_Get' },
          errorRate: 1,
          errors: [503],
          maxErrors: 2,
          retryAfterSeconds: 0,
        },
      ],
    });
    const got = await dns.recordSets.get(HUB_RG, ZONE, 'A', 'f');
    expect(got.name).toBe('f');
    expect(emu.faults.snapshot().injected).toEqual({ 'get-503': 2 });

    emu.faults.configure({
      rules: [
        {
          name: 'reset',
          match: { method: 'GET', path: '/A/f$' },
          errorRate: 1,
          errors: ['reset'],
          maxErrors: 1,
        },
      ],
    });
    expect((await dns.recordSets.get(HUB_RG, ZONE, 'A', 'f')).name).toBe('f');
    expect(emu.faults.snapshot().injected).toEqual({ reset: 1 });

    emu.faults.configure({
      rules: [{ match: { operationId: 'RecordSets_Get' }, errorRate: 1, errors: [500] }],
    });
    await expect(client(0).recordSets.get(HUB_RG, ZONE, 'A', 'f')).rejects.toMatchObject({
      statusCode: 500,
      code: 'InternalServerError',
    });
    expect(emu.log.snapshot().injectedFaults).toBeGreaterThanOrEqual(4);
  });

  it('injects the same faults for the same seed, different ones for another seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      emu.faults.configure({
        seed,
        rules: [
          {
            match: { operationId: 'RecordSets_List' },
            errorRate: 0.5,
            errors: [500, 503, 429],
            latency: { distribution: 'uniform', minMs: 0, maxMs: 2 },
          },
        ],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++)
        statuses.push((await armRequest(emu, 'GET', `${records()}/ALL?api-version=2024-06-01`)).status);
      return statuses;
    };
    emu.throttle.enabled = false;
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a)).toEqual(new Set([200, 500, 503, 429].filter((s) => a.includes(s))));
    expect(a.some((s) => s !== 200)).toBe(true);
  });

  it('serves counters, the request log, time, LRO and fault settings over the control API', async () => {
    await armRequest(emu, 'GET', `${records()}/ALL?api-version=2024-06-01`);
    await armRequest(emu, 'GET', `${records()}?api-version=2024-06-01`);
    const counters = await armRequest(emu, 'GET', '/_emulator/counters', { token: null });
    expect(counters.json).toMatchObject({
      total: 2,
      byMethod: { GET: 2 },
      byOperation: { RecordSets_List: 1, PrivateZones_Get: 1 },
      byResourceType: { 'Microsoft.Network/privateDnsZones': 1 },
      byStatus: { '200': 2 },
    });
    const log = await armRequest(emu, 'GET', '/_emulator/log?operationId=RecordSets_List', { token: null });
    expect(log.json.value).toHaveLength(1);
    expect(log.json.value[0]).toMatchObject({
      method: 'GET',
      status: 200,
      subscriptionId: HUB_SUBSCRIPTION,
      apiVersion: '2024-06-01',
    });

    expect(
      (await armRequest(emu, 'PUT', '/_emulator/time', { token: null, body: { timeScale: 50 } })).json
        .timeScale,
    ).toBe(50);
    expect(emu.clock.timeScale).toBe(50);
    const badFaults = await armRequest(emu, 'PUT', '/_emulator/faults', {
      token: null,
      body: { rules: [{ errorRate: 2 }] },
    });
    expect(badFaults).toMatchObject({ status: 400, json: { error: { code: 'InvalidControlRequest' } } });
    const faults = await armRequest(emu, 'PUT', '/_emulator/faults', {
      token: null,
      body: { seed: 5, emptyNicFqdns: [{ privateEndpoint: 'pe1', reads: 2 }] },
    });
    expect(faults.json).toMatchObject({ seed: 5, emptyNicFqdns: [{ privateEndpoint: 'pe1', reads: 2 }] });
    expect(
      (await armRequest(emu, 'PUT', '/_emulator/lro', { token: null, body: { polls: 3 } })).json.polls,
    ).toBe(3);
    expect(emu.lro.settings.polls).toBe(3);
    emu.lro.settings.polls = 1;
    const throttling = await armRequest(emu, 'PUT', '/_emulator/throttling', {
      token: null,
      body: { enabled: false },
    });
    expect(throttling.json.enabled).toBe(false);

    const seeded = await armRequest(emu, 'POST', '/_emulator/seed', {
      token: null,
      body: {
        subscriptions: [
          {
            subscriptionId: 'sub-extra',
            resourceGroups: [{ name: 'rg-x', privateDnsZones: ['privatelink.file.core.windows.net'] }],
          },
        ],
      },
    });
    expect(seeded.status).toBe(200);
    const resources = await armRequest(
      emu,
      'GET',
      '/_emulator/resources?scope=/subscriptions/sub-extra&type=Microsoft.Network/privateDnsZones',
      { token: null },
    );
    expect(resources.json.value.map((r: { name: string }) => r.name)).toEqual([
      'privatelink.file.core.windows.net',
    ]);
    const badSeed = await armRequest(emu, 'POST', '/_emulator/seed', {
      token: null,
      body: { subscriptions: [{}] },
    });
    expect(badSeed.status).toBe(400);

    const resolved = await armRequest(emu, 'GET', `/_emulator/privateDns/resolve?name=nothing.${ZONE}`, {
      token: null,
    });
    expect(resolved.status).toBe(404);
    expect(
      (await armRequest(emu, 'POST', '/_emulator/reset', { token: null, body: { reseed: false } })).status,
    ).toBe(204);
    expect(emu.store.size).toBe(0);
    expect((await armRequest(emu, 'GET', '/_emulator/nothing', { token: null })).status).toBe(404);
  });
});

describe('ARM emulator: start-up', () => {
  it('refuses a bad seed with a clear error and leaves nothing listening', async () => {
    await expect(
      startSeededEmulator({
        seed: {
          subscriptions: [
            { subscriptionId: 's', resourceGroups: [{ name: 'rg', virtualNetworks: [{ name: 'v' }] }] },
          ],
        },
      }),
    ).rejects.toMatchObject({ code: 'InvalidSeed', message: expect.stringContaining('virtualNetworks') });
  });
});
