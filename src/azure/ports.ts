/**
 * The narrow ports the orchestrations, functions and CLI use to talk to Azure. Implementations live next to this
 * file and sit on the real `@azure/arm-*` clients (see `clients.ts`); everything crossing a port is plain JSON so
 * it can travel through durable activities.
 *
 * Endpoints and NICs come back in the shape `src/core/endpoint.ts` parses (`PrivateEndpointResource`,
 * `NetworkInterfaceResource`: the ARM wire shape with `properties` nested, exactly as ARM or Resource Graph
 * return it). Record sets come back as core `CurrentRecordSet`s.
 */
import type { NetworkInterfaceResource, PrivateEndpointResource } from '../core/endpoint';
import type { CurrentRecordSet } from '../core/types';

// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * A failed Azure call: the HTTP status, the ARM error code (`ResourceNotFound`, `PreconditionFailed`,
 * `TooManyRequests`, `AuthorizationFailed`, ...; `RequestSendError`/`ECONNRESET` when no response came) and the
 * resource the call was about. `retryAfterMs` is set when Azure sent `Retry-After`.
 */
export class AzureOperationError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode: number | undefined,
    readonly resourceId: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AzureOperationError';
  }

  /** Same shape for logs and JSON output. */
  toJSON(): { code: string; statusCode?: number; resourceId: string; message: string } {
    return {
      code: this.code,
      ...(this.statusCode !== undefined ? { statusCode: this.statusCode } : {}),
      resourceId: this.resourceId,
      message: this.message,
    };
  }
}

/** 412: the record set changed (or appeared) since it was read; re-read and re-plan it, never overwrite. */
export class PreconditionFailedError extends AzureOperationError {
  constructor(message: string, resourceId: string) {
    super(message, 'PreconditionFailed', 412, resourceId);
    this.name = 'PreconditionFailedError';
  }
}

/** Error code of a write a pacer held back: not an Azure failure; the caller queues the write again later. */
export const WRITE_DEFERRED = 'WriteDeferred';

/** A `WritePacer` refused a write for now (its grant is used up, or the zone is throttled). */
export class WriteDeferredError extends AzureOperationError {
  constructor(key: PaceKey, why: string) {
    super(`write to ${key.zone} deferred: ${why}`, WRITE_DEFERRED, undefined, key.zone);
    this.name = 'WriteDeferredError';
  }
}

