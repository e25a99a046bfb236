import { z } from 'zod';
import { checkResourceId } from './armNames';
import { canonicalId, parseResourceId } from './resourceId';
import { displayText, quoted } from './safeText';
import type { EndpointDnsEntry, Skip } from './types';
import { isIpv4 } from './ipv4';
import { mapSteps, runSteps, sortSteps } from './steps';
import type { Steps } from './steps';

/*
 * Private endpoints and their network interfaces as ARM returns them (the wire shape, `properties` nested).
 * The SDK-flattened shape (fields at the top level) is accepted too: `prop` looks in both places.
 *
 * Over ~400 lines because the wire schemas, the readiness rules and the endpoint ↔ NIC matching read one shape
 * together: each step of `readEndpoint` names the wire field it looks at, and splitting them apart would spread one
 * reading of one resource over several files.
 */

const subResource = z.object({ id: z.string() });

const connectionState = z.object({
  status: z.string().optional(),
  description: z.string().optional().nullable(),
  actionsRequired: z.string().optional().nullable(),
});

const connectionProps = z.object({
  privateLinkServiceId: z.string().optional(),
  groupIds: z.array(z.string()).optional().nullable(),
  privateLinkServiceConnectionState: connectionState.optional().nullable(),
});

const connection = z.object({
  name: z.string().optional(),
  id: z.string().optional(),
  properties: connectionProps.optional(),
  // SDK-flattened
  privateLinkServiceId: z.string().optional(),
  groupIds: z.array(z.string()).optional().nullable(),
  privateLinkServiceConnectionState: connectionState.optional().nullable(),
});

const endpointProps = z.object({
  provisioningState: z.string().optional(),
  privateLinkServiceConnections: z.array(connection).optional().nullable(),
  manualPrivateLinkServiceConnections: z.array(connection).optional().nullable(),
  networkInterfaces: z.array(subResource).optional().nullable(),
  customDnsConfigs: z
    .array(
      z.object({
        fqdn: z.string().optional().nullable(),
        ipAddresses: z.array(z.string()).optional().nullable(),
      }),
    )
    .optional()
    .nullable(),
});

const resourceBase = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  type: z.string().min(1),
  location: z.string().optional(),
});

export const privateEndpointResource = resourceBase.extend({
  properties: endpointProps.optional(),
  ...endpointProps.shape,
});
export type PrivateEndpointResource = z.infer<typeof privateEndpointResource>;

const ipConfigurationProps = z.object({
  privateIPAddress: z.string().optional().nullable(),
  privateLinkConnectionProperties: z
    .object({
      groupId: z.string().optional().nullable(),
      requiredMemberName: z.string().optional().nullable(),
      fqdns: z.array(z.string()).optional().nullable(),
    })
    .optional()
    .nullable(),
});

const nicProps = z.object({
  provisioningState: z.string().optional(),
  privateEndpoint: subResource.optional().nullable(),
  ipConfigurations: z
    .array(
      z.object({
        name: z.string().optional(),
        properties: ipConfigurationProps.optional(),
        ...ipConfigurationProps.shape,
      }),
    )
    .optional()
    .nullable(),
});

export const networkInterfaceResource = resourceBase.extend({
  properties: nicProps.optional(),
  ...nicProps.shape,
});
export type NetworkInterfaceResource = z.infer<typeof networkInterfaceResource>;

export const PRIVATE_ENDPOINT_TYPE = 'Microsoft.Network/privateEndpoints';
export const NETWORK_INTERFACE_TYPE = 'Microsoft.Network/networkInterfaces';

/** Backup group ids (sub-resources) of a Recovery Services vault endpoint. */
export const BACKUP_GROUP_IDS = ['azurebackup', 'azurebackup_secondary'] as const;

/** Suffixes of the storage endpoints Backup v1 creates next to a vault endpoint. */
export const BACKUP_V1_SIBLING_SUFFIXES = ['_ecs_blob', '_ecs_queue', '_prot_blob'] as const;
export type BackupSiblingKind = 'ecs_blob' | 'ecs_queue' | 'prot_blob';

