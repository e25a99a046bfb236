import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { describePlan, SYNC_POLICIES } from '../../core/plan';
import type { SyncPolicy } from '../../core/types';
import { applyPlan } from '../../azure/applyPlan';
import type { ApplyReport } from '../../azure/applyPlan';
import { TokenBucketPacer } from '../../azure/pacer';
import type { WritePacer } from '../../azure/ports';
import type { CliIo } from '../io';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, positiveInteger } from '../io';
import { addScopeOptions, resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { isInteractive, OUTPUT_KINDS, printJson, ProgressBar, seconds } from '../live/output';
import type { OutputKind } from '../live/output';
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
}

export interface SyncDeps extends Pick<ContextOptions, 'clients' | 'env'> {
  /** Replaces the in-process token buckets (tests, or a shared pacer). */
  readonly pacer?: WritePacer;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} must be a positive number, got "${value}"`);
    return n;
  };
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
    ...(deps.clients ? { clients: deps.clients } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  const state = await loadLiveState(ctx);
  // Creates into hub zones that do not exist are left out (they are skips naming the zone) and fail the run.
  const plan = state.applicable;

  if (flags.dryRun) {
    if (flags.output === 'json') printJson(io, { dryRun: true, listing: listingInfo(state.listing), plan });
    else {
      io.stdout(`${describePlan(plan).join('\n')}\n`);
      for (const skip of plan.skips) io.stdout(`skipped ${skip.code}: ${skip.message}\n`);
      io.stdout(`${summaryLine(plan.summary)}\n`);
    }
    // Records waiting for a missing zone are pending changes too.
    return { code: flags.detailedExitcode && state.plan.hasChanges ? EXIT_USAGE : EXIT_OK };
  }

  const total = plan.creates.length + plan.updates.length + plan.adoptions.length + plan.deletes.length;
  const bar =
    flags.output === 'text' && isInteractive(io) && total > 0 ? new ProgressBar(io, 'sync') : undefined;
  const pacer = deps.pacer ?? new TokenBucketPacer({ timeScale: flags.timeScale ?? 1 });
  const report = await applyPlan(plan, {
    records: ctx.ports.records,
    locateZone: (zone) => ctx.locateZone(zone),
    pacer,
    concurrency: flags.concurrency,
    replan: { desired: state.desired, options: state.planOptions },
    ...(bar ? { onProgress: (p: { done: number; total: number }) => bar.update(p.done, p.total) } : {}),
  });
  if (bar) {
    bar.update(total, total, true);
    bar.finish();
  }
  // A hub zone that does not exist leaves records unwritten: a failure the operator has to fix, not a skip.
  const code = report.failures.length > 0 || state.missingZones.length > 0 ? EXIT_FAILURE : EXIT_OK;
  if (flags.output === 'json') {
    printJson(io, {
      listing: listingInfo(state.listing),
      planSummary: plan.summary,
      report: { ...report, outcomes: report.outcomes },
      missingZones: state.missingZones,
    });
    return { code, report };
  }
  io.stdout(renderReport(report, state.listing.source));
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
    .option('--ttl <seconds>', 'TTL of written records (RECORD_TTL_SECONDS)', positiveInteger('--ttl'))
    .option('--concurrency <n>', 'writes in flight at once', positiveInteger('--concurrency'), 8)
    .option('--dry-run', 'print what would change and write nothing')
    .option('--detailed-exitcode', 'with --dry-run: exit 2 when changes are pending')
    .addOption(new Option('--output <kind>', 'output').choices(OUTPUT_KINDS).default('text'))
    .addOption(
      new Option('--time-scale <n>', 'pace as if time ran n times faster (for time-scaled emulators)')
        .argParser(positiveNumber('--time-scale'))
        .hideHelp(),
    )
    .action(async (flags: SyncFlags) => {
      setExitCode((await runSync(flags, io)).code);
    });
}
