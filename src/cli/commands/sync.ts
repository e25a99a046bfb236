import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { describePlan, SYNC_POLICIES } from '../../core/plan';
import type { SyncPolicy } from '../../core/types';
import { applyPlan } from '../../azure/applyPlan';
import type { ApplyReport } from '../../azure/applyPlan';
import { SlidingWindowPacer } from '../../azure/pacer';
import type { WritePacer } from '../../azure/ports';
import type { CliIo } from '../io';
import { exitCodeFor, positiveInteger, processIo, UserInputError } from '../io';
import { suggestCommand } from '../live/commandLine';
import { addScopeOptions, resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { findHandMade, handMadeAdvice, policyAllowsReplacing, replaceHandMade } from '../live/handMade';
import type { HandMadeRecord } from '../live/handMade';
import { isInteractive, OUTPUT_KINDS, printJson, seconds, writeProgress } from '../live/output';
import type { OutputKind } from '../live/output';
import { checkScope } from '../live/scopeCheck';
import { loadLiveState } from '../live/state';

export interface SyncFlags extends ScopeFlags {
  readonly policy?: SyncPolicy;
  readonly adopt?: boolean;
  readonly concurrency: number;
  readonly dryRun?: boolean;
  readonly detailedExitcode?: boolean;
  readonly output: OutputKind;
  readonly ttl?: number;
  readonly timeScale?: number;
  /** FQDNs of hand-made records to overwrite with the endpoint IPs. */
  readonly replaceForeign?: string[];
  readonly yes?: boolean;
  /** `--no-progress` sets false. */
  readonly progress?: boolean;
}

export interface SyncDeps extends Pick<ContextOptions, 'clients' | 'env'> {
  /** Replaces the in-process pacer (tests, or a shared pacer). */
  readonly pacer?: WritePacer;
  /** Asks the operator a yes/no question (default: on the terminal, when there is one). */
  readonly confirm?: (question: string) => Promise<boolean>;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} must be a positive number, got "${value}"`);
    return n;
  };
}

/** `a.zone,b.zone` and repeated flags alike. */
const collectNames = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== ''),
];

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function replacementLine(r: HandMadeRecord): string {
  return `${r.fqdn}: ${r.ips.join(', ') || 'no IPs'} -> ${r.wantIps.join(', ')}`;
}

/** `sync`: read the scope live, plan, apply with conditional writes and pacing, print a summary. */
export async function runSync(
  flags: SyncFlags,
  io: CliIo,
  deps: SyncDeps = {},
): Promise<{ code: number; report?: ApplyReport }> {
  const ctx = resolveLiveContext(flags, {
    settings: {
      ...(flags.policy ? { SYNC_POLICY: flags.policy } : {}),
      ...(flags.adopt ? { ADOPT_FOREIGN_RECORDS: 'true' } : {}),
      ...(flags.ttl ? { RECORD_TTL_SECONDS: String(flags.ttl) } : {}),
    },
    debug: io.stderr,
    ...(deps.clients ? { clients: deps.clients } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  const state = await loadLiveState(ctx);
  for (const warning of await checkScope(
    ctx,
    state.endpoints.map((e) => e.id),
  ))
    io.stderr(`warning: ${warning}\n`);
  // Creates into hub zones that do not exist are left out (they are skips naming the zone) and fail the run.
  let plan = state.applicable;

  let replaced: HandMadeRecord[] = [];
  if (flags.replaceForeign?.length) {
    if (!policyAllowsReplacing(plan))
      throw new UserInputError(
        `--replace-foreign takes records over, which policy ${plan.policy} does not allow (use --policy sync or upsert-only)`,
      );
    const replacement = replaceHandMade(
      plan,
      state.desired,
      state.current,
      flags.replaceForeign,
      state.planOptions.ttl,
    );
    for (const name of replacement.notFound)
      io.stderr(
        `warning: --replace-foreign ${name}: no record made by hand stands in the way there (already right, owned, or not needed by the scope); nothing to replace\n`,
      );
    plan = replacement.plan;
    replaced = replacement.replaced;
    if (replaced.length > 0 && !flags.dryRun && !flags.yes) {
      const question =
        `Replace ${replaced.length} record(s) made by hand with the endpoint IPs?\n` +
        `${replaced.map((r) => `  ${replacementLine(r)}\n`).join('')}Type yes to go on: `;
      const confirm =
        deps.confirm ??
        (isInteractive(io) && process.stdin.isTTY === true && io === processIo ? askOnTerminal : undefined);
      if (!confirm)
        throw new UserInputError(
          '--replace-foreign overwrites records made by hand: confirm on a terminal, or add --yes',
        );
      if (!(await confirm(question))) throw new UserInputError('not confirmed; nothing was written');
    }
  }

  if (flags.dryRun) {
    if (flags.output === 'json')
      printJson(io, { dryRun: true, listing: listingInfo(state.listing), plan, replaced });
    else {
      for (const r of replaced) io.stdout(`would replace (made by hand) ${replacementLine(r)}\n`);
      io.stdout(`${describePlan(plan).join('\n')}\n`);
      for (const skip of plan.skips) io.stdout(`skipped ${skip.code}: ${skip.message}\n`);
      io.stdout(`${summaryLine(plan.summary)}\n`);
    }
    // Records waiting for a missing zone are pending changes too.
    return {
      code: exitCodeFor({
        conflicts: plan.conflicts.length > 0,
        pending: flags.detailedExitcode === true && (plan.hasChanges || state.missingZones.length > 0),
      }),
    };
  }

  if (replaced.length > 0 && flags.output === 'text')
    io.stdout(
      `replacing ${replaced.length} record(s) made by hand, as asked with --replace-foreign:\n${replaced.map((r) => `  ${replacementLine(r)}\n`).join('')}`,
    );
  const total = plan.creates.length + plan.updates.length + plan.adoptions.length + plan.deletes.length;
  const progress = writeProgress(
    io,
    'sync',
    flags.output === 'text' && flags.progress !== false && total > 0,
  );
  const pacer =
    deps.pacer ??
    new SlidingWindowPacer({
      timeScale: flags.timeScale ?? 1,
      onWait: (key, waitMs, limit) => progress.waiting(key.zone, waitMs, limit),
    });
  const report = await applyPlan(plan, {
    records: ctx.ports.records,
    locateZone: (zone) => ctx.locateZone(zone),
    pacer,
    concurrency: flags.concurrency,
    replan: { desired: state.desired, options: state.planOptions },
    onProgress: (p: { done: number; total: number }) => progress.progress(p.done, p.total),
  });
  progress.finish();
  const written = new Set(
    report.outcomes.filter((o) => o.result === 'written').map((o) => `${o.name}.${o.zone}`),
  );
  const replacedResults = replaced.map((r) => ({ ...r, written: written.has(r.fqdn) }));
  // A hub zone that does not exist leaves records unwritten: a failure the operator has to fix, not a skip.
  const code = exitCodeFor({
    failed: report.failures.length > 0 || state.missingZones.length > 0,
    conflicts: report.conflicts.length > 0,
  });
  if (flags.output === 'json') {
    printJson(io, {
      listing: listingInfo(state.listing),
      planSummary: plan.summary,
      report: { ...report, outcomes: report.outcomes },
      missingZones: state.missingZones,
      replaced: replacedResults,
    });
    return { code, report };
  }
  io.stdout(renderReport(report, state.listing.source));
  for (const r of replacedResults)
    io.stdout(
      r.written
        ? `REPLACED ${replacementLine(r)} (made by hand; now owned by ${plan.ownerId})\n`
        : `NOT REPLACED ${r.fqdn}: it changed while we wrote it; left as it stands\n`,
    );
  // What is still in the way after this run, with the command that deals with it.
  const stillHandMade = findHandMade(
    { ...plan, conflicts: report.conflicts, skips: report.skips },
    state.desired,
    state.current,
  );
  for (const line of handMadeAdvice(stillHandMade, (extra) => suggestCommand('sync', flags, extra)))
    io.stdout(`${line}\n`);
  return { code, report };
}

function listingInfo(listing: {
  source: string;
  requests: number;
  fallbackReason?: string;
  resources: unknown[];
}) {
  return {
    source: listing.source,
    requests: listing.requests,
    resources: listing.resources.length,
    ...(listing.fallbackReason ? { fallbackReason: listing.fallbackReason } : {}),
  };
}

function summaryLine(s: {
  creates: number;
  updates: number;
  deletes: number;
  adoptions: number;
  conflicts: number;
  unchanged: number;
  skips: number;
}): string {
  return `plan: ${s.creates} to create, ${s.updates} to update, ${s.adoptions} to adopt, ${s.deletes} to delete, ${s.unchanged} unchanged, ${s.conflicts} conflicts, ${s.skips} skipped`;
}

/** The human summary: one line of totals, then every failure, conflict and skip with its reason. */
export function renderReport(report: ApplyReport, source: string): string {
  const lines: string[] = [];
  lines.push(
    `written ${report.written} (created ${report.created}, updated ${report.updated}, adopted ${report.adopted}, deleted ${report.deleted})`,
    `unchanged ${report.unchanged}, conflicts ${report.conflicts.length}, skipped ${report.skips.length}, failed ${report.failures.length}`,
    `429s absorbed ${report.throttled}, retries ${report.retried}, 412 re-plans ${report.replans}, time ${seconds(report.durationMs)} (endpoints via ${source})`,
  );
  for (const f of report.failures)
    lines.push(
      `FAILED  ${f.action} ${f.name}.${f.zone}: ${f.code}${f.statusCode ? ` (${f.statusCode})` : ''} on ${f.resourceId}`,
    );
  for (const c of report.conflicts) lines.push(`CONFLICT ${c.message}`);
  for (const s of report.skips) lines.push(`SKIPPED ${s.code}: ${s.message}`);
  return `${lines.join('\n')}\n`;
}

export function registerSyncCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = program
    .command('sync')
    .description('Bring the hub zones in step with the endpoints in scope (conditional, paced writes)');
  addScopeOptions(command)
    .addOption(new Option('--policy <policy>', 'sync policy (SYNC_POLICY)').choices(SYNC_POLICIES))
    .option('--adopt', 'adopt unowned records whose IPs already match (ADOPT_FOREIGN_RECORDS)')
    .option(
      '--replace-foreign <fqdn>',
      'overwrite this record made by hand (no owner) with the endpoint IPs and take it over; comma-separated or repeated; asks on a terminal',
      collectNames,
    )
    .option('--yes', 'with --replace-foreign: do not ask (scripts)')
    .option('--ttl <seconds>', 'TTL of written records (RECORD_TTL_SECONDS)', positiveInteger('--ttl'))
    .option('--concurrency <n>', 'writes in flight at once', positiveInteger('--concurrency'), 8)
    .option('--dry-run', 'print what would change and write nothing')
    .option('--detailed-exitcode', 'with --dry-run: exit 2 when changes are pending')
    .addOption(new Option('--output <kind>', 'output').choices(OUTPUT_KINDS).default('text'))
    .option('--no-progress', 'no progress on stderr (a bar on a terminal, plain lines otherwise)')
    .addOption(
      new Option('--time-scale <n>', 'pace as if time ran n times faster (for time-scaled emulators)')
        .argParser(positiveNumber('--time-scale'))
        .hideHelp(),
    )
    .action(async (flags: SyncFlags) => {
      setExitCode((await runSync(flags, io)).code);
    });
}
