import type { Command } from 'commander';
import { Option } from 'commander';
import type { EndpointState } from '../../core/endpoint';
import { sameIps } from '../../core/ipv4';
import { decodeOwnership } from '../../core/ownership';
import { canonicalId } from '../../core/resourceId';
import { recordFqdn } from '../../core/zoneCatalogue';
import type { CliIo } from '../io';
import { exitCodeFor } from '../io';
import { suggestCommand } from '../live/commandLine';
import { addScopeOptions, resolveLiveContext } from '../live/context';
import type { ContextOptions, ScopeFlags } from '../live/context';
import { findHandMade } from '../live/handMade';
import { OUTPUT_KINDS, printJson } from '../live/output';
import type { OutputKind } from '../live/output';
import { checkResolution, resolverFor } from '../live/resolve';
import { loadLiveState } from '../live/state';

export interface DoctorFlags extends ScopeFlags {
  readonly vault: string;
  readonly dnsServer?: string;
  readonly output: OutputKind;
}

export interface Check {
  readonly ok: boolean;
  /** Informational lines (Backup experience) never fail the run. */
  readonly info?: boolean;
  readonly title: string;
  readonly detail?: string;
  /** What to do about it, when not ok (or, for an information line, what the operator may want to do). */
  readonly fix?: string;
  /** More than one thing to do. */
  readonly fixes?: string[];
  /** Failed only because records stand in the way (made by hand, or two endpoints disagree): exit 4, not 1. */
  readonly conflict?: boolean;
  /** One line per problem found (records missing or wrong, names not resolving). */
  readonly items?: string[];
}

const ITEMS_SHOWN = 5;

function vnetOfEndpoint(raw: unknown): string | undefined {
  const props = (raw as { properties?: { subnet?: { id?: string } }; subnet?: { id?: string } }) ?? {};
  const subnet = props.properties?.subnet?.id ?? props.subnet?.id;
  if (!subnet) return undefined;
  const at = subnet.toLowerCase().indexOf('/subnets/');
  return at > 0 ? canonicalId(subnet.slice(0, at)) : undefined;
}

/**
 * `doctor --vault ID`: walks the private-endpoint checklist for a Recovery Services vault, printing ✓/✗ and the
 * fix for each item. Exit 0 when every check passes, 1 otherwise.
 */
