import type { Command } from 'commander';
import { Option } from 'commander';
import { DEFAULT_CLOUD, isAzureCloudName } from '../../core/clouds';
import type { AzureCloudName } from '../../core/clouds';
import { OUTPUT_FORMATS, renderPlanOutput, renderZoneChoices } from '../../core/format';
import { SYNC_POLICIES } from '../../core/plan';
import { planForResources } from '../../core/resourcePlan';
import { explainMissingNics, readRecordSetFile, readResourceFile } from '../inputFiles';
import type { CliIo } from '../io';
import { UserInputError, exitCodeFor, positiveInteger } from '../io';
import { addScopeOptions } from '../live/context';
import { CLI_NAME, shellQuote } from '../live/commandLine';
import { findHandMade, handMadeAdvice } from '../live/handMade';
import { OUTPUT_KINDS } from '../live/output';
import { planFormat, runLivePlan } from './planLive';
import type { LivePlanFlags, PlanFlags } from './planLive';

export interface PlanCommandOptions extends PlanFlags {
  readonly input: string;
  readonly current?: string;
  /** AZURE_CLOUD for the offline plan (default: the AZURE_CLOUD variable, else AzureCloud). */
  readonly cloud?: string;
  /** Zones the hub holds (repeatable); with `--current`, the zones its record sets stand in count too. */
  readonly hubZone?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function offlineCloud(flag: string | undefined, env: NodeJS.ProcessEnv): AzureCloudName {
  const value = flag ?? (env.AZURE_CLOUD || undefined) ?? DEFAULT_CLOUD;
  if (!isAzureCloudName(value)) {
    throw new UserInputError(
      `AZURE_CLOUD: "${value}" is not AzureCloud, AzureUSGovernment or AzureChinaCloud`,
    );
  }
  return value;
}

export const DEFAULT_OWNER_ID = 'privatelink-dns-sync';

/**
 * Offline plan: endpoints and NICs from a file, optional current records from another, no Azure calls. Where
 * several zones fit a name, the zones named by `--hub-zone` and those `--current` records stand in decide;
 * without either, the catalogue's recommended zone is assumed and the plan says so.
 */
export function runPlan(
  options: PlanCommandOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const cloud = offlineCloud(options.cloud, env);
  const format = planFormat(options);
  const input = readResourceFile(options.input);
  const current = options.current ? readRecordSetFile(options.current) : { recordSets: [], notes: [] };
  for (const note of [...input.notes, ...current.notes]) io.stderr(`warning: ${note}\n`);
  const known = [...(options.hubZone ?? []), ...current.recordSets.map((r) => r.zone)].map((z) =>
    z.toLowerCase().replace(/\.$/, ''),
  );
  const planned = planForResources(
    input.resources,
    current.recordSets,
    { policy: options.policy, ownerId: options.owner, adopt: options.adopt, ttl: options.ttl },
    { cloud, ...(known.length > 0 ? { hubZones: known } : {}) },
  );
  const plan = explainMissingNics(planned.plan, input.endpointsWithoutNics, options.input);
  io.stdout(renderPlanOutput(format, plan, planned.desired, planned.endpoints, planned.zoneChoices));
  // TSV and hosts output feed scripts: the zone choices go to stderr there.
  if ((format === 'tsv' || format === 'hosts') && planned.zoneChoices.length > 0) {
    io.stderr(
      `zone choices (several zones fit these names):\n${renderZoneChoices(planned.zoneChoices).join('\n')}\n`,
    );
  }
  if (format === 'table') {
    // Offline the scope is not known: the command is to be run against Azure with the scope of these endpoints.
    const advice = handMadeAdvice(
      findHandMade(plan, planned.desired, current.recordSets),
      (extra) => `${CLI_NAME} sync <scope flags> ${extra.map(shellQuote).join(' ')}`,
    );
    for (const line of advice) io.stderr(`${line}\n`);
  }
  return exitCodeFor({
    conflicts: plan.conflicts.length > 0,
    pending: options.detailedExitcode === true && plan.hasChanges,
  });
}

export function registerPlanCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = program
    .command('plan')
    .description(
      'Show the DNS records private endpoints need and the changes that would bring hub zones in step',
    )
    .option(
      '--input <file>',
      'endpoints and NICs from a file (az … list, az graph query, Resource Graph or ARM list JSON); without it the plan is made live from Azure (scope flags)',
    )
    .option(
      '--current <file>',
      'existing A record sets in ARM list format; without it every record is a create',
    )
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--output <kind>', 'json: the same as --format json').choices(OUTPUT_KINDS))
    .addOption(new Option('--policy <policy>', 'sync policy').choices(SYNC_POLICIES).default('sync'))
    .option('--owner <id>', 'owner id written into record metadata', DEFAULT_OWNER_ID)
    .option('--adopt', 'adopt unowned records whose IPs already match', false)
    .option('--ttl <seconds>', 'TTL of the records', positiveInteger('--ttl'), 10)
    .option('--detailed-exitcode', 'exit 2 when the plan has changes to make')
    .option(
      '--hub-zone <zone>',
      'with --input: a zone the hub holds, deciding where several zones fit a name (repeatable)',
      collect,
    );
  addScopeOptions(command, { owner: false }).action(
    async (options: PlanCommandOptions & LivePlanFlags, cmd: Command) => {
      setExitCode(options.input ? runPlan(options, io) : await runLivePlan(options, cmd, io));
    },
  );
}
