/**
 * `reconcile`: the estate-wide drift repair at scale. E storage endpoints (blob, queue, table and file in turn) in S
 * spoke subscriptions; one reconcile brings the hub in step (setup), then the measured reconcile runs on an estate
 * that is in sync. Reports requests ÷ the minimum pages, the process CPU it took (and the emulator's share of it),
 * the longest event-loop stall (perf_hooks `monitorEventLoopDelay`), the durable history it left, and peak RSS.
 *
 * Minimum pages (independent of the app): the endpoints with their NICs from one Resource Graph query joined on
 * the NIC — ⌈E / 1000⌉ pages of 1000 rows; the hub zones, one listing — ⌈Z / 1000⌉; each hub zone's A record sets —
 * ⌈max(1, R_z) / 1000⌉ pages at Private DNS's largest page (1000).
 *
 *   npm run bench -- reconcile [--endpoints 10000] [--subscriptions 200] [--time-scale 1000] [--json]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Command } from 'commander';
import {
  countRequests,
  HUB,
  HUB_RG,
  numberOption,
  spokeNetwork,
  startBenchStack,
  waitUntil,
  type DemoStack,
  type RequestCounts,
} from './estate';
import { HUB_VNET_ID } from '../local/demo';
import { main as cli } from '../src/cli/main';
import { fmt, progress, ratio, runInfo, runInfoLines, table, writeGenerated, type RunInfo } from './report';

const SERVICES = ['blob', 'queue', 'table', 'file'] as const;
const EXTRA_ZONES = ['privatelink.table.core.windows.net', 'privatelink.file.core.windows.net'];

export interface ReconcileMeasure {
  label: string;
  status: string;
  requests: RequestCounts;
  minimumPages: number;
  ratio: number;
  writes: number;
  processCpuMs: number;
  /** Upper bound of the emulator's share: the real time it spent handling the requests. */
  emulatorMs: number;
  appCpuMs: number;
  longestStallMs: number;
  historyBytes: number;
  instances: number;
  peakRssMiB: number;
  emulatedSeconds: number;
  realSeconds: number;
}

export interface ReconcileResult {
  scenario: 'reconcile';
  run: RunInfo;
  timeScale: number;
  endpoints: number;
  subscriptions: number;
  setupBy: 'cli' | 'reconcile';
  /** The first reconcile, when it brought the hub in step (absent when the CLI did). */
  setup?: ReconcileMeasure;
  inSync: ReconcileMeasure;
  problems: string[];
}

export interface ReconcileOptions {
  endpoints: number;
  subscriptions: number;
  timeScale: number;
  timeoutMs: number;
  /** What brings the hub in step first: the app's CLI `sync` (default) or a first reconcile on the host. */
  setup: 'cli' | 'reconcile';
  log?: (line: string) => void;
}

const subscriptionId = (i: number): string => `00000000-0000-4000-8000-${(0xe00000000000 + i).toString(16)}`;

/** The fewest list pages that read the estate and the hub (see the file comment). */
export function minimumPages(stack: DemoStack, endpoints: number): number {
  const zones = stack.privateDns.listZones(`/subscriptions/${HUB}/resourceGroups/${HUB_RG}`);
  const recordPages = zones.reduce(
    (sum, z) => sum + Math.ceil(Math.max(1, stack.privateDns.listRecordSets(z.id, 'A').length) / 1000),
    0,
  );
  return Math.ceil(endpoints / 1000) + Math.ceil(zones.length / 1000) + recordPages;
}

/** Durable history the run left: every instance created since `sinceIso`, history events serialised. */
function historyBytes(stack: DemoStack, sinceIso: string): { bytes: number; instances: number } {
  const dir = path.join(stack.stateDir, 'host', 'instances');
  let bytes = 0;
  let instances = 0;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    try {
      const record = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
        createdTime: string;
        history: unknown[];
      };
      if (record.createdTime < sinceIso) continue;
      instances++;
      bytes += Buffer.byteLength(JSON.stringify(record.history));
    } catch {
      // A file being rewritten: skip it.
    }
  }
  return { bytes, instances };
}