/** 429 that outlived the retries the caller allowed. */
export class ThrottledError extends AzureOperationError {
  constructor(message: string, resourceId: string, retryAfterMs: number | undefined) {
    super(message, 'TooManyRequests', 429, resourceId, retryAfterMs);
    this.name = 'ThrottledError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoints and NICs

/** A private endpoint with the network interfaces it references. */
export interface EndpointWithNics {
  readonly endpoint: PrivateEndpointResource;
  readonly nics: NetworkInterfaceResource[];
}

/**
 * Which endpoints to read. Fields narrow (AND); `subscriptionIds` is required and bounds everything (the allowed
 * spoke subscriptions). `resourceGroups` entries are `subscriptionId/resourceGroup`. `vaultId` keeps endpoints
 * connected to that Recovery Services vault plus their Backup v1 siblings (`<pe>_ecs_blob`, ...); `endpointId`
 * keeps one endpoint plus its siblings.
 */
export interface EndpointScope {
  readonly subscriptionIds: string[];
  readonly resourceGroups?: string[];
  readonly vaultId?: string;
  readonly endpointId?: string;
  /** Only Backup endpoints: vault endpoints (an `AzureBackup` group) and Backup v1 siblings (`_ecs_blob`, …). */
  readonly backupOnly?: boolean;
}

export interface ScopeListing {
  /** Endpoints and NICs mixed, in the wire shape `splitResources` takes. */
  readonly resources: (PrivateEndpointResource | NetworkInterfaceResource)[];
  /** How they were listed: one Resource Graph query, or ARM list calls per subscription (fallback). */
  readonly source: 'resource-graph' | 'arm';
  /** Resource Graph pages or ARM list calls made. */
  readonly requests: number;
  /** Why the ARM fallback was taken (e.g. `AuthorizationFailed`), when it was. */
  readonly fallbackReason?: string;
}

export interface EndpointReader {
  /** One endpoint and its NICs; `undefined` when the endpoint does not exist (404). */
  getEndpoint(endpointId: string): Promise<EndpointWithNics | undefined>;
  /** One NIC; `undefined` when it does not exist. Used to map a NIC event to its endpoint. */
  getNetworkInterface(nicId: string): Promise<NetworkInterfaceResource | undefined>;
  /** Every endpoint in scope with its NICs. */
  listScope(scope: EndpointScope): Promise<ScopeListing>;
}

// ---------------------------------------------------------------------------------------------------------------
// Hub record sets

/** Where a hub zone lives. `zone` is lower-case. */
export interface ZoneRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly zone: string;
}

/** The content of an A record set we write. */
export interface RecordSetContent {
  readonly name: string;
  readonly ips: string[];
  readonly ttl: number;
  readonly metadata: Record<string, string>;
}

export interface ListRecordSetsOptions {
  /** Only names ending with this suffix (`$recordsetnamesuffix`). */
  readonly nameSuffix?: string;
  /** Only these names (lower-case); filtered after listing. */
  readonly names?: readonly string[];
}

export interface RecordSetStore {
  /** Every A record set in the zone (paged), optionally filtered. Non-A sets are passed over. */
  listRecordSets(zone: ZoneRef, options?: ListRecordSetsOptions): Promise<CurrentRecordSet[]>;
  /** One A record set; `undefined` when absent. */
  getRecordSet(zone: ZoneRef, name: string): Promise<CurrentRecordSet | undefined>;
  /** Creates with `If-None-Match: *`; `PreconditionFailedError` when the name is taken. */
  createRecordSet(zone: ZoneRef, content: RecordSetContent): Promise<CurrentRecordSet>;
  /** Replaces with `If-Match: etag`; `PreconditionFailedError` when the etag no longer matches. */
  updateRecordSet(zone: ZoneRef, content: RecordSetContent, etag: string): Promise<CurrentRecordSet>;
  /** Deletes with `If-Match: etag`; `PreconditionFailedError` on mismatch. Absent already → resolves. */
  deleteRecordSet(zone: ZoneRef, name: string, etag: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Zones and VNet links

export interface ZoneInfo {
  readonly id: string;
  readonly zone: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly recordSetCount?: number;
}

export interface VirtualNetworkLinkInfo {
  readonly id: string;
  readonly name: string;
  /** Canonical (lower-cased) VNet id. */
  readonly virtualNetworkId: string;
  readonly registrationEnabled: boolean;
  /** `Completed`, `InProgress`, ... */
  readonly linkState: string;
  readonly provisioningState: string;
}

export interface ZoneReader {
  /** The zone; `undefined` when it does not exist. `abortSignal` stops the read (and its retries). */
  getZone(zone: ZoneRef, options?: { readonly abortSignal?: AbortSignal }): Promise<ZoneInfo | undefined>;
  /** Zones in one resource group (empty when the group does not exist). */
  listZones(subscriptionId: string, resourceGroup: string): Promise<ZoneInfo[]>;
  /** Its VNet links (empty when the zone does not exist). */
  listVirtualNetworkLinks(zone: ZoneRef): Promise<VirtualNetworkLinkInfo[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Recovery Services vaults and their private endpoint connections

export interface VaultInfo {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  /** `SystemAssigned`, `SystemAssigned, UserAssigned`, `None`, ... */
  readonly identityType: string;
  readonly principalId?: string;
  /** `Enabled` / `Disabled` as the vault reports it; empty when absent. */
  readonly publicNetworkAccess: string;
  /** Vault-level private endpoint state (`Enabled`, `None`, ...), when reported. */
  readonly privateEndpointStateForBackup?: string;
  readonly connections: PrivateEndpointConnectionInfo[];
}

export interface PrivateEndpointConnectionInfo {
  /** ARM id of the connection (under the vault). */
  readonly id: string;
  readonly name: string;
  /** Canonical id of the private endpoint on the other side. */
  readonly privateEndpointId: string;
  /** `Approved`, `Pending`, `Rejected`, `Disconnected`. */
  readonly status: string;
  readonly description: string;
  readonly groupIds: string[];
  readonly provisioningState: string;
}

export type ConnectionDecision = 'Approved' | 'Rejected';

export interface VaultGateway {
  /** The vault; `undefined` when it does not exist. */
  getVault(vaultId: string): Promise<VaultInfo | undefined>;
  /** Connections waiting for a decision. */
  listPendingConnections(vaultId: string): Promise<PrivateEndpointConnectionInfo[]>;
  /**
   * Approves or rejects a connection (long-running; resolves with the final state). With `expectStatus`, the
   * connection is read first and nothing is written unless it still has that status (`ConnectionStateChangedError`
   * otherwise): the compare half of the approval webhook's compare-and-set.
   */
  decideConnection(
    connectionId: string,
    decision: ConnectionDecision,
    description: string,
    options?: { readonly expectStatus?: string },
  ): Promise<PrivateEndpointConnectionInfo>;
}

/** 409: the connection no longer has the status a decision was made against; nothing was written. */
export class ConnectionStateChangedError extends AzureOperationError {
  constructor(
    resourceId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `ConnectionAlreadyDecided (409) on ${resourceId}: the connection is ${actual || 'in no state'}, not ${expected}; nothing was written`,
      'ConnectionAlreadyDecided',
      409,
      resourceId,
    );
    this.name = 'ConnectionStateChangedError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pacing

/** What a write is about, for pacing. */
export interface PaceKey {
  /** Subscription that receives the write (the hub), for ARM's per-subscription write/delete buckets. */
  readonly subscriptionId: string;
  /** Zone written, for Private DNS's per-zone limit. */
  readonly zone: string;
  readonly kind: 'write' | 'delete';
}

/**
 * Decides when a write may start. The CLI uses in-process sliding windows (`SlidingWindowPacer`); the Functions app
 * can swap in one backed by a durable entity so every instance shares the budget.
 */
export interface WritePacer {
  /**
   * Resolves when one write for `key` may be sent (consumes the budget for it). Call the returned function once
   * that write has its answer, whatever it is: from then on the service has surely seen it. A pacer that cannot
   * wait (a batch with a fixed grant) rejects with `WriteDeferredError`: the write is handed back, not failed.
   */
  acquire(key: PaceKey): Promise<() => void>;
  /** Azure answered 429 for `key`: hold writes for it back for `retryAfterMs`. */
  penalize(key: PaceKey, retryAfterMs: number): void;
}

/** Everything the sync needs from Azure in one bag. */
export interface AzurePorts {
  readonly endpoints: EndpointReader;
  readonly records: RecordSetStore;
  readonly zones: ZoneReader;
  readonly vaults: VaultGateway;
}