export interface EndpointConnection {
  readonly name: string;
  readonly manual: boolean;
  /** `Approved`, `Pending`, `Rejected`, `Disconnected`, … as Azure reports it; empty when absent. */
  readonly status: string;
  readonly groupIds: string[];
  readonly privateLinkServiceId: string;
}

export type BackupRole =
  | { readonly kind: 'vault'; readonly secondary: boolean; readonly experience: 'v1' | 'v2' | 'unknown' }
  | { readonly kind: 'sibling'; readonly sibling: BackupSiblingKind; readonly parentId: string };

/** Why an endpoint publishes nothing yet (the orchestration waits or reports on these). */
export type EndpointReadiness =
  | { readonly ready: true }
  | {
      readonly ready: false;
      readonly code: 'endpoint-not-ready' | 'connection-not-approved' | 'no-dns-entries';
      readonly message: string;
    };

/** What the engine knows about one private endpoint after reading it and its NICs. JSON-serialisable. */
export interface EndpointState {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly provisioningState: string;
  readonly connections: EndpointConnection[];
  /** Distinct group ids across connections, as Azure spells them. */
  readonly groupIds: string[];
  /** True when at least one connection is Approved. */
  readonly approved: boolean;
  readonly nicIds: string[];
  /** Where the entries came from: the NICs (source of truth) or the `customDnsConfigs` fallback. */
  readonly entrySource: 'nic' | 'customDnsConfigs' | 'none';
  /** DNS entries, only when approved and ready. */
  readonly entries: EndpointDnsEntry[];
  readonly readiness: EndpointReadiness;
  readonly backup?: BackupRole;
  readonly skips: Skip[];
}

function isNicList(
  nics: readonly NetworkInterfaceResource[] | NicIndex,
): nics is readonly NetworkInterfaceResource[] {
  return Array.isArray(nics);
}

type Props<T> = T extends { properties?: infer P } ? NonNullable<P> : never;
type Merged<T> = Props<T> & T;

/**
 * One field of a resource in either shape: the wire shape keeps fields under `properties`, the SDK shape at the
 * top; `properties` wins when it holds the key. Reads the field in place (no merged copy of the resource).
 */
function prop<T extends { properties?: object | null }, K extends keyof Merged<T>>(
  resource: T,
  key: K,
): Merged<T>[K] {
  const props = resource.properties;
  const source = props !== undefined && props !== null && Object.hasOwn(props, key) ? props : resource;
  return (source as Merged<T>)[key];
}

function readConnections(pe: PrivateEndpointResource): EndpointConnection[] {
  const read = (
    list: z.infer<typeof connection>[] | null | undefined,
    manual: boolean,
  ): EndpointConnection[] =>
    (list ?? []).map((c) => ({
      name: c.name ?? '',
      manual,
      status: prop(c, 'privateLinkServiceConnectionState')?.status ?? '',
      groupIds: prop(c, 'groupIds') ?? [],
      privateLinkServiceId: prop(c, 'privateLinkServiceId') ?? '',
    }));
  return [
    ...read(prop(pe, 'privateLinkServiceConnections'), false),
    ...read(prop(pe, 'manualPrivateLinkServiceConnections'), true),
  ];
}

/** Entries from the NICs: each ipConfiguration's FQDNs point at its private IP. */
function entriesFromNics(
  endpointId: string,
  nics: readonly NetworkInterfaceResource[],
  skips: Skip[],
): EndpointDnsEntry[] {
  const entries = new EntryList();
  for (const nic of nics) {
    for (const ipc of prop(nic, 'ipConfigurations') ?? []) {
      const link = prop(ipc, 'privateLinkConnectionProperties');
      const fqdns = link?.fqdns ?? [];
      if (fqdns.length === 0) continue;
      const ip = prop(ipc, 'privateIPAddress') ?? '';
      for (const fqdn of fqdns) entries.push(skips, endpointId, fqdn, ip, link?.groupId ?? '');
    }
  }
  return entries.entries;
}

