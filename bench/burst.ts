/**
 * `burst`: N Backup v1 vaults get their private endpoint at once (a landing-zone rollout), for each N in
 * `--endpoints`, and (unless `--no-discover`) Backup registers every vault right away: each vault endpoint shows
 * its two first roles at creation and the other six with the registration, and Backup creates the vault's
 * `_ecs_blob` and `_ecs_queue` endpoints — 8 records per vault in `privatelink.<geo>.backup.windowsazure.com` and
 * one each in the blob and queue zones. Event Grid as the emulator has it by default: endpoints written through ARM
 * are announced, Backup's own roles are not (`--service-events` announces them too); the app runs as deployed, its
 * Backup watch finding the silent roles on its timer (`--interval`, default 5 minutes).
 *
 * Reports the time until every record resolves through the DNS server (local/dns, real lookups) ÷ the lower bound
 * Azure's limits allow, the 429s the app drew ÷ its record writes, and records lost (never resolvable).
 *
 * Lower bound (independent of the app): the records of zone z (R_z) can be written no faster than Private DNS's
 * 60 per zone in any 60 s — the last batch of 60 starts (⌈R_z/60⌉ − 1) × 60 s after the first; ARM's write bucket
 * for the hub subscription (200, then 10 a second) needs (W − 200)/10 s for W writes; Private DNS reads bound
 * nothing, since creates need no read (`If-None-Match: *`); ARM's read bucket in the spoke (250, then 25 a second)
 * needs (G − 250)/25 s for the G endpoint and NIC reads the changes need (two per endpoint change). The largest of
 * these. It leaves out how the app learns of a change (events, the watch interval): that is the app's cost.
 *
 *   npm run bench -- burst [--endpoints 100,300] [--time-scale 5] [--no-latency] [--no-discover]
 *                          [--service-events] [--interval 5] [--json]
 *
 * The default time scale is 5: every real millisecond the machine loses (event-loop lag of a busy process on a
 * shared machine) becomes that many emulated milliseconds between a write's slot and its arrival. At 20× a 150 ms
 * lag is 3 s of emulated lateness, far beyond what a Functions host adds in Azure, and the 429s it causes measure
 * the machine, not the app.
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
  problemLines,
  withResultOptions,
} from './report';
import { BEFORE, improvement } from './before';

const WRITE_OPS = new Set(['RecordSets_CreateOrUpdate', 'RecordSets_Update', 'RecordSets_Delete']);
/** How many lower bounds to wait before a record that has not appeared counts as lost. */
const WAIT_FACTOR = 4;

export interface BurstSize {
  endpoints: number;
  /** Endpoints Backup created besides the vault endpoints (v1 `_ecs_blob`, `_ecs_queue`). */
  siblings: number;
  records: number;
  /** Records per hub zone. */
  recordsByZone: Record<string, number>;
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
  /** The same for the zone with the most records (the one the write limit holds back most). */
  busiestZone: string;
  writtenInBusiestZone: Array<[number, number]>;
  realSeconds: number;
}

export interface BurstResult {
  scenario: 'burst';
  run: RunInfo;
  timeScale: number;
  latency: boolean;
  discover: boolean;
  serviceEvents: boolean;
  intervalMinutes: number;
  sizes: BurstSize[];
  problems: string[];
}

export interface BurstOptions {
  sizes: readonly number[];
  timeScale: number;
  latency: boolean;
  /** Backup registers every vault right after its endpoint (six more roles, two v1 storage endpoints). */
  discover: boolean;
  /** Announce Backup's own changes (the simulator's `serviceChangeEvents`; off in Azure as far as is known). */
  serviceEvents: boolean;
  /** Backup watch interval in minutes (BACKUP_WATCH_SCHEDULE). */
  intervalMinutes: number;
  /** Real ms to wait per size beyond the lower bound's real duration. */
  slackMs: number;
  log?: (line: string) => void;
}

/**
 * The lower bound of the file comment, in emulated seconds, and the limit that sets it: `entries` are the records
 * to write, `spokeReads` the endpoint and NIC reads the changes need.
 */
