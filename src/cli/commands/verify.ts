import type { Command } from 'commander';
import { Option } from 'commander';
import { canonicalId, parseResourceId } from '../../core/resourceId';
import { planForResources } from '../../core/resourcePlan';
import { recordFqdn } from '../../core/zoneCatalogue';
import type { CliIo } from '../io';
import { EXIT_FAILURE, EXIT_OK, UserInputError } from '../io';
import { addScopeOptions, resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { OUTPUT_KINDS, printJson } from '../live/output';
import type { OutputKind } from '../live/output';
import { checkResolution, describeResolution, resolverFor } from '../live/resolve';
import type { Resolution } from '../live/resolve';

export interface VerifyFlags extends ScopeFlags {
  readonly dnsServer: string;
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
 * `verify`: the automated `nslookup` from a VM. Resolves every FQDN the scope needs through `--dns-server` and
 * checks that each hub zone involved is linked to every `--vnet`.
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
  const resolver = resolverFor(flags.dnsServer);
  const ctx = resolveLiveContext(flags, deps);
  const listing = await ctx.ports.endpoints.listScope(ctx.scope);
  const { desired, plan } = planForResources(
    listing.resources,
    [],
    { ownerId: ctx.config.ownerId, ttl: 1 },
    { cloud: ctx.config.cloud },
  );

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

  const ok = resolutions.every((r) => r.status === 'ok') && links.every((l) => l.linked);
  if (flags.output === 'json') {
    printJson(io, { ok, dnsServer: flags.dnsServer, resolutions, links, skips: plan.skips });
  } else {
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
    const bad = resolutions.filter((r) => r.status !== 'ok').length;
    io.stdout(
      `${resolutions.length - bad}/${resolutions.length} names resolve as expected` +
        (links.length ? `, ${links.filter((l) => l.linked).length}/${links.length} zone links present` : '') +
        '\n',
    );
    for (const skip of plan.skips) io.stderr(`skipped ${skip.code}: ${skip.message}\n`);
  }
  return ok ? EXIT_OK : EXIT_FAILURE;
}

export function registerVerifyCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('verify')
    .description('Resolve every FQDN the scope needs through a DNS server and check zone VNet links');
  addScopeOptions(command)
    .requiredOption('--dns-server <ip[:port]>', 'DNS server to ask (e.g. a resolver inside the spoke VNet)')
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
