/**
 * The durable part of the app. Importing this module registers, with `df.app.*`:
 *
 * - orchestrations `syncEndpoint`, `removeEndpoint`, `reconcile`, `applyZone`;
 * - activities `readSyncSettings`, `readEndpoint`, `listHubZones`, `planScope`, `readZoneRecords`,
 *   `applyZoneChanges`, `decideConnection`, `issueApprovalChallenge`;
 * - entities `zoneWritePacer` (per hub zone), `endpointRecords` (per endpoint), `backupWatchState` (one),
 *   `hubReadBudget` (per hub subscription); `approvalLock` (per vault connection) is registered with the approvals
 *   trigger (flows/approval/lock.ts).
 *
 * It re-exports the durable names and every flow's public contracts, so starters, tests and the demo have one
 * place to import them from. With src/index.ts (which adds the triggers) it is the app's composition root.
 */
import './durable/activities';
import './flows/sync/readEndpoint';
import './flows/reconcile/planScope';
import './flows/approval/decideConnection';
import './flows/approval/challenge';
import './durable/zoneWritePacer';
import './durable/endpointRecords';
import './flows/watch/backupWatchState';
import './durable/hubReadBudget';
import './durable/applyZone';
import './flows/remove/removeEndpoint';
import './flows/sync/syncEndpoint';
import './flows/reconcile/reconcile';

export * from './durable/names';
export * from './durable/contracts';
export * from './flows/sync/contracts';
export * from './flows/remove/contracts';
export * from './flows/reconcile/contracts';
export * from './flows/approval/contracts';
