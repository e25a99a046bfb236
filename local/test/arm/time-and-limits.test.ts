import { ScaledClock } from '../../arm/clock';
import { FaultInjector, seededRandom } from '../../arm/faults';
import { decodeSkipToken, encodeSkipToken } from '../../arm/paging';
import {
  formatIpv4,
  parseIpv4,
  parsePrefix,
  prefixContains,
  SubnetAllocator,
} from '../../arm/providers/network/ipam';
import { RequestLog } from '../../arm/requestLog';
import { AZURE_LATENCY, LatencyModel, logNormalSampler } from '../../arm/latency';
import { SlidingWindow, Throttler, TokenBucket } from '../../arm/throttling';

/** A clock driven by hand: real time only moves when the test says so. */
function manualClock(timeScale = 1): { clock: ScaledClock; tick: (ms: number) => void } {
  let real = 1_000_000;
  return { clock: new ScaledClock(timeScale, () => real), tick: (ms) => void (real += ms) };
}

describe('ARM emulator: ScaledClock', () => {
  it('runs emulated time faster by the time scale and stays continuous when the scale changes', () => {
    const { clock, tick } = manualClock(10);
    const start = clock.now();
    tick(100);
    expect(clock.now() - start).toBe(1000);
    clock.setTimeScale(2);
    tick(100);
    expect(clock.now() - start).toBe(1200);
    clock.advance(5000);
    expect(clock.now() - start).toBe(6200);
    expect(clock.toRealMs(1000)).toBe(500);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects time scale %p', (scale) => {
    expect(() => new ScaledClock(scale)).toThrow(RangeError);
  });
});

describe('ARM emulator: TokenBucket and Throttler', () => {
  it('refills at the configured rate in emulated time and reports the wait', () => {
    const { clock, tick } = manualClock(1);
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 10 }, clock);
    expect([bucket.take().ok, bucket.take().ok]).toEqual([true, true]);
    const refused = bucket.take();
    expect(refused).toMatchObject({ ok: false, remaining: 0 });
    expect(refused.retryAfterMs).toBeCloseTo(100);
    tick(100);
    expect(bucket.take().ok).toBe(true);
  });

  it.each([
    ['read', 250, 'x-ms-ratelimit-remaining-subscription-reads'],
    ['write', 200, 'x-ms-ratelimit-remaining-subscription-writes'],
    ['delete', 200, 'x-ms-ratelimit-remaining-subscription-deletes'],
  ] as const)('has Azure limits for %s (%i) and sets %s', (kind, capacity, header) => {
    const { clock } = manualClock(1);
    const throttler = new Throttler(clock);
    let last;
    for (let i = 0; i < capacity; i++) last = throttler.check('sub', kind);
    expect(last?.headers[header]).toBe('0');
    const refused = throttler.check('sub', kind);
    expect(refused.ok).toBe(false);
    // Other subscriptions have their own buckets.
    expect(throttler.check('other', kind).ok).toBe(true);
  });

  it('applies extra named limits per key without charging a refused request', () => {
    const { clock, tick } = manualClock(1);
    const throttler = new Throttler(clock);
    throttler.defineLimit('zone', { capacity: 60, refillPerSecond: 1 });
    for (let i = 0; i < 60; i++)
      expect(throttler.check('sub', 'write', [{ limit: 'zone', key: 'z1' }]).ok).toBe(true);
    const refused = throttler.check('sub', 'write', [{ limit: 'zone', key: 'z1' }]);
    expect(refused).toMatchObject({ ok: false, limitedBy: 'zone' });
    expect(refused.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('140');
    expect(throttler.check('sub', 'write', [{ limit: 'zone', key: 'z2' }]).ok).toBe(true);
    tick(1000);
    expect(throttler.check('sub', 'write', [{ limit: 'zone', key: 'z1' }]).ok).toBe(true);
  });

  it('lets everything through when disabled', () => {
    const { clock } = manualClock(1);
    const throttler = new Throttler(clock, { writes: { capacity: 1, refillPerSecond: 0 } });
    throttler.configure({ enabled: false });
    expect([throttler.check('s', 'write').ok, throttler.check('s', 'write').ok]).toEqual([true, true]);
  });
});

