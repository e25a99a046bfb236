/**
 * One chaos run end to end, and many of them under fast-check:
 *
 *   reset → operations interleaved with faults → faults off, hidden DNS data shown again → settle →
 *   check the event path → hide the DNS data of `hiddenAtReconcile` → one reconcile (POST /api/resync, scope all)
 *   → settle → check everything (see invariants.ts).
 *
 * Each run is one fast-check property run with its own seed, so `--seed S` replays its scenario exactly, and a
 * diverging run is shrunk to a shorter scenario (replayed with `--seed S --path P`). What is not deterministic
 * for a seed: the interleaving of the app's work with the operations (wall-clock timing on a shared machine),
 * and hence which requests the seeded fault injector hits; Backup's generated vault ids and storage names
 * continue the emulator's generator across runs of one process.
 */
import fc from 'fast-check';
import {
  checkDeliveries,
  checkFailures,
  checkRetries,
  checkState,
  checkWriteLog,
  eventCoverage,
  type Violation,
} from './invariants';
import {
  scenarioArb,
  type Scenario,
  type ScenarioProfile,
  QUICK_PROFILE,
  describeScenario,
} from './scenario';
import {
  applyOperation,
  beginRun,
  endChaos,
  endRun,
  hideDns,
  settle,
  type ChaosWorld,
  type RunContext,
} from './world';

export interface RunResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: Violation[];
  readonly operations: number;
  readonly skipped: number;
  readonly faults: number;
  readonly faultDetail: Record<string, number>;
  /** Desired records at the end. */
  readonly records: number;
  /** Desired records missing or wrong after the reconcile. */
  readonly lost: number;
  readonly durationMs: number;
}

const RECONCILE_TIMEOUT_MS = 60_000;

