import type { AzureCloudName } from './clouds';
import { sameIps, sortIps } from './ipv4';
import { runSteps, sortSteps } from './steps';
import type { Steps } from './steps';
import { zoneForFqdn } from './zoneCatalogue';
import type { Conflict, CurrentRecordSet, DesiredRecord, EndpointDnsEntry, Skip } from './types';

/**
 * An FQDN that more than one catalogue zone fits (ACR data endpoints, Web App scm sites, AKS sub-zones): which
 * zone was taken, and whether the hub's zone list decided (`hub`) or it was assumed (`assumed`: no zone list, as
 * in an offline plan, or none of the fitting zones exists in the hub).
 */
export interface ZoneChoice {
  readonly fqdn: string;
  readonly zone: string;
  readonly name: string;
  /** Every fitting zone, most specific first. */
  readonly alternatives: readonly string[];
  readonly basis: 'hub' | 'assumed';
}

export interface DesiredState {
  readonly records: DesiredRecord[];
  readonly conflicts: Conflict[];
  readonly skips: Skip[];
  /** One entry per FQDN where several zones fit, sorted by FQDN. */
  readonly zoneChoices: ZoneChoice[];
}

export interface DesiredOptions {
  /** The cloud whose zones count (AZURE_CLOUD; default AzureCloud). */
  readonly cloud?: AzureCloudName;
  /** The zones the hub holds; without them, where several zones fit, the catalogue's recommended one is assumed. */
  readonly hubZones?: Iterable<string>;
}

export const recordKey = (zone: string, name: string): string => `${zone}|${name}`;

const byZoneThenName = (a: { zone: string; name: string }, b: { zone: string; name: string }): number =>
  a.zone === b.zone ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.zone < b.zone ? -1 : 1;

/**
 * Merges the DNS entries of many endpoints into the records the hub should hold.
 *
 * - Each FQDN maps to a zone and record name (unknown suffix or geo → a skip, never a guess).
 * - Endpoints that publish the same FQDN with the same IPs share one record and are all its owners.
 * - Endpoints that disagree produce a conflict, resolved without flapping: when a record already stands
 *   (`current`) with the IPs of one of the claims, that claim wins; otherwise the claim of the endpoint with
 *   the lowest canonical id wins (ids are stable, so repeated runs choose the same winner). Only the
 *   endpoints whose IPs won are owners.
 */
export function desiredRecords(
  entries: readonly EndpointDnsEntry[],
  current: readonly CurrentRecordSet[] = [],
  options: DesiredOptions = {},
): DesiredState {
  return runSteps(desiredRecordsSteps(entries, current, options));
}

/** Options `zoneForFqdn` takes for one entry. */
function lookupOptions(
  options: DesiredOptions,
  hubZones: ReadonlySet<string> | undefined,
  entry: EndpointDnsEntry,
): Parameters<typeof zoneForFqdn>[1] {
  return {
    ...(options.cloud ? { cloud: options.cloud } : {}),
    ...(hubZones ? { hubZones } : {}),
    ...(entry.groupId ? { groupId: entry.groupId } : {}),
  };
}

function hubZoneSet(options: DesiredOptions): ReadonlySet<string> | undefined {
  return options.hubZones
    ? new Set([...options.hubZones].map((z) => z.toLowerCase().replace(/\.$/, '')))
    : undefined;
}

/** `desiredRecords` in steps (see core/steps.ts). */
export function* desiredRecordsSteps(
  entries: readonly EndpointDnsEntry[],
  current: readonly CurrentRecordSet[] = [],
  options: DesiredOptions = {},
): Steps<DesiredState> {
  const skips: Skip[] = [];
  const hubZones = hubZoneSet(options);
  const choices = new Map<string, ZoneChoice>();
  // key → endpoint id → ips
  const claims = new Map<string, { zone: string; name: string; byEndpoint: Map<string, string[]> }>();
  for (const entry of entries) {
    const lookup = zoneForFqdn(entry.fqdn, lookupOptions(options, hubZones, entry));
    if (lookup.ok && lookup.basis !== 'only') {
      choices.set(entry.fqdn, {
        fqdn: entry.fqdn,
        zone: lookup.zone,
        name: lookup.name,
        alternatives: [...lookup.alternatives],
        basis: lookup.basis,
      });
    }
    if (!lookup.ok) {
      skips.push({
        code: lookup.code,
        message: lookup.message,
        endpointId: entry.endpointId,
        fqdn: entry.fqdn,
      });
      continue;
    }
    const key = recordKey(lookup.zone, lookup.name);
    let claim = claims.get(key);
    if (!claim) {
      claim = { zone: lookup.zone, name: lookup.name, byEndpoint: new Map() };
      claims.set(key, claim);
    }
    const endpointId = entry.endpointId.toLowerCase();
    claim.byEndpoint.set(endpointId, sortIps([...(claim.byEndpoint.get(endpointId) ?? []), entry.ip]));
    yield;
  }

  const standing = new Map<string, CurrentRecordSet>();
  for (const c of current) {
    standing.set(recordKey(c.zone, c.name), c);
    yield;
  }
  const records: DesiredRecord[] = [];
  const conflicts: Conflict[] = [];
  for (const [key, claim] of claims) {
    const endpointIds = [...claim.byEndpoint.keys()].sort();
    const ipSets = endpointIds.map((id) => claim.byEndpoint.get(id) ?? []);
    const first = ipSets[0] ?? [];
    yield;
    if (ipSets.every((ips) => sameIps(ips, first))) {
      records.push({ zone: claim.zone, name: claim.name, ips: first, owners: endpointIds });
      continue;
    }
    const stands = standing.get(key);
    const standingClaim = stands ? ipSets.find((ips) => sameIps(ips, stands.ips)) : undefined;
    const kept = standingClaim ?? first;
    const owners = endpointIds.filter((id) => sameIps(claim.byEndpoint.get(id) ?? [], kept));
    records.push({ zone: claim.zone, name: claim.name, ips: kept, owners });
    conflicts.push({
      code: 'endpoints-disagree',
      zone: claim.zone,
      name: claim.name,
      message:
        `${claim.name}.${claim.zone}: ${endpointIds.length} endpoints publish different IPs; keeping ${kept.join(',')} ` +
        (standingClaim ? '(the record standing in the zone)' : '(claim of the lowest endpoint id)'),
      keptIps: kept,
      claims: endpointIds.map((owner) => ({ owner, ips: claim.byEndpoint.get(owner) ?? [] })),
    });
  }
  const zoneChoices = [...choices.values()].sort((a, b) => (a.fqdn < b.fqdn ? -1 : a.fqdn > b.fqdn ? 1 : 0));
  return {
    records: yield* sortSteps(records, byZoneThenName),
    conflicts: yield* sortSteps(conflicts, byZoneThenName),
    skips,
    zoneChoices,
  };
}

/**
 * The zones `desiredRecords` would put these entries in (sorted), without building the records: what a
 * reconcile must read before it can plan.
 */
export function* desiredZonesSteps(
  entries: readonly EndpointDnsEntry[],
  options: DesiredOptions = {},
): Steps<string[]> {
  const hubZones = hubZoneSet(options);
  const zones = new Set<string>();
  for (const entry of entries) {
    const lookup = zoneForFqdn(entry.fqdn, lookupOptions(options, hubZones, entry));
    if (lookup.ok) zones.add(lookup.zone);
    yield;
  }
  return [...zones].sort();
}

export { byZoneThenName };
