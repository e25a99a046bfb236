import type { Command } from 'commander';
import { renderPlanOutput } from '../../core/format';
import type { OutputFormat } from '../../core/format';
import type { SyncPolicy } from '../../core/types';
import type { CliIo } from '../io';
import { exitCodeFor, UserInputError } from '../io';
import { suggestCommand } from '../live/commandLine';
import { resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { findHandMade, handMadeAdvice } from '../live/handMade';
import type { OutputKind } from '../live/output';
import { checkScope } from '../live/scopeCheck';
import { loadLiveState } from '../live/state';

/** The flags `plan` takes with or without `--input`. */
export interface PlanFlags {
  readonly format: OutputFormat;
  readonly output?: OutputKind;
  readonly policy: SyncPolicy;
  readonly owner: string;
  readonly adopt: boolean;
  readonly ttl: number;
  readonly detailedExitcode?: boolean;
}

/** `--output json` is the same as `--format json` (every command takes `--output json`). */
export function planFormat(flags: { format: OutputFormat; output?: OutputKind }): OutputFormat {
  if (flags.output === 'json' && flags.format !== 'table' && flags.format !== 'json')
    throw new UserInputError(`--output json and --format ${flags.format} ask for two outputs; pick one`);
  return flags.output === 'json' ? 'json' : flags.format;
}

export interface LivePlanFlags extends Omit<ScopeFlags, 'owner'>, PlanFlags {}

/**
 * `plan` without `--input`: the same plan, made from the endpoints in scope and the hub records as they stand.
 * Flags given on the command line win over `--config`; flags left at their defaults defer to it.
 */
export async function runLivePlan(
  flags: LivePlanFlags,
  command: Pick<Command, 'getOptionValueSource'> | undefined,
  io: CliIo,
  deps: Pick<ContextOptions, 'clients' | 'env'> = {},
): Promise<number> {
  const format = planFormat(flags);
  const given = (name: string): boolean => {
    const source = command?.getOptionValueSource(name);
    return source !== undefined && source !== 'default';
  };
  const scopeFlags = { ...flags, ...(given('owner') ? {} : { owner: undefined }) };
  const ctx = resolveLiveContext(scopeFlags, {
    settings: {
      ...(given('policy') ? { SYNC_POLICY: flags.policy } : {}),
      ...(given('adopt') && flags.adopt ? { ADOPT_FOREIGN_RECORDS: 'true' } : {}),
      ...(given('ttl') ? { RECORD_TTL_SECONDS: String(flags.ttl) } : {}),
    },
    debug: io.stderr,
    ...deps,
  });
  const state = await loadLiveState(ctx);
  for (const warning of await checkScope(
    ctx,
    state.endpoints.map((e) => e.id),
  ))
    io.stderr(`warning: ${warning}\n`);
  io.stdout(renderPlanOutput(format, state.plan, state.desired, state.endpoints, state.zoneChoices));
  if (format === 'table') {
    const { listing } = state;
    io.stderr(
      `read ${state.endpoints.length} endpoint(s) via ${listing.source === 'resource-graph' ? 'Resource Graph' : 'ARM'}` +
        ` (${listing.requests} request(s)${listing.fallbackReason ? `; ${listing.fallbackReason}` : ''}),` +
        ` ${state.current.length} record set(s) in ${state.zones.size} hub zone(s)\n`,
    );
    const advice = handMadeAdvice(findHandMade(state.plan, state.desired, state.current), (extra) =>
      suggestCommand('sync', scopeFlags, extra),
    );
    for (const line of advice) io.stderr(`${line}\n`);
  }
  return exitCodeFor({
    conflicts: state.plan.conflicts.length > 0,
    pending: flags.detailedExitcode === true && state.plan.hasChanges,
  });
}
