/**
 * `watch`: Backup FQDNs arriving over a day with Event Grid silent. V Backup vaults (v1, then v2 in a second run)
 * get their private endpoint at the start — that write is delivered — then Event Grid delivers nothing more: the
 * vault's registration (`--discover-hours`: the endpoint's six other roles; v1 `_ecs_blob`/`_ecs_queue` endpoints,
 * v2 storage FQDNs on the endpoint's NIC) and its first backup (`--backup-hours`: v1 `_prot_blob`, v2 more storage),
 * each vault a little over seven minutes after the previous one so the changes fall at different points of the
 * watch interval. The app runs as deployed, with its timer triggers on the host clock: the Backup watch every
 * `--interval` minutes (BACKUP_WATCH_SCHEDULE) and the reconcile every 6 hours (RECONCILE_SCHEDULE, its default).
 *
 * Over one emulated day: ARM requests per vault ÷ the minimum per vault, where the minimum (worked out here, never
 * from the app) is
 * - the changes: for each phase, one read of each endpoint it touched and of its NIC and one write per new record
 *   (bench/estate.ts `changeMinimum`);
 * - the Backup watch: one Resource Graph page per 1,000 Backup endpoints (endpoint and NIC joined) per interval;
 * - the reconcile timer: per run, one Resource Graph page per 1,000 endpoints in scope, one page listing the hub
 *   zones and one page per 1,000 A record sets of each hub zone;
 * the last two shared evenly by the vaults. And for each late record: the time from its FQDN appearing to its
 * record standing, and whether it stood before the watch's second run after it appeared (the first run that could
 * see it wrote it) — the watch runs are the Resource Graph requests in the emulator's log.
 *
 *   npm run bench -- watch [--vaults 5] [--time-scale 200] [--interval 5] [--discover-hours 1] [--backup-hours 6]
 *                          [--json]
 */
import { Command } from 'commander';
import { EVENT_SUBSCRIPTION, SPOKE2 } from '../demo/estate';
import { BEFORE, improvement } from './before';
import {
  changeMinimum,
  countRequests,
  createVaults,
  HUB,
  HUB_RG,
  missingEntries,
  numberOption,
  settle,
  SPOKE,
  spokeNetwork,
  startBenchStack,
  waitUntil,
  type DemoStack,
  type RequestCounts,
} from './estate';
import {
  fmt,
  percentile,
  progress,
  ratio,
  runInfo,
  runInfoLines,
  table,
  writeGenerated,
  type RunInfo,
  problemLines,
  withResultOptions,
} from './report';

const DAY_MS = 24 * 3600_000;
/** The app's reconcile schedule in the bench (its default): every 6 hours. */
const RECONCILE_EVERY_MS = 6 * 3600_000;
/** Spacing of the vaults' late phases: not a multiple of any whole-minute interval, so they fall all over it. */
const VAULT_SPACING_MS = 433_000;

export interface WatchRun {
  experience: 'v1' | 'v2';
  vaults: number;
  /** Backup endpoints at the end of the day (vault endpoints and v1 siblings). */
  backupEndpoints: number;
  requests: RequestCounts;
  /** ARM requests in the run (one day by default) per vault. */
  requestsPerVault: number;
  minimum: {
    /** Per vault: the phases' reads and writes. */
    changes: number;
    /** Per vault: its share of the Backup watch's Resource Graph pages in the run. */
    watchPages: number;
    /** Per vault: its share of the reconcile timer's pages in the run. */
    reconcilePages: number;
    perVault: number;
  };
  ratio: number;
  /** Resource Graph requests (watch and reconcile runs) seen in the day. */
  resourceGraphRequests: number;
  lateRecords: number;
  /** Emulated seconds from a late FQDN appearing to its record standing. */
  lateSeconds: { p50: number; p95: number; max: number };
  /** Late records standing within one interval of their FQDN appearing. */
  withinInterval: number;
  /** Late records standing before the watch's second run after their FQDN appeared. */
  byFirstRun: number;
  /** Emulated seconds from the first watch run after the FQDN appeared to the record standing (the sync's time). */
  afterRunSeconds: { p50: number; max: number };
  /** Late records still missing at the end of the day. */
  missed: number;
}