export async function runDoctor(
  flags: DoctorFlags,
  io: CliIo,
  deps: Pick<ContextOptions, 'clients' | 'env'> = {},
): Promise<number> {
  const resolver = flags.dnsServer ? resolverFor(flags.dnsServer) : undefined;
  const ctx = resolveLiveContext(flags, { debug: io.stderr, ...deps });
  const vaultId = canonicalId(flags.vault);
  const checks: Check[] = [];
  const syncHint = suggestCommand('sync', flags);

  const vault = await ctx.ports.vaults.getVault(flags.vault);
  if (!vault) {
    checks.push({
      ok: false,
      title: 'vault exists',
      detail: `${flags.vault} was not found`,
      fix: 'check the vault id (az backup vault list -o table) and that you can read its resource group',
    });
    return finish(io, flags.output, vaultId, checks);
  }
  checks.push({ ok: true, title: 'vault exists', detail: `${vault.name} in ${vault.location}` });
  const systemAssigned = vault.identityType.toLowerCase().includes('systemassigned');
  checks.push({
    ok: systemAssigned,
    title: 'system-assigned identity on',
    detail: systemAssigned
      ? `principal ${vault.principalId ?? 'unknown'}`
      : `identity type is ${vault.identityType}`,
    ...(systemAssigned
      ? {}
      : {
          fix: "turn on the vault's system-assigned managed identity (vault > Identity > System assigned > On)",
        }),
  });
  const publicDenied = vault.publicNetworkAccess.toLowerCase() === 'disabled';
  checks.push({
    ok: publicDenied,
    title: 'public network access denied',
    detail: `publicNetworkAccess is ${vault.publicNetworkAccess || 'not set (Enabled)'}`,
    ...(publicDenied
      ? {}
      : {
          fix: 'deny public network access (vault > Networking > Deny; properties.publicNetworkAccess = Disabled)',
        }),
  });

  const state = await loadLiveState(ctx);
  const vaultEndpoints = state.endpoints.filter((e) => e.backup?.kind === 'vault');
  const backupConnections = vault.connections;
  if (backupConnections.length === 0 && vaultEndpoints.length === 0) {
    checks.push({
      ok: false,
      title: 'private endpoint present',
      detail: 'the vault has no private endpoint connections',
      fix: 'create a private endpoint for the vault (sub-resource AzureBackup) in the spoke VNet',
    });
  } else {
    for (const c of backupConnections) {
      const isApproved = c.status.toLowerCase() === 'approved';
      checks.push({
        ok: isApproved,
        title: `private endpoint ${c.privateEndpointId.split('/').pop() ?? c.name} ${isApproved ? 'Approved' : c.status}`,
        detail: `connection ${c.name}`,
        ...(isApproved
          ? {}
          : {
              fix:
                c.status.toLowerCase() === 'pending'
                  ? `approve connection ${c.name} (vault > Networking > Private access, or PUT ${c.id} with status Approved)`
                  : `the connection is ${c.status}; delete the endpoint and create it again`,
            }),
      });
    }
  }

  const experience = experienceOf(vaultEndpoints, state.endpoints);
  checks.push({
    ok: true,
    info: true,
    title: `Backup ${experience.label}`,
    detail: experience.detail,
  });

  // Zones and links: every zone the vault's records need, linked to each endpoint's VNet.
  const vnets = [
    ...new Set(
      state.listing.resources
        .filter((r) => r.type.toLowerCase() === 'microsoft.network/privateendpoints')
        .map((r) => vnetOfEndpoint(r))
        .filter((v): v is string => v !== undefined),
    ),
  ];
  const neededZones = [...new Set(state.desired.map((d) => d.zone))].sort();
  for (const zone of neededZones) {
    const where = ctx.locateZone(zone);
    if (!state.zones.has(zone)) {
      checks.push({
        ok: false,
        title: `hub zone ${zone} exists`,
        detail: `not found in /subscriptions/${where.subscriptionId}/resourceGroups/${where.resourceGroup}`,
        fix: `create the zone there (or point --zone-override ${zone}=<rg> at where it lives) and link it to the spoke VNet`,
      });
      continue;
    }
    const links = await ctx.ports.zones.listVirtualNetworkLinks(where);
    const missing = vnets.filter((v) => !links.some((l) => l.virtualNetworkId === v));
    checks.push({
      ok: missing.length === 0,
      title: `hub zone ${zone} exists and is linked to the endpoint VNet`,
      detail: missing.length === 0 ? `${links.length} VNet link(s)` : `no link to ${missing.join(', ')}`,
      ...(missing.length === 0
        ? {}
        : { fix: `add a virtual network link from ${zone} to ${missing.join(', ')}` }),
    });
  }

  const current = new Map(state.current.map((c) => [`${c.zone}|${c.name}`, c]));
  const handMade = findHandMade(state.plan, state.desired, state.current);
  const replaceable = new Set(handMade.replaceable.map((r) => r.fqdn));
  const toSync: string[] = [];
  const inTheWay: string[] = [];
  for (const d of state.desired) {
    const fqdn = recordFqdn(d.zone, d.name);
    const c = current.get(`${d.zone}|${d.name}`);
    if (!c) toSync.push(`${fqdn} missing (want ${d.ips.join(', ')})`);
    else if (sameIps(c.ips, d.ips)) continue;
    else if (replaceable.has(fqdn))
      inTheWay.push(`${fqdn} has ${c.ips.join(', ') || 'no IPs'}, made by hand (want ${d.ips.join(', ')})`);
    else if (decodeOwnership(c.metadata)?.ownerId === ctx.config.ownerId)
      toSync.push(`${fqdn} has ${c.ips.join(', ')} (want ${d.ips.join(', ')})`);
    else
      inTheWay.push(
        `${fqdn} has ${c.ips.join(', ')}, owned by ${decodeOwnership(c.metadata)?.ownerId ?? 'someone else'} (want ${d.ips.join(', ')})`,
      );
  }
  const recordProblems = [...inTheWay, ...toSync];
  const fixes = [
    ...(state.desired.length === 0 ? ['approve the endpoint connection first'] : []),
    ...(toSync.length > 0 ? [`run: ${syncHint}`] : []),
    ...(handMade.replaceable.length > 0
      ? [
          `replace the record(s) made by hand (asks first): ${suggestCommand('sync', flags, [
            '--replace-foreign',
            handMade.replaceable.map((r) => r.fqdn).join(','),
          ])}`,
        ]
      : []),
    ...(inTheWay.length > handMade.replaceable.length
      ? ['a record owned by another owner id stands in the way: settle it with whoever runs that instance']
      : []),
  ];
  checks.push({
    ok: recordProblems.length === 0 && state.desired.length > 0,
    title: 'required records present with the right IP',
    detail:
      state.desired.length === 0
        ? 'no approved endpoint publishes records yet'
        : recordProblems.length === 0
          ? `${state.desired.length} record(s) as expected`
          : `${recordProblems.length} of ${state.desired.length} record(s) missing or wrong`,
    ...(recordProblems.length > 0 ? { items: recordProblems } : {}),
    ...(fixes.length === 1 ? { fix: fixes[0] } : fixes.length > 1 ? { fixes } : {}),
    ...(toSync.length === 0 && inTheWay.length > 0 && state.desired.length > 0 ? { conflict: true } : {}),
  });
  if (handMade.adoptable.length > 0) {
    checks.push({
      ok: true,
      info: true,
      title: `${handMade.adoptable.length} record(s) made by hand (no owner) hold the right IPs`,
      detail: 'they resolve, but privatelink-dns-sync will not update or remove them',
      items: handMade.adoptable.map((r) => r.fqdn),
      fix: `take them over: ${suggestCommand('sync', flags, ['--adopt'])}`,
    });
  }

  if (resolver && flags.dnsServer) {
    const bad: string[] = [];
    for (const d of state.desired) {
      const r = await checkResolution(resolver, recordFqdn(d.zone, d.name), d.ips);
      if (r.status !== 'ok')
        bad.push(`${r.fqdn}: ${r.status}${r.actual.length ? ` ${r.actual.join(',')}` : ''}`);
    }
    checks.push({
      ok: bad.length === 0,
      title: `names resolve through ${flags.dnsServer}`,
      detail:
        bad.length === 0
          ? `${state.desired.length} name(s) resolve to the endpoint IPs`
          : `${bad.length} of ${state.desired.length} name(s) do not resolve to the endpoint IPs`,
      ...(bad.length > 0 ? { items: bad } : {}),
      ...(bad.length === 0
        ? {}
        : {
            fix: 'check the zone links of the VNet that DNS server resolves for, and its forwarders to 168.63.129.16',
          }),
    });
  }
  return finish(io, flags.output, vaultId, checks);
}