export function burstLowerBound(
  entries: readonly DnsEntry[],
  spokeReads: number,
): { seconds: number; by: string } {
  const perZone = new Map<string, number>();
  for (const e of entries) perZone.set(e.zone, (perZone.get(e.zone) ?? 0) + 1);
  const bounds: Array<[string, number]> = [
    ...[...perZone].map(([zone, n]): [string, number] => [
      `Private DNS writes in ${zone} (60 per 60 s)`,
      (Math.ceil(n / 60) - 1) * 60,
    ]),
    ['ARM write bucket, hub (200 + 10/s)', Math.max(0, (entries.length - 200) / 10)],
    ['ARM read bucket, spoke (250 + 25/s)', Math.max(0, (spokeReads - 250) / 25)],
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
    settings: { BACKUP_WATCH_SCHEDULE: `0 */${options.intervalMinutes} * * * *` },
    // The app as deployed: its Backup watch (and reconcile) on their schedules.
    runTimerTriggers: true,
    onAppError: (message) => {
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  try {
    stack.backup.options.serviceChangeEvents = options.serviceEvents;
    const rg = 'rg-burst';
    const subnetId = spokeNetwork(stack, SPOKE, rg, 40);
    const vaults = createVaults(stack.backup, SPOKE, rg, 'rsv-burst', n, 'v1');
    await stack.eventGrid.idle();
    const hubPrefix = `/subscriptions/${HUB}/`.toLowerCase();
    const standing = new Map<string, number>();
    const stoodAt: Array<{ at: number; zone: string }> = [];
    const unsubscribe = stack.emu.store.onChange((change) => {
      const id = change.resource.id.toLowerCase();
      const match = /\/privatednszones\/([^/]+)\/a\/[^/]+$/.exec(id);
      if (change.kind !== 'write' || !id.startsWith(hubPrefix) || !match) return;
      if (!standing.has(id)) {
        standing.set(id, stack.emu.clock.now());
        stoodAt.push({ at: stack.emu.clock.now(), zone: match[1] as string });
      }
    });
    stack.emu.log.reset();
    const startedEmu = stack.emu.clock.now();
    const startedReal = Date.now();
    let siblings = 0;
    // Two reads (endpoint, NIC) per endpoint change: each vault endpoint at creation, again when its roles arrive,
    // and each storage endpoint Backup creates.
    let spokeReads = 0;
    for (let i = 0; i < n; i++) {
      stack.backup.createVaultEndpoint({
        vaultId: vaults[i] as string,
        subscriptionId: SPOKE,
        resourceGroup: rg,
        name: `pe-burst-${String(i).padStart(4, '0')}`,
        subnetId,
      });
      spokeReads += 2;
    }
    if (options.discover) {
      for (const vaultId of vaults) {
        const result = stack.backup.discover(vaultId);
        siblings += result.createdEndpoints.length;
        const updated = result.updatedResources.filter((id) => /\/privateendpoints\/[^/]+$/i.test(id));
        spokeReads += 2 * new Set([...result.createdEndpoints, ...updated]).size;
      }
    }
    const entries = vaults.flatMap((v) => stack.backup.dnsEntries(v));
    const recordsByZone: Record<string, number> = {};
    for (const e of entries) recordsByZone[e.zone] = (recordsByZone[e.zone] ?? 0) + 1;
    const busiestZone = Object.entries(recordsByZone).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    const bound = burstLowerBound(entries, spokeReads);
    log(
      `burst: ${n} vault endpoints${options.discover ? ` + ${siblings} storage endpoints, registered at once` : ''}, ${entries.length} records; lower bound ${fmt(bound.seconds, 0)} emulated s (${bound.by})`,
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
    const entriesLog = stack.emu.log.list();
    const requests = countRequests(entriesLog);
    const writes = entriesLog.filter(
      (e) => e.operationId && WRITE_OPS.has(e.operationId) && e.status >= 200 && e.status < 300,
    ).length;
    const throttledByOperation: Record<string, number> = {};
    for (const e of entriesLog.filter((x) => x.status === 429))
      throttledByOperation[e.operationId ?? '(none)'] =
        (throttledByOperation[e.operationId ?? '(none)'] ?? 0) + 1;
    if (appErrors > 0) problems.push(`N = ${n}: ${appErrors} error line(s) logged by the app`);
    const lastStood = Math.max(startedEmu, ...[...standing.values()]);
    const seconds = done ? (lastStood - startedEmu) / 1000 : Number.NaN;
    const curve = (list: Array<{ at: number }>): Array<[number, number]> =>
      list
        .map((s) => s.at)
        .sort((a, b) => a - b)
        .map((t, i): [number, number] => [Math.round((t - startedEmu) / 100) / 10, i + 1]);
    return {
      endpoints: n,
      siblings,
      records: entries.length,
      recordsByZone,
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
      written: curve(stoodAt),
      busiestZone,
      writtenInBusiestZone: curve(stoodAt.filter((s) => s.zone === busiestZone)),
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
    discover: options.discover,
    serviceEvents: options.serviceEvents,
    intervalMinutes: options.intervalMinutes,
    sizes,
    problems,
  };
}

/**
 * Records standing over time against the most Private DNS allows in the busiest zone (60 in any 60 s), as an SVG
 * chart; all records standing (every zone) as a second line.
 */
export function burstChart(size: BurstSize): string {
  const inZone = size.recordsByZone[size.busiestZone] ?? size.records;
  const end = Math.max(size.lowerBoundSeconds, ...size.written.map(([t]) => t), 60);
  const limit: Array<[number, number]> = [];
  for (let t = 0; t <= end; t += 60) {
    const allowed = Math.min(inZone, 60 * (t / 60 + 1));
    limit.push([t, Math.min(inZone, 60 * (t / 60))], [t, allowed]);
  }
  return svgLineChart({
    title: `burst: ${size.endpoints} Backup vault endpoints, ${size.records} records (${inZone} in ${size.busiestZone})`,
    xLabel: 'emulated seconds since the endpoints were created',
    yLabel: 'records standing',
    series: [
      {
        name: `records standing in ${size.busiestZone} (app)`,
        points: [[0, 0], ...size.writtenInBusiestZone],
        colour: '#1f77b4',
      },
      {
        name: `most Private DNS allows in that zone (60 in any 60 s)`,
        points: limit,
        colour: '#d62728',
        dashed: true,
      },
      ...(size.records > inZone
        ? [
            {
              name: 'records standing, all zones (app)',
              points: [[0, 0] as [number, number], ...size.written],
              colour: '#2ca02c',
            },
          ]
        : []),
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
  const versus = result.sizes.map((s) => {
    const b = BEFORE.burst.sizes[s.endpoints];
    return [
      s.endpoints,
      b ? fmt(b.ratio) : '–',
      `**${fmt(s.ratio)}**`,
      b ? improvement(b.ratio, s.ratio) : '–',
      b ? `${fmt(b.throttledPerWrite * 100, 1)} %` : '–',
      `**${fmt(s.throttledPerWrite * 100, 1)} %**`,
      b ? improvement(b.throttledPerWrite, s.throttledPerWrite) : '–',
      b ? b.lost : '–',
      `**${s.lost}**`,
      s.throttledPerWrite <= 0.02 && s.lost === 0 ? 'met' : '**not met**',
    ];
  });
  const story = result.discover
    ? `N Backup v1 vaults get their private endpoint at once (the Backup simulator: two roles each) and Backup registers every vault right away: the other six roles on each vault endpoint's NIC${result.serviceEvents ? ' (announced: `serviceChangeEvents` on)' : " (not announced, the emulator's default: the app's Backup watch finds them)"} and each vault's \`_ecs_blob\` and \`_ecs_queue\` endpoints (announced) — 8 records per vault in \`privatelink.eus.backup.windowsazure.com\`, one in the blob and one in the queue zone.`
    : 'N Backup v1 vault endpoints created at once by the Backup simulator, not registered: two records each (rec2, id1) in `privatelink.eus.backup.windowsazure.com`.';
  return [
    ...runInfoLines(result.run),
    '',
    `Emulator and host at ${result.timeScale}× real time, Azure's limits on, latency model ${result.latency ? "on ('azure')" : 'off'}, the app with its timer triggers (Backup watch every ${result.intervalMinutes} min). ${story} "Resolvable": standing in the zone, confirmed at the end by a real lookup of every name through local/dns. Lost: not resolvable ${WAIT_FACTOR}× the lower bound after the endpoints were created.`,
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
        `- N = ${s.endpoints}: records by zone ${Object.entries(s.recordsByZone)
          .map(([z, c]) => `${z} ${c}`)
          .join(', ')}; requests by operation ${Object.entries(s.requests.byOperation)
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
        )} s${s.failedOrchestrations > 0 ? `; ${s.failedOrchestrations} failed orchestration(s)` : ''}`,
    ),
    '',
    ...result.sizes.map((s) => `![records written over time, N = ${s.endpoints}](${chartPath(s.endpoints)})`),
    '',
    `Before (commit ${BEFORE.burst.commit}: all eight roles at the endpoint's creation, no registration, 8 records per vault) and now; target (issue 10): 429s ÷ writes ≤ 2 %, 0 lost:`,
    '',
    ...table(
      [
        'N',
        'time ÷ lower bound, before',
        'now',
        'change',
        '429s ÷ writes, before',
        'now',
        'change',
        'lost, before',
        'now',
        'target',
      ],
      versus,
    ),
    '',
    ...problemLines(result.problems),
  ].join('\n');
}

export async function runBurstBenchmark(args: string[]): Promise<void> {
  const opts = withResultOptions(
    new Command()
      .option('--endpoints <list>', 'comma-separated sizes: vault endpoints created at once', '100,300')
      .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '5')
      .option('--no-latency', 'leave the latency model off')
      .option('--no-discover', 'do not register the vaults (two records per vault endpoint)')
      .option('--service-events', "announce Backup's own changes (the simulator's serviceChangeEvents)")
      .option('--interval <minutes>', 'Backup watch interval (BACKUP_WATCH_SCHEDULE), a divisor of 60', '5')
      .option('--slack <s>', 'real seconds to wait beyond the lower bound', '240'),
    'burst',
  )
    .parse(['node', 'bench', ...args])
    .opts<{
      endpoints: string;
      timeScale: string;
      latency: boolean;
      discover: boolean;
      serviceEvents?: boolean;
      interval: string;
      slack: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const sizes = opts.endpoints.split(',').map((s) => numberOption(s.trim(), '--endpoints', 1, 1000));
  const intervalMinutes = numberOption(opts.interval, '--interval', 1, 30);
  if (60 % intervalMinutes !== 0) throw new Error(`--interval wants a divisor of 60, got ${intervalMinutes}`);
  const result = await runBurst(
    {
      sizes,
      timeScale: numberOption(opts.timeScale, '--time-scale', 1, 1000),
      latency: opts.latency,
      discover: opts.discover,
      serviceEvents: opts.serviceEvents === true,
      intervalMinutes,
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
