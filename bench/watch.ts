/**
 * `watch`: Backup FQDNs arriving over a day with Event Grid silent. V Backup vaults (v1, then v2 in a second run)
 * get their private endpoint at the start — that write is delivered — then Event Grid delivers nothing more (Backup's
 * own changes: the discovery at `--discover-hours`, the first backup at `--backup-hours`, each vault a few minutes
 * after the previous one). The app runs as deployed: its own settings (the Backup watch window) and its timer
 * triggers (the reconcile schedule). Over one emulated day: ARM requests per vault ÷ the minimum (what syncing the
 * three phases needs: see bench/estate.ts), and the time from each late FQDN's appearance to its record standing.
 *
 *   npm run bench -- watch [--vaults 5] [--time-scale 1000] [--discover-hours 1] [--backup-hours 6] [--json]
 */
import { Command } from 'commander';
import { EVENT_SUBSCRIPTION, SPOKE2 } from '../local/demo';
import {
  changeMinimum,
  countRequests,
  createVaults,
  HUB,
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
} from './report';

const DAY_MS = 24 * 3600_000;

export interface WatchRun {
  experience: 'v1' | 'v2';
  vaults: number;
  requests: RequestCounts;
  requestsPerVaultPerDay: number;
  minimumPerVault: number;
  ratio: number;
  lateRecords: number;
  /** Emulated seconds from a late FQDN appearing to its record standing. */
  lateSeconds: { p50: number; p95: number; max: number };
  /** Late records still missing at the end of the day. */
  missed: number;
}

export interface WatchResult {
  scenario: 'watch';
  run: RunInfo;
  timeScale: number;
  discoverHours: number;
  backupHours: number;
  runs: WatchRun[];
  problems: string[];
}

export interface WatchOptions {
  vaults: number;
  timeScale: number;
  discoverHours: number;
  backupHours: number;
  experiences?: ReadonlyArray<'v1' | 'v2'>;
  /** Emulated length of the run (default one day). */
  dayMs?: number;
  log?: (line: string) => void;
}

