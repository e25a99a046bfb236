/**
 * `app`: the Functions app end to end under Azure's limits, time-scaled. The demo stack (ARM emulator, DNS server,
 * in-process Functions host running src/index.ts, Event Grid delivery to the app's webhook) with the emulator and
 * the host on the same scaled clock, so Private DNS's 60 writes per zone per minute holds in emulated time. For
 * each size N: N Backup vaults, then N vault private endpoints at once (the Backup simulator writes them as Azure
 * does, so every ARM call in the log is the app's), Event Grid delivers, the app writes 8 records per endpoint
 * into the hub zone `privatelink.eus.backup.windowsazure.com`. Then one reconcile over the estate after some
 * drift (dry run, apply, and a second apply that must write nothing).
 *
 *   npm run bench -- app [--endpoints 20,50,100] [--time-scale 20] [--drift 5] [--timeout 150]
 */
import { maxInWindow } from '../test/helpers/rateWindow';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { RequestLogEntry } from '../local/arm/requestLog';
import type { DnsEntry } from '../local/arm/backupSimulator';
import { waitUntil } from '../local/stack';
import { HUB, HUB_RG, HUB_ZONES, LOCATION, SPOKE, SPOKE_RG } from '../demo/estate';
import { missingEntries } from '../demo/mission';
import { startDemoStack } from '../demo/stack';
import type { DemoStack } from '../demo/stack';

const RECORD_WRITE_OPS = ['RecordSets_CreateOrUpdate', 'RecordSets_Update', 'RecordSets_Delete'];
const BENCH_VNET = 'vnet-bench';

interface Options {
  endpoints: string;
  timeScale: string;
  drift: string;
  timeout: string;
  out: string;
}

interface Distribution {
  p50: number;
  p95: number;
  max: number;
}

interface ReconcileRun {
  label: string;
  status: string;
  realMs: number;
  emulatedMs: number;
  armCalls: number;
  byOperation: Record<string, number>;
  writes: number;
  summary: { creates: number; updates: number; deletes: number; unchanged?: number };
  applied?: { written: number; created: number; throttled: number; failures: unknown[] };
}

interface SizeResult {
  n: number;
  records: number;
  ok: boolean;
  problems: string[];
  wallMs: number;
  emulatedMs: number;
  latencyEmulatedS: Distribution;
  latencyRealMs: Distribution;
  windowMaxByZone: Record<string, number>;
  readWindowMaxByZone: Record<string, number>;
  writesByZone: Record<string, number>;
  writesPerEmulatedMinute: number;
  armTotal: number;
  byOperation: Record<string, number>;
  throttled: number;
  throttledByOperation: Record<string, number>;
  events: { matched: number; delivered: number; retried: number; deadLettered: number };
  durable: {
    episodes: number;
    activities: number;
    entityOperations: number;
    instances: Record<string, number>;
    failed: number;
  };
  appErrors: number;
  reconcile: ReconcileRun[];
  loadAfter: number[];
}

