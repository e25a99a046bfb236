import { parseResourceId } from './resourceId';

/**
 * Record ownership, kept in the record set's metadata.
 *
 * Azure publishes no limit for Private DNS record-set metadata, so we stay inside Azure's resource tag limits
 * (at most 50 pairs, keys ≤ 512 characters, values ≤ 256 characters, keys without `<>%&\?/`):
 *
 * - `pldsowner`   = the owner id (≤ 256 characters, checked by the config schema);
 * - `pldsversion` = encoding version (`1`);
 * - `pldsep0`, `pldsep1`, … = one endpoint each, written compactly as `<subscriptionId>/<resourceGroup>/<name>`
 *   (lower-case). The type is always `Microsoft.Network/privateEndpoints`, so the full id is rebuilt on read.
 *   ARM caps resource-group names at 90 and endpoint names at 80 characters, so this always fits in 256.
 * - `pldsoverflow` = `true` when more endpoints need the record than pairs are left (50, minus the three
 *   keys above, minus metadata others wrote: at most 47 endpoints). The first ones (sorted) are listed;
 *   a record marked overflowing is never deleted by a per-endpoint sync, only by a full reconcile that
 *   sees every endpoint.
 *
 * Keys are lower-case letters and digits only, since Azure may not preserve case.
 */
export const OWNER_KEY = 'pldsowner';
export const VERSION_KEY = 'pldsversion';
export const ENDPOINT_KEY_PREFIX = 'pldsep';
export const OVERFLOW_KEY = 'pldsoverflow';
export const MAX_ENDPOINTS_IN_METADATA = 47;
export const MAX_METADATA_VALUE_LENGTH = 256;
export const MAX_METADATA_PAIRS = 50;

export interface RecordOwnership {
  readonly ownerId: string;
  /** Canonical private endpoint ids. */
  readonly endpointIds: string[];
  /** True when the metadata could not list every endpoint. */
  readonly overflow: boolean;
}

function compactEndpointId(endpointId: string): string {
  const parsed = parseResourceId(endpointId);
  if (!parsed) return endpointId.toLowerCase().slice(0, MAX_METADATA_VALUE_LENGTH);
  return `${parsed.subscriptionId}/${parsed.resourceGroup}/${parsed.name}`.toLowerCase();
}

function expandEndpointId(compact: string): string | undefined {
  const parts = compact.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [subscriptionId, resourceGroup, name] = parts as [string, string, string];
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/microsoft.network/privateendpoints/${name}`.toLowerCase();
}

/** Metadata for a record we own, needed by `endpointIds`. Other metadata keys are kept as they were. */
export function encodeOwnership(
  ownerId: string,
  endpointIds: readonly string[],
  existing: Record<string, string> = {},
): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(existing)) {
    if (!isOwnershipKey(key)) metadata[key] = value;
  }
  const sorted = [...new Set(endpointIds.map((id) => id.toLowerCase()))].sort();
  metadata[OWNER_KEY] = ownerId;
  metadata[VERSION_KEY] = '1';
  // Owner, version and a possible overflow flag take three pairs; what others wrote stays.
  const capacity = Math.max(0, MAX_METADATA_PAIRS - Object.keys(metadata).length - 1);
  sorted.slice(0, capacity).forEach((id, i) => {
    metadata[`${ENDPOINT_KEY_PREFIX}${i}`] = compactEndpointId(id);
  });
  if (sorted.length > capacity) metadata[OVERFLOW_KEY] = 'true';
  return metadata;
}

function isOwnershipKey(key: string): boolean {
  const lower = key.toLowerCase();
  return (
    lower === OWNER_KEY ||
    lower === VERSION_KEY ||
    lower === OVERFLOW_KEY ||
    (lower.startsWith(ENDPOINT_KEY_PREFIX) && /^\d+$/.test(lower.slice(ENDPOINT_KEY_PREFIX.length)))
  );
}

/** Reads ownership from metadata (keys compared case-insensitively); undefined when no owner key stands. */
export function decodeOwnership(metadata: Record<string, string> | undefined): RecordOwnership | undefined {
  if (!metadata) return undefined;
  let ownerId: string | undefined;
  let overflow = false;
  const endpointIds: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    const lower = key.toLowerCase();
    if (lower === OWNER_KEY) ownerId = value;
    else if (lower === OVERFLOW_KEY) overflow = value.toLowerCase() === 'true';
    else if (isOwnershipKey(lower) && lower !== VERSION_KEY) {
      const id = expandEndpointId(value);
      if (id) endpointIds.push(id);
    }
  }
  if (ownerId === undefined) return undefined;
  return { ownerId, endpointIds: [...new Set(endpointIds)].sort(), overflow };
}

/** True when the record's metadata names `ownerId` as its owner. */
export function isOwnedBy(metadata: Record<string, string> | undefined, ownerId: string): boolean {
  return decodeOwnership(metadata)?.ownerId === ownerId;
}

/** Checks metadata against the limits above; returns the problems (empty when it fits). */
export function metadataProblems(metadata: Record<string, string>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_PAIRS)
    problems.push(`${entries.length} pairs (limit ${MAX_METADATA_PAIRS})`);
  for (const [key, value] of entries) {
    if (key.length > 512 || /[<>%&\\?/]/.test(key)) problems.push(`key "${key}" is not allowed`);
    if (value.length > MAX_METADATA_VALUE_LENGTH)
      problems.push(`value of "${key}" exceeds ${MAX_METADATA_VALUE_LENGTH} characters`);
  }
  return problems;
}