describe('ARM emulator: SlidingWindow (rolling limits)', () => {
  it.each([
    // [max, windowMs, admission times (ms), expected ok per request]
    [3, 1000, [0, 0, 0, 0], [true, true, true, false]],
    [3, 1000, [0, 400, 800, 999, 1000], [true, true, true, false, true]],
    [2, 1000, [0, 600, 1000, 1500, 1599, 1600], [true, true, true, false, false, true]],
    [
      60,
      60_000,
      [...Array<number>(60).fill(0), 30_000, 59_999, 60_000],
      [...Array<boolean>(60).fill(true), false, false, true],
    ],
  ])('max %i per %i ms: admissions at %j', (max, windowMs, at, expected) => {
    const { clock, tick } = manualClock(1);
    const window = new SlidingWindow({ max, windowMs }, clock);
    let now = 0;
    const results = at.map((t) => {
      tick(t - now);
      now = t;
      return window.take().ok;
    });
    expect(results).toEqual(expected);
  });

  it('reports what is left and how long until the oldest admission leaves the window', () => {
    const { clock, tick } = manualClock(1);
    const window = new SlidingWindow({ max: 2, windowMs: 60_000 }, clock);
    expect(window.take()).toEqual({ ok: true, remaining: 1, retryAfterMs: 0 });
    tick(20_000);
    expect(window.take()).toEqual({ ok: true, remaining: 0, retryAfterMs: 0 });
    expect(window.take()).toEqual({ ok: false, remaining: 0, retryAfterMs: 40_000 });
    expect(window.peek()).toBe(0);
    tick(40_000);
    expect(window.peek()).toBe(1);
  });

  it('never admits more than max in any window, unlike a token bucket of the same size', () => {
    const { clock, tick } = manualClock(1);
    const window = new SlidingWindow({ max: 60, windowMs: 60_000 }, clock);
    const bucket = new TokenBucket({ capacity: 60, refillPerSecond: 1 }, clock);
    let windowOk = 0;
    let bucketOk = 0;
    // A request every 250 ms for one minute, after a full window/bucket.
    for (let i = 0; i < 240; i++) {
      if (window.take().ok) windowOk++;
      if (bucket.take().ok) bucketOk++;
      tick(250);
    }
    expect(windowOk).toBe(60);
    expect(bucketOk).toBeGreaterThan(110);
  });

  it('runs on emulated time, so a faster clock opens the window sooner in real time', () => {
    const { clock, tick } = manualClock(20);
    const window = new SlidingWindow({ max: 1, windowMs: 60_000 }, clock);
    expect(window.take().ok).toBe(true);
    tick(2_999); // real ms: 59,980 emulated
    expect(window.take().ok).toBe(false);
    tick(1);
    expect(window.take().ok).toBe(true);
  });
});

describe('ARM emulator: Throttler with window limits', () => {
  it('replaces the subscription header with the limit header and names the refusing limit', () => {
    const { clock } = manualClock(1);
    const throttler = new Throttler(clock);
    throttler.defineLimit('reads', { max: 2, windowMs: 300_000, header: 'x-resource-requests' });
    const use = [{ limit: 'reads', key: 'sub' }];
    expect(throttler.check('sub', 'read', use).headers).toEqual({ 'x-resource-requests': '1' });
    expect(throttler.check('sub', 'read', use).headers).toEqual({ 'x-resource-requests': '0' });
    const refused = throttler.check('sub', 'read', use);
    expect(refused).toMatchObject({ ok: false, limitedBy: 'reads', retryAfterMs: 300_000 });
    expect(refused.headers).toEqual({ 'x-resource-requests': '0' });
    // Without the limit the request reports the subscription bucket as before.
    expect(throttler.check('sub', 'read').headers).toEqual({
      'x-ms-ratelimit-remaining-subscription-reads': '247',
    });
    expect(throttler.remaining('reads', 'sub')).toBe(0);
    expect(throttler.remaining('reads', 'other')).toBe(2);
  });
});