export async function runAppBenchmark(args: string[]): Promise<void> {
  const options = new Command()
    .option('--endpoints <list>', 'comma-separated sizes: vault endpoints created at once', '20,50,100')
    .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '20')
    .option('--drift <percent>', 'share of endpoints whose records are deleted before the reconcile', '5')
    .option('--timeout <s>', 'real seconds to wait for one size to settle', '150')
    .option('--out <file>', 'result file', 'bench/results/app.md')
    .parse(['node', 'bench', ...args])
    .opts<Options>();
  const sizes = options.endpoints.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 400))
    throw new Error(`--endpoints wants whole numbers 1..400, got "${options.endpoints}"`);
  const timeScale = Number(options.timeScale);
  if (!(timeScale >= 1 && timeScale <= 1000)) throw new Error('--time-scale wants 1..1000');
  const driftPercent = Number(options.drift);
  const timeoutMs = Number(options.timeout) * 1000;

  const loadBefore = os.loadavg();
  const started = Date.now();
  const results: SizeResult[] = [];
  for (const n of sizes) {
    process.stdout.write(`app: ${n} endpoints at ${timeScale}x ...\n`);
    const result = await runSize(n, timeScale, driftPercent, timeoutMs);
    results.push(result);
    process.stdout.write(
      `  ${result.ok ? 'ok' : 'PROBLEMS'}: wall ${(result.wallMs / 1000).toFixed(1)} s, p95 ${result.latencyEmulatedS.p95.toFixed(0)} s emulated, ${result.armTotal} ARM calls, ${result.throttled} 429s\n`,
    );
    for (const p of result.problems) process.stdout.write(`    - ${p}\n`);
  }
  const totalS = (Date.now() - started) / 1000;
  const lines = renderReport(results, {
    command: `npm run bench -- app ${args.join(' ')}`.trim(),
    timeScale,
    driftPercent,
    totalS,
    loadBefore,
    loadAfter: os.loadavg(),
  });
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\n`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

async function runSize(
  n: number,
  timeScale: number,
  driftPercent: number,
  timeoutMs: number,
): Promise<SizeResult> {
  const problems: string[] = [];
  let appErrors = 0;
  const stack = await startDemoStack({
    timeMode: { scale: timeScale },
    emulator: { timeScale, logCapacity: 200_000 },
    log: (level, message) => {
      if (level !== 'error') return;
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  try {
    const { emu, backup, network, eventGrid } = stack;
    // A subnet large enough for 8 addresses per vault endpoint.
    network.createVirtualNetwork({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      name: BENCH_VNET,
      location: LOCATION,
      addressPrefixes: ['10.40.0.0/16'],
      subnets: [{ name: 'snet-pe', addressPrefix: '10.40.0.0/20' }],
    });
    const subnetId = `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/${BENCH_VNET}/subnets/snet-pe`;
    const vaultIds: string[] = [];
    for (let i = 0; i < n; i++) {
      vaultIds.push(
        backup.createVault({
          subscriptionId: SPOKE,
          resourceGroup: SPOKE_RG,
          name: `rsv-bench-${String(i).padStart(3, '0')}`,
          location: LOCATION,
        }).id,
      );
    }
    await eventGrid.idle();
    const zoneIdOf = (zone: string) => stack.privateDns.zoneId(HUB, HUB_RG, zone).toLowerCase();

    // Emulator-clock (and real) times of endpoint writes and of hub records standing with a given IP.
    const endpointWrittenAt = new Map<string, { emu: number; real: number }>();
    const recordStoodAt = new Map<string, { emu: number; real: number; ips: string[] }[]>();
    const unsubscribe = emu.store.onChange((change) => {
      const id = change.resource.id.toLowerCase();
      if (change.kind !== 'write' || change.context.final === false) return;
      if (/\/providers\/microsoft\.network\/privateendpoints\/[^/]+$/.test(id)) {
        if (!endpointWrittenAt.has(id)) endpointWrittenAt.set(id, { emu: emu.clock.now(), real: Date.now() });
        return;
      }
      if (id.startsWith(`/subscriptions/${HUB}/`) && /\/privatednszones\/[^/]+\/a\/[^/]+$/.test(id)) {
        const props = change.resource.properties as { aRecords?: { ipv4Address?: string }[] } | undefined;
        const ips = (props?.aRecords ?? []).flatMap((a) => (a.ipv4Address ? [a.ipv4Address] : []));
        const list = recordStoodAt.get(id) ?? [];
        list.push({ emu: emu.clock.now(), real: Date.now(), ips });
        recordStoodAt.set(id, list);
      }
    });

    emu.log.reset();
    const countersBefore = { ...stack.host.durable.counters };
    const egBefore = eventGrid.delivery.stats();
    const startedReal = Date.now();
    const startedEmu = emu.clock.now();

    // All endpoints at once: the burst an estate-wide rollout (or a landing-zone deployment) produces.
    const endpointOf = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const vaultId = vaultIds[i] ?? '';
      const created = backup.createVaultEndpoint({
        vaultId,
        subscriptionId: SPOKE,
        resourceGroup: SPOKE_RG,
        name: `pe-rsv-bench-${String(i).padStart(3, '0')}`,
        subnetId,
      });
      endpointOf.set(vaultId, String(created.endpoint.id).toLowerCase());
    }
    const entries = new Map<string, DnsEntry[]>(vaultIds.map((v) => [v, backup.dnsEntries(v)]));
    const allEntries = [...entries.values()].flat();

    try {
      await waitUntil(
        `${allEntries.length} records of ${n} endpoints in the hub`,
        () => missingEntries(stack, allEntries).length === 0,
        timeoutMs,
      );
    } catch (error) {
      problems.push(
        `${missingEntries(stack, allEntries).length} of ${allEntries.length} records missing: ${String(error)}`,
      );
    }
    const settledReal = Date.now();
    const settledEmu = emu.clock.now();
    await eventGrid.idle();
    await waitUntil(
      'every sync orchestration to finish',
      () =>
        stack.host.durable.listInstances({ runtimeStatus: ['Running', 'Pending'] }).length === 0 || undefined,
      Math.max(10_000, timeoutMs / 3),
    ).catch(() => problems.push('sync orchestrations still running after the records stood'));
    unsubscribe();

    // Latency per endpoint: its write → the last of its records standing with the endpoint's IP.
    const latEmu: number[] = [];
    const latReal: number[] = [];
    for (const vaultId of vaultIds) {
      const endpointId = endpointOf.get(vaultId) ?? '';
      const written = endpointWrittenAt.get(endpointId);
      if (!written) {
        problems.push(`no write seen for ${endpointId}`);
        continue;
      }
      let lastEmu = -Infinity;
      let lastReal = -Infinity;
      for (const e of entries.get(vaultId) ?? []) {
        const id = `${zoneIdOf(e.zone)}/a/${e.recordName.toLowerCase()}`;
        const stood = (recordStoodAt.get(id) ?? []).find((w) => w.ips.includes(e.ip));
        if (!stood) {
          lastEmu = Infinity;
          break;
        }
        lastEmu = Math.max(lastEmu, stood.emu);
        lastReal = Math.max(lastReal, stood.real);
      }
      if (Number.isFinite(lastEmu)) {
        latEmu.push((lastEmu - written.emu) / 1000);
        latReal.push(lastReal - written.real);
      }
    }

    // Zone write windows from the request log (emulated arrival times of successful writes).
    const log = emu.log.list();
    const windowMaxByZone: Record<string, number> = {};
    const readWindowMaxByZone: Record<string, number> = {};
    const writesByZone: Record<string, number> = {};
    for (const zone of HUB_ZONES) {
      const times = log
        .filter((e) => isZoneWrite(e, zone) && e.status >= 200 && e.status < 300)
        .map((e) => e.time);
      writesByZone[zone] = times.length;
      windowMaxByZone[zone] = maxInWindow(times, 60_000);
      readWindowMaxByZone[zone] = maxInWindow(
        log.filter((e) => isZoneOp(e, zone, ['RecordSets_Get'])).map((e) => e.time),
        60_000,
      );
    }
    const throttledByOperation: Record<string, number> = {};
    for (const e of log.filter((x) => x.status === 429))
      throttledByOperation[e.operationId ?? '(none)'] =
        (throttledByOperation[e.operationId ?? '(none)'] ?? 0) + 1;
    const counters = emu.log.snapshot();
    const egAfter = eventGrid.delivery.stats();
    const durableNow = stack.host.durable.counters;
    const instances: Record<string, number> = {};
    let failed = 0;
    for (const inst of stack.host.durable.listInstances()) {
      instances[inst.name] = (instances[inst.name] ?? 0) + 1;
      if (inst.runtimeStatus === 'Failed') failed++;
    }
    if (failed > 0) problems.push(`${failed} orchestration(s) failed`);
    const writeCount = Object.values(writesByZone).reduce((a, b) => a + b, 0);
    if (writeCount !== allEntries.length)
      problems.push(`${writeCount} record writes for ${allEntries.length} records`);

    // Reconcile over the whole estate after drift: some endpoints lose their records behind the app's back.
    const driftVaults = vaultIds.slice(0, Math.max(1, Math.round((n * driftPercent) / 100)));
    for (const vaultId of driftVaults)
      for (const e of entries.get(vaultId) ?? [])
        stack.privateDns.deleteRecordSet(zoneIdOf(e.zone), 'A', e.recordName);
    const driftRecords = driftVaults.reduce((s, v) => s + (entries.get(v)?.length ?? 0), 0);
    const reconcile: ReconcileRun[] = [];
    reconcile.push(await runReconcile(stack, 'dry run after drift', true, timeoutMs));
    reconcile.push(await runReconcile(stack, 'apply', false, timeoutMs));
    reconcile.push(await runReconcile(stack, 'second apply', false, timeoutMs));
    const [dry, apply, again] = reconcile;
    if (dry && dry.summary.creates !== driftRecords)
      problems.push(`dry run planned ${dry.summary.creates} creates for ${driftRecords} drifted records`);
    if (dry && dry.writes !== 0) problems.push(`the dry run wrote ${dry.writes} records`);
    if (apply && apply.writes !== driftRecords)
      problems.push(`the apply wrote ${apply.writes} records for ${driftRecords} drifted`);
    if (again && again.writes !== 0) problems.push(`the second reconcile wrote ${again.writes} records`);
    if (missingEntries(stack, allEntries).length > 0) problems.push('records missing after the reconcile');
    for (const r of reconcile)
      if (r.status !== 'Completed') problems.push(`reconcile ${r.label}: ${r.status}`);

    const emulatedMs = settledEmu - startedEmu;
    return {
      n,
      records: allEntries.length,
      ok: problems.length === 0 && appErrors === 0,
      problems,
      wallMs: settledReal - startedReal,
      emulatedMs,
      latencyEmulatedS: distribution(latEmu),
      latencyRealMs: distribution(latReal),
      windowMaxByZone,
      readWindowMaxByZone,
      writesByZone,
      writesPerEmulatedMinute: (writeCount / emulatedMs) * 60_000,
      armTotal: counters.total,
      byOperation: counters.byOperation,
      throttled: counters.byStatus['429'] ?? 0,
      throttledByOperation,
      events: {
        matched: egAfter.matched - egBefore.matched,
        delivered: egAfter.delivered - egBefore.delivered,
        retried: egAfter.retried - egBefore.retried,
        deadLettered: egAfter.deadLettered - egBefore.deadLettered,
      },
      durable: {
        episodes: durableNow.episodes - countersBefore.episodes,
        activities: durableNow.activityInvocations - countersBefore.activityInvocations,
        entityOperations: durableNow.entityOperations - countersBefore.entityOperations,
        instances,
        failed,
      },
      appErrors,
      reconcile,
      loadAfter: os.loadavg(),
    };
  } finally {
    await stack.stop();
  }
}

function isZoneWrite(e: RequestLogEntry, zone: string): boolean {
  return isZoneOp(e, zone, RECORD_WRITE_OPS);
}

function isZoneOp(e: RequestLogEntry, zone: string, operations: readonly string[]): boolean {
  if (!e.operationId || !operations.includes(e.operationId)) return false;
  const m = /\/privatednszones\/([^/]+)\//i.exec(e.path);
  return decodeURIComponent(m?.[1] ?? '').toLowerCase() === zone;
}

async function runReconcile(
  stack: DemoStack,
  label: string,
  dryRun: boolean,
  timeoutMs: number,
): Promise<ReconcileRun> {
  const { emu } = stack;
  const since = emu.log.lastSeq;
  const startedReal = Date.now();
  const startedEmu = emu.clock.now();
  const started = await stack.api('POST', 'resync', JSON.stringify({ scope: 'all', dryRun }));
  if (started.status !== 202) throw new Error(`resync answered ${started.status}: ${started.text}`);
  const links = started.json as { id: string };
  const status = await waitUntil(
    `reconcile ${links.id}`,
    () => {
      const s = stack.host.durable.getStatus(links.id);
      return s && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus) ? s : undefined;
    },
    timeoutMs,
  );
  const realMs = Date.now() - startedReal;
  const emulatedMs = emu.clock.now() - startedEmu;
  const entries = emu.log.list({ sinceSeq: since });
  const byOperation: Record<string, number> = {};
  for (const e of entries)
    byOperation[e.operationId ?? '(none)'] = (byOperation[e.operationId ?? '(none)'] ?? 0) + 1;
  const output = (status.output ?? {}) as {
    summary?: ReconcileRun['summary'];
    applied?: ReconcileRun['applied'];
  };
  return {
    label,
    status: status.runtimeStatus,
    realMs,
    emulatedMs,
    armCalls: entries.length,
    byOperation,
    writes: entries.filter(
      (e) => e.operationId && RECORD_WRITE_OPS.includes(e.operationId) && e.status >= 200 && e.status < 300,
    ).length,
    summary: output.summary ?? { creates: -1, updates: -1, deletes: -1 },
    ...(output.applied ? { applied: output.applied } : {}),
  };
}

function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

function renderReport(
  results: SizeResult[],
  run: {
    command: string;
    timeScale: number;
    driftPercent: number;
    totalS: number;
    loadBefore: number[];
    loadAfter: number[];
  },
): string[] {
  const cpu = os.cpus();
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const zone = HUB_ZONES[0];
  const ops = [...new Set(results.flatMap((r) => Object.keys(r.byOperation)))].sort();
  const lines = [
    '# app: event-driven sync and reconcile on the Functions host, under Azure limits (time-scaled)',
    '',
    `Command: \`${run.command}\``,
    '',
    `Node ${process.version}, ${os.platform()} ${os.release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average ${load(run.loadBefore)} before, ${load(run.loadAfter)} after; recorded ${new Date().toISOString()}; whole run ${run.totalS.toFixed(0)} s.`,
    '',
    `The demo stack (\`startDemoStack\`): ARM emulator, DNS server and the in-process Functions host running`,
    "`src/index.ts`, all in one Node process on 127.0.0.1, Event Grid delivering from the emulator to the app's",
    `webhook. Emulator and host both run ${run.timeScale}× real time, with Azure's limits on (Private DNS 60 record-set`,
    'writes per zone per minute, ARM subscription buckets), so "emulated" figures are what the same load would take',
    'on Azure and "real" ones what this machine took. Per size N: N Recovery Services vaults, then N Backup vault',
    'private endpoints written at once by the Backup simulator (endpoint + NIC, two events each; the app makes every',
    `ARM call in the counts), 8 A records per endpoint, all in \`${zone}\`. Latency: from the endpoint's write`,
    "to the last of its records standing with the endpoint's IP (emulator clock, store change feed).",
    '',
    '## Event-driven sync',
    '',
    '| N | records | settled, real s | settled, emulated s | latency p50 / p95 / max, emulated s | latency p50 / p95 / max, real s | record writes / emulated min | max writes in any 60 s (emulated), per zone | max record GETs in any 60 s (emulated) | 429s | events delivered (retried) | ARM calls | ARM calls / endpoint | orchestration episodes | activities | entity ops | instances |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const windows = HUB_ZONES.filter((z) => (r.writesByZone[z] ?? 0) > 0)
      .map((z) => `${r.windowMaxByZone[z]} (${z.split('.')[1]})`)
      .join(', ');
    const reads = HUB_ZONES.filter((z) => (r.readWindowMaxByZone[z] ?? 0) > 0)
      .map((z) => `${r.readWindowMaxByZone[z]} (${z.split('.')[1]})`)
      .join(', ');
    const inst = Object.entries(r.durable.instances)
      .map(([name, count]) => `${count} ${name}`)
      .join(', ');
    lines.push(
      `| ${r.n} | ${r.records} | ${(r.wallMs / 1000).toFixed(1)} | ${(r.emulatedMs / 1000).toFixed(0)} | ${fmt(r.latencyEmulatedS, 0)} | ${fmt(scale(r.latencyRealMs, 0.001), 1)} | ${r.writesPerEmulatedMinute.toFixed(1)} | ${windows || '0'} | ${reads || '0'} | ${r.throttled} | ${r.events.delivered} (${r.events.retried}) | ${r.armTotal} | ${(r.armTotal / r.n).toFixed(1)} | ${r.durable.episodes} | ${r.durable.activities} | ${r.durable.entityOperations} | ${inst} |`,
    );
  }
  lines.push(
    '',
    "ARM calls per endpoint by operation (the app's calls during the event-driven phase, emulator counters):",
    '',
    `| operation | ${results.map((r) => `N = ${r.n}`).join(' | ')} |`,
    `|---|${results.map(() => '---').join('|')}|`,
  );
  for (const op of ops)
    lines.push(`| ${op} | ${results.map((r) => ((r.byOperation[op] ?? 0) / r.n).toFixed(2)).join(' | ')} |`);
  const throttledOps = results.filter((r) => r.throttled > 0);
  if (throttledOps.length > 0) {
    lines.push('', '429s by operation:', '');
    for (const r of throttledOps) lines.push(`- N = ${r.n}: ${JSON.stringify(r.throttledByOperation)}`);
  }

  lines.push(
    '',
    '## Reconcile over the whole estate',
    '',
    `After the sync settled, the records of ${run.driftPercent}% of the endpoints (at least one) are deleted behind the app's back;`,
    'then `POST /api/resync` `{"scope":"all","dryRun":true}`, the same without `dryRun`, and once more (function key,',
    "through the host's HTTP route; durations until the orchestration completed).",
    '',
    '| N | run | status | real s | emulated s | planned creates / updates / deletes | record writes | ARM calls | calls by operation |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results)
    for (const c of r.reconcile)
      lines.push(
        `| ${r.n} | ${c.label} | ${c.status} | ${(c.realMs / 1000).toFixed(2)} | ${(c.emulatedMs / 1000).toFixed(0)} | ${c.summary.creates} / ${c.summary.updates} / ${c.summary.deletes} | **${c.writes}** | ${c.armCalls} | ${Object.entries(
          c.byOperation,
        )
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, k]) => `${op} ${k}`)
          .join(', ')} |`,
      );
  const biggest = results.reduce<SizeResult | undefined>((a, r) => (!a || r.n > a.n ? r : a), undefined);
  if (biggest) {
    const minutes = biggest.emulatedMs / 60_000;
    const floor = Math.max(0, (biggest.records - 60) / 60);
    lines.push(
      '',
      '## Interpretation',
      '',
      `- **The zone write limit bounds throughput.** Every record here lands in one zone, so the app can write at most`,
      `  60 a minute there: ${biggest.records} records need at least ${floor.toFixed(1)} emulated minutes after the first window; they took`,
      `  ${minutes.toFixed(1)} (${biggest.writesPerEmulatedMinute.toFixed(1)} writes per emulated minute overall). Latency grows linearly with the`,
      '  queue: an endpoint waits for the records of the endpoints before it (p50 about half the run, max the whole run).',
      '  Endpoints whose records fall in different zones are paced separately (one `zoneWritePacer` entity per zone).',
      "- **The app's per-zone budget is a sliding window** (`zoneWritePacer` entity: at most 60 write starts in any",
      "  63 s, as the CLI's pacer), so the entity's grants never put more than 60 starts into one 60 s window of",
      '  orchestrator time. The "max writes in any 60 s" column counts arrivals at the emulator instead: a batch whose',
      `  activity runs late (at ${run.timeScale}× one real second of host lag on a busy machine is ${run.timeScale} emulated seconds) arrives`,
      '  close to the next batch and can lift it above 60; a lower `--time-scale` shows the pacing itself. Any 429',
      "  is absorbed by the entity's `penalize` and Retry-After, and every record is written once in the end.",
      '- **ARM calls per endpoint are constant** (about 22): 8 record writes, 8 record reads, 4 endpoint GETs (the endpoint',
      '  and three probes for the Backup v1 siblings `_ecs_blob`, `_ecs_queue`, `_prot_blob`, absent before discovery) and',
      '  2 NIC GETs (the trigger mapping the NIC event to its endpoint, and the family read). Two events per endpoint',
      '  cost one family read: the second lands on the running orchestration. A write refused with 429 and retried',
      '  shows as an extra `RecordSets_CreateOrUpdate` above 8.',
      '- **Record reads are the next limit.** Private DNS limits record-set GETs to 200 per zone per minute and all its',
      '  GETs to 500 per 5 minutes per subscription (both enforced by the emulator). The app reads each record by name',
      '  before planning (8 GETs per endpoint), all at once when a burst of endpoints arrives: the "max record GETs in any',
      '  60 s" column above 200, or more than 500 in 5 minutes, means 429s on reads, retried after their Retry-After.',
      '  Listing the zone once per burst, or pacing reads through the same entity, would remove it (`npm run bench -- burst`).',
      '- **Reconcile is cheap and idempotent.** One Resource Graph query, one zone listing and a page of records per zone,',
      '  then only the drifted records are written; the second reconcile writes nothing.',
    );
  }
  const problems = results.flatMap((r) => r.problems.map((p) => `N = ${r.n}: ${p}`));
  const errors = results.reduce((s, r) => s + r.appErrors, 0);
  lines.push('', `Problems: ${problems.length === 0 && errors === 0 ? 'none' : ''}`);
  for (const p of problems) lines.push(`- ${p}`);
  if (errors > 0) lines.push(`- ${errors} error line(s) logged by the app`);
  lines.push('');
  return lines;
}

function fmt(d: Distribution, digits: number): string {
  return `${d.p50.toFixed(digits)} / ${d.p95.toFixed(digits)} / ${d.max.toFixed(digits)}`;
}

function scale(d: Distribution, k: number): Distribution {
  return { p50: d.p50 * k, p95: d.p95 * k, max: d.max * k };
}