const touchedBy = (result: { createdEndpoints: string[]; updatedResources: string[] }): string[] => [
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

async function runExperience(
  experience: 'v1' | 'v2',
  options: WatchOptions,
  problems: string[],
): Promise<WatchRun> {
  const log = options.log ?? (() => undefined);
  const dayMs = options.dayMs ?? DAY_MS;
  let appErrors = 0;
  const stack = await startBenchStack({
    timeScale: options.timeScale,
    // The app's own watch window (its default) and its timers: the app as deployed.
    settings: { BACKUP_WATCH_WINDOW_HOURS: '24', DNS_READY_MAX_WAIT_MINUTES: '30' },
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
    const start = stack.emu.clock.now();
    const hubPrefix = `/subscriptions/${HUB}/`.toLowerCase();
    const stood = new Map<string, number>();
    const unsubscribe = stack.emu.store.onChange((change) => {
      const id = change.resource.id.toLowerCase();
      if (change.kind === 'write' && id.startsWith(hubPrefix) && /\/a\/[^/]+$/.test(id) && !stood.has(id))
        stood.set(id, stack.emu.clock.now());
    });
    let minimum = 0;
    // Phase 1: the endpoints, written by their owners — Event Grid delivers these.
    vaults.forEach((vaultId, i) => {
      stack.backup.createVaultEndpoint({
        vaultId,
        subscriptionId: SPOKE,
        resourceGroup: rg,
        name: `pe-watch-${experience}-${i}`,
        subnetId,
      });
      minimum += changeMinimum(stack, 1, 1, stack.backup.dnsEntries(vaultId)).minimum;
    });
    const allFirst = vaults.flatMap((v) => stack.backup.dnsEntries(v));
    await waitUntil(
      'the endpoints’ first records',
      () => missingEntries(stack, allFirst).length === 0 || undefined,
      120_000,
    ).catch((error: unknown) => problems.push(`${experience}: ${String(error)}`));
    await settle(stack, () => true, 60_000, { allowRunning: true }).catch(() => undefined);
    // From here on Event Grid is silent.
    for (const sub of [SPOKE, SPOKE2])
      stack.eventGrid.delivery.setChaos(`${EVENT_SUBSCRIPTION}-${sub.slice(-4)}`, { dropRate: 1 });
    log(`watch ${experience}: ${options.vaults} vaults, endpoints synced; Event Grid silent from here`);

    // The late phases: each vault a few minutes after the previous one.
    const late: Array<{ at: number; zone: string; recordName: string; ip: string }> = [];
    const actions = vaults.flatMap((vaultId, i) => [
      { at: start + options.discoverHours * 3600_000 + i * 300_000, vaultId, action: 'discover' as const },
      { at: start + options.backupHours * 3600_000 + i * 300_000, vaultId, action: 'firstBackup' as const },
    ]);
    actions.sort((a, b) => a.at - b.at);
    for (const a of actions) {
      await until(stack, a.at);
      const before = new Set(stack.backup.dnsEntries(a.vaultId).map((e) => `${e.zone}/${e.recordName}`));
      const result =
        a.action === 'discover' ? stack.backup.discover(a.vaultId) : stack.backup.firstBackup(a.vaultId);
      const touched = touchedBy(result);
      const added = stack.backup
        .dnsEntries(a.vaultId)
        .filter((e) => !before.has(`${e.zone}/${e.recordName}`));
      minimum += changeMinimum(stack, touched.length, touched.length, added).minimum;
      for (const e of added)
        late.push({ at: stack.emu.clock.now(), zone: e.zone, recordName: e.recordName, ip: e.ip });
      log(
        `  ${fmt((stack.emu.clock.now() - start) / 3600_000, 1)} h: ${a.action} ${a.vaultId.split('/').pop()}`,
      );
    }
    await until(stack, start + dayMs);
    unsubscribe();
    const requests = countRequests(stack.emu.log.list());
    const lateSeconds: number[] = [];
    let missed = 0;
    for (const r of late) {
      const id = `${stack.privateDns.zoneId(HUB, 'rg-hub-dns', r.zone)}/A/${r.recordName}`.toLowerCase();
      const at = stood.get(id);
      if (at === undefined || !(stack.hubRecord(r.zone, r.recordName) ?? []).includes(r.ip)) missed++;
      else lateSeconds.push((at - r.at) / 1000);
    }
    if (appErrors > 0) problems.push(`${experience}: ${appErrors} error line(s) logged by the app`);
    const perVault = requests.requests / options.vaults / (dayMs / DAY_MS);
    const minimumPerVault = minimum / options.vaults;
    return {
      experience,
      vaults: options.vaults,
      requests,
      requestsPerVaultPerDay: Math.round(perVault * 10) / 10,
      minimumPerVault,
      ratio: ratio(perVault, minimumPerVault),
      lateRecords: late.length,
      lateSeconds: {
        p50: percentile(lateSeconds, 0.5),
        p95: percentile(lateSeconds, 0.95),
        max: lateSeconds.length ? Math.max(...lateSeconds) : Number.NaN,
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
    discoverHours: options.discoverHours,
    backupHours: options.backupHours,
    runs,
    problems,
  };
}

export function renderWatch(r: WatchResult): string {
  return [
    ...runInfoLines(r.run),
    '',
    `One emulated day at ${r.timeScale}× real time, Azure's limits on, the app with its own settings (Backup watch window 24 h) and its timer triggers (reconcile every 6 h). Event Grid delivers the endpoints' creation, then nothing: discovery at ${r.discoverHours} h and the first backup at ${r.backupHours} h (one vault every 5 minutes) arrive without events. Minimum per vault = the three phases' minimum (endpoint and NIC reads of the endpoints each phase touches, one write per new record).`,
    '',
    ...table(
      [
        'vaults',
        'ARM requests in the day',
        'per vault per day',
        'minimum per vault',
        'per vault ÷ minimum',
        'late records',
        'late record standing after, p50 / p95 / max (emulated s)',
        'missed',
      ],
      r.runs.map((w) => [
        `${w.vaults} × ${w.experience}`,
        w.requests.requests,
        w.requestsPerVaultPerDay,
        w.minimumPerVault,
        `**${fmt(w.ratio, 1)}**`,
        w.lateRecords,
        `${fmt(w.lateSeconds.p50, 0)} / ${fmt(w.lateSeconds.p95, 0)} / ${fmt(w.lateSeconds.max, 0)}`,
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
    `Problems: ${r.problems.length === 0 ? 'none' : ''}`,
    ...r.problems.map((p) => `- ${p}`),
  ].join('\n');
}

export async function runWatchBenchmark(args: string[]): Promise<void> {
  const opts = new Command()
    .option('--vaults <n>', 'vaults per experience', '5')
    .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '1000')
    .option('--discover-hours <h>', 'when Backup discovers (hours after the endpoints)', '1')
    .option('--backup-hours <h>', 'when the first backup runs (hours after the endpoints)', '6')
    .option('--json', 'print one JSON object to stdout')
    .option('--out <file>', 'result file', 'bench/results/watch.md')
    .option('--docs <file>', 'performance page whose watch section is rewritten', 'docs/performance.md')
    .parse(['node', 'bench', ...args])
    .opts<{
      vaults: string;
      timeScale: string;
      discoverHours: string;
      backupHours: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const result = await runWatch(
    {
      vaults: numberOption(opts.vaults, '--vaults', 1, 200),
      timeScale: numberOption(opts.timeScale, '--time-scale', 1, 5000),
      discoverHours: numberOption(opts.discoverHours, '--discover-hours', 0, 23),
      backupHours: numberOption(opts.backupHours, '--backup-hours', 0, 23),
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
