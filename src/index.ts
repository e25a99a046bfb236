/**
 * The Functions app: importing this module registers every trigger, orchestration, activity and entity
 * (package.json `main` points at its compiled form). Registration happens at import; app settings are read
 * when a function runs, so a bad setting shows up in `GET /api/health` instead of failing the start.
 */
import { app } from '@azure/functions';
import './orchestrations';
import './functions/eventGridSync';
import './functions/resync';
import './functions/resyncStatus';
import './functions/approvals';
import './functions/approvalsList';
import './functions/reconcileTimer';
import './functions/backupWatch';
import './functions/health';

// Responses are small JSON bodies: no HTTP streaming (the local host does not offer it either).
app.setup({ enableHttpStream: false });
