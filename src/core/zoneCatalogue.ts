import { DEFAULT_CLOUD, cloudProfile } from './clouds';
import type { AzureCloudName } from './clouds';
import { isKnownGeoCode, isKnownRegion } from './geoCodes';
import { CATALOGUE_ROWS, UNCONFIRMED_SUFFIXES } from './zoneCatalogueRows';
import type { CatalogueRow } from './zoneCatalogueRows';

export type { CatalogueRow, CatalogueSource, ZoneSpec } from './zoneCatalogueRows';

/**
 * Where an endpoint FQDN lives in the hub: the private DNS zone and the record name inside it.
 *
 * Azure publishes `<name>.<suffix>` as a CNAME to `<name>.privatelink.<suffix>`, and the private zone named in
 * Microsoft's table (zoneCatalogueRows.ts) answers that name; the record is whatever stands left of the zone and
 * may have several labels. Endpoints publish FQDNs with or without the `privatelink` label: without it, the label
 * goes where the catalogue zone puts it. Only zones of the cloud the app runs in count.
 *
 * When several catalogue zones fit one name (ACR data endpoints in `privatelink.azurecr.io` or in
 * `<region>.data.privatelink.azurecr.io`; Web App scm sites; AKS sub-zones) they describe the same resolved
 * name, and the most specific zone that exists in the hub wins: a linked zone that is more specific answers the
 * name, so a record in the broader one would never be read. Without the hub's zone list (an offline plan), the
 * broadest zone Microsoft's table recommends is assumed and the choice is reported. Anything the catalogue does
 * not know is skipped with a reason — a guessed zone publishes records no client resolves.
 */

export type ZoneLookupFailure =
  | 'unknown-suffix'
  | 'unknown-geo'
  | 'invalid-fqdn'
  | 'other-cloud'
  | 'unconfirmed-mapping'
  | 'ambiguous-zone';

export interface ZoneMatch {
  readonly ok: true;
  readonly zone: string;
  readonly name: string;
  /** Services of the catalogue rows that list the zone. */
  readonly service: string;
  /** Every catalogue zone that fits the name for the same resolved FQDN, most specific first. */
  readonly alternatives: readonly string[];
  /**
   * `only`: one zone fits; `hub`: the most specific fitting zone the hub holds; `assumed`: the hub's zones are not
   * known (offline) or none of the fitting zones exists, so the catalogue's recommended zone was taken.
   */
  readonly basis: 'only' | 'hub' | 'assumed';
}

export type ZoneLookup =
  ZoneMatch | { readonly ok: false; readonly code: ZoneLookupFailure; readonly message: string };

export interface ZoneLookupContext {
  /** The cloud the app runs in (default AzureCloud). */
  readonly cloud?: AzureCloudName;
  /** Zones the hub holds (lower-case names); undefined when unknown (offline plan). */
  readonly hubZones?: ReadonlySet<string>;
  /** The sub-resource (group id) that published the FQDN; breaks ties between zones of different sub-resources. */
  readonly groupId?: string;
}

// ---- compiled catalogue --------------------------------------------------------------------------------------------

type Placeholder =
  'regionName' | 'region' | 'regionCode' | 'dnsPrefix' | 'partitionId' | 'subzone' | 'name' | 'any';
type Token = { readonly literal: string } | { readonly placeholder: Placeholder };

const PRIVATELINK_LABELS = new Set(['privatelink', 'privatelink-global']);
const PLACEHOLDERS = new Set<string>([
  'regionName',
  'region',
  'regionCode',
  'dnsPrefix',
  'partitionId',
  'subzone',
  'name',
  'any',
]);

interface CompiledZone {
  readonly pattern: string;
  readonly labels: readonly Token[];
  /** Public forms: the zone without its privatelink label, plus aliases. */
  readonly publicForms: readonly (readonly Token[])[];
  readonly shapes: readonly (readonly Token[])[];
  readonly optional: boolean;
  readonly rows: CatalogueRow[];
}