function entriesFromCustomDnsConfigs(
  endpointId: string,
  pe: PrivateEndpointResource,
  groupId: string,
  skips: Skip[],
): EndpointDnsEntry[] {
  const entries = new EntryList();
  for (const config of prop(pe, 'customDnsConfigs') ?? []) {
    if (!config.fqdn) continue;
    for (const ip of config.ipAddresses ?? []) entries.push(skips, endpointId, config.fqdn, ip, groupId);
  }
  return entries.entries;
}

/** An endpoint's DNS entries in the order found, each FQDN + IP once. */
class EntryList {
  readonly entries: EndpointDnsEntry[] = [];
  private readonly seen = new Set<string>();

  push(skips: Skip[], endpointId: string, fqdn: string, ip: string, groupId: string): void {
    const normalisedFqdn = fqdn.trim().toLowerCase().replace(/\.$/, '');
    if (!isIpv4(ip)) {
      skips.push({
        code: 'invalid-ip',
        message: `${displayText(normalisedFqdn)}: ${quoted(ip, 60)} is not an IPv4 address; only A records are managed`,
        endpointId,
        fqdn: normalisedFqdn,
      });
      return;
    }
    const key = `${normalisedFqdn} ${ip}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push({ fqdn: normalisedFqdn, ip, endpointId, groupId });
  }
}

function siblingKind(name: string): { kind: BackupSiblingKind; parentName: string } | undefined {
  const lower = name.toLowerCase();
  for (const suffix of BACKUP_V1_SIBLING_SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) {
      return { kind: suffix.slice(1) as BackupSiblingKind, parentName: name.slice(0, -suffix.length) };
    }
  }
  return undefined;
}

/**
 * The NICs of a listing, looked up by canonical id and by the endpoint they name in `privateEndpoint.id`. Built
 * once per listing, so matching every endpoint to its NICs is one pass, and each NIC id is canonicalised once.
 */
export interface NicIndex {
  readonly nics: readonly NetworkInterfaceResource[];
  /** Canonical id of `nics[i]`. */
  readonly ids: readonly string[];
  /** Canonical NIC id → positions in `nics` (a NIC listed twice is found twice, as a filter over the list would). */
  readonly byId: ReadonlyMap<string, readonly number[]>;
  /** Canonical endpoint id in the NIC's `privateEndpoint.id` → positions in `nics`. */
  readonly byEndpoint: ReadonlyMap<string, readonly number[]>;
}

export function indexNics(nics: readonly NetworkInterfaceResource[]): NicIndex {
  return runSteps(indexNicsSteps(nics));
}

export function* indexNicsSteps(nics: readonly NetworkInterfaceResource[]): Steps<NicIndex> {
  const ids: string[] = [];
  const byId = new Map<string, number[]>();
  const byEndpoint = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, position: number): void => {
    const list = map.get(key);
    if (list) list.push(position);
    else map.set(key, [position]);
  };
  for (let position = 0; position < nics.length; position++) {
    const nic = nics[position] as NetworkInterfaceResource;
    const id = canonicalId(nic.id);
    ids.push(id);
    add(byId, id, position);
    const owner = prop(nic, 'privateEndpoint');
    if (owner !== undefined && owner !== null) add(byEndpoint, canonicalId(owner.id), position);
    yield;
  }
  return { nics, ids, byId, byEndpoint };
}

/**
 * Reads one private endpoint with the NICs it references (other NICs are ignored): the NICs it lists in
 * `networkInterfaces` and those naming it in their `privateEndpoint.id`, in the order of the NIC list. Only
 * Approved connections publish records; an endpoint still provisioning or without FQDNs is reported not ready.
 * Pass a `NicIndex` when reading many endpoints against one NIC list.
 */
export function readEndpoint(
  pe: PrivateEndpointResource,
  nics: readonly NetworkInterfaceResource[] | NicIndex,
): EndpointState {
  const index = isNicList(nics) ? indexNics(nics) : nics;
  const parsed = parseResourceId(pe.id);
  const id = canonicalId(pe.id);
  const skips: Skip[] = [];
  const connections = readConnections(pe);
  const groupIds = [...new Set(connections.flatMap((c) => c.groupIds))];
  const approved = connections.some((c) => c.status.toLowerCase() === 'approved');
  const nicIds = (prop(pe, 'networkInterfaces') ?? []).map((n) => canonicalId(n.id));
  const positions = new Set<number>();
  for (const nicId of nicIds) for (const position of index.byId.get(nicId) ?? []) positions.add(position);
  for (const position of index.byEndpoint.get(id) ?? []) positions.add(position);
  const own = [...positions].sort((a, b) => a - b);
  const ownNics = own.map((position) => index.nics[position] as NetworkInterfaceResource);
  const listed = new Set(nicIds);
  for (const position of own) {
    const nicId = index.ids[position] as string;
    if (listed.has(nicId)) continue;
    listed.add(nicId);
    nicIds.push(nicId);
  }

  const provisioningState = prop(pe, 'provisioningState') ?? '';
  let entries: EndpointDnsEntry[] = [];
  let entrySource: EndpointState['entrySource'] = 'none';
  const fromNics = entriesFromNics(id, ownNics, skips);
  if (fromNics.length > 0) {
    entries = fromNics;
    entrySource = 'nic';
  } else {
    const fromConfigs = entriesFromCustomDnsConfigs(id, pe, groupIds[0] ?? '', skips);
    if (fromConfigs.length > 0) {
      entries = fromConfigs;
      entrySource = 'customDnsConfigs';
    }
  }

  let readiness: EndpointReadiness = { ready: true };
  if (provisioningState !== '' && provisioningState.toLowerCase() !== 'succeeded') {
    readiness = {
      ready: false,
      code: 'endpoint-not-ready',
      message: `${pe.name} is in provisioning state ${provisioningState}`,
    };
  } else if (!approved) {
    const states = connections.map((c) => c.status || 'unknown').join(', ') || 'no connections';
    readiness = {
      ready: false,
      code: 'connection-not-approved',
      message: `${pe.name} has no Approved connection (${states}); it publishes no records until approved`,
    };
  } else if (entries.length === 0) {
    readiness = { ready: false, code: 'no-dns-entries', message: `${pe.name} publishes no FQDNs yet` };
  }
  if (!readiness.ready) {
    skips.push({ code: readiness.code, message: readiness.message, endpointId: id });
    entries = [];
  }

  const lowerGroups = groupIds.map((g) => g.toLowerCase());
  let backup: BackupRole | undefined;
  if (lowerGroups.some((g) => (BACKUP_GROUP_IDS as readonly string[]).includes(g))) {
    backup = {
      kind: 'vault',
      secondary: lowerGroups.includes('azurebackup_secondary') && !lowerGroups.includes('azurebackup'),
      experience: 'unknown',
    };
  } else {
    const sibling = siblingKind(pe.name);
    if (sibling && parsed) {
      const parent = id.split('/').slice(0, -1).join('/') + '/' + sibling.parentName.toLowerCase();
      backup = { kind: 'sibling', sibling: sibling.kind, parentId: parent };
    }
  }

  return {
    id,
    name: pe.name,
    subscriptionId: parsed?.subscriptionId ?? '',
    resourceGroup: parsed?.resourceGroup ?? '',
    location: (pe.location ?? '').toLowerCase(),
    provisioningState,
    connections,
    groupIds,
    approved,
    nicIds,
    entrySource,
    entries,
    readiness,
    ...(backup ? { backup } : {}),
    skips,
  };
}

/** A storage FQDN in a vault endpoint's own entries means Backup v2 (v1 puts storage on sibling endpoints). */
function hasStorageEntries(state: EndpointState): boolean {
  return state.entries.some((e) =>
    /\.(blob|queue)\.core\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/.test(
      e.fqdn.replace('.privatelink.', '.'),
    ),
  );
}

/** A resource that could not be read: where (`$[3].properties.ipConfigurations`) and why. */
export interface InvalidResource {
  readonly index: number;
  /** JSON path inside the input list. */
  readonly path: string;
  readonly message: string;
}

export interface ResourceSet {
  readonly endpoints: PrivateEndpointResource[];
  readonly nics: NetworkInterfaceResource[];
  /** Malformed endpoints or NICs (also reported as `invalid-resource` skips). */
  readonly invalid: InvalidResource[];
  readonly skips: Skip[];
}

/** `$[3].properties.fqdns[0]` from a zod issue path below list item `index`. */
export function jsonPath(index: number, path: readonly PropertyKey[] = []): string {
  return `$[${index}]${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** One resource of a mixed list, as `splitResources` sorts it. */
export type ClassifiedResource =
  | { readonly kind: 'endpoint'; readonly resource: PrivateEndpointResource }
  | { readonly kind: 'nic'; readonly resource: NetworkInterfaceResource }
  | { readonly kind: 'other' }
  | { readonly kind: 'invalid'; readonly invalid: InvalidResource };

/**
 * Sorts one resource of a mixed list (item `index` of it): an endpoint, a NIC, another type (ignored), or a
 * malformed endpoint or NIC with the JSON path and the reason.
 */
export function classifyResource(raw: unknown, index: number): ClassifiedResource {
  const reject = (path: readonly PropertyKey[], message: string): ClassifiedResource => ({
    kind: 'invalid',
    invalid: { index, path: jsonPath(index, path), message },
  });
  // Well-formed endpoints and NICs, nearly all of any listing, are parsed once; anything else takes the steps
  // below, which say what is wrong.
  const quick = quickClassify(raw);
  if (quick) return quick;
  const base = resourceBase.safeParse(raw);
  if (!base.success) {
    const issue = base.error.issues[0];
    return reject(issue?.path ?? [], issue?.message ?? 'not a resource');
  }
  const type = base.data.type.toLowerCase();
  const isEndpoint = type === PRIVATE_ENDPOINT_TYPE.toLowerCase();
  if (!isEndpoint && type !== NETWORK_INTERFACE_TYPE.toLowerCase()) return { kind: 'other' };
  // The id and its names must follow ARM's rules (armNames.ts); the message echoes only a bounded piece.
  const checked = checkResourceId(base.data.id, isEndpoint ? 'privateEndpoint' : 'networkInterface');
  if (!checked.ok) return reject(['id'], checked.message);
  if (isEndpoint) {
    const parsed = privateEndpointResource.safeParse(raw);
    if (parsed.success) return { kind: 'endpoint', resource: parsed.data };
    return reject(parsed.error.issues[0]?.path ?? [], parsed.error.issues[0]?.message ?? 'invalid');
  }
  const parsed = networkInterfaceResource.safeParse(raw);
  if (parsed.success) return { kind: 'nic', resource: parsed.data };
  return reject(parsed.error.issues[0]?.path ?? [], parsed.error.issues[0]?.message ?? 'invalid');
}

/** A well-formed endpoint or NIC with a matching id, parsed once; `undefined` for everything else. */
function quickClassify(raw: unknown): ClassifiedResource | undefined {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') return undefined;
  const lower = type.toLowerCase();
  if (lower === PRIVATE_ENDPOINT_TYPE.toLowerCase()) {
    const parsed = privateEndpointResource.safeParse(raw);
    return parsed.success && checkResourceId(parsed.data.id, 'privateEndpoint').ok
      ? { kind: 'endpoint', resource: parsed.data }
      : undefined;
  }
  if (lower === NETWORK_INTERFACE_TYPE.toLowerCase()) {
    const parsed = networkInterfaceResource.safeParse(raw);
    return parsed.success && checkResourceId(parsed.data.id, 'networkInterface').ok
      ? { kind: 'nic', resource: parsed.data }
      : undefined;
  }
  return undefined;
}

/** The resource set of a classified list, in list order; malformed entries are also `invalid-resource` skips. */
export function collectResources(classified: readonly ClassifiedResource[]): ResourceSet {
  const endpoints: PrivateEndpointResource[] = [];
  const nics: NetworkInterfaceResource[] = [];
  const invalid: InvalidResource[] = [];
  const skips: Skip[] = [];
  for (const item of classified) {
    if (item.kind === 'endpoint') endpoints.push(item.resource);
    else if (item.kind === 'nic') nics.push(item.resource);
    else if (item.kind === 'invalid') {
      invalid.push(item.invalid);
      skips.push({ code: 'invalid-resource', message: `${item.invalid.path}: ${item.invalid.message}` });
    }
  }
  return { endpoints, nics, invalid, skips };
}

/**
 * Splits a mixed list of ARM resources (as `az` or Resource Graph export them) into endpoints and NICs.
 * Resources of other types are ignored; malformed endpoints or NICs are listed in `invalid` with their JSON
 * path and reported as `invalid-resource` skips.
 */
export function splitResources(resources: readonly unknown[]): ResourceSet {
  return runSteps(splitResourcesSteps(resources));
}

export function* splitResourcesSteps(resources: readonly unknown[]): Steps<ResourceSet> {
  return collectResources(yield* mapSteps(resources, classifyResource));
}

/**
 * Reads every endpoint in a resource list and links the Backup family: v1 siblings point at their vault
 * endpoint, and a vault endpoint is marked v1 (it has siblings) or v2 (its own NIC carries storage FQDNs).
 */
export function readEndpoints(resources: ResourceSet): EndpointState[] {
  return runSteps(readEndpointsSteps(resources));
}

export function* readEndpointsSteps(resources: ResourceSet): Steps<EndpointState[]> {
  const nics = yield* indexNicsSteps(resources.nics);
  return yield* linkBackupFamiliesSteps(yield* mapSteps(resources.endpoints, (pe) => readEndpoint(pe, nics)));
}

/**
 * The second half of `readEndpoints`, for endpoints read one by one with `readEndpoint`: marks each Backup vault
 * endpoint v1 (its siblings are among `states`) or v2 (its own NIC carries storage FQDNs), sorted by id.
 */
export function linkBackupFamilies(states: readonly EndpointState[]): EndpointState[] {
  return runSteps(linkBackupFamiliesSteps(states));
}

export function* linkBackupFamiliesSteps(states: readonly EndpointState[]): Steps<EndpointState[]> {
  const siblingParents = new Set(
    states.flatMap((s) => (s.backup?.kind === 'sibling' ? [s.backup.parentId] : [])),
  );
  const linked = yield* mapSteps(states, (s): EndpointState => {
    if (s.backup?.kind !== 'vault') return s;
    const experience: 'v1' | 'v2' | 'unknown' = siblingParents.has(s.id)
      ? 'v1'
      : hasStorageEntries(s)
        ? 'v2'
        : 'unknown';
    return { ...s, backup: { ...s.backup, experience } };
  });
  return yield* sortSteps(linked, (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The DNS entries of a set of endpoints, for `desiredRecords`. */
export function dnsEntries(states: readonly EndpointState[]): EndpointDnsEntry[] {
  return states.flatMap((s) => s.entries);
}

/**
 * The Backup family an endpoint belongs to: the vault endpoint and its v1 siblings (canonical ids, sorted).
 * For an endpoint outside any Backup family, just itself.
 */
export function backupFamily(states: readonly EndpointState[], endpointId: string): string[] {
  const id = endpointId.toLowerCase();
  const self = states.find((s) => s.id === id);
  const vaultId = self?.backup?.kind === 'sibling' ? self.backup.parentId : id;
  const members = states
    .filter((s) => s.id === vaultId || (s.backup?.kind === 'sibling' && s.backup.parentId === vaultId))
    .map((s) => s.id);
  return [...new Set([id, ...members])].sort();
}
