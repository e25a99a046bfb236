/**
 * `POST /api/approvals/{connection}`: the approval webhook for pending private endpoint connections on a
 * Recovery Services vault. Function key (host) plus an HMAC signature (approvalSignature.ts); the body names
 * the connection again (`connectionId`) so the signature covers it.
 *
 * Before anything is written the decision must be inside the configured scope: the vault and the endpoint that
 * asks for the connection both in SPOKE_SUBSCRIPTION_IDS (and SPOKE_RESOURCE_GROUPS when set); otherwise 403
 * with the reason. The decision is applied to the vault under the connection's compare-and-set lease
 * (approvalLock.ts: of two concurrent opposite decisions one wins, the other gets 409), then raised to the
 * endpoint's waiting `syncEndpoint` instance with the proof for its challenge (core approvalProof.ts) — or, when
 * nobody waits, the endpoint is re-read (or started for an approval), so the records follow the vault.
 * Idempotent: the same decision again answers 200 with the connection as it stands; the opposite decision on a
 * decided connection is 409.
 *
 * 400 bad body / path mismatch · 401 signature · 403 APPROVAL_MODE=off or out of scope · 404 unknown
 * connection · 409 decided or decided concurrently · 413 body over 16 KiB · 503 configuration or lock timeout.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { approvalProof } from '../../core/approvalProof';
import { checkResourceId } from '../../core/armNames';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { displayText, quoted } from '../../core/safeText';
import { outsideSpokes } from '../../core/spokeScope';
import { TELEMETRY_EVENTS } from '../../core/telemetry';
import { AzureOperationError, ConnectionStateChangedError } from '../../azure/ports';
import { EXTERNAL_EVENTS } from '../../durable/names';
import type { ApprovalDecisionEvent } from './contracts';
import { claimDecision } from './lock';
import { locateConnection } from './lookup';
import type { LocatedConnection } from './lookup';
import {
  APPROVAL_BODY_MAX_BYTES,
  approvalBodySchema,
  connectionNameProblem,
  decisionDescription,
} from './request';
import { ReplayGuard, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyApprovalSignature } from './signature';
import { badRequest, errorResponse, fieldErrors, parseJsonText, readBoundedBody } from '../../durable/http';
import { configurationInvalid, loadRuntime } from '../../durable/runtime';
import type { AppDeps } from '../../durable/deps';
import { findInstance, isActive } from '../../durable/instances';
import { startOrSignalEndpoint } from '../sync/starter';
import { emitEvent } from '../../durable/telemetry';

const replayGuard = new ReplayGuard();

/** Why a resource is outside the configured spokes (for a 403), or undefined when it is inside. */
function scopeRefusal(runtime: AppDeps, what: string, resourceId: string): string | undefined {
  const id = checkResourceId(resourceId, what === 'vault' ? 'vault' : 'privateEndpoint');
  if (!id.ok) return `the ${what} ${id.message}`;
  const outside = outsideSpokes(runtime.config, id.id.subscriptionId, id.id.resourceGroup);
  return outside ? `the ${what} is outside the configured scope: ${outside.message}` : undefined;
}

