import type { Command } from 'commander';
import { Option } from 'commander';
import { canonicalId, parseResourceId } from '../../core/resourceId';
import { recordFqdn } from '../../core/zoneCatalogue';
import type { CliIo } from '../io';
import { exitCodeFor, UserInputError } from '../io';
import { suggestCommand } from '../live/commandLine';
import { addScopeOptions, resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { findHandMade, handMadeAdvice } from '../live/handMade';
import { OUTPUT_KINDS, printJson } from '../live/output';
import type { OutputKind } from '../live/output';
import { checkResolution, describeResolution, resolverFor, systemResolver } from '../live/resolve';
import type { Resolution } from '../live/resolve';
import { checkScope } from '../live/scopeCheck';
import { loadLiveState } from '../live/state';

export interface VerifyFlags extends ScopeFlags {
  /** Without it, the resolvers the machine is configured with. */
  readonly dnsServer?: string;
  readonly vnet?: string[];
  readonly output: OutputKind;
}

export interface LinkCheck {
  readonly zone: string;
  readonly virtualNetworkId: string;
  readonly linked: boolean;
  /** The zone itself is missing where the settings say it lives. */
  readonly zoneMissing: boolean;
}

/**
 * `verify`: the automated `nslookup` from a VM. Resolves every FQDN the scope needs (through `--dns-server`, or
 * the machine's own resolvers), checks that each hub zone involved is linked to every `--vnet`, and reports the
 * records in the hub zones that stand in the way: made by hand, or claimed by two endpoints.
 */
export async function runVerify(
  flags: VerifyFlags,
  io: CliIo,
  deps: Pick<ContextOptions, 'clients' | 'env'> = {},
): Promise<number> {
  const vnets = (flags.vnet ?? []).map((v) => {
    const id = parseResourceId(v);
    if (!id || id.type.toLowerCase() !== 'virtualnetworks') {
      throw new UserInputError(`--vnet: "${v}" is not a virtual network id`);
    }
    return canonicalId(v);
  });
  const resolver = flags.dnsServer ? resolverFor(flags.dnsServer) : systemResolver();
  const through =
    flags.dnsServer ?? `the system resolver (${resolver.getServers().join(', ') || 'none configured'})`;
  const ctx = resolveLiveContext(flags, { debug: io.stderr, ...deps });
  const state = await loadLiveState(ctx);
  for (const warning of await checkScope(
    ctx,
    state.endpoints.map((e) => e.id),
  ))
    io.stderr(`warning: ${warning}\n`);
  const { desired, plan } = state;

  const resolutions: Resolution[] = [];
  for (const record of desired) {
    resolutions.push(await checkResolution(resolver, recordFqdn(record.zone, record.name), record.ips));
  }

  const links: LinkCheck[] = [];
  if (vnets.length > 0) {
    for (const zone of [...new Set(desired.map((d) => d.zone))].sort()) {
      const where = ctx.locateZone(zone);
      const exists = await ctx.ports.zones.getZone(where);
      const linked = exists ? await ctx.ports.zones.listVirtualNetworkLinks(where) : [];
      for (const vnet of vnets) {
        links.push({
          zone,
          virtualNetworkId: vnet,
          linked: linked.some((l) => l.virtualNetworkId === vnet),
          zoneMissing: !exists,
        });
      }
    }
  }

  const handMade = findHandMade(plan, desired, state.current);
  const handMadeConflicts = new Set(handMade.replaceable.map((r) => r.fqdn));
  const otherConflicts = plan.conflicts.filter((c) => !handMadeConflicts.has(recordFqdn(c.zone, c.name)));
  const resolved = resolutions.every((r) => r.status === 'ok') && links.every((l) => l.linked);
  const code = exitCodeFor({ failed: !resolved, conflicts: plan.conflicts.length > 0 });
  if (flags.output === 'json') {
    printJson(io, {
      ok: code === 0,
      dnsServer: through,
      resolutions,
      links,
      handMade,
      conflicts: plan.conflicts,
      skips: plan.skips,
    });
    return code;
  }
  for (const r of resolutions) io.stdout(`${describeResolution(r)}\n`);
  for (const l of links) {
    io.stdout(
      l.linked
        ? `LINKED    ${l.zone} -> ${l.virtualNetworkId}\n`
        : l.zoneMissing
          ? `NO ZONE   ${l.zone} does not exist in the hub; create it and link it to ${l.virtualNetworkId}\n`
          : `NOT LINKED ${l.zone} -> ${l.virtualNetworkId}: add a virtual network link\n`,
    );
  }
  for (const r of handMade.adoptable)
    io.stdout(`HAND-MADE ${r.fqdn} -> ${r.ips.join(', ')}: right IPs, no owner\n`);
  for (const r of handMade.replaceable)
    io.stdout(
      `CONFLICT  ${r.fqdn} -> ${r.ips.join(', ') || 'no IPs'}: made by hand (no owner); the endpoint publishes ${r.wantIps.join(', ')}\n`,
    );
  for (const c of otherConflicts) io.stdout(`CONFLICT  ${c.message}\n`);
  const bad = resolutions.filter((r) => r.status !== 'ok').length;
  const extras = [
    ...(links.length ? [`${links.filter((l) => l.linked).length}/${links.length} zone links present`] : []),
    ...(plan.conflicts.length ? [`${plan.conflicts.length} conflict(s)`] : []),
    ...(handMade.adoptable.length ? [`${handMade.adoptable.length} record(s) made by hand`] : []),
  ];
  io.stdout(
    `${resolutions.length - bad}/${resolutions.length} names resolve as expected through ${through}` +
      (extras.length ? `, ${extras.join(', ')}` : '') +
      '\n',
  );
  for (const line of handMadeAdvice(handMade, (extra) => suggestCommand('sync', flags, extra)))
    io.stdout(`${line}\n`);
  for (const skip of plan.skips.filter((s) => s.code !== 'foreign-record'))
    io.stderr(`skipped ${skip.code}: ${skip.message}\n`);
  return code;
}

export function registerVerifyCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('verify')
    .description(
      'Resolve every FQDN the scope needs, check zone VNet links, and report hand-made records and conflicts',
    );
  addScopeOptions(command)
    .option(
      '--dns-server <ip[:port]>',
      'DNS server to ask (e.g. a resolver inside the spoke VNet); default: the system resolver',
    )
    .option(
      '--vnet <id>',
      'virtual network each hub zone must be linked to (repeatable)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .addOption(new Option('--output <kind>', 'output').choices(OUTPUT_KINDS).default('text'))
    .action(async (flags: VerifyFlags) => {
      setExitCode(await runVerify(flags, io));
    });
}
