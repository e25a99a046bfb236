import type { Command } from 'commander';
import { Option } from 'commander';
import { byZoneThenName } from '../../core/desiredState';
import { renderHosts, renderTsv } from '../../core/format';
import { planForResources } from '../../core/resourcePlan';
import type { DesiredRecord } from '../../core/types';
import { recordFqdn } from '../../core/zoneCatalogue';
import type { CliIo } from '../io';
import { EXIT_OK, positiveInteger } from '../io';
import { addScopeOptions, resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { OUTPUT_KINDS, printJson } from '../live/output';
import type { OutputKind } from '../live/output';
import { checkScope } from '../live/scopeCheck';

export const EXPORT_FORMATS = ['hosts', 'tsv', 'csv', 'bind'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFlags extends ScopeFlags {
  readonly format: ExportFormat;
  readonly output?: OutputKind;
  readonly ttl?: number;
}

/** `zone,record,fqdn,ip`, one row per address. */
export function renderCsv(records: readonly DesiredRecord[]): string {
  const lines = ['zone,record,fqdn,ip'];
  for (const r of [...records].sort(byZoneThenName)) {
    for (const ip of r.ips) lines.push(`${r.zone},${r.name},${recordFqdn(r.zone, r.name)},${ip}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One BIND zone-file fragment per zone (`$ORIGIN`, `$TTL`, A lines), for custom DNS servers. */
export function renderBind(records: readonly DesiredRecord[], ttl: number): string {
  const byZone = new Map<string, DesiredRecord[]>();
  for (const r of [...records].sort(byZoneThenName)) byZone.set(r.zone, [...(byZone.get(r.zone) ?? []), r]);
  const blocks: string[] = [];
  for (const [zone, list] of byZone) {
    const width = Math.max(...list.map((r) => r.name.length));
    const lines = [`$ORIGIN ${zone}.`, `$TTL ${ttl}`];
    for (const r of list) for (const ip of r.ips) lines.push(`${r.name.padEnd(width)} IN A ${ip}`);
    blocks.push(lines.join('\n'));
  }
  return blocks.length ? `${blocks.join('\n\n')}\n` : '';
}

/** `export`: every `<ip> <fqdn>` the scope needs, for custom DNS servers and host files (no hub zone needed). */
export async function runExport(
  flags: ExportFlags,
  io: CliIo,
  deps: Pick<ContextOptions, 'clients' | 'env'> = {},
): Promise<number> {
  const ctx = resolveLiveContext(flags, { needsHub: false, debug: io.stderr, ...deps });
  const listing = await ctx.ports.endpoints.listScope(ctx.scope);
  const { endpoints, desired, plan } = planForResources(
    listing.resources,
    [],
    { ownerId: ctx.config.ownerId, ttl: 1 },
    { cloud: ctx.config.cloud },
  );
  for (const warning of await checkScope(
    ctx,
    endpoints.map((e) => e.id),
  ))
    io.stderr(`warning: ${warning}\n`);
  const ttl = flags.ttl ?? ctx.config.recordTtlSeconds;
  if (flags.output === 'json') {
    printJson(io, {
      ttl,
      records: [...desired].sort(byZoneThenName).map((r) => ({
        zone: r.zone,
        name: r.name,
        fqdn: recordFqdn(r.zone, r.name),
        ips: r.ips,
        endpoints: r.owners,
      })),
      skips: plan.skips,
    });
    return EXIT_OK;
  }
  const render: Record<ExportFormat, () => string> = {
    hosts: () => renderHosts(desired),
    tsv: () => renderTsv(desired),
    csv: () => renderCsv(desired),
    bind: () => renderBind(desired, ttl),
  };
  io.stdout(render[flags.format]());
  for (const skip of plan.skips) io.stderr(`skipped ${skip.code}: ${skip.message}\n`);
  return EXIT_OK;
}

export function registerExportCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('export')
    .description('Print every <ip> <fqdn> the endpoints in scope need (hosts, tsv, csv or bind zone files)');
  addScopeOptions(command)
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('hosts'))
    .addOption(
      new Option('--output <kind>', 'json: the records as JSON (instead of --format)').choices(OUTPUT_KINDS),
    )
    .option('--ttl <seconds>', 'TTL for bind output (RECORD_TTL_SECONDS)', positiveInteger('--ttl'))
    .action(async (flags: ExportFlags) => {
      setExitCode(await runExport(flags, io));
    });
}
