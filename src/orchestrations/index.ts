/**
 * The durable part of the app. Importing this module registers, with `df.app.*`:
 *
 * - orchestrations `syncEndpoint`, `removeEndpoint`, `reconcile`, `applyZone`;
 * - activities `readSyncSettings`, `readEndpointFamily`, `listHubZones`, `listScopeEndpoints`,
 *   `readZoneRecords`, `applyZoneChanges`, `decideConnection`, `issueApprovalChallenge`;
 * - entities `zoneWritePacer` (per hub zone) and `endpointRecords` (per endpoint).
 *
 * Starters use the names in `./names` and the inputs in `./contracts`.
 */
import './activities';
import './approvalChallenge';
import './zoneWritePacer';
import './endpointRecords';
import './applyZone';
import './removeEndpoint';
import './syncEndpoint';
import './reconcile';

export * from './names';
export * from './contracts';