async function measureReconcile(
  stack: DemoStack,
  label: string,
  endpoints: number,
  timeoutMs: number,
): Promise<ReconcileMeasure> {
  const since = stack.emu.log.lastSeq;
  const sinceIso = new Date(stack.host.now() - 1000).toISOString();
  const minimum = minimumPages(stack, endpoints);
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const cpuBefore = process.cpuUsage();
  const startedReal = Date.now();
  const startedEmu = stack.emu.clock.now();
  stalls.enable();
  let status = 'unknown';
  try {
    const started = await stack.api('POST', 'resync', JSON.stringify({ scope: 'all', dryRun: false }));
    if (started.status !== 202) throw new Error(`resync answered ${started.status}: ${started.text}`);
    const id = (started.json as { id: string }).id;
    const done = await waitUntil(
      `reconcile ${id}`,
      () => {
        const s = stack.host.durable.getStatus(id);
        return s && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus) ? s : undefined;
      },
      timeoutMs,
    );
    status = done.runtimeStatus;
  } finally {
    stalls.disable();
    clearInterval(sampler);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const entries = stack.emu.log.list({ sinceSeq: since });
  const requests = countRequests(entries);
  const processCpuMs = (cpu.user + cpu.system) / 1000;
  const emulatorMs = entries.reduce((s, e) => s + e.durationMs, 0);
  const history = historyBytes(stack, sinceIso);
  return {
    label,
    status,
    requests,
    minimumPages: minimum,
    ratio: ratio(requests.requests - requests.writes, minimum),
    writes: requests.writes,
    processCpuMs: Math.round(processCpuMs),
    emulatorMs: Math.round(emulatorMs),
    appCpuMs: Math.round(Math.max(0, processCpuMs - emulatorMs)),
    longestStallMs: Math.round(stalls.max / 1e6),
    historyBytes: history.bytes,
    instances: history.instances,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    emulatedSeconds: Math.round((stack.emu.clock.now() - startedEmu) / 1000),
    realSeconds: Math.round((Date.now() - startedReal) / 100) / 10,
  };
}

/**
 * Brings the hub in step the way an operator would before (or instead of) the first reconcile: the app's own CLI
 * `sync`, same engine and owner id, in this process against the same emulator. Faster than a first reconcile on the
 * local host, whose durable history grows with every record written.
 */