function experienceOf(
  vaultEndpoints: readonly EndpointState[],
  all: readonly EndpointState[],
): { label: string; detail: string } {
  const kinds = new Set(
    vaultEndpoints.map((e) => (e.backup?.kind === 'vault' ? e.backup.experience : 'unknown')),
  );
  const siblings = all.filter((e) => e.backup?.kind === 'sibling').map((e) => e.name);
  if (kinds.has('v1')) return { label: 'v1', detail: `storage endpoints ${siblings.join(', ')}` };
  if (kinds.has('v2')) return { label: 'v2', detail: 'storage FQDNs on the vault endpoint itself' };
  return {
    label: 'v1 or v2 (not known yet)',
    detail: 'no storage FQDNs yet: they appear after the first discovery and the first backup',
  };
}

function finish(io: CliIo, output: OutputKind, vaultId: string, checks: Check[]): number {
  const ok = checks.every((c) => c.ok);
  const code = exitCodeFor({
    failed: checks.some((c) => !c.ok && !c.conflict),
    conflicts: checks.some((c) => !c.ok && c.conflict),
  });
  if (output === 'json') {
    printJson(io, { vault: vaultId, ok, checks });
  } else {
    for (const c of checks) {
      io.stdout(`${c.info ? 'i' : c.ok ? '✓' : '✗'} ${c.title}${c.detail ? ` — ${c.detail}` : ''}\n`);
      const items = c.items ?? [];
      for (const item of items.slice(0, ITEMS_SHOWN)) io.stdout(`    - ${item}\n`);
      if (items.length > ITEMS_SHOWN)
        io.stdout(`    - … ${items.length - ITEMS_SHOWN} more (--output json lists all)\n`);
      if (!c.ok || c.info)
        for (const fix of c.fixes ?? (c.fix ? [c.fix] : [])) io.stdout(`    fix: ${fix}\n`);
    }
    const failed = checks.filter((c) => !c.ok).length;
    io.stdout(failed === 0 ? 'all checks passed\n' : `${failed} check(s) failed\n`);
  }
  return code;
}

export function registerDoctorCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('doctor')
    .description(
      'Walk the private-endpoint checklist of a Recovery Services vault, with a fix for each problem',
    );
  addScopeOptions(command, { vaultRequired: true })
    .option('--dns-server <ip[:port]>', 'also resolve every record through this DNS server')
    .addOption(new Option('--output <kind>', 'output').choices(OUTPUT_KINDS).default('text'))
    .action(async (flags: DoctorFlags) => {
      setExitCode(await runDoctor(flags, io));
    });
}