describe('ARM emulator: latency sampling', () => {
  it.each([[{ p50Ms: 60, p99Ms: 250 }], [{ p50Ms: 1000, p99Ms: 5000 }], [{ p50Ms: 10, p99Ms: 10 }]])(
    'samples a log-normal distribution with the given median and 99th percentile: %j',
    (spec) => {
      const sample = logNormalSampler(spec, seededRandom(3));
      const values = Array.from({ length: 20_000 }, () => sample()).sort((a, b) => a - b);
      const at = (q: number) => values[Math.floor(q * values.length)] ?? NaN;
      expect(at(0.5)).toBeGreaterThan(spec.p50Ms * 0.95);
      expect(at(0.5)).toBeLessThan(spec.p50Ms * 1.05 + 0.001);
      expect(at(0.99)).toBeGreaterThan(spec.p99Ms * 0.9);
      expect(at(0.99)).toBeLessThan(spec.p99Ms * 1.1 + 0.001);
      expect(values[0]).toBeGreaterThan(0);
    },
  );

  it('caps samples and refuses a 99th percentile below the median', () => {
    const sample = logNormalSampler({ p50Ms: 60, p99Ms: 250, maxMs: 100 }, seededRandom(1));
    expect(Math.max(...Array.from({ length: 1000 }, () => sample()))).toBe(100);
    expect(() => logNormalSampler({ p50Ms: 60, p99Ms: 50 }, Math.random)).toThrow(RangeError);
  });

  it("is off by default, 'azure' turns on Azure's figures, and a seed repeats the same samples", () => {
    const model = new LatencyModel();
    expect([model.active, model.sample('arm'), model.sample('eventGrid')]).toEqual([false, 0, 0]);
    model.configure('azure');
    expect(model.snapshot()).toEqual(AZURE_LATENCY);
    const first = [model.sample('arm'), model.sample('eventGrid')];
    model.configure('azure');
    expect([model.sample('arm'), model.sample('eventGrid')]).toEqual(first);
    model.configure({ arm: { p50Ms: 60, p99Ms: 250 } });
    expect(model.sample('eventGrid')).toBe(0);
    model.configure('off');
    expect(model.active).toBe(false);
  });
});

