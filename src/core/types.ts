/**
 * Domain types of the sync engine. Everything here is plain JSON (no classes, no Dates, no Maps) because
 * plans and entries travel through durable activities and the CLI's `json` output.
 */

/** A parsed Azure Resource Manager id. `id` is the canonical lower-cased form used as a key everywhere. */
export interface ResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Provider namespace as written, e.g. `Microsoft.Network`. */
  readonly provider: string;
  /** Resource type path below the provider, e.g. `privateEndpoints` or `networkInterfaces/ipConfigurations`. */
  readonly type: string;
  /** Name of the last segment. */
  readonly name: string;
  /** Canonical lower-cased id, without trailing slash. */
  readonly id: string;
}

/** One FQDN → IPv4 pair published by a private endpoint. */
export interface EndpointDnsEntry {
  /** Lower-cased, no trailing dot, as the endpoint publishes it (usually without `privatelink`). */
  readonly fqdn: string;
  readonly ip: string;
  /** Canonical (lower-cased) id of the private endpoint. */
  readonly endpointId: string;
  /** Group id (sub-resource) of the connection, e.g. `AzureBackup`, `blob`; empty when unknown. */
  readonly groupId: string;
}

/** An A record set the hub zones should hold. */
export interface DesiredRecord {
  /** Zone name, lower-case, e.g. `privatelink.eus.backup.windowsazure.com`. */
  readonly zone: string;
  /** Record set name relative to the zone, lower-case. */
  readonly name: string;
  /** IPv4 addresses, sorted numerically, unique. */
  readonly ips: string[];
  /** Canonical endpoint ids that need this record, sorted, unique. */
  readonly owners: string[];
}

/** An A record set as read from a hub zone. */
export interface CurrentRecordSet {
  /** ARM id of the record set (as returned; may be empty for hand-made inputs). */
  readonly id: string;
  readonly zone: string;
  readonly name: string;
  readonly ips: string[];
  readonly ttl: number;
  /** ETag for conditional writes; empty when unknown. */
  readonly etag: string;
  readonly metadata: Record<string, string>;
}

/** Why something was not turned into a record or a change. Machine-readable; `message` is for humans. */
export const SKIP_CODES = [
  'unknown-suffix',
  'unknown-geo',
  'invalid-fqdn',
  'other-cloud',
  'unconfirmed-mapping',
  'ambiguous-zone',
  'invalid-ip',
  'connection-not-approved',
  'endpoint-not-ready',
  'no-dns-entries',
  'invalid-resource',
  'foreign-record',
  'out-of-scope',
  'policy',
] as const;

export type SkipCode = (typeof SKIP_CODES)[number];

export interface Skip {
  readonly code: SkipCode;
  readonly message: string;
  readonly endpointId?: string;
  readonly fqdn?: string;
  readonly zone?: string;
  readonly name?: string;
}

export const CONFLICT_CODES = [
  /** Two endpoints publish the same FQDN with different IPs. */
  'endpoints-disagree',
  /** A record we do not own stands where we want ours, with other IPs (or adoption is off). */
  'foreign-record',
] as const;

export type ConflictCode = (typeof CONFLICT_CODES)[number];

export interface Conflict {
  readonly code: ConflictCode;
  readonly zone: string;
  readonly name: string;
  readonly message: string;
  /** The IPs that were kept (standing or chosen). */
  readonly keptIps: string[];
  /** Competing claims: endpoint id (or `foreign`) → IPs. */
  readonly claims: { readonly owner: string; readonly ips: string[] }[];
}

/** A write the plan asks for. `etag` is the If-Match precondition (empty for creates: If-None-Match *). */
export interface RecordChange {
  readonly zone: string;
  readonly name: string;
  readonly ips: string[];
  readonly ttl: number;
  readonly metadata: Record<string, string>;
  readonly owners: string[];
  readonly etag: string;
  /** For updates, adoptions and deletes: the IPs that stood before. */
  readonly previousIps?: string[];
}

export type SyncPolicy = 'sync' | 'upsert-only' | 'create-only';

export interface PlanSummary {
  readonly creates: number;
  readonly updates: number;
  readonly deletes: number;
  readonly adoptions: number;
  readonly conflicts: number;
  readonly unchanged: number;
  readonly skips: number;
  /** Owned records kept as they stand because an owner endpoint is caught mid-change. */
  readonly kept: number;
}

/**
 * An owned record the plan leaves as it stands because one of its owner endpoints still exists but is caught
 * mid-change (still provisioning, or its NICs momentarily show no FQDNs): see `core/pipeline.ts`.
 */
export interface KeptRecord {
  readonly zone: string;
  readonly name: string;
  readonly ips: string[];
  readonly endpointId: string;
  readonly code: 'endpoint-not-ready' | 'no-dns-entries';
  readonly message: string;
}

export interface Plan {
  readonly policy: SyncPolicy;
  readonly ownerId: string;
  readonly creates: RecordChange[];
  readonly updates: RecordChange[];
  readonly deletes: RecordChange[];
  readonly adoptions: RecordChange[];
  readonly conflicts: Conflict[];
  readonly unchanged: { readonly zone: string; readonly name: string; readonly ips: string[] }[];
  readonly skips: Skip[];
  /** Owned records kept because an owner endpoint is caught mid-change, each with the reason. */
  readonly kept: KeptRecord[];
  readonly summary: PlanSummary;
  readonly hasChanges: boolean;
}
