/**
 * A small run of each benchmark scenario on the real stack (emulator, DNS server, the app on the local host), to
 * check that each one measures what it says — minimum worked out as defined, records found, JSON shape — never how
 * fast anything was. The figures themselves come from `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runBurst } from '../../bench/burst';
import { runEconomy } from '../../bench/economy';
import { runLatency } from '../../bench/latency';
import { runReconcile } from '../../bench/reconcile';
import { runWatch } from '../../bench/watch';

jest.setTimeout(120_000);

describe('benchmark scenarios (smoke runs)', () => {
  it('economy: blob and Key Vault endpoints, cold and warm, beside the scripts', async () => {
    const r = await runEconomy({ timeScale: 20, timeoutMs: 30_000, kinds: ['blob', 'keyVault'] }, 'test');
    expect(r.problems).toEqual([]);
    for (const kind of ['blob', 'keyVault'] as const) {
      const k = r.kinds[kind];
      // One endpoint read, one NIC read, one record created; warm: the two reads and nothing to write.
      expect([k.minimum, k.writes, k.warm.minimum, k.warm.writes]).toEqual([3, 1, 2, 0]);
      expect(k.requests).toBe(k.reads + k.writes);
      expect(k.ratio).toBeCloseTo(k.requests / k.minimum, 2);
      // The scripts: one list page, one NIC read, one unconditional write — each run.
      expect([k.scripts.requests, k.scripts.writes, k.scripts.warm.writes]).toEqual([3, 1, 1]);
      expect(k.scripts.byOperation).toEqual({
        PrivateEndpoints_List: 1,
        NetworkInterfaces_Get: 1,
        RecordSets_CreateOrUpdate: 1,
      });
    }
  });

  it('burst: a few vault endpoints at once, every record resolvable through the DNS server', async () => {
    const r = await runBurst(
      { sizes: [2], timeScale: 50, latency: true, watchHours: 0, slackMs: 60_000 },
      'test',
    );
    const [size] = r.sizes;
    expect(r.problems).toEqual([]);
    expect(size).toMatchObject({ endpoints: 2, records: 16, lost: 0, lowerBoundSeconds: 0 });
    expect(size?.written).toHaveLength(16);
    expect(size?.writes).toBeGreaterThanOrEqual(16);
  });

  it('latency: delivery to resolving, per endpoint, unthrottled', async () => {
    const r = await runLatency({ endpoints: 3, timeScale: 20, spacingSeconds: 0 }, 'test');
    expect(r.problems).toEqual([]);
    expect(r.throttled).toBe(0);
    expect(r.deliveryToResolvingMs.p50).toBeGreaterThan(0);
    expect(r.creationToResolvingMs.max).toBeGreaterThanOrEqual(r.deliveryToResolvingMs.max);
  });

  it('watch: late FQDNs with Event Grid silent, minimum per v1 family as defined', async () => {
    const r = await runWatch(
      {
        vaults: 1,
        timeScale: 2000,
        discoverHours: 0.1,
        backupHours: 0.2,
        experiences: ['v1'],
        dayMs: 3600_000,
      },
      'test',
    );
    const [run] = r.runs;
    // Vault endpoint 1 + 1 + 8 writes; discovery 2 × (1 + 1 + 1); first backup 1 + 1 + 1.
    expect(run).toMatchObject({ experience: 'v1', vaults: 1, minimumPerVault: 19, lateRecords: 3 });
    expect(run?.requests.requests).toBeGreaterThan(0);
  });

  it.each(['reconcile', 'cli'] as const)(
    'reconcile: an in-sync estate (brought in step by %s), requests against the minimum pages',
    async (setup) => {
      const r = await runReconcile(
        { endpoints: 20, subscriptions: 2, timeScale: 1000, timeoutMs: 60_000, setup },
        'test',
      );
      expect(r.problems).toEqual([]);
      if (setup === 'reconcile') expect(r.setup?.writes).toBe(20);
      else expect(r.setup).toBeUndefined();
      // One Resource Graph page, one zone listing, one page for each of the six hub zones.
      expect(r.inSync).toMatchObject({ status: 'Completed', writes: 0, minimumPages: 8 });
      expect(r.inSync.historyBytes).toBeGreaterThan(0);
      expect(r.inSync.peakRssMiB).toBeGreaterThan(0);
    },
  );

  it('prints exactly one JSON object with --json and writes only between its markers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-json-'));
    try {
      const out = path.join(dir, 'economy.md');
      const docs = path.join(dir, 'performance.md');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          path.join(__dirname, '../../node_modules/tsx/dist/cli.mjs'),
          'bench/run.ts',
          'economy',
          '--kinds',
          'blob',
          '--json',
          '--out',
          out,
          '--docs',
          docs,
        ],
        { cwd: path.join(__dirname, '../..'), maxBuffer: 16 * 2 ** 20 },
      );
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const result = JSON.parse(lines[0] as string) as { scenario: string; kinds: Record<string, unknown> };
      expect(result.scenario).toBe('economy');
      expect(Object.keys(result.kinds)).toEqual(['blob']);
      expect(result.kinds.blob).toEqual(
        expect.objectContaining({ requests: expect.any(Number), minimum: 3, ratio: expect.any(Number) }),
      );
      expect(readFileSync(out, 'utf8')).toContain('<!-- generated:economy:begin');
      expect(readFileSync(docs, 'utf8')).toContain('### economy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