function tokens(pattern: string): Token[] {
  return pattern.split('.').map((label) => {
    const m = /^\{(\w+)\}$/.exec(label);
    if (m && PLACEHOLDERS.has(m[1] ?? '')) return { placeholder: m[1] as Placeholder };
    if (m) throw new Error(`zone catalogue: unknown placeholder ${label} in ${pattern}`);
    return { literal: label };
  });
}

const isPrivatelinkToken = (t: Token): boolean => 'literal' in t && PRIVATELINK_LABELS.has(t.literal);

const compiled = new Map<AzureCloudName, CompiledZone[]>();

function compile(cloud: AzureCloudName): CompiledZone[] {
  const cached = compiled.get(cloud);
  if (cached) return cached;
  const byPattern = new Map<
    string,
    { shapes: Set<string>; optional: boolean; aliases: Set<string>; rows: CatalogueRow[] }
  >();
  for (const row of CATALOGUE_ROWS) {
    if (row.cloud !== cloud) continue;
    for (const zone of row.zones) {
      const entry = byPattern.get(zone.zone) ?? {
        shapes: new Set<string>(),
        optional: true,
        aliases: new Set<string>(),
        rows: [],
      };
      for (const shape of zone.records ?? ['{name}']) entry.shapes.add(shape);
      for (const alias of zone.aliases ?? []) entry.aliases.add(alias);
      // A zone any row recommends outright is not optional.
      entry.optional = entry.optional && zone.optional === true;
      if (!entry.rows.includes(row)) entry.rows.push(row);
      byPattern.set(zone.zone, entry);
    }
  }
  const zones: CompiledZone[] = [];
  for (const [pattern, entry] of byPattern) {
    const labels = tokens(pattern);
    const pl = labels.filter(isPrivatelinkToken).length;
    if (pl !== 1) throw new Error(`zone catalogue: ${pattern} needs exactly one privatelink label`);
    zones.push({
      pattern,
      labels,
      publicForms: [labels.filter((t) => !isPrivatelinkToken(t)), ...[...entry.aliases].map(tokens)],
      shapes: [...entry.shapes].map(tokens),
      optional: entry.optional,
      rows: entry.rows,
    });
  }
  compiled.set(cloud, zones);
  return zones;
}

// ---- matching --------------------------------------------------------------------------------------------------

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
const DNS_PREFIX = /^[a-z0-9]+$/;
const PARTITION = /^[0-9]+$/;

interface Binding {
  readonly ok: boolean;
  /** A `{regionCode}`/`{regionName}` label that is not a region of the cloud (reported as unknown-geo). */
  readonly unknownRegion?: string;
}

function bindLabel(token: Token, label: string, cloud: AzureCloudName, values: Map<string, string>): Binding {
  if ('literal' in token) return { ok: token.literal === label };
  if (label === '*' && token.placeholder !== 'any') return { ok: false };
  if (PRIVATELINK_LABELS.has(label)) return { ok: false };
  switch (token.placeholder) {
    case 'name':
    case 'any':
      return { ok: true };
    case 'regionName':
    case 'region':
      if (!isKnownRegion(label, cloud)) return { ok: false, unknownRegion: label };
      break;
    case 'regionCode':
      if (!isKnownGeoCode(label, cloud)) return { ok: false, unknownRegion: label };
      break;
    case 'dnsPrefix':
      if (!DNS_PREFIX.test(label)) return { ok: false };
      break;
    case 'partitionId':
      if (!PARTITION.test(label)) return { ok: false };
      break;
    case 'subzone':
      break;
  }
  const bound = values.get(token.placeholder);
  if (bound !== undefined && bound !== label) return { ok: false };
  values.set(token.placeholder, label);
  return { ok: true };
}

interface Candidate {
  readonly zone: string;
  readonly name: string;
  readonly compiled: CompiledZone;
  /** Labels of the zone name (its specificity). */
  readonly depth: number;
}

interface ZoneScan {
  readonly candidates: Candidate[];
  /** The FQDN is a zone apex (no record name left of it). */
  readonly apex: boolean;
  readonly unknownRegion?: string;
}