export interface WatchResult {
  scenario: 'watch';
  run: RunInfo;
  timeScale: number;
  intervalMinutes: number;
  discoverHours: number;
  backupHours: number;
  dayHours: number;
  runs: WatchRun[];
  problems: string[];
}

export interface WatchOptions {
  vaults: number;
  timeScale: number;
  /** Backup watch interval in minutes, a divisor of 60 (BACKUP_WATCH_SCHEDULE: every m minutes). */
  intervalMinutes: number;
  discoverHours: number;
  backupHours: number;
  experiences?: ReadonlyArray<'v1' | 'v2'>;
  /** Emulated length of the run (default one day). */
  dayMs?: number;
  log?: (line: string) => void;
}

const endpointsOf = (result: { createdEndpoints: string[]; updatedResources: string[] }): string[] => [
  ...new Set([
    ...result.createdEndpoints,
    ...result.updatedResources.filter((id) => /\/privateendpoints\/[^/]+$/i.test(id)),
  ]),
];

async function until(stack: DemoStack, emulatedAt: number): Promise<void> {
  while (stack.emu.clock.now() < emulatedAt) {
    const realMs = (emulatedAt - stack.emu.clock.now()) / stack.emu.clock.timeScale;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, realMs))));
  }
}

/** The reconcile's fewest pages: endpoints with their NICs (1,000 a page), the hub's zones, each zone's A records. */
function reconcilePagesPerRun(stack: DemoStack, endpointsInScope: number): number {
  const zones = stack.privateDns.listZones(`/subscriptions/${HUB}/resourceGroups/${HUB_RG}`);
  const recordPages = zones.reduce(
    (sum, z) => sum + Math.max(1, Math.ceil(stack.privateDns.listRecordSets(z.id, 'A').length / 1000)),
    0,
  );
  return (
    Math.max(1, Math.ceil(endpointsInScope / 1000)) +
    Math.max(1, Math.ceil(zones.length / 1000)) +
    recordPages
  );
}

/** Watch runs as the emulator saw them: Resource Graph requests, those closer than half an interval merged. */
function runTimes(stack: DemoStack, sinceSeq: number, intervalMs: number): number[] {
  const times = stack.emu.log
    .list({ sinceSeq, operationId: 'Resources' })
    .map((e) => e.time)
    .sort((a, b) => a - b);
  const runs: number[] = [];
  for (const t of times) if (runs.length === 0 || t - (runs.at(-1) as number) > intervalMs / 2) runs.push(t);
  return runs;
}

