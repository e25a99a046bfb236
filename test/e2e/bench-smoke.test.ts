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

jest.setTimeout(180_000);

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
      // Event Grid announced both changes: no Backup watch run.
      expect(k.watchRuns).toBe(0);
      expect(k.byOperation.Resources).toBeUndefined();
      // The scripts: one list page, one NIC read, one unconditional write — each run.
      expect([k.scripts.requests, k.scripts.writes, k.scripts.warm.writes]).toEqual([3, 1, 1]);
      expect(k.scripts.byOperation).toEqual({
        PrivateEndpoints_List: 1,
        NetworkInterfaces_Get: 1,
        RecordSets_CreateOrUpdate: 1,
      });
    }
  });

  it('economy: the Backup v1 family, its registration found by one run of the Backup watch', async () => {
    const r = await runEconomy({ timeScale: 20, timeoutMs: 60_000, kinds: ['backupV1Family'] }, 'test');
    expect(r.problems).toEqual([]);
    const k = r.kinds.backupV1Family;
    // Created: endpoint + NIC + rec2, id1 (4). Registration: the vault endpoint + NIC + six roles (8), _ecs_blob and
    // _ecs_queue with one record each (3 + 3). First backup: _prot_blob (3).
    expect(k.minimum).toBe(21);
    expect(k.writes).toBe(11);
    // Backup's six roles raise no event: the watch ran once, for one Resource Graph request.
    expect(k.watchRuns).toBe(1);
    expect(k.byOperation.Resources).toBe(1);
    expect([k.warm.minimum, k.warm.writes]).toEqual([2, 0]);
    // The scripts write every record the vault needs after each phase: 2, then 10, then 11.
    expect([k.scripts.minimum, k.scripts.writes]).toEqual([21, 23]);
  });

  it.each([
    // [registered, records, storage endpoints, records in the Backup zone]
    [true, 20, 4, 16],
    [false, 4, 0, 4],
  ])(
    'burst: two vault endpoints at once (registered: %s), every record resolvable through the DNS server',
    async (discover, records, siblings, inBackupZone) => {
      const r = await runBurst(
        {
          sizes: [2],
          timeScale: 50,
          latency: true,
          discover,
          serviceEvents: false,
          intervalMinutes: 5,
          slackMs: 60_000,
        },
        'test',
      );
      const [size] = r.sizes;
      expect(r.problems).toEqual([]);
      expect(size).toMatchObject({ endpoints: 2, records, siblings, lost: 0, lowerBoundSeconds: 0 });
      expect(size?.busiestZone).toBe('privatelink.eus.backup.windowsazure.com');
      expect(size?.recordsByZone['privatelink.eus.backup.windowsazure.com']).toBe(inBackupZone);
      expect(size?.written).toHaveLength(records);
      expect(size?.writtenInBusiestZone).toHaveLength(inBackupZone);
      expect(size?.writes).toBeGreaterThanOrEqual(records);
    },
  );

  it('latency: delivery to resolving, per endpoint, unthrottled', async () => {
    const r = await runLatency({ endpoints: 3, timeScale: 20, spacingSeconds: 0 }, 'test');
    expect(r.problems).toEqual([]);
    expect(r.throttled).toBe(0);
    expect(r.deliveryToResolvingMs.p50).toBeGreaterThan(0);
    expect(r.creationToResolvingMs.max).toBeGreaterThanOrEqual(r.deliveryToResolvingMs.max);
  });

  it('watch: late FQDNs with Event Grid silent, found by the Backup watch; minimum per v1 vault as defined', async () => {
    const r = await runWatch(
      {
        vaults: 1,
        timeScale: 500,
        intervalMinutes: 5,
        discoverHours: 0.1,
        backupHours: 0.2,
        experiences: ['v1'],
        dayMs: 3600_000,
      },
      'test',
    );
    expect(r.problems).toEqual([]);
    const [run] = r.runs;
    // Phases: 4 (created) + 14 (registration) + 3 (first backup); the six roles, _ecs_blob, _ecs_queue and
    // _prot_blob come late; the vault endpoint and its three storage endpoints are the Backup endpoints.
    expect(run).toMatchObject({ experience: 'v1', vaults: 1, backupEndpoints: 4, lateRecords: 9, missed: 0 });
    expect(run?.minimum.changes).toBe(21);
    // One Resource Graph page per watch run in the hour: twelve runs (thirteen when the hour spans one more tick).
    expect([12, 13]).toContain(run?.minimum.watchPages);
    expect(run?.minimum.perVault).toBe(
      (run?.minimum.changes ?? 0) + (run?.minimum.watchPages ?? 0) + (run?.minimum.reconcilePages ?? 0),
    );
    // Nothing but the Backup watch (and a reconcile, if its tick fell in the hour) could find them.
    expect(run?.resourceGraphRequests).toBeGreaterThan(0);
    expect(run?.requests.byOperation.Resources).toBe(run?.resourceGraphRequests);
  });

  it('reconcile: an in-sync estate in separate processes, requests against the minimum pages', async () => {
    const r = await runReconcile({ endpoints: 20, subscriptions: 2 }, 'test');
    expect(r.problems).toEqual([]);
    // One Resource Graph page, one zone listing, one record page for each of the four hub zones.
    expect(r).toMatchObject({ status: 'Completed', writes: 0, minimumPages: 6, records: 25 });
    expect(r.ratio).toBeCloseTo(r.requests / r.minimumPages, 2);
    expect(r.historyBytes).toBeGreaterThan(0);
    expect(r.instances).toBeGreaterThan(0);
    expect(r.peakRssMiB).toBeGreaterThan(0);
    expect(r.appCpuSeconds).toBeGreaterThan(0);
  });

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