function scanZones(labels: readonly string[], privateForm: boolean, cloud: AzureCloudName): ZoneScan {
  const candidates: Candidate[] = [];
  let apex = false;
  let unknownRegion: string | undefined;
  for (const zone of compile(cloud)) {
    for (const suffix of privateForm ? [zone.labels] : zone.publicForms) {
      if (labels.length < suffix.length) continue;
      const values = new Map<string, string>();
      const offset = labels.length - suffix.length;
      // Literal labels first: a region note only counts for a name that has the zone's shape.
      const literalsMatch = suffix.every((t, i) => !('literal' in t) || t.literal === labels[offset + i]);
      if (!literalsMatch) continue;
      let ok = true;
      for (let i = 0; i < suffix.length && ok; i++) {
        const bound = bindLabel(suffix[i] as Token, labels[offset + i] as string, cloud, values);
        ok = bound.ok;
        if (bound.unknownRegion) unknownRegion ??= bound.unknownRegion;
      }
      if (!ok) continue;
      const record = labels.slice(0, offset);
      if (record.length === 0) {
        apex = true;
        continue;
      }
      if (record.some((l) => PRIVATELINK_LABELS.has(l))) continue;
      const fits = zone.shapes.some((shape) => {
        if (shape.length !== record.length) return false;
        const shapeValues = new Map(values);
        return shape.every((t, i) => bindLabel(t, record[i] as string, cloud, shapeValues).ok);
      });
      if (!fits) continue;
      const zoneName = zone.labels
        .map((t) => ('literal' in t ? t.literal : (values.get(t.placeholder) ?? '')))
        .join('.');
      candidates.push({ zone: zoneName, name: record.join('.'), compiled: zone, depth: zone.labels.length });
    }
  }
  return { candidates, apex, ...(unknownRegion !== undefined ? { unknownRegion } : {}) };
}

const services = (rows: readonly CatalogueRow[]): string =>
  [...new Set(rows.map((r) => r.service))].join(' / ');

/** The name a client resolves through the candidate: the same for zones nested at one privatelink position. */
const resolvedName = (c: Candidate): string => `${c.name}.${c.zone}`;

function choose(fqdn: string, candidates: readonly Candidate[], context: ZoneLookupContext): ZoneLookup {
  // One candidate per zone name (two rows can list the same zone).
  const unique = [...new Map(candidates.map((c) => [c.zone, c])).values()].sort(
    (a, b) => b.depth - a.depth || a.zone.localeCompare(b.zone),
  );
  const recommended = unique.filter((c) => !c.compiled.optional);
  const pool = recommended.length > 0 ? recommended : unique;
  const top = pool.filter((c) => c.depth === (pool[0] as Candidate).depth);
  let defaults = top;
  if (new Set(top.map(resolvedName)).size > 1 && context.groupId) {
    const group = context.groupId.toLowerCase();
    const byGroup = top.filter((c) =>
      c.compiled.rows.some((r) => r.subResources.some((s) => s.toLowerCase() === group)),
    );
    if (byGroup.length > 0) defaults = byGroup;
  }
  if (new Set(defaults.map(resolvedName)).size > 1 && context.hubZones) {
    const held = defaults.filter((c) => context.hubZones?.has(c.zone));
    if (held.length > 0) defaults = held;
  }
  if (new Set(defaults.map(resolvedName)).size > 1) {
    return {
      ok: false,
      code: 'ambiguous-zone',
      message: `"${fqdn}" fits ${defaults.map((c) => c.zone).join(' and ')}, which answer different names; the sub-resource does not say which`,
    };
  }
  const preferred = defaults[0] as Candidate;
  const family = unique.filter((c) => resolvedName(c) === resolvedName(preferred));
  const held = context.hubZones ? family.filter((c) => context.hubZones?.has(c.zone)) : [];
  const chosen = held[0] ?? preferred;
  return {
    ok: true,
    zone: chosen.zone,
    name: chosen.name,
    service: services(chosen.compiled.rows),
    alternatives: family.map((c) => c.zone),
    basis: family.length === 1 ? 'only' : held.length > 0 ? 'hub' : 'assumed',
  };
}