async function runExperience(
  experience: 'v1' | 'v2',
  options: WatchOptions,
  problems: string[],
): Promise<WatchRun> {
  const log = options.log ?? (() => undefined);
  const dayMs = options.dayMs ?? DAY_MS;
  const intervalMs = options.intervalMinutes * 60_000;
  let appErrors = 0;
  const stack = await startBenchStack({
    timeScale: options.timeScale,
    // The app's own settings (the demo's are the defaults: reconcile every 6 h), the watch interval made explicit,
    // and the default wait for an endpoint's DNS data; its timers run on the host clock.
    settings: {
      BACKUP_WATCH_SCHEDULE: `0 */${options.intervalMinutes} * * * *`,
      DNS_READY_MAX_WAIT_MINUTES: '30',
    },
    runTimerTriggers: true,
    onAppError: (message) => {
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  try {
    const rg = `rg-watch-${experience}`;
    const subnetId = spokeNetwork(stack, SPOKE, rg, experience === 'v1' ? 70 : 71);
    const vaults = createVaults(
      stack.backup,
      SPOKE,
      rg,
      `rsv-watch-${experience}`,
      options.vaults,
      experience,
    );
    await stack.eventGrid.idle();
    stack.emu.log.reset();
    const sinceSeq = stack.emu.log.lastSeq;
    const start = stack.emu.clock.now();
    // Timer ticks are the host clock's (its own scaled clock, offset from the emulator's).
    const hostStart = stack.host.now();
    const hubPrefix = `/subscriptions/${HUB}/`.toLowerCase();
    const stood = new Map<string, number>();
    const unsubscribe = stack.emu.store.onChange((change) => {
      const id = change.resource.id.toLowerCase();
      if (change.kind === 'write' && id.startsWith(hubPrefix) && /\/a\/[^/]+$/.test(id) && !stood.has(id))
        stood.set(id, stack.emu.clock.now());
    });
    let changes = 0;
    const backupEndpoints = new Set<string>();
    // Phase 1: the endpoints, written by their owners — Event Grid delivers these.
    vaults.forEach((vaultId, i) => {
      const { endpoint } = stack.backup.createVaultEndpoint({
        vaultId,
        subscriptionId: SPOKE,
        resourceGroup: rg,
        name: `pe-watch-${experience}-${i}`,
        subnetId,
      });
      backupEndpoints.add(endpoint.id.toLowerCase());
      changes += changeMinimum(stack, 1, 1, stack.backup.dnsEntries(vaultId)).minimum;
    });
    const allFirst = vaults.flatMap((v) => stack.backup.dnsEntries(v));
    await waitUntil(
      'the endpoints’ first records',
      () => missingEntries(stack, allFirst).length === 0 || undefined,
      120_000,
    ).catch((error: unknown) => problems.push(`${experience}: ${String(error)}`));
    await settle(stack, () => true, 60_000, { allowRunning: true }).catch(() => undefined);
    // From here on Event Grid is silent: nothing Backup does (nor the v1 storage endpoints it creates) is delivered.
    for (const sub of [SPOKE, SPOKE2])
      stack.eventGrid.delivery.setChaos(`${EVENT_SUBSCRIPTION}-${sub.slice(-4)}`, { dropRate: 1 });
    log(
      `watch ${experience}: ${options.vaults} vaults, endpoints synced; Event Grid silent from here, watch every ${options.intervalMinutes} min`,
    );

    const late: Array<{ at: number; zone: string; recordName: string; ip: string }> = [];
    const actions = vaults.flatMap((vaultId, i) => [
      {
        at: start + options.discoverHours * 3600_000 + i * VAULT_SPACING_MS,
        vaultId,
        action: 'discover' as const,
      },
      {
        at: start + options.backupHours * 3600_000 + i * VAULT_SPACING_MS,
        vaultId,
        action: 'firstBackup' as const,
      },
    ]);
    actions.sort((a, b) => a.at - b.at);
    for (const a of actions) {
      await until(stack, a.at);
      const before = new Set(stack.backup.dnsEntries(a.vaultId).map((e) => `${e.zone}/${e.recordName}`));
      const result =
        a.action === 'discover' ? stack.backup.discover(a.vaultId) : stack.backup.firstBackup(a.vaultId);
      const touched = endpointsOf(result);
      for (const id of result.createdEndpoints) backupEndpoints.add(id.toLowerCase());
      const added = stack.backup
        .dnsEntries(a.vaultId)
        .filter((e) => !before.has(`${e.zone}/${e.recordName}`));
      changes += changeMinimum(stack, touched.length, touched.length, added).minimum;
      for (const e of added)
        late.push({ at: stack.emu.clock.now(), zone: e.zone, recordName: e.recordName, ip: e.ip });
      log(
        `  ${fmt((stack.emu.clock.now() - start) / 3600_000, 2)} h: ${a.action} ${a.vaultId.split('/').pop()} (${added.length} new record(s))`,
      );
    }
    await until(stack, start + dayMs);
    const hostEnd = stack.host.now();
    unsubscribe();
    const requests = countRequests(stack.emu.log.list({ sinceSeq }));
    const runs = runTimes(stack, sinceSeq, intervalMs);

    const lateSeconds: number[] = [];
    const afterRun: number[] = [];
    let missed = 0;
    let withinInterval = 0;
    let byFirstRun = 0;
    for (const r of late) {
      const id = `${stack.privateDns.zoneId(HUB, HUB_RG, r.zone)}/A/${r.recordName}`.toLowerCase();
      const at = stood.get(id);
      if (at === undefined || !(stack.hubRecord(r.zone, r.recordName) ?? []).includes(r.ip)) {
        missed++;
        continue;
      }
      lateSeconds.push((at - r.at) / 1000);
      if (at - r.at <= intervalMs) withinInterval++;
      const first = runs.find((t) => t >= r.at);
      if (first !== undefined) {
        afterRun.push((at - first) / 1000);
        const second = runs.find((t) => t > first);
        if (at >= first && (second === undefined || at < second)) byFirstRun++;
      }
    }
    if (appErrors > 0) problems.push(`${experience}: ${appErrors} error line(s) logged by the app`);
    // Schedule ticks in the run (NCRONTAB steps that divide the hour / the day fall on multiples of the step).
    const ticks = (everyMs: number): number =>
      Math.floor(hostEnd / everyMs) - Math.floor(hostStart / everyMs);
    const watchPages = ticks(intervalMs) * Math.max(1, Math.ceil(backupEndpoints.size / 1000));
    const reconcilePages = ticks(RECONCILE_EVERY_MS) * reconcilePagesPerRun(stack, backupEndpoints.size);
    const perVault = requests.requests / options.vaults;
    const minimum = {
      changes: changes / options.vaults,
      watchPages: watchPages / options.vaults,
      reconcilePages: reconcilePages / options.vaults,
      perVault: 0,
    };
    minimum.perVault = minimum.changes + minimum.watchPages + minimum.reconcilePages;
    return {
      experience,
      vaults: options.vaults,
      backupEndpoints: backupEndpoints.size,
      requests,
      requestsPerVault: Math.round(perVault * 10) / 10,
      minimum,
      ratio: ratio(perVault, minimum.perVault),
      resourceGraphRequests: requests.byOperation.Resources ?? 0,
      lateRecords: late.length,
      lateSeconds: {
        p50: percentile(lateSeconds, 0.5),
        p95: percentile(lateSeconds, 0.95),
        max: lateSeconds.length ? Math.max(...lateSeconds) : Number.NaN,
      },
      withinInterval,
      byFirstRun,
      afterRunSeconds: {
        p50: percentile(afterRun, 0.5),
        max: afterRun.length ? Math.max(...afterRun) : Number.NaN,
      },
      missed,
    };
  } finally {
    await stack.stop();
  }
}

export async function runWatch(options: WatchOptions, command: string): Promise<WatchResult> {
  const problems: string[] = [];
  const runs: WatchRun[] = [];
  for (const experience of options.experiences ?? (['v1', 'v2'] as const))
    runs.push(await runExperience(experience, options, problems));
  for (const r of runs)
    if (r.missed > 0) problems.push(`${r.experience}: ${r.missed} late record(s) never written`);
  return {
    scenario: 'watch',
    run: runInfo(command),
    timeScale: options.timeScale,
    intervalMinutes: options.intervalMinutes,
    discoverHours: options.discoverHours,
    backupHours: options.backupHours,
    dayHours: (options.dayMs ?? DAY_MS) / 3600_000,
    runs,
    problems,
  };
}

export function renderWatch(r: WatchResult): string {
  const interval = r.intervalMinutes * 60;
  return [
    ...runInfoLines(r.run),
    '',
    `One emulated ${r.dayHours === 24 ? 'day' : `${fmt(r.dayHours)} h`} at ${r.timeScale}× real time, Azure's limits on, the app with its timer triggers on the host clock: the Backup watch every ${r.intervalMinutes} min (\`BACKUP_WATCH_SCHEDULE\`), the reconcile every 6 h. Event Grid delivers the endpoints' creation, then nothing: the registration at ${r.discoverHours} h and the first backup at ${r.backupHours} h (vaults ${VAULT_SPACING_MS / 1000} s apart) arrive without events. Minimum per vault = the phases' reads and writes + its share of the watch's Resource Graph pages (one per 1,000 Backup endpoints per run) + its share of the reconcile's pages (bench/watch.ts).`,
    '',
    ...table(
      [
        'vaults',
        `ARM requests in the ${r.dayHours === 24 ? 'day' : 'run'}`,
        `per vault${r.dayHours === 24 ? ' per day' : ''}`,
        'minimum per vault: changes + watch + reconcile',
        'per vault ÷ minimum',
        'late records',
        `standing within one interval (${interval} s)`,
        'written by the first watch run after the FQDN appeared',
        'late record standing after, p50 / p95 / max (emulated s)',
        'of which after that watch run, p50 / max',
        'missed',
      ],
      r.runs.map((w) => [
        `${w.vaults} × ${w.experience} (${w.backupEndpoints} Backup endpoints)`,
        w.requests.requests,
        w.requestsPerVault,
        `${fmt(w.minimum.changes, 1)} + ${fmt(w.minimum.watchPages, 1)} + ${fmt(w.minimum.reconcilePages, 1)} = ${fmt(w.minimum.perVault, 1)}`,
        `**${fmt(w.ratio)}**`,
        w.lateRecords,
        `**${w.withinInterval} / ${w.lateRecords}**`,
        `**${w.byFirstRun} / ${w.lateRecords}**`,
        `${fmt(w.lateSeconds.p50, 0)} / ${fmt(w.lateSeconds.p95, 0)} / ${fmt(w.lateSeconds.max, 0)}`,
        `${fmt(w.afterRunSeconds.p50, 0)} / ${fmt(w.afterRunSeconds.max, 0)}`,
        `**${w.missed}**`,
      ]),
    ),
    '',
    ...r.runs.map(
      (w) =>
        `- ${w.experience}: ${Object.entries(w.requests.byOperation)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([op, c]) => `${op} ${c}`)
          .join(', ')}; 429s ${w.requests.throttled}`,
    ),
    '',
    `Before (commit ${BEFORE.commit}: a 24 h per-endpoint watch window; all eight roles at the endpoint's creation; discovery and first backup one vault every 5 minutes; time scale 1000; its minimum counted the phases only) and now; target (issue 10): ≤ 2× the minimum per day, each late record within one interval:`,
    '',
    ...table(
      [
        'vaults',
        'requests per vault per day, before',
        'now',
        'change',
        '÷ minimum, before (phases only)',
        'now (phases + timers)',
        'late record standing after, p50 / max s, before',
        'now',
      ],
      r.runs.map((w) => {
        const b = BEFORE.watch[w.experience];
        return [
          w.experience,
          b.perVaultPerDay,
          r.dayHours === 24 ? w.requestsPerVault : '– (not a day)',
          r.dayHours === 24 ? improvement(b.perVaultPerDay, w.requestsPerVault) : '–',
          `${b.perVaultPerDay} / ${b.minimum} = ${fmt(b.ratio, 1)}`,
          `${w.requestsPerVault} / ${fmt(w.minimum.perVault, 1)} = **${fmt(w.ratio)}**`,
          `${b.lateP50} / ${b.lateMax}`,
          `${fmt(w.lateSeconds.p50, 0)} / ${fmt(w.lateSeconds.max, 0)}`,
        ];
      }),
    ),
    '',
    ...problemLines(r.problems),
  ].join('\n');
}

export async function runWatchBenchmark(args: string[]): Promise<void> {
  const opts = withResultOptions(
    new Command()
      .option('--vaults <n>', 'vaults per experience', '5')
      .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '200')
      .option('--interval <minutes>', 'Backup watch interval (BACKUP_WATCH_SCHEDULE)', '5')
      .option('--discover-hours <h>', 'when Backup registers the vault (hours after the endpoints)', '1')
      .option('--backup-hours <h>', 'when the first backup runs (hours after the endpoints)', '6')
      .option('--hours <h>', 'emulated length of the run', '24'),
    'watch',
  )
    .parse(['node', 'bench', ...args])
    .opts<{
      vaults: string;
      timeScale: string;
      interval: string;
      discoverHours: string;
      backupHours: string;
      hours: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const intervalMinutes = numberOption(opts.interval, '--interval', 1, 30);
  // An NCRONTAB step runs evenly through the hour only when it divides 60.
  if (60 % intervalMinutes !== 0) throw new Error(`--interval wants a divisor of 60, got ${intervalMinutes}`);
  const result = await runWatch(
    {
      vaults: numberOption(opts.vaults, '--vaults', 1, 200),
      timeScale: numberOption(opts.timeScale, '--time-scale', 1, 5000),
      intervalMinutes,
      discoverHours: numberOption(opts.discoverHours, '--discover-hours', 0, 23),
      backupHours: numberOption(opts.backupHours, '--backup-hours', 0, 23),
      dayMs: numberOption(opts.hours, '--hours', 1, 48) * 3600_000,
      log: progress(opts.json === true),
    },
    `npm run bench -- watch ${args.join(' ')}`.trim(),
  );
  const markdown = renderWatch(result);
  writeGenerated(opts.out, 'watch', markdown, 'watch: late Backup FQDNs over a day with Event Grid silent');
  writeGenerated(opts.docs, 'watch', `### watch\n\n${markdown}`, 'Performance');
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${markdown}\n`);
  if (result.problems.length > 0) process.exitCode = 1;
}