async function syncWithCli(stack: DemoStack, timeScale: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plds-bench-cli-'));
  try {
    const config = path.join(dir, 'settings.json');
    writeFileSync(config, JSON.stringify(stack.settings));
    const saved = {
      IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
      IDENTITY_HEADER: process.env.IDENTITY_HEADER,
    };
    process.env.IDENTITY_ENDPOINT = stack.settings.IDENTITY_ENDPOINT;
    process.env.IDENTITY_HEADER = stack.settings.IDENTITY_HEADER;
    let err = '';
    const code = await cli(
      [
        'sync',
        '--config',
        config,
        '--output',
        'json',
        '--concurrency',
        '16',
        '--time-scale',
        String(timeScale),
      ],
      { stdout: () => undefined, stderr: (t) => void (err += t) },
    ).finally(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    if (code !== 0) throw new Error(`setup sync exited ${code}: ${err.slice(0, 500)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countStanding(stack: DemoStack): number {
  return stack.privateDns
    .listZones(`/subscriptions/${HUB}/resourceGroups/${HUB_RG}`)
    .reduce((sum, z) => sum + stack.privateDns.listRecordSets(z.id, 'A').length, 0);
}

export async function runReconcile(options: ReconcileOptions, command: string): Promise<ReconcileResult> {
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];
  const subs = Array.from({ length: options.subscriptions }, (_, i) => subscriptionId(i));
  let appErrors = 0;
  const stack = await startBenchStack({
    timeScale: options.timeScale,
    logCapacity: 100_000,
    settings: { SPOKE_SUBSCRIPTION_IDS: subs.join(','), BACKUP_WATCH_WINDOW_HOURS: '0' },
    onAppError: (message) => {
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  try {
    for (const zone of EXTRA_ZONES) {
      const z = stack.privateDns.createZone(HUB, HUB_RG, zone);
      stack.privateDns.linkVirtualNetwork(z.id, 'link-hub', HUB_VNET_ID);
    }
    const perSub = Math.ceil(options.endpoints / options.subscriptions);
    let made = 0;
    for (const [s, sub] of subs.entries()) {
      stack.emu.ensureSubscription(sub, `spoke-${s}`);
      const subnetId = spokeNetwork(stack, sub, 'rg-estate', 100, 0);
      for (let i = 0; i < perSub && made < options.endpoints; i++, made++) {
        const service = SERVICES[made % SERVICES.length] as string;
        stack.network.createPrivateEndpoint({
          subscriptionId: sub,
          resourceGroup: 'rg-estate',
          name: `pe-${service}-${i}`,
          subnetId,
          connection: {
            privateLinkServiceId: `/subscriptions/${sub}/resourceGroups/rg-estate/providers/Microsoft.Storage/storageAccounts/st${s}x${i}`,
            groupIds: [service],
          },
        });
      }
    }
    log(
      `reconcile: ${made} endpoints in ${subs.length} subscriptions; bringing the hub in step (${options.setup}) ...`,
    );
    let setup: ReconcileMeasure | undefined;
    if (options.setup === 'reconcile') {
      setup = await measureReconcile(stack, 'setup (hub empty)', made, options.timeoutMs);
      log(`  setup: ${setup.status}, ${setup.writes} writes, ${fmt(setup.realSeconds, 0)} real s`);
    } else {
      await syncWithCli(stack, options.timeScale);
    }
    const standing = countStanding(stack);
    if (standing < made) problems.push(`setup left ${made - standing} of ${made} records missing`);
    const inSync = await measureReconcile(stack, 'in sync', made, options.timeoutMs);
    log(
      `  in sync: ${inSync.status}, ${inSync.requests.requests} requests, ${fmt(inSync.appCpuMs / 1000, 1)} s CPU`,
    );
    if (inSync.status !== 'Completed') problems.push(`in-sync reconcile: ${inSync.status}`);
    if (inSync.writes > 0) problems.push(`in-sync reconcile wrote ${inSync.writes} record(s)`);
    if (appErrors > 0) problems.push(`${appErrors} error line(s) logged by the app`);
    return {
      scenario: 'reconcile',
      run: runInfo(command),
      timeScale: options.timeScale,
      endpoints: made,
      subscriptions: subs.length,
      setupBy: options.setup,
      ...(setup ? { setup } : {}),
      inSync,
      problems,
    };
  } finally {
    await stack.stop();
  }
}

export function renderReconcile(r: ReconcileResult): string {
  const row = (m: ReconcileMeasure) => [
    m.label,
    m.status,
    m.requests.requests - m.writes,
    m.minimumPages,
    m.label === 'in sync' ? `**${fmt(m.ratio)}**` : fmt(m.ratio),
    m.writes,
    m.label === 'in sync' ? `**${fmt(m.appCpuMs / 1000, 1)}**` : fmt(m.appCpuMs / 1000, 1),
    `${fmt(m.processCpuMs / 1000, 1)} / ${fmt(m.emulatorMs / 1000, 1)}`,
    m.label === 'in sync' ? `**${m.longestStallMs}**` : m.longestStallMs,
    m.label === 'in sync' ? `**${fmt(m.historyBytes / 2 ** 20, 2)}**` : fmt(m.historyBytes / 2 ** 20, 2),
    m.instances,
    m.label === 'in sync' ? `**${m.peakRssMiB}**` : m.peakRssMiB,
    fmt(m.realSeconds, 1),
  ];
  return [
    ...runInfoLines(r.run),
    '',
    `${r.endpoints} storage endpoints (blob, queue, table, file in turn) in ${r.subscriptions} spoke subscriptions; emulator and host at ${r.timeScale}× real time (CPU, stalls, history and memory do not depend on it), Azure's limits on. The hub is first brought in step (${r.setupBy === 'cli' ? "by the app's CLI `sync`, same engine and owner" : 'by a first reconcile'}), then \`POST /api/resync {"scope":"all"}\` finds it in sync. Read requests are compared with the minimum pages; app CPU = process CPU − the time the emulator (same process) spent handling the requests (an upper bound of its share).`,
    '',
    ...table(
      [
        'reconcile',
        'status',
        'read requests',
        'minimum pages',
        'reads ÷ minimum',
        'record writes',
        'app CPU s',
        'process / emulator s',
        'longest event-loop stall ms',
        'durable history MiB',
        'instances',
        'peak RSS MiB',
        'real s',
      ],
      [...(r.setup ? [row(r.setup)] : []), row(r.inSync)],
    ),
    '',
    `In-sync requests by operation: ${Object.entries(r.inSync.requests.byOperation)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, c]) => `${op} ${c}`)
      .join(', ')}.`,
    '',
    `Problems: ${r.problems.length === 0 ? 'none' : ''}`,
    ...r.problems.map((p) => `- ${p}`),
  ].join('\n');
}

export async function runReconcileBenchmark(args: string[]): Promise<void> {
  const opts = new Command()
    .option('--endpoints <n>', 'storage endpoints in the estate', '10000')
    .option('--subscriptions <n>', 'spoke subscriptions they are spread over', '200')
    .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '1000')
    .option('--timeout <s>', 'real seconds to wait for one reconcile', '1800')
    .option(
      '--setup <how>',
      "what brings the hub in step first: 'cli' (the app's sync command) or 'reconcile'",
      'cli',
    )
    .option('--json', 'print one JSON object to stdout')
    .option('--out <file>', 'result file', 'bench/results/reconcile.md')
    .option('--docs <file>', 'performance page whose reconcile section is rewritten', 'docs/performance.md')
    .parse(['node', 'bench', ...args])
    .opts<{
      endpoints: string;
      subscriptions: string;
      timeScale: string;
      timeout: string;
      setup: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const result = await runReconcile(
    {
      endpoints: numberOption(opts.endpoints, '--endpoints', 1, 50_000),
      subscriptions: numberOption(opts.subscriptions, '--subscriptions', 1, 1000),
      timeScale: numberOption(opts.timeScale, '--time-scale', 1, 5000),
      timeoutMs: numberOption(opts.timeout, '--timeout', 1, 36_000) * 1000,
      setup: opts.setup === 'reconcile' ? 'reconcile' : 'cli',
      log: progress(opts.json === true),
    },
    `npm run bench -- reconcile ${args.join(' ')}`.trim(),
  );
  const markdown = renderReconcile(result);
  writeGenerated(opts.out, 'reconcile', markdown, 'reconcile: the estate at scale');
  writeGenerated(opts.docs, 'reconcile', `### reconcile\n\n${markdown}`, 'Performance');
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${markdown}\n`);
  if (result.problems.length > 0) process.exitCode = 1;
}
