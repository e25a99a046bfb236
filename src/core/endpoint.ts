import { z } from 'zod';
import { checkResourceId } from './armNames';
import { canonicalId, parseResourceId } from './resourceId';
import { displayText, quoted } from './safeText';
import type { EndpointDnsEntry, Skip } from './types';
import { isIpv4 } from './ipv4';

/*
 * Private endpoints and their network interfaces as ARM returns them (the wire shape, `properties` nested).
 * The SDK-flattened shape (fields at the top level) is accepted too: `propertiesOf` looks in both places.
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

type Props<T> = T extends { properties?: infer P } ? NonNullable<P> : never;

/** Wire shape keeps fields under `properties`; the SDK shape at the top. Prefer `properties` when present. */
function propertiesOf<T extends { properties?: object }>(resource: T): Props<T> & T {
  return { ...resource, ...(resource.properties ?? {}) } as Props<T> & T;
}

function readConnections(pe: PrivateEndpointResource): EndpointConnection[] {
  const props = propertiesOf(pe);
  const read = (
    list: z.infer<typeof connection>[] | null | undefined,
    manual: boolean,
  ): EndpointConnection[] =>
    (list ?? []).map((c) => {
      const p = propertiesOf(c);
      return {
        name: c.name ?? '',
        manual,
        status: p.privateLinkServiceConnectionState?.status ?? '',
        groupIds: p.groupIds ?? [],
        privateLinkServiceId: p.privateLinkServiceId ?? '',
      };
    });
  return [
    ...read(props.privateLinkServiceConnections, false),
    ...read(props.manualPrivateLinkServiceConnections, true),
  ];
}

/** Entries from the NICs: each ipConfiguration's FQDNs point at its private IP. */
function entriesFromNics(
  endpointId: string,
  nics: NetworkInterfaceResource[],
  skips: Skip[],
): EndpointDnsEntry[] {
  const entries: EndpointDnsEntry[] = [];
  for (const nic of nics) {
    for (const ipc of propertiesOf(nic).ipConfigurations ?? []) {
      const p = propertiesOf(ipc);
      const link = p.privateLinkConnectionProperties;
      const fqdns = link?.fqdns ?? [];
      if (fqdns.length === 0) continue;
      const ip = p.privateIPAddress ?? '';
      for (const fqdn of fqdns) pushEntry(entries, skips, endpointId, fqdn, ip, link?.groupId ?? '');
    }
  }
  return entries;
}

function entriesFromCustomDnsConfigs(
  endpointId: string,
  pe: PrivateEndpointResource,
  groupId: string,
  skips: Skip[],
): EndpointDnsEntry[] {
  const entries: EndpointDnsEntry[] = [];
  for (const config of propertiesOf(pe).customDnsConfigs ?? []) {
    if (!config.fqdn) continue;
    for (const ip of config.ipAddresses ?? [])
      pushEntry(entries, skips, endpointId, config.fqdn, ip, groupId);
  }
  return entries;
}

function pushEntry(
  entries: EndpointDnsEntry[],
  skips: Skip[],
  endpointId: string,
  fqdn: string,
  ip: string,
  groupId: string,
): void {
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
  if (entries.some((e) => e.fqdn === normalisedFqdn && e.ip === ip)) return;
  entries.push({ fqdn: normalisedFqdn, ip, endpointId, groupId });
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
 * Reads one private endpoint with the NICs it references (other NICs are ignored). Only Approved connections
 * publish records; an endpoint still provisioning or without FQDNs is reported not ready.
 */
export function readEndpoint(pe: PrivateEndpointResource, nics: NetworkInterfaceResource[]): EndpointState {
  const parsed = parseResourceId(pe.id);
  const id = canonicalId(pe.id);
  const props = propertiesOf(pe);
  const skips: Skip[] = [];
  const connections = readConnections(pe);
  const groupIds = [...new Set(connections.flatMap((c) => c.groupIds))];
  const approved = connections.some((c) => c.status.toLowerCase() === 'approved');
  const nicIds = (props.networkInterfaces ?? []).map((n) => canonicalId(n.id));
  const ownNics = nics.filter((nic) => {
    const nicProps = propertiesOf(nic);
    return (
      nicIds.includes(canonicalId(nic.id)) ||
      (nicProps.privateEndpoint !== undefined &&
        nicProps.privateEndpoint !== null &&
        canonicalId(nicProps.privateEndpoint.id) === id)
    );
  });
  for (const nic of ownNics) if (!nicIds.includes(canonicalId(nic.id))) nicIds.push(canonicalId(nic.id));

  const provisioningState = props.provisioningState ?? '';
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

/**
 * Splits a mixed list of ARM resources (as `az` or Resource Graph export them) into endpoints and NICs.
 * Resources of other types are ignored; malformed endpoints or NICs are listed in `invalid` with their JSON
 * path and reported as `invalid-resource` skips.
 */
export function splitResources(resources: readonly unknown[]): ResourceSet {
  const endpoints: PrivateEndpointResource[] = [];
  const nics: NetworkInterfaceResource[] = [];
  const invalid: InvalidResource[] = [];
  const skips: Skip[] = [];
  const reject = (index: number, path: readonly PropertyKey[], message: string): void => {
    const where = jsonPath(index, path);
    invalid.push({ index, path: where, message });
    skips.push({ code: 'invalid-resource', message: `${where}: ${message}` });
  };
  resources.forEach((raw, index) => {
    const base = resourceBase.safeParse(raw);
    if (!base.success) {
      const issue = base.error.issues[0];
      reject(index, issue?.path ?? [], issue?.message ?? 'not a resource');
      return;
    }
    const type = base.data.type.toLowerCase();
    const isEndpoint = type === PRIVATE_ENDPOINT_TYPE.toLowerCase();
    if (!isEndpoint && type !== NETWORK_INTERFACE_TYPE.toLowerCase()) return;
    // The id and its names must follow ARM's rules (armNames.ts); the message echoes only a bounded piece.
    const checked = checkResourceId(base.data.id, isEndpoint ? 'privateEndpoint' : 'networkInterface');
    if (!checked.ok) {
      reject(index, ['id'], checked.message);
      return;
    }
    if (isEndpoint) {
      const parsed = privateEndpointResource.safeParse(raw);
      if (parsed.success) endpoints.push(parsed.data);
      else reject(index, parsed.error.issues[0]?.path ?? [], parsed.error.issues[0]?.message ?? 'invalid');
    } else {
      const parsed = networkInterfaceResource.safeParse(raw);
      if (parsed.success) nics.push(parsed.data);
      else reject(index, parsed.error.issues[0]?.path ?? [], parsed.error.issues[0]?.message ?? 'invalid');
    }
  });
  return { endpoints, nics, invalid, skips };
}

/**
 * Reads every endpoint in a resource list and links the Backup family: v1 siblings point at their vault
 * endpoint, and a vault endpoint is marked v1 (it has siblings) or v2 (its own NIC carries storage FQDNs).
 */
export function readEndpoints(resources: ResourceSet): EndpointState[] {
  const states = resources.endpoints.map((pe) => readEndpoint(pe, resources.nics));
  const siblingParents = new Set(
    states.flatMap((s) => (s.backup?.kind === 'sibling' ? [s.backup.parentId] : [])),
  );
  return states
    .map((s): EndpointState => {
      if (s.backup?.kind !== 'vault') return s;
      const experience: 'v1' | 'v2' | 'unknown' = siblingParents.has(s.id)
        ? 'v1'
        : hasStorageEntries(s)
          ? 'v2'
          : 'unknown';
      return { ...s, backup: { ...s.backup, experience } };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
