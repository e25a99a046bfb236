/**
 * `burst`: N Backup vault private endpoints created at once (a landing-zone rollout), for each N in `--endpoints`.
 * Reports the time until every record resolves through the DNS server (local/dns, real lookups) ÷ the lower bound
 * Azure's limits allow, the 429s the app drew ÷ its record writes, and records lost (never resolvable).
 *
 * Lower bound (independent of the app): the records of zone z (R_z) can be written no faster than Private DNS's
 * 60 per zone in any 60 s — the last batch of 60 starts (⌈R_z/60⌉ − 1) × 60 s after the first; ARM's write bucket
 * for the hub subscription (200, then 10 a second) needs (W − 200)/10 s for W writes; Private DNS reads bound
 * nothing, since creates need no read (`If-None-Match: *`); ARM's read bucket in the spoke (250, then 25 a second)
 * needs (2N − 250)/25 s for each endpoint's read and its NIC's. The largest of these.
 *
 *   npm run bench -- burst [--endpoints 100,300] [--time-scale 20] [--no-latency] [--watch-hours 24] [--json]
 */
import { Command } from 'commander';
import {
  countRequests,
  createVaults,
  HUB,
  missingEntries,
  numberOption,
  SPOKE,
  spokeNetwork,
  startBenchStack,
  type DnsEntry,
  type RequestCounts,
} from './estate';
import {
  fmt,
  percentile,
  progress,
  ratio,
  runInfo,
  runInfoLines,
  svgLineChart,
  table,
  writeFile,
  writeGenerated,
  type RunInfo,
} from './report';

const WRITE_OPS = new Set(['RecordSets_CreateOrUpdate', 'RecordSets_Update', 'RecordSets_Delete']);
/** How many lower bounds to wait before a record that has not appeared counts as lost. */
const WAIT_FACTOR = 4;

export interface BurstSize {
  endpoints: number;
  records: number;
  /** Emulated seconds from the endpoints' creation to the last record resolvable (NaN when some never were). */
  seconds: number;
  lowerBoundSeconds: number;
  lowerBoundBy: string;
  ratio: number;
  writes: number;
  throttled: number;
  throttledPerWrite: number;
  throttledByOperation: Record<string, number>;
  lost: number;
  failedOrchestrations: number;
  requests: RequestCounts;
  /** Records standing over time: [emulated s, count]. */
  written: Array<[number, number]>;
  realSeconds: number;
}

export interface BurstResult {
  scenario: 'burst';
  run: RunInfo;
  timeScale: number;
  latency: boolean;
  watchHours: number;
  sizes: BurstSize[];
  problems: string[];
}

export interface BurstOptions {
  sizes: readonly number[];
  timeScale: number;
  latency: boolean;
  watchHours: number;
  /** Real ms to wait per size beyond the lower bound's real duration. */
  slackMs: number;
  log?: (line: string) => void;
}

/** The lower bound of the file comment, in emulated seconds, and the limit that sets it. */
export function burstLowerBound(
  entries: readonly DnsEntry[],
  endpoints: number,
): { seconds: number; by: string } {
  const perZone = new Map<string, number>();
  for (const e of entries) perZone.set(e.zone, (perZone.get(e.zone) ?? 0) + 1);
  const bounds: Array<[string, number]> = [
    ...[...perZone].map(([zone, n]): [string, number] => [
      `Private DNS writes in ${zone} (60 per 60 s)`,
      (Math.ceil(n / 60) - 1) * 60,
    ]),
    ['ARM write bucket, hub (200 + 10/s)', Math.max(0, (entries.length - 200) / 10)],
    ['ARM read bucket, spoke (250 + 25/s)', Math.max(0, (2 * endpoints - 250) / 25)],
  ];
  const [by, seconds] = bounds.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { seconds, by };
}