describe('ARM emulator: FaultInjector', () => {
  const target = {
    method: 'GET',
    path: '/subscriptions/s/x',
    operationId: 'Things_Get',
    resourceType: 'Microsoft.Foo/things',
  };

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const f = new FaultInjector();
      f.configure({
        seed,
        rules: [
          {
            errorRate: 0.3,
            errors: [500, 503, 'reset'],
            latency: { distribution: 'exponential', meanMs: 10 },
          },
        ],
      });
      return Array.from({ length: 50 }, () => f.decide(target));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('matches on method, operation, type and path, honours skip and maxErrors, and counts', () => {
    const f = new FaultInjector();
    f.configure({
      rules: [
        { name: 'miss', match: { operationId: 'Other_Get' }, errorRate: 1 },
        {
          name: 'hit',
          match: { method: 'get', resourceType: 'microsoft.foo/THINGS', path: '/x$' },
          errorRate: 1,
          errors: [429],
          skip: 1,
          maxErrors: 2,
        },
      ],
    });
    expect([1, 2, 3, 4].map(() => f.decide(target).error)).toEqual([undefined, 429, 429, undefined]);
    expect(f.snapshot().injected).toEqual({ hit: 2 });
  });

  it.each([
    [{ distribution: 'fixed', ms: 7 } as const, 7, 7],
    [{ distribution: 'uniform', minMs: 5, maxMs: 9 } as const, 5, 9],
    [{ distribution: 'exponential', meanMs: 50, maxMs: 80 } as const, 0, 80],
  ])('samples latency %j within bounds', (latency, min, max) => {
    const f = new FaultInjector();
    f.configure({ seed: 9, rules: [{ latency }] });
    for (let i = 0; i < 100; i++) {
      const ms = f.decide(target).latencyMs;
      expect(ms).toBeGreaterThanOrEqual(min);
      expect(ms).toBeLessThanOrEqual(max);
    }
  });

  it('hides NIC FQDNs for the first N reads of an endpoint, by id or name', () => {
    const f = new FaultInjector();
    f.configure({ emptyNicFqdns: [{ privateEndpoint: 'PE-1', reads: 2 }] });
    const reads = [1, 2, 3].map(() =>
      f.consumeEmptyFqdnRead('/subscriptions/s/.../privateEndpoints/pe-1', 'pe-1'),
    );
    expect(reads).toEqual([true, true, false]);
    expect(f.consumeEmptyFqdnRead('/x/pe-2', 'pe-2')).toBe(false);
  });

  it('rejects an invalid error rate or path pattern', () => {
    expect(() => new FaultInjector().configure({ rules: [{ errorRate: 1.5 }] })).toThrow(RangeError);
    expect(() => new FaultInjector().configure({ rules: [{ match: { path: '(' } }] })).toThrow();
  });

  it('seededRandom gives values in [0, 1)', () => {
    const r = seededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('ARM emulator: paging tokens', () => {
  it.each([0, 1, 100, 24_999])('round-trips offset %i', (n) =>
    expect(decodeSkipToken(encodeSkipToken(n))).toBe(n),
  );
  it.each([
    'garbage',
    Buffer.from('{"o":-1}').toString('base64url'),
    Buffer.from('[1]').toString('base64url'),
  ])('rejects %s', (t) => expect(() => decodeSkipToken(t)).toThrow(/skip token/));
  it('treats a missing token as the first page', () => expect(decodeSkipToken(null)).toBe(0));
});

describe('ARM emulator: subnet address allocation', () => {
  it.each([
    ['10.12.0.0/24', '10.12.0.4'],
    ['10.12.0.77/24', '10.12.0.4'],
    ['192.168.8.0/29', '192.168.8.4'],
  ])('allocates the first usable address of %s', (cidr, first) => {
    const prefix = parsePrefix(cidr);
    expect(prefix).toBeDefined();
    expect(new SubnetAllocator().allocate('s', prefix!)).toBe(first);
  });

  it('skips used addresses, reuses released ones and reports a full subnet', () => {
    const alloc = new SubnetAllocator();
    const prefix = parsePrefix('10.0.0.0/29')!; // usable: .4 .5 .6 (.7 is broadcast)
    expect([alloc.allocate('s', prefix), alloc.allocate('s', prefix), alloc.allocate('s', prefix)]).toEqual([
      '10.0.0.4',
      '10.0.0.5',
      '10.0.0.6',
    ]);
    expect(alloc.allocate('s', prefix)).toBeUndefined();
    alloc.release('s', '10.0.0.5');
    expect(alloc.allocate('s', prefix)).toBe('10.0.0.5');
    expect(alloc.allocate('s', prefix, '10.0.0.6')).toBeUndefined();
  });

  it.each(['10.0.0', '10.0.0.256', 'a.b.c.d', '10.0.0.1.2'])('rejects address %s', (ip) =>
    expect(parseIpv4(ip)).toBeUndefined(),
  );
  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x'])('rejects prefix %s', (p) =>
    expect(parsePrefix(p)).toBeUndefined(),
  );
  it('formats and contains', () => {
    expect(formatIpv4(parseIpv4('172.16.254.1')!)).toBe('172.16.254.1');
    expect(prefixContains(parsePrefix('10.0.0.0/16')!, parsePrefix('10.0.3.0/24')!)).toBe(true);
    expect(prefixContains(parsePrefix('10.0.0.0/16')!, parsePrefix('10.1.0.0/24')!)).toBe(false);
  });
});

describe('ARM emulator: RequestLog', () => {
  it('counts by method, type, operation and status, and keeps the newest entries', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 7; i++) {
      log.record({
        time: i,
        method: 'GET',
        path: `/p${i}`,
        status: i === 6 ? 429 : 200,
        durationMs: 1,
        operationId: 'Op',
        resourceType: 'T',
        ...(i === 6 ? { injected: 'throttled' } : {}),
      });
    }
    expect(log.list().map((e) => e.path)).toEqual(['/p4', '/p5', '/p6']);
    expect(log.list({ sinceSeq: 6 }).map((e) => e.seq)).toEqual([7]);
    expect(log.snapshot()).toMatchObject({
      total: 7,
      byMethod: { GET: 7 },
      byOperation: { Op: 7 },
      byStatus: { '200': 6, '429': 1 },
      throttled: 1,
    });
    log.reset();
    expect(log.snapshot().total).toBe(0);
    expect(log.lastSeq).toBe(7);
  });
});
