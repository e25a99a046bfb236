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

// Metrics leave the process once a minute; what is buffered when the instance goes away is sent now.
app.hook.appTerminate(async () => {
  await stopTelemetry();
});
