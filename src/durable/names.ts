/**
 * Names of the durable orchestrations, activities, entities and external events of the sync engine.
 *
 * Registration: `import './orchestrations'` (that is `src/orchestrations.ts`) registers every orchestration,
 * activity and entity below with `df.app.*` as a side effect of the import (each file of a flow registers
 * itself). These names never change: deployed task hubs hold instances and histories under them. Starters only
 * need these names and the contracts of the flow they start (`src/flows/<flow>/contracts.ts`):
 *
 * - Event Grid starter: `syncInstanceId(endpointId)` is the instance id. If that instance is running, raise
 *   `EXTERNAL_EVENTS.endpointChanged` to it (payload `EndpointChangedEvent`); otherwise start
 *   `ORCHESTRATIONS.syncEndpoint` with a `SyncEndpointInput` under that id. Deletes go the same way: the
 *   orchestration re-reads the endpoint and, on 404, removes its records (`removeEndpoint`).
 * - Resync / timer: start `ORCHESTRATIONS.reconcile` with a `ReconcileInput`; its output is a `ReconcileOutput`.
 * - Approval webhook: after applying the decision to the vault, raise `EXTERNAL_EVENTS.approvalDecision`
 *   (payload `ApprovalDecisionEvent`, with the proof for the wait's `approval.challengeId`) to
 *   `syncInstanceId(endpointId)`. Waiting instances show `SyncEndpointStatus.phase === 'awaiting-approval'`
 *   in their custom status; a decision without a valid proof is ignored.
 */

/** Orchestrator function names. */
export const ORCHESTRATIONS = {
  /** Keeps one endpoint's records in step (event-driven): read, wait for DNS data, plan, apply, approve, watch. */
  syncEndpoint: 'syncEndpoint',
  /** Drops an endpoint from the owners of its records and deletes the records left unowned. */
  removeEndpoint: 'removeEndpoint',
  /** Scope-wide drift repair (resync / timer) with garbage collection of owned orphans. */
  reconcile: 'reconcile',
  /** Applies the changes of one hub zone, paced through the zone's write-pacer entity (sub-orchestration). */
  applyZone: 'applyZone',
} as const;

/** Activity function names (every Azure call happens in one of these). */
export const ACTIVITIES = {
  /** The settings the orchestrations decide by (read once per run, so replays see the same values). */
  readSyncSettings: 'readSyncSettings',
  /** Reads an endpoint and its NICs. */
  readEndpoint: 'readEndpoint',
  /** Lists the hub's `privatelink.*` zones (reconcile; where several zones fit a name). */
  listHubZones: 'listHubZones',
  /** Lists a reconcile scope's endpoints, reads the hub zones and plans (core `planEndpoints`). */
  planScope: 'planScope',
  /** Reads the A record sets of one hub zone (paged), keeping the ones a plan needs. */
  readZoneRecords: 'readZoneRecords',
  /** Writes a batch of one zone's changes inside the write slots the zone entity granted. */
  applyZoneChanges: 'applyZoneChanges',
  /** Approves or rejects a vault private endpoint connection (auto-approval). */
  decideConnection: 'decideConnection',
  /** The challenge an approval wait proves decisions against (needs the approval secret; approvalChallenge.ts). */
  issueApprovalChallenge: 'issueApprovalChallenge',
} as const;

/** Durable entity names. */
export const ENTITIES = {
  /** One per hub zone (key: lower-case zone name): global write pacing (60 writes/min) absorbing Retry-After. */
  zoneWritePacer: 'zoneWritePacer',
  /** One per endpoint (key: `endpointKey(endpointId)`): the hub records the endpoint owns. */
  endpointRecords: 'endpointRecords',
  /** One (key `estate`): what the app last synced for each Backup endpoint, for the Backup watch. */
  backupWatchState: 'backupWatchState',
  /** One per hub subscription (key: its id): the Private DNS read budget (500 GETs / 5 min) all instances share. */
  hubReadBudget: 'hubReadBudget',
  /** One per vault connection (key: its hashed id): the approval webhook's compare-and-set lease. */
  approvalLock: 'approvalLock',
} as const;

/** External events the orchestrations wait for. */
export const EXTERNAL_EVENTS = {
  /** A new ARM event for an endpoint whose `syncEndpoint` instance is running: re-read it now. */
  endpointChanged: 'endpointChanged',
  /** The approval decision for a pending connection (after the webhook applied it to the vault). */
  approvalDecision: 'approvalDecision',
} as const;

export type OrchestrationName = (typeof ORCHESTRATIONS)[keyof typeof ORCHESTRATIONS];
export type ActivityName = (typeof ACTIVITIES)[keyof typeof ACTIVITIES];
export type EntityName = (typeof ENTITIES)[keyof typeof ENTITIES];
export type ExternalEventName = (typeof EXTERNAL_EVENTS)[keyof typeof EXTERNAL_EVENTS];
