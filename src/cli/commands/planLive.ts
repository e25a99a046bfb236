import type { Command } from 'commander';
import { renderPlanOutput } from '../../core/format';
import type { OutputFormat } from '../../core/format';
import type { SyncPolicy } from '../../core/types';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../io';
import { resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { loadLiveState } from '../live/state';

/** The flags `plan` takes with or without `--input`. */
export interface PlanFlags {
  readonly format: OutputFormat;
  readonly policy: SyncPolicy;
  readonly owner: string;
  readonly adopt: boolean;
  readonly ttl: number;
  readonly detailedExitcode?: boolean;
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
  const given = (name: string): boolean => {
    const source = command?.getOptionValueSource(name);
    return source !== undefined && source !== 'default';
  };
  const ctx = resolveLiveContext(
    { ...flags, ...(given('owner') ? {} : { owner: undefined }) },
    {
      settings: {
        ...(given('policy') ? { SYNC_POLICY: flags.policy } : {}),
        ...(given('adopt') && flags.adopt ? { ADOPT_FOREIGN_RECORDS: 'true' } : {}),
        ...(given('ttl') ? { RECORD_TTL_SECONDS: String(flags.ttl) } : {}),
      },
      ...deps,
    },
  );
  const state = await loadLiveState(ctx);
  io.stdout(renderPlanOutput(flags.format, state.plan, state.desired, state.endpoints, state.zoneChoices));
  if (flags.format === 'table') {
    const { listing } = state;
    io.stderr(
      `read ${state.endpoints.length} endpoint(s) via ${listing.source === 'resource-graph' ? 'Resource Graph' : 'ARM'}` +
        ` (${listing.requests} request(s)${listing.fallbackReason ? `; ${listing.fallbackReason}` : ''}),` +
        ` ${state.current.length} record set(s) in ${state.zones.size} hub zone(s)\n`,
    );
  }
  return flags.detailedExitcode && state.plan.hasChanges ? EXIT_USAGE : EXIT_OK;
}
