/**
 * The durable part of the app. Importing this module registers, with `df.app.*`:
 *
 * - orchestrations `syncEndpoint`, `removeEndpoint`, `reconcile`, `applyZone`;
 * - activities `readSyncSettings`, `readEndpoint`, `listHubZones`, `planScope`, `readZoneRecords`,
 *   `applyZoneChanges`, `decideConnection`, `issueApprovalChallenge`;
 * - entities `zoneWritePacer` (per hub zone), `endpointRecords` (per endpoint), `backupWatchState` (one),
 *   `hubReadBudget` (per hub subscription) and `approvalLock` (per vault connection).
 *
 * Starters use the names in `./names` and the inputs in `./contracts`.
 */
import './activities';
import './approvalChallenge';
import './zoneWritePacer';
import './endpointRecords';
import './backupWatchState';
import './hubReadBudget';
import './applyZone';
import './removeEndpoint';
import './syncEndpoint';
import './reconcile';

export * from './names';
export * from './contracts';