export async function decideApproval(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = loadRuntime();
  if (!loaded.ok) return configurationInvalid(loaded.error);
  const { runtime } = loaded;
  const { config } = runtime;
  const secret = config.approvalWebhookSecret;
  if (config.approvalMode === 'off' || !secret) {
    return errorResponse(403, 'ApprovalsDisabled', 'Approvals are switched off (APPROVAL_MODE=off).');
  }

  const raw = await readBoundedBody(request, APPROVAL_BODY_MAX_BYTES);
  if (!raw.ok) return raw.response;
  const signature = verifyApprovalSignature({
    secret,
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
  const pathProblem = connectionNameProblem(connectionName);
  if (pathProblem) {
    return badRequest('The connection in the path is invalid.', [{ field: '(path)', message: pathProblem }]);
  }
  if (body.connectionId !== connectionName) {
    return badRequest('The body names another connection than the path.', [
      {
        field: 'connectionId',
        message: `must equal the connection in the path (${quoted(connectionName, 80)})`,
      },
    ]);
  }

  const refuse = (message: string, detail: Record<string, string> = {}): HttpResponseInit => {
    emitEvent(context, TELEMETRY_EVENTS.approvalRefused, {
      reason: 'out-of-scope',
      connectionId: displayText(connectionName, 120),
      decision: body.decision,
      ...detail,
    });
    context.warn(`approval refused: ${message}`);
    return errorResponse(403, 'OutOfScope', `The decision was refused: ${message}.`);
  };
  // A vault named in the body is checked before any call to Azure.
  if (body.vaultId !== undefined) {
    const problem = scopeRefusal(runtime, 'vault', body.vaultId);
    if (problem) return refuse(problem, { vaultId: body.vaultId });
  }

  const located = await locateConnection(runtime, client, connectionName, body.vaultId);
  if (!located) {
    return errorResponse(
      404,
      'ConnectionNotFound',
      `No private endpoint connection named ${quoted(connectionName, 120)} was found${body.vaultId ? ` on ${body.vaultId}` : ' on the vaults in scope'}.`,
    );
  }
  const { connection, vaultId } = located;
  const endpointId = connection.privateEndpointId;
  // The endpoint asking for the connection must be one of ours too: approving an outsider's endpoint would
  // open the vault to a network the estate does not manage (and there would be no records to publish).
  const endpointProblem = scopeRefusal(runtime, 'private endpoint', endpointId);
  if (endpointProblem) return refuse(endpointProblem, { vaultId, endpointId: displayText(endpointId, 300) });

  const current = connection.status;
  const summary = (state: string, result: 'applied' | 'unchanged', orchestration: string) => ({
    connectionId: connection.name,
    vaultId,
    privateEndpointId: endpointId,
    decision: body.decision,
    status: state,
    result,
    orchestration: { instanceId: located.instanceId, action: orchestration },
  });
  const event = (): Omit<ApprovalDecisionEvent, 'proof'> => ({
    decision: body.decision,
    approver: body.approver,
    reason: body.reason,
    connectionId: connection.name,
  });

  if (current === body.decision) {
    // Already decided this way: answer with the state, and make sure a waiting instance hears it.
    const action = await tellOrchestration(client, secret, located, event(), false);
    return { status: 200, jsonBody: summary(current, 'unchanged', action) };
  }
  if (current.toLowerCase() !== 'pending') {
    return alreadyDecided(connection.name, current, body.decision);
  }

  // Compare-and-set: one decision per connection at a time, and only on a connection still Pending.
  const claim = await claimDecision(client, connection.id, body.decision);
  if (claim.outcome === 'timeout') {
    return {
      ...errorResponse(
        503,
        'DecisionLockUnavailable',
        'The connection could not be locked for the decision in time; nothing was written. Try again.',
      ),
      headers: { 'Retry-After': '5' },
    };
  }
  if (claim.outcome === 'busy') {
    emitEvent(context, TELEMETRY_EVENTS.approvalRefused, {
      reason: 'concurrent-decision',
      connectionId: connection.name,
      decision: body.decision,
      vaultId,
    });
    return errorResponse(
      409,
      'DecisionInProgress',
      `Another decision (${displayText(claim.holderDecision, 16)}) is being applied to this connection; nothing was written.`,
      { connectionId: connection.name },
    );
  }
  let decided;
  try {
    decided = await runtime.ports.vaults.decideConnection(
      connection.id,
      body.decision,
      decisionDescription(body),
      { expectStatus: 'Pending' },
    );
  } catch (error) {
    if (error instanceof ConnectionStateChangedError) {
      // Decided in between (by a request whose lease ended, or outside the app): nothing was written.
      return alreadyDecided(connection.name, error.actual, body.decision);
    }
    if (error instanceof AzureOperationError) {
      const status = error.statusCode === 404 ? 404 : error.statusCode === 409 ? 409 : 502;
      return errorResponse(
        status,
        error.code,
        `The vault refused the decision: ${displayText(error.message, 500)}`,
        {
          resourceId: error.resourceId,
        },
      );
    }
    throw error;
  } finally {
    await claim.release();
  }
  emitEvent(context, TELEMETRY_EVENTS.approvalDecided, {
    connectionId: connection.name,
    decision: body.decision,
    endpointId,
    vaultId,
  });

  const action = await tellOrchestration(client, secret, located, event(), body.decision === 'Approved');
  context.log(
    `approval: ${connection.name} ${body.decision} by ${displayText(body.approver)}; orchestration ${action}`,
  );
  return { status: 200, jsonBody: summary(decided.status || body.decision, 'applied', action) };
}

function alreadyDecided(connectionName: string, current: string, wanted: string): HttpResponseInit {
  return errorResponse(
    409,
    'ConnectionAlreadyDecided',
    `The connection is ${displayText(current || 'in no state', 32)}; it cannot be ${wanted} now.`,
    {
      connectionId: connectionName,
      status: current,
    },
  );
}

/**
 * Lets the endpoint's orchestration follow the vault: a waiting instance gets the decision with the proof for
 * its challenge; a running instance that does not wait (or waits without a challenge) re-reads the endpoint;
 * with nobody running, an approval starts a sync (the event was lost, or the endpoint was never seen).
 */
async function tellOrchestration(
  client: DurableClient,
  secret: string,
  located: LocatedConnection,
  event: Omit<ApprovalDecisionEvent, 'proof'>,
  startIfIdle: boolean,
): Promise<string> {
  const { instanceId, waiting, connection } = located;
  const running = isActive(await findInstance(client, instanceId));
  if (running && waiting?.challengeId !== undefined) {
    const proof = approvalProof(secret, {
      instanceId,
      challengeId: waiting.challengeId,
      connectionName: waiting.connectionName,
      decision: event.decision,
    });
    const decision: ApprovalDecisionEvent = { ...event, proof };
    await client.raiseEvent(instanceId, EXTERNAL_EVENTS.approvalDecision, decision);
    return 'signalled';
  }
  if (running || startIfIdle) {
    return (
      await startOrSignalEndpoint(client, { endpointId: connection.privateEndpointId, trigger: 'approval' })
    ).outcome;
  }
  return 'none';
}

df.app.client.http(FUNCTION_NAMES.approvals, {
  route: 'approvals/{connection}',
  methods: ['POST'],
  authLevel: 'function',
  handler: decideApproval,
});