export async function runScenario(world: ChaosWorld, scenario: Scenario, seed: number): Promise<RunResult> {
  const started = Date.now();
  const ctx = await beginRun(world, scenario, seed);
  const failedBefore = new Set(
    world.stack.host.durable.listInstances({ runtimeStatus: ['Failed'] }).map((s) => s.instanceId),
  );
  const violations: Violation[] = [];
  try {
    for (const op of scenario.ops) {
      let applied = false;
      try {
        applied = await applyOperation(ctx, op);
      } catch (error) {
        ctx.notes.push(`${op.op}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (applied) ctx.opsApplied++;
      else ctx.opsSkipped++;
    }
    const faultDetail = collectFaults(ctx);
    endChaos(ctx);

    const unsettled = await settle(ctx);
    if (unsettled) {
      violations.push({
        invariant: '8',
        message: `did not settle after the operations: ${unsettled.join('; ')}`,
      });
      // Stop what still runs, so the reconcile and the checks see a quiet stack.
      await endRun(ctx);
    } else {
      violations.push(...(await checkState(ctx, 'events', eventCoverage(ctx))).violations);
    }

    let hidden = 0;
    for (const index of scenario.hiddenAtReconcile) {
      const slot = ctx.slots[index];
      if (slot && hideDns(ctx, slot, true)) hidden++;
    }
    if (hidden > 0) faultDetail['hidden-at-reconcile'] = hidden;
    if (hidden > 0) await settle(ctx);

    const answer = await ctx.stack.api('POST', 'resync', JSON.stringify({ scope: 'all' }));
    const reconcileId = (answer.json as { id?: string } | undefined)?.id;
    if (answer.status !== 202 || !reconcileId) {
      violations.push({
        invariant: '8',
        message: `resync answered ${answer.status}: ${answer.text.slice(0, 200)}`,
      });
    } else {
      try {
        const done = await ctx.stack.host.durable.waitForCompletion(reconcileId, RECONCILE_TIMEOUT_MS);
        if (done.runtimeStatus !== 'Completed')
          ctx.notes.push(
            `closing reconcile ${done.runtimeStatus}: ${JSON.stringify(done.output).slice(0, 200)}`,
          );
      } catch (error) {
        violations.push({
          invariant: '8',
          message: `closing reconcile: ${(error as Error).message.slice(0, 300)}`,
        });
      }
    }
    const stillMoving = await settle(ctx);
    if (stillMoving) {
      violations.push({
        invariant: '8',
        message: `did not settle after the reconcile: ${stillMoving.join('; ')}`,
      });
      await endRun(ctx);
    }

    const state = await checkState(ctx, 'final');
    violations.push(...state.violations);
    violations.push(...checkWriteLog(ctx));
    violations.push(...checkFailures(ctx, failedBefore));
    const deliveries = checkDeliveries(ctx);
    violations.push(...deliveries.violations);
    const retries = checkRetries(ctx);
    violations.push(...retries.violations);
    faultDetail['412'] = retries.stats.preconditionFailed;
    const faults = Object.entries(faultDetail)
      .filter(([k]) => k !== '412')
      .reduce((n, [, v]) => n + v, 0);
    return {
      seed,
      ok: violations.length === 0,
      violations,
      operations: ctx.opsApplied,
      skipped: ctx.opsSkipped,
      faults,
      faultDetail,
      records: state.desired.size,
      lost: state.lost,
      durationMs: Date.now() - started,
    };
  } finally {
    await endRun(ctx);
  }
}

/** Faults injected so far in the run, by kind (read before the injector is reconfigured). */
function collectFaults(ctx: RunContext): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of ctx.stack.emu.faults.injectedCounts) out[name] = n;
  const eg = ctx.stack.eventGrid.delivery.stats();
  if (eg.duplicated > 0) out['eg-duplicate'] = eg.duplicated;
  if (eg.dropped > 0) out['eg-drop'] = eg.dropped;
  const chaos = ctx.scenario.faults.eventGrid;
  if (chaos && (chaos.delayMs > 0 || chaos.reorderWindowMs > 0)) out['eg-delayed-or-reordered'] = eg.matched;
  if (ctx.restarts > 0) out['host-restart'] = ctx.restarts;
  if (ctx.hides > 0) out['empty-dns'] = ctx.hides;
  return out;
}

export function summaryLine(r: RunResult): string {
  const detail = Object.entries(r.faultDetail)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  const outcome = r.ok
    ? 'converged'
    : `DIVERGED (${[...new Set(r.violations.map((v) => v.invariant))].join(',')})`;
  return `seed=${r.seed} ops=${r.operations} faults=${r.faults} records=${r.records} lost=${r.lost} ${outcome} ${(r.durationMs / 1000).toFixed(1)}s${detail ? ` [${detail}]` : ''}`;
}

export class Divergence extends Error {
  constructor(readonly result: RunResult) {
    super(result.violations.map((v) => `(${v.invariant}) ${v.message}`).join('\n'));
  }
}

export interface SeedOutcome {
  readonly seed: number;
  readonly result: RunResult;
  readonly scenario: Scenario;
  /** When the run diverged and was shrunk: the smallest diverging scenario found, its path and its result. */
  readonly shrunk?: { scenario: Scenario; path: string; result?: RunResult; shrinks: number };
}

/**
 * Runs the scenario of one seed (fast-check generates it); on divergence, optionally lets fast-check shrink it
 * within `shrinkTimeMs`. `path` replays a shrunk counterexample exactly.
 */
export async function runSeed(
  world: ChaosWorld,
  seed: number,
  options: {
    profile?: ScenarioProfile;
    shrinkTimeMs?: number;
    path?: string;
    onRun?: (r: RunResult, shrinking: boolean) => void;
  } = {},
): Promise<SeedOutcome> {
  let first: { result: RunResult; scenario: Scenario } | undefined;
  let lastFailure: { result: RunResult; scenario: Scenario } | undefined;
  const property = fc.asyncProperty(scenarioArb(options.profile ?? QUICK_PROFILE), async (scenario) => {
    const result = await runScenario(world, scenario, seed);
    const shrinking = first !== undefined;
    if (!first) first = { result, scenario };
    options.onRun?.(result, shrinking);
    if (!result.ok) {
      lastFailure = { result, scenario };
      throw new Divergence(result);
    }
  });
  const shrink = (options.shrinkTimeMs ?? 0) > 0;
  const details = await fc.check(property, {
    seed,
    numRuns: 1,
    ...(options.path !== undefined ? { path: options.path } : {}),
    endOnFailure: !shrink,
    ...(shrink ? { interruptAfterTimeLimit: options.shrinkTimeMs } : {}),
    markInterruptAsFailure: false,
  });
  if (!first) throw new Error(`seed ${seed}: no run happened`);
  const head = first;
  if (!details.failed || !shrink || !details.counterexample) return { seed, ...head };
  const counterexample = details.counterexample[0];
  return {
    seed,
    ...head,
    shrunk: {
      scenario: counterexample,
      path: details.counterexamplePath ?? '',
      ...(lastFailure && lastFailure.scenario === counterexample ? { result: lastFailure.result } : {}),
      shrinks: details.numShrinks,
    },
  };
}

/** The reproduction a diverging seed prints. */
export function reproduction(outcome: SeedOutcome, command = 'npm run chaos --'): string[] {
  const lines = [`seed ${outcome.seed} diverged:`];
  for (const v of outcome.result.violations) lines.push(`  (${v.invariant}) ${v.message}`);
  const shown = outcome.shrunk?.scenario ?? outcome.scenario;
  lines.push(
    outcome.shrunk ? `shrunk reproduction (${outcome.shrunk.shrinks} shrink step(s)):` : 'scenario:',
  );
  for (const line of describeScenario(shown)) lines.push(`  ${line}`);
  if (outcome.shrunk?.result) {
    lines.push('  which broke:');
    for (const v of outcome.shrunk.result.violations) lines.push(`    (${v.invariant}) ${v.message}`);
  }
  lines.push(`replay: ${command} --seed ${outcome.seed}`);
  if (outcome.shrunk?.path)
    lines.push(`replay the shrunk scenario: ${command} --seed ${outcome.seed} --path ${outcome.shrunk.path}`);
  return lines;
}
