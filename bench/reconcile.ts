/**
 * `reconcile`: the estate-wide drift repair at scale — E private endpoints (Key Vault, blob, queue and web app in
 * turn, each with its NIC and an Approved connection) in S spoke subscriptions, every hub record already standing
 * with the app's ownership, then one applied reconcile (`scope: all`) that must find the estate in sync and write
 * nothing. Measured the way bench/reconcileScale.ts does it, in three processes so each figure belongs to one
 * party: the ARM emulator (not counted), the app on the local Functions host, and this driver counting the ARM
 * requests. Reported: requests ÷ the minimum pages, the app's CPU, its longest event-loop stall, the durable state
 * the run left (history, input, output and status of every instance it created, as compact JSON), and the app
 * process's peak RSS.
 *
 * Minimum pages (independent of the app): the endpoints with their NICs from one Resource Graph query joined on
 * the NIC — ⌈E / 1000⌉ pages of 1000 rows; one page listing the hub zones; each hub zone's A record sets —
 * ⌈max(1, R_z) / 1000⌉ pages at Private DNS's largest page (1000).
 *
 *   npm run bench -- reconcile [--endpoints 10000] [--subscriptions 200] [--json]
 */
import { Command } from 'commander';
import { BEFORE, improvement } from './before';
import { numberOption } from './estate';
import { problemsOf, runReconcileScaleSize, type SizeResult } from './reconcileScale';
import {
  fmt,
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

/** Issue 10's targets for an in-sync estate of 10,000 endpoints. */
export const RECONCILE_TARGETS = {
  requestsPerMinimum: 1.1,
  appCpuSeconds: 5,
  longestStallMs: 200,
  historyBytes: 1_000_000,
  peakRssMiB: 512,
} as const;

export interface ReconcileResult {
  scenario: 'reconcile';
  run: RunInfo;
  endpoints: number;
  subscriptions: number;
  records: number;
  status: string;
  requests: number;
  minimumPages: number;
  ratio: number;
  writes: number;
  byOperation: Record<string, number>;
  appCpuSeconds: number;
  wallSeconds: number;
  longestStallMs: number;
  /** Durable state of the instances the run created, as compact JSON. */
  historyBytes: number;
  /** The same as the host's state files. */
  stateFileBytes: number;
  instances: number;
  peakRssMiB: number;
  problems: string[];
}

export interface ReconcileOptions {
  endpoints: number;
  subscriptions: number;
  log?: (line: string) => void;
}

export async function runReconcile(options: ReconcileOptions, command: string): Promise<ReconcileResult> {
  const log = options.log ?? (() => undefined);
  log(`reconcile: ${options.endpoints} endpoints in ${options.subscriptions} subscriptions, in sync ...`);
  const size: SizeResult = await runReconcileScaleSize(
    options.endpoints,
    options.subscriptions,
    undefined,
    log,
  );
  const r: ReconcileResult = {
    scenario: 'reconcile',
    run: runInfo(command),
    endpoints: size.endpoints,
    subscriptions: size.subscriptions,
    records: size.records,
    status: size.app.status,
    requests: size.requests,
    minimumPages: size.minimum,
    ratio: ratio(size.requests, size.minimum),
    writes: size.writes,
    byOperation: size.byOperation,
    appCpuSeconds: Math.round(size.app.cpuSeconds * 100) / 100,
    wallSeconds: Math.round(size.app.wallSeconds * 100) / 100,
    longestStallMs: Math.round(size.app.maxStallMs),
    historyBytes: size.app.historyJsonBytes,
    stateFileBytes: size.app.stateFileBytes,
    instances: size.app.instances,
    peakRssMiB: Math.round(size.app.peakRssMb),
    problems: problemsOf(size),
  };
  log(
    `  ${r.status}: ${r.requests} requests / ${r.minimumPages} pages, CPU ${fmt(r.appCpuSeconds)} s, stall ${r.longestStallMs} ms, durable ${fmt(r.historyBytes / 1000, 1)} kB, RSS ${r.peakRssMiB} MiB`,
  );
  return r;
}

/** Each target of issue 10 with the figure it is checked against. */
export function reconcileTargets(r: ReconcileResult): Array<{ figure: string; met: boolean }> {
  const t = RECONCILE_TARGETS;
  return [
    { figure: 'requests ÷ minimum pages', met: r.ratio <= t.requestsPerMinimum },
    { figure: 'app CPU', met: r.appCpuSeconds <= t.appCpuSeconds },
    { figure: 'longest event-loop stall', met: r.longestStallMs <= t.longestStallMs },
    { figure: 'durable history', met: r.historyBytes <= t.historyBytes },
    { figure: 'peak RSS', met: r.peakRssMiB <= t.peakRssMiB },
  ];
}

export function renderReconcile(r: ReconcileResult): string {
  const b = BEFORE.reconcile;
  const met = new Map(reconcileTargets(r).map((t) => [t.figure, t.met ? 'met' : '**not met**']));
  const sameEstate = r.endpoints === b.endpoints && r.subscriptions === b.subscriptions;
  const versus = (figure: string, target: string, before: string, now: string, change: string) => [
    figure,
    target,
    sameEstate ? before : '– (another size)',
    now,
    sameEstate ? change : '–',
    met.get(figure) ?? '',
  ];
  return [
    ...runInfoLines(r.run),
    '',
    `${r.endpoints} private endpoints (Key Vault, blob, queue and web app in turn; ${r.records} records in 4 hub zones) in ${r.subscriptions} spoke subscriptions, every record standing with the app's ownership; one applied \`reconcile\` (\`scope: all\`) on the local Functions host. Three processes (bench/reconcileScale.ts): the emulator (not counted), the app (CPU from \`process.cpuUsage\` over the run, longest stall from \`monitorEventLoopDelay\` at 10 ms resolution, peak RSS from \`resourceUsage().maxRSS\`, durable state of the instances the run created as compact JSON), and the driver counting ARM requests on the emulator.`,
    '',
    ...table(
      [
        'status',
        'ARM requests',
        'minimum pages',
        'requests ÷ minimum',
        'writes',
        'app CPU s',
        'wall s',
        'longest event-loop stall ms',
        'durable state kB (instances)',
        'peak RSS MiB',
      ],
      [
        [
          r.status,
          r.requests,
          r.minimumPages,
          `**${fmt(r.ratio)}**`,
          r.writes,
          `**${fmt(r.appCpuSeconds)}**`,
          fmt(r.wallSeconds),
          `**${r.longestStallMs}**`,
          `**${fmt(r.historyBytes / 1000, 1)}** (${r.instances})`,
          `**${r.peakRssMiB}**`,
        ],
      ],
    ),
    '',
    `Requests by operation: ${Object.entries(r.byOperation)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([op, c]) => `${op} ${c}`)
      .join(', ')}.`,
    '',
    `Before (commit ${b.commit}, ${b.how}) and now; targets (issue 10):`,
    '',
    ...table(
      ['figure', 'target', 'before', 'now', 'change', ''],
      [
        versus(
          'requests ÷ minimum pages',
          `≤ ${RECONCILE_TARGETS.requestsPerMinimum}`,
          `${b.requests} / ${b.minimumPages} = ${fmt(b.requests / b.minimumPages)}`,
          `${r.requests} / ${r.minimumPages} = **${fmt(r.ratio)}**`,
          improvement(b.requests / b.minimumPages, r.ratio),
        ),
        versus(
          'app CPU',
          `≤ ${RECONCILE_TARGETS.appCpuSeconds} s`,
          `${b.appCpuSeconds} s`,
          `**${fmt(r.appCpuSeconds)} s**`,
          improvement(b.appCpuSeconds, r.appCpuSeconds),
        ),
        versus(
          'longest event-loop stall',
          `≤ ${RECONCILE_TARGETS.longestStallMs} ms`,
          `${b.longestStallMs} ms`,
          `**${r.longestStallMs} ms**`,
          improvement(b.longestStallMs, r.longestStallMs),
        ),
        versus(
          'durable history',
          '≤ 1 MB',
          `${fmt(b.historyBytes / 2 ** 20)} MiB`,
          `**${fmt(r.historyBytes / 1000, 1)} kB**`,
          improvement(b.historyBytes, r.historyBytes),
        ),
        versus(
          'peak RSS',
          `≤ ${RECONCILE_TARGETS.peakRssMiB} MiB`,
          `${b.peakRssMiB} MiB (emulator included)`,
          `**${r.peakRssMiB} MiB** (the app's process)`,
          improvement(b.peakRssMiB, r.peakRssMiB),
        ),
      ],
    ),
    '',
    ...problemLines(r.problems),
  ].join('\n');
}

export async function runReconcileBenchmark(args: string[]): Promise<void> {
  const opts = withResultOptions(
    new Command()
      .option('--endpoints <n>', 'private endpoints in the estate', '10000')
      .option('--subscriptions <n>', 'spoke subscriptions they are spread over', '200'),
    'reconcile',
  )
    .parse(['node', 'bench', ...args])
    .opts<{
      endpoints: string;
      subscriptions: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const result = await runReconcile(
    {
      endpoints: numberOption(opts.endpoints, '--endpoints', 1, 50_000),
      subscriptions: numberOption(opts.subscriptions, '--subscriptions', 1, 1000),
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
