/**
 * `GET /api/approvals` (function key): the private endpoint connections waiting for a decision, with the
 * vault, the endpoint and the `syncEndpoint` instance that waits (if any). `connectionId` is what
 * `POST /api/approvals/{connection}` takes.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { TELEMETRY_METRICS } from '../../core/telemetry';
import { listPendingApprovals } from './lookup';
import { configurationInvalid, loadRuntime } from '../../durable/runtime';
import { emitMetric } from '../../durable/telemetry';

export async function listApprovals(
  _request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = loadRuntime();
  if (!loaded.ok) return configurationInvalid(loaded.error);
  const { pending, vaults, waitingInstances } = await listPendingApprovals(loaded.runtime, client);
  emitMetric(context, TELEMETRY_METRICS.pendingApprovalCount, pending.length);
  return {
    status: 200,
    jsonBody: {
      approvalMode: loaded.runtime.config.approvalMode,
      pending,
      vaultsChecked: vaults,
      waitingInstances,
    },
  };
}

df.app.client.http(FUNCTION_NAMES.approvalsList, {
  route: 'approvals',
  methods: ['GET'],
  authLevel: 'function',
  handler: listApprovals,
});
