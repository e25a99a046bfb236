/**
 * The Functions app: importing this module registers every trigger, orchestration, activity and entity
 * (package.json `main` points at its compiled form). Registration happens at import; app settings are read
 * when a function runs, so a bad setting shows up in `GET /api/health` instead of failing the start.
 * Telemetry starts first (Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set) and is flushed when
 * the host stops the worker.
 */
import { app } from '@azure/functions';
import { startTelemetry, stopTelemetry } from './azure/telemetry';

startTelemetry();
import './orchestrations';
import './flows/sync/eventGridSync';
import './flows/reconcile/resync';
import './flows/reconcile/resyncStatus';
import './flows/approval/approvals';
import './flows/approval/approvalsList';
import './flows/reconcile/reconcileTimer';
import './flows/watch/backupWatch';
import './flows/health/health';

// Responses are small JSON bodies: no HTTP streaming (the local host does not offer it either).
app.setup({ enableHttpStream: false });

// Metrics leave the process once a minute; what is buffered when the instance goes away is sent now.
app.hook.appTerminate(async () => {
  await stopTelemetry();
});
