/**
 * Where pending private endpoint connections are found: the vaults that endpoints in scope connect to with a
 * `Pending` manual connection (src/azure/vaultConnections.ts: one Resource Graph listing), plus the vaults that
 * `syncEndpoint` instances waiting in `awaiting-approval` name in their custom status — in both cases only vaults
 * inside the configured spokes. The vault is the authority for a connection's state; the orchestrations only say
 * who is waiting.
 */
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { canonicalId } from '../../core/resourceId';
import {
  findConnectionByName,
  isVaultInSpokes,
  vaultsWithPendingConnections,
} from '../../azure/vaultConnections';
import type { PrivateEndpointConnectionInfo } from '../../azure/ports';
import type { SyncEndpointStatus } from '../sync/contracts';
import { syncInstanceId } from '../sync/contracts';
import type { AppDeps } from '../../durable/deps';

export interface WaitingApproval {
  readonly instanceId: string;
  readonly endpointId: string;
  readonly vaultId: string;
  /** The connection the instance waits for and the challenge its decision must be proven against. */
  readonly connectionName: string;
  readonly challengeId?: string;
  readonly requestedAt?: string;
  readonly deadline?: string;
}

export interface PendingApproval {
  /** The connection's name on the vault: the `{connection}` of `POST /api/approvals/{connection}`. */
  readonly connectionId: string;
  readonly connectionResourceId: string;
  readonly vaultId: string;
  readonly privateEndpointId: string;
  readonly status: string;
  readonly description: string;
  readonly groupIds: string[];
  /** The `syncEndpoint` instance waiting for the decision, when one is. */
  readonly instanceId?: string;
  readonly requestedAt?: string;
  readonly deadline?: string;
}

function isSyncStatus(value: unknown): value is SyncEndpointStatus {
  return (
    typeof value === 'object' && value !== null && typeof (value as { phase?: unknown }).phase === 'string'
  );
}

/** `syncEndpoint` instances waiting for an approval decision, keyed by canonical endpoint id. */
export async function waitingApprovals(client: DurableClient): Promise<Map<string, WaitingApproval>> {
  const statuses = await client.getStatusBy({
    runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending],
  });
  const waiting = new Map<string, WaitingApproval>();
  for (const status of statuses) {
    const custom: unknown = status.customStatus;
    if (!isSyncStatus(custom) || custom.phase !== 'awaiting-approval' || !custom.approval) continue;
    const endpointId = canonicalId(custom.endpointId);
    waiting.set(endpointId, {
      instanceId: status.instanceId,
      endpointId,
      vaultId: canonicalId(custom.approval.privateLinkServiceId),
      connectionName: custom.approval.connectionName,
      ...(typeof custom.approval.challengeId === 'string'
        ? { challengeId: custom.approval.challengeId }
        : {}),
      requestedAt: custom.approval.requestedAt,
      deadline: custom.approval.deadline,
    });
  }
  return waiting;
}

/** The vaults to look on, sorted: those the scope's endpoints point at plus those waiting instances name. */
async function candidateVaults(
  runtime: AppDeps,
  waiting: Map<string, WaitingApproval>,
  anyManual: boolean,
): Promise<string[]> {
  const vaults = await vaultsWithPendingConnections(runtime.ports, runtime.config, anyManual);
  for (const w of waiting.values()) {
    if (isVaultInSpokes(runtime.config, w.vaultId)) vaults.add(w.vaultId);
  }
  return [...vaults].sort();
}

function toPending(
  vaultId: string,
  connection: PrivateEndpointConnectionInfo,
  waiting: Map<string, WaitingApproval>,
): PendingApproval {
  const wait = waiting.get(canonicalId(connection.privateEndpointId));
  return {
    connectionId: connection.name,
    connectionResourceId: connection.id,
    vaultId,
    privateEndpointId: connection.privateEndpointId,
    status: connection.status,
    description: connection.description,
    groupIds: connection.groupIds,
    ...(wait
      ? {
          instanceId: wait.instanceId,
          ...(wait.requestedAt !== undefined ? { requestedAt: wait.requestedAt } : {}),
          ...(wait.deadline !== undefined ? { deadline: wait.deadline } : {}),
        }
      : {}),
  };
}

/** Every connection waiting for a decision on the candidate vaults, sorted by vault and name. */
export async function listPendingApprovals(
  runtime: AppDeps,
  client: DurableClient,
): Promise<{ pending: PendingApproval[]; vaults: string[]; waitingInstances: number }> {
  const waiting = await waitingApprovals(client);
  const sorted = await candidateVaults(runtime, waiting, false);
  const perVault = await Promise.all(
    sorted.map(async (vaultId) =>
      (await runtime.ports.vaults.listPendingConnections(vaultId)).map((c) => toPending(vaultId, c, waiting)),
    ),
  );
  return {
    pending: perVault.flat().sort((a, b) => a.connectionId.localeCompare(b.connectionId)),
    vaults: sorted,
    waitingInstances: waiting.size,
  };
}

export interface LocatedConnection {
  readonly vaultId: string;
  readonly connection: PrivateEndpointConnectionInfo;
  readonly waiting?: WaitingApproval;
  readonly instanceId: string;
}

/**
 * Finds a connection by name: on the given vault, else on the candidate vaults. Any state (a connection that
 * was already decided is still found, so a repeated decision can answer with it).
 */
export async function locateConnection(
  runtime: AppDeps,
  client: DurableClient,
  connectionName: string,
  vaultId: string | undefined,
): Promise<LocatedConnection | undefined> {
  const waiting = await waitingApprovals(client);
  let candidates: string[];
  if (vaultId !== undefined) {
    candidates = [canonicalId(vaultId)];
  } else {
    candidates = await candidateVaults(runtime, waiting, true);
  }
  const found = await findConnectionByName(runtime.ports, candidates, connectionName);
  if (!found) return undefined;
  const endpointId = canonicalId(found.connection.privateEndpointId);
  const wait = waiting.get(endpointId);
  return {
    vaultId: found.vaultId,
    connection: found.connection,
    ...(wait ? { waiting: wait } : {}),
    instanceId: wait?.instanceId ?? syncInstanceId(endpointId),
  };
}
