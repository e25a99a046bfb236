import { byZoneThenName } from './desiredState';
import type { ZoneChoice } from './desiredState';
import { recordFqdn } from './zoneCatalogue';
import type { EndpointState } from './endpoint';
import type { DesiredRecord, Plan } from './types';

export const OUTPUT_FORMATS = ['table', 'tsv', 'json', 'hosts'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One row per (record, IP), sorted by zone, then record name, then IP order as stored. */
function rows(records: readonly DesiredRecord[]): { zone: string; name: string; ip: string }[] {
  return [...records]
    .sort(byZoneThenName)
    .flatMap((r) => r.ips.map((ip) => ({ zone: r.zone, name: r.name, ip })));
}

/**
 * The columns of Microsoft's `PrivateIP.ps1` (its output feeds `CreateDNSEntries.ps1`): `ResourceName` is the
 * record name inside the zone, `DNS` is the zone, `PrivateIP` the address. Tab-separated, one row per IP.
 */
export function renderTsv(records: readonly DesiredRecord[]): string {
  const lines = [
    'ResourceName\tDNS\tPrivateIP',
    ...rows(records).map((r) => `${r.name}\t${r.zone}\t${r.ip}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Host-file lines (`<ip> <record>.<zone>`) for custom DNS servers and host files. */
export function renderHosts(records: readonly DesiredRecord[]): string {
  return rows(records)
    .map((r) => `${r.ip} ${recordFqdn(r.zone, r.name)}\n`)
    .join('');
}

/** The plan as JSON; with zone choices (names several zones fit), they are listed next to it. */
export function renderJson(plan: Plan, zoneChoices?: readonly ZoneChoice[]): string {
  const body = zoneChoices && zoneChoices.length > 0 ? { ...plan, zoneChoices } : plan;
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * One line per FQDN several catalogue zones fit: the zone taken and why. `assumed` choices say how to tell the
 * plan which zones the hub holds.
 */
export function renderZoneChoices(choices: readonly ZoneChoice[]): string[] {
  return choices.map((c) => {
    const others = c.alternatives.filter((z) => z !== c.zone);
    const why =
      c.basis === 'hub'
        ? 'the most specific of them the hub holds'
        : 'assumed: the hub zones are not known, or none of them exists';
    return `  ${c.fqdn} → ${c.name} in ${c.zone} (${why}; also fits ${others.join(', ')})`;
  });
}

function columns(table: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of table) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function endpointRole(state: EndpointState): string {
  const backup = state.backup;
  if (backup?.kind === 'vault') {
    const experience = backup.experience === 'unknown' ? '' : ` ${backup.experience}`;
    return `Backup vault${backup.secondary ? ' (secondary)' : ''}${experience}`;
  }
  if (backup?.kind === 'sibling')
    return `Backup ${backup.sibling} of ${backup.parentId.split('/').pop() ?? ''}`;
  return state.groupIds.join(',') || '-';
}

/** One row per endpoint: its role (Backup family), connection state and how many DNS entries it publishes. */
export function renderEndpointTable(endpoints: readonly EndpointState[]): string {
  const table = [['ENDPOINT', 'ROLE', 'STATE', 'ENTRIES']];
  for (const e of endpoints) {
    const state = e.readiness.ready ? 'ready' : e.readiness.code;
    table.push([e.name, endpointRole(e), state, String(e.entries.length)]);
  }
  return endpoints.length > 0 ? `${columns(table)}\n` : 'No private endpoints.\n';
}

/**
 * A human summary of a plan: the endpoints read (when given), one row per record touched or checked, then
 * conflicts, skips and totals.
 */
export function renderTable(
  plan: Plan,
  endpoints?: readonly EndpointState[],
  zoneChoices: readonly ZoneChoice[] = [],
): string {
  const table: string[][] = [['ACTION', 'ZONE', 'RECORD', 'IPS', 'OWNERS']];
  const changeRows: { action: string; zone: string; name: string; ips: string[]; owners: string }[] = [
    ...plan.creates.map((c) => ({ action: 'create', ...c, owners: String(c.owners.length) })),
    ...plan.updates.map((c) => ({ action: 'update', ...c, owners: String(c.owners.length) })),
    ...plan.adoptions.map((c) => ({ action: 'adopt', ...c, owners: String(c.owners.length) })),
    ...plan.deletes.map((c) => ({ action: 'delete', ...c, owners: '-' })),
    ...plan.unchanged.map((c) => ({ action: 'unchanged', ...c, owners: '-' })),
  ];
  changeRows.sort(byZoneThenName);
  for (const r of changeRows) table.push([r.action, r.zone, r.name, r.ips.join(','), r.owners]);
  const out = endpoints ? [renderEndpointTable(endpoints)] : [];
  out.push(changeRows.length > 0 ? columns(table) : 'No records.');
  if (plan.conflicts.length > 0) {
    out.push('', 'Conflicts:', ...plan.conflicts.map((c) => `  [${c.code}] ${c.message}`));
  }
  if (plan.skips.length > 0) {
    out.push('', 'Skipped:', ...plan.skips.map((s) => `  [${s.code}] ${s.message}`));
  }
  if (plan.kept.length > 0) {
    out.push(
      '',
      'Kept:',
      ...plan.kept.map((k) => `  [${k.code}] ${recordFqdn(k.zone, k.name)}: ${k.message}`),
    );
  }
  if (zoneChoices.length > 0) {
    out.push('', 'Zone choices (several zones fit these names):', ...renderZoneChoices(zoneChoices));
  }
  const s = plan.summary;
  out.push(
    '',
    `Plan (${plan.policy}, owner ${plan.ownerId}): ${s.creates} to create, ${s.updates} to update, ` +
      `${s.adoptions} to adopt, ${s.deletes} to delete, ${s.unchanged} unchanged, ${s.conflicts} conflicts, ` +
      `${s.skips} skipped${s.kept > 0 ? `, ${s.kept} kept` : ''}.${plan.hasChanges ? '' : ' Nothing to do.'}`,
  );
  return `${out.join('\n')}\n`;
}

/** What `plan` prints: `table` and `json` show the plan, `tsv` and `hosts` the records it wants. */
export function renderPlanOutput(
  format: OutputFormat,
  plan: Plan,
  desired: readonly DesiredRecord[],
  endpoints?: readonly EndpointState[],
  zoneChoices: readonly ZoneChoice[] = [],
): string {
  switch (format) {
    case 'table':
      return renderTable(plan, endpoints, zoneChoices);
    case 'tsv':
      return renderTsv(desired);
    case 'hosts':
      return renderHosts(desired);
    case 'json':
      return renderJson(plan, zoneChoices);
  }
}
