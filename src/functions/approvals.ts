/**
 * `POST /api/approvals/{connection}`: the approval webhook for pending private endpoint connections on a
 * Recovery Services vault. Function key (host) plus an HMAC signature (approvalSignature.ts); the body names
 * the connection again (`connectionId`) so the signature covers it.
 *
 * Applies the decision on the vault (`privateEndpointConnections` PUT through the vault gateway), then raises
 * `approvalDecision` to the endpoint's waiting `syncEndpoint` instance (or starts one for an approval nobody
 * waits for, so the records still get written). Idempotent: the same decision again answers 200 with the
 * connection as it stands; the opposite decision on a decided connection is 409.
 *
 * 400 bad body / path mismatch · 401 signature · 403 APPROVAL_MODE=off · 404 unknown connection · 409 conflict ·
 * 413 body over 16 KiB · 503 configuration.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { FUNCTION_NAMES } from '../core/functionNames';
import { TELEMETRY_EVENTS } from '../core/telemetry';
import { AzureOperationError } from '../azure/ports';
import { EXTERNAL_EVENTS } from '../orchestrations/names';
import type { ApprovalDecisionEvent } from '../orchestrations/contracts';
import { locateConnection } from './approvalLookup';
import { APPROVAL_BODY_MAX_BYTES, approvalBodySchema, decisionDescription } from './approvalRequest';
import {
  ReplayGuard,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyApprovalSignature,
} from './approvalSignature';
import { badRequest, errorResponse, fieldErrors, parseJsonText, readBoundedBody } from './http';
import { configurationInvalid, loadRuntime } from './runtime';
import { findInstance, isActive, startOrSignalEndpoint } from './starters';
import { trackEvent } from './telemetry';

const replayGuard = new ReplayGuard();

export async function decideApproval(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = loadRuntime();
  if (!loaded.ok) return configurationInvalid(loaded.error);
  const { runtime } = loaded;
  const { config } = runtime;
  if (config.approvalMode === 'off' || !config.approvalWebhookSecret) {
    return errorResponse(403, 'ApprovalsDisabled', 'Approvals are switched off (APPROVAL_MODE=off).');
  }

  const raw = await readBoundedBody(request, APPROVAL_BODY_MAX_BYTES);
  if (!raw.ok) return raw.response;
  const signature = verifyApprovalSignature({
    secret: config.approvalWebhookSecret,
    timestamp: request.headers.get(TIMESTAMP_HEADER),
    signature: request.headers.get(SIGNATURE_HEADER),
    rawBody: raw.bytes,
    nowMs: Date.now(),
    replayGuard,
  });
  if (!signature.ok) {
    context.warn(`approval refused: ${signature.reason}`);
    return errorResponse(
      401,
      'InvalidSignature',
      `The request signature was refused (${signature.reason}).`,
      {
        reason: signature.reason,
      },
    );
  }

  const json = parseJsonText(raw.text);
  if (!json.ok) return json.response;
  const parsed = approvalBodySchema.safeParse(json.value);
  if (!parsed.success) return badRequest('The approval request is invalid.', fieldErrors(parsed.error));
  const body = parsed.data;
  const connectionName = request.params.connection ?? '';
  if (body.connectionId !== connectionName) {
    return badRequest('The body names another connection than the path.', [
      { field: 'connectionId', message: `must equal the connection in the path ("${connectionName}")` },
    ]);
  }

  const located = await locateConnection(runtime, client, connectionName, body.vaultId);
  if (!located) {
    return errorResponse(
      404,
      'ConnectionNotFound',
      `No private endpoint connection named "${connectionName}" was found${body.vaultId ? ` on ${body.vaultId}` : ' on the vaults in scope'}.`,
    );
  }
  const { connection, vaultId } = located;
  const endpointId = connection.privateEndpointId;
  const current = connection.status;
  const event: ApprovalDecisionEvent = {
    decision: body.decision,
    approver: body.approver,
    reason: body.reason,
    connectionId: connection.name,
  };
  const summary = (state: string, result: 'applied' | 'unchanged', orchestration: string) => ({
    connectionId: connection.name,
    vaultId,
    privateEndpointId: endpointId,
    decision: body.decision,
    status: state,
    result,
    orchestration: { instanceId: located.instanceId, action: orchestration },
  });

  if (current === body.decision) {
    // Already decided this way: answer with the state, and make sure a waiting instance hears it.
    const signalled = await raiseIfWaiting(client, located.instanceId, event);
    return { status: 200, jsonBody: summary(current, 'unchanged', signalled ? 'signalled' : 'none') };
  }
  if (current.toLowerCase() !== 'pending') {
    return errorResponse(
      409,
      'ConnectionAlreadyDecided',
      `The connection is ${current}; it cannot be ${body.decision} now.`,
      {
        connectionId: connection.name,
        status: current,
      },
    );
  }

  let decided;
  try {
    decided = await runtime.ports.vaults.decideConnection(
      connection.id,
      body.decision,
      decisionDescription(body),
    );
  } catch (error) {
    if (error instanceof AzureOperationError) {
      const status = error.statusCode === 404 ? 404 : error.statusCode === 409 ? 409 : 502;
      return errorResponse(status, error.code, `The vault refused the decision: ${error.message}`, {
        resourceId: error.resourceId,
      });
    }
    throw error;
  }
  trackEvent(context, TELEMETRY_EVENTS.approvalDecided, {
    connectionId: connection.name,
    decision: body.decision,
    endpointId,
    vaultId,
  });

  let action = 'none';
  if (await raiseIfWaiting(client, located.instanceId, event)) {
    action = 'signalled';
  } else if (body.decision === 'Approved') {
    // Nobody waits (the event was lost, or the endpoint was never seen): sync it now.
    action = (await startOrSignalEndpoint(client, { endpointId, trigger: 'approval' })).outcome;
  }
  context.log(`approval: ${connection.name} ${body.decision} by ${body.approver}; orchestration ${action}`);
  return { status: 200, jsonBody: summary(decided.status || body.decision, 'applied', action) };
}

async function raiseIfWaiting(
  client: DurableClient,
  instanceId: string,
  event: ApprovalDecisionEvent,
): Promise<boolean> {
  if (!isActive(await findInstance(client, instanceId))) return false;
  await client.raiseEvent(instanceId, EXTERNAL_EVENTS.approvalDecision, event);
  return true;
}

df.app.client.http(FUNCTION_NAMES.approvals, {
  route: 'approvals/{connection}',
  methods: ['POST'],
  authLevel: 'function',
  handler: decideApproval,
});