async function runSize(n: number, options: BurstOptions, problems: string[]): Promise<BurstSize> {
  const log = options.log ?? (() => undefined);
  let appErrors = 0;
  const stack = await startBenchStack({
    timeScale: options.timeScale,
    ...(options.latency ? { latency: 'azure' as const } : {}),
    settings: { BACKUP_WATCH_WINDOW_HOURS: String(options.watchHours) },
    onAppError: (message) => {
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  try {
    const rg = 'rg-burst';
    const subnetId = spokeNetwork(stack, SPOKE, rg, 40);
    const vaults = createVaults(stack.backup, SPOKE, rg, 'rsv-burst', n, 'v1');
    await stack.eventGrid.idle();
    const hubPrefix = `/subscriptions/${HUB}/`.toLowerCase();
    const standing = new Map<string, number>();
    const stoodAt: number[] = [];
    const unsubscribe = stack.emu.store.onChange((change) => {
      const id = change.resource.id.toLowerCase();
      if (
        change.kind !== 'write' ||
        !id.startsWith(hubPrefix) ||
        !/\/privatednszones\/[^/]+\/a\/[^/]+$/.test(id)
      )
        return;
      if (!standing.has(id)) {
        standing.set(id, stack.emu.clock.now());
        stoodAt.push(stack.emu.clock.now());
      }
    });
    stack.emu.log.reset();
    const startedEmu = stack.emu.clock.now();
    const startedReal = Date.now();
    for (let i = 0; i < n; i++)
      stack.backup.createVaultEndpoint({
        vaultId: vaults[i] as string,
        subscriptionId: SPOKE,
        resourceGroup: rg,
        name: `pe-burst-${String(i).padStart(4, '0')}`,
        subnetId,
      });
    const entries = vaults.flatMap((v) => stack.backup.dnsEntries(v));
    const bound = burstLowerBound(entries, n);
    log(
      `burst: ${n} endpoints, ${entries.length} records; lower bound ${fmt(bound.seconds, 0)} emulated s (${bound.by})`,
    );
    // Records still missing after 4× the lower bound (plus slack for this machine) count as lost.
    const deadline = Date.now() + (WAIT_FACTOR * bound.seconds * 1000) / options.timeScale + options.slackMs;
    let lastReport = Date.now();
    let done = false;
    while (Date.now() < deadline) {
      const missing = missingEntries(stack, entries).length;
      if (missing === 0) {
        done = true;
        break;
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(
          `  ${entries.length - missing}/${entries.length} records after ${fmt((stack.emu.clock.now() - startedEmu) / 1000, 0)} emulated s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const realSeconds = (Date.now() - startedReal) / 1000;
    unsubscribe();
    // The DNS server answers from the hub zones: a record counts once a real lookup returns its IP.
    const lost = await unresolved(stack, entries);
    const failedOrchestrations = stack.host.durable.listInstances({ runtimeStatus: ['Failed'] }).length;
    if (failedOrchestrations > 0) problems.push(`N = ${n}: ${failedOrchestrations} orchestration(s) failed`);
    if (!done) problems.push(`N = ${n}: not every record stood within ${WAIT_FACTOR}× the lower bound`);
    if (lost.length > 0) problems.push(`N = ${n}: ${lost.length} record(s) never resolvable`);
    const log429 = stack.emu.log.list();
    const requests = countRequests(log429);
    const writes = log429.filter(
      (e) => e.operationId && WRITE_OPS.has(e.operationId) && e.status >= 200 && e.status < 300,
    ).length;
    const throttledByOperation: Record<string, number> = {};
    for (const e of log429.filter((x) => x.status === 429))
      throttledByOperation[e.operationId ?? '(none)'] =
        (throttledByOperation[e.operationId ?? '(none)'] ?? 0) + 1;
    if (appErrors > 0) problems.push(`N = ${n}: ${appErrors} error line(s) logged by the app`);
    const lastStood = Math.max(startedEmu, ...[...standing.values()]);
    const seconds = done ? (lastStood - startedEmu) / 1000 : Number.NaN;
    return {
      endpoints: n,
      records: entries.length,
      seconds,
      lowerBoundSeconds: bound.seconds,
      lowerBoundBy: bound.by,
      ratio: ratio(seconds, bound.seconds),
      writes,
      throttled: requests.throttled,
      throttledPerWrite:
        writes > 0 ? Math.round((requests.throttled / writes) * 10_000) / 10_000 : Number.NaN,
      throttledByOperation,
      lost: lost.length,
      failedOrchestrations,
      requests,
      written: stoodAt
        .sort((a, b) => a - b)
        .map((t, i): [number, number] => [Math.round((t - startedEmu) / 100) / 10, i + 1]),
      realSeconds,
    };
  } finally {
    await stack.stop();
  }
}

/** Entries whose name does not resolve to their IP through the stack's DNS server (a few lookups at a time). */
async function unresolved(
  stack: { resolver: { resolve4(name: string): Promise<string[]> } },
  entries: readonly DnsEntry[],
): Promise<DnsEntry[]> {
  const out: DnsEntry[] = [];
  for (let i = 0; i < entries.length; i += 32) {
    const group = entries.slice(i, i + 32);
    const answers = await Promise.all(
      group.map((e) =>
        stack.resolver.resolve4(`${e.recordName}.${e.zone}`).then(
          (ips) => ips.includes(e.ip),
          () => false,
        ),
      ),
    );
    group.forEach((e, j) => {
      if (!answers[j]) out.push(e);
    });
  }
  return out;
}

export async function runBurst(options: BurstOptions, command: string): Promise<BurstResult> {
  const problems: string[] = [];
  const sizes: BurstSize[] = [];
  for (const n of options.sizes) sizes.push(await runSize(n, options, problems));
  return {
    scenario: 'burst',
    run: runInfo(command),
    timeScale: options.timeScale,
    latency: options.latency,
    watchHours: options.watchHours,
    sizes,
    problems,
  };
}

/** Cumulative records against the most Private DNS allows in one zone (60 in any 60 s), as an SVG chart. */
export function burstChart(size: BurstSize): string {
  const end = Math.max(size.lowerBoundSeconds, ...size.written.map(([t]) => t), 60);
  const limit: Array<[number, number]> = [];
  for (let t = 0; t <= end; t += 60) {
    const allowed = Math.min(size.records, 60 * (t / 60 + 1));
    limit.push([t, Math.min(size.records, t)], [t, allowed]);
  }
  return svgLineChart({
    title: `burst: ${size.endpoints} Backup vault endpoints, ${size.records} records in one zone`,
    xLabel: 'emulated seconds since the endpoints were created',
    yLabel: 'records written',
    series: [
      { name: 'records standing (app)', points: [[0, 0], ...size.written], colour: '#1f77b4' },
      {
        name: 'most Private DNS allows (60 per zone in any 60 s)',
        points: limit,
        colour: '#d62728',
        dashed: true,
      },
    ],
  });
}

export function renderBurst(result: BurstResult, chartPath: (n: number) => string): string {
  const rows = result.sizes.map((s) => [
    s.endpoints,
    s.records,
    fmt(s.seconds, 0),
    `${fmt(s.lowerBoundSeconds, 0)} (${s.lowerBoundBy})`,
    `**${fmt(s.ratio)}**`,
    s.writes,
    s.throttled,
    `**${fmt(s.throttledPerWrite * 100, 1)} %**`,
    `**${s.lost}**`,
    s.requests.requests,
    fmt(s.realSeconds, 0),
  ]);
  return [
    ...runInfoLines(result.run),
    '',
    `Emulator and host at ${result.timeScale}× real time, Azure's limits on, latency model ${result.latency ? "on ('azure')" : 'off'}, BACKUP_WATCH_WINDOW_HOURS=${result.watchHours}. N Backup v1 vault endpoints created at once by the Backup simulator; 8 records each in \`privatelink.eus.backup.windowsazure.com\`. "Resolvable": standing in the zone, confirmed at the end by a real lookup of every name through local/dns. Lost: not resolvable ${WAIT_FACTOR}× the lower bound after the endpoints were created.`,
    '',
    ...table(
      [
        'N',
        'records',
        'to all resolvable, emulated s',
        'lower bound, s (set by)',
        'time ÷ lower bound',
        'record writes',
        '429s',
        '429s ÷ writes',
        'lost',
        'ARM requests',
        'real s',
      ],
      rows,
    ),
    '',
    ...result.sizes.map(
      (s) =>
        `- N = ${s.endpoints}: requests by operation ${Object.entries(s.requests.byOperation)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, c]) => `${op} ${c}`)
          .join(
            ', ',
          )}; 429s by operation ${JSON.stringify(s.throttledByOperation)}; p50 of record standing times ${fmt(
          percentile(
            s.written.map(([t]) => t),
            0.5,
          ),
          0,
        )} s`,
    ),
    '',
    ...result.sizes.map((s) => `![records written over time, N = ${s.endpoints}](${chartPath(s.endpoints)})`),
    '',
    `Problems: ${result.problems.length === 0 ? 'none' : ''}`,
    ...result.problems.map((p) => `- ${p}`),
  ].join('\n');
}

export async function runBurstBenchmark(args: string[]): Promise<void> {
  const opts = new Command()
    .option('--endpoints <list>', 'comma-separated sizes: vault endpoints created at once', '100,300')
    .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '20')
    .option('--no-latency', 'leave the latency model off')
    .option('--watch-hours <h>', 'BACKUP_WATCH_WINDOW_HOURS for the app (its default is 24)', '24')
    .option('--slack <s>', 'real seconds to wait beyond the lower bound', '240')
    .option('--json', 'print one JSON object to stdout')
    .option('--out <file>', 'result file', 'bench/results/burst.md')
    .option('--docs <file>', 'performance page whose burst section is rewritten', 'docs/performance.md')
    .parse(['node', 'bench', ...args])
    .opts<{
      endpoints: string;
      timeScale: string;
      latency: boolean;
      watchHours: string;
      slack: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const sizes = opts.endpoints.split(',').map((s) => numberOption(s.trim(), '--endpoints', 1, 1000));
  const result = await runBurst(
    {
      sizes,
      timeScale: numberOption(opts.timeScale, '--time-scale', 1, 1000),
      latency: opts.latency,
      watchHours: numberOption(opts.watchHours, '--watch-hours', 0, 168),
      slackMs: numberOption(opts.slack, '--slack', 1, 36_000) * 1000,
      log: progress(opts.json === true),
    },
    `npm run bench -- burst ${args.join(' ')}`.trim(),
  );
  for (const s of result.sizes) writeFile(`bench/results/burst-${s.endpoints}.svg`, burstChart(s));
  const markdown = renderBurst(result, (n) => `burst-${n}.svg`);
  writeGenerated(opts.out, 'burst', markdown, 'burst: many Backup vault endpoints at once');
  writeGenerated(
    opts.docs,
    'burst',
    `### burst\n\n${renderBurst(result, (n) => `../bench/results/burst-${n}.svg`)}`,
    'Performance',
  );
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${markdown}\n`);
  if (result.problems.length > 0) process.exitCode = 1;
}