/** Lower-cases, trims and drops a trailing dot. */
export function normaliseFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.$/, '');
}

function validLabels(labels: readonly string[]): boolean {
  return labels.every((label, i) => LABEL.test(label) || (i === 0 && label === '*'));
}

/** Maps an endpoint FQDN to its hub zone and record name, or says why it cannot. */
export function zoneForFqdn(fqdn: string, context: ZoneLookupContext = {}): ZoneLookup {
  const cloud = context.cloud ?? DEFAULT_CLOUD;
  const normalised = normaliseFqdn(fqdn);
  const labels = normalised.split('.');
  if (normalised.length === 0 || normalised.length > 253 || !validLabels(labels)) {
    return { ok: false, code: 'invalid-fqdn', message: `"${fqdn}" is not a valid DNS name` };
  }
  const privateLabels = labels.filter((l) => PRIVATELINK_LABELS.has(l)).length;
  if (privateLabels > 1) {
    return { ok: false, code: 'invalid-fqdn', message: `"${fqdn}" has more than one privatelink label` };
  }
  const scan = scanZones(labels, privateLabels === 1, cloud);
  if (scan.candidates.length > 0) return choose(normalised, scan.candidates, context);

  if (scan.unknownRegion !== undefined) {
    return {
      ok: false,
      code: 'unknown-geo',
      message: `"${fqdn}": "${scan.unknownRegion}" is not a known ${cloudProfile(cloud).displayName} region or Backup geo code; add it to geoCodes.ts once confirmed`,
    };
  }
  if (scan.apex) {
    return {
      ok: false,
      code: 'invalid-fqdn',
      message: `"${fqdn}" names a zone, not a record in it (no record name left of the zone)`,
    };
  }
  const unconfirmed = UNCONFIRMED_SUFFIXES.find(
    (u) => u.cloud === cloud && normalised.endsWith(`.${u.suffix}`),
  );
  if (unconfirmed) {
    return {
      ok: false,
      code: 'unconfirmed-mapping',
      message: `"${fqdn}": ${unconfirmed.reason}; skipped until Microsoft documents it (see docs/troubleshooting.md)`,
    };
  }
  for (const other of ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const) {
    if (other === cloud) continue;
    if (scanZones(labels, privateLabels === 1, other).candidates.length > 0) {
      return {
        ok: false,
        code: 'other-cloud',
        message: `"${fqdn}" belongs to ${cloudProfile(other).displayName} (${other}), but AZURE_CLOUD is ${cloud}`,
      };
    }
  }
  return {
    ok: false,
    code: 'unknown-suffix',
    message: `"${fqdn}" matches no private DNS zone of the ${cloudProfile(cloud).displayName} catalogue`,
  };
}

/** The catalogue rows, all clouds or one. */
export function catalogueRows(cloud?: AzureCloudName): readonly CatalogueRow[] {
  return cloud ? CATALOGUE_ROWS.filter((r) => r.cloud === cloud) : CATALOGUE_ROWS;
}

/** True when `zone` is a zone name the catalogue of `cloud` can produce (placeholders filled). */
export function isCatalogueZone(zone: string, cloud: AzureCloudName = DEFAULT_CLOUD): boolean {
  const labels = normaliseFqdn(zone).split('.');
  return compile(cloud).some((z) => {
    if (z.labels.length !== labels.length) return false;
    const values = new Map<string, string>();
    return z.labels.every((t, i) => bindLabel(t, labels[i] as string, cloud, values).ok);
  });
}

/**
 * True when a zone name carries a `privatelink` label anywhere (`privatelink.blob.core.windows.net`,
 * `eastus.data.privatelink.azurecr.io`, `privatelink-global.wvd.microsoft.com`): the zones the app may hold
 * records in.
 */
export function isPrivateLinkZoneName(zone: string): boolean {
  return normaliseFqdn(zone)
    .split('.')
    .some((l) => PRIVATELINK_LABELS.has(l));
}

/** The FQDN a client resolves for a record: `<name>.<zone>`. */
export function recordFqdn(zone: string, name: string): string {
  return `${name}.${zone}`;
}
