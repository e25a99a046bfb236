/**
 * Where pending private endpoint connections are found: the vaults that endpoints in scope connect to with a
 * `Pending` manual connection (one Resource Graph listing), plus the vaults that `syncEndpoint` instances
 * waiting in `awaiting-approval` name in their custom status — in both cases only vaults inside the configured
 * spokes. The vault is the authority for a connection's state; the orchestrations only say who is waiting.
 */
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { readEndpoints, splitResources } from '../../core/endpoint';
import { canonicalId, isResourceType, parseResourceId } from '../../core/resourceId';
import { resourceInSpokes } from '../../core/spokeScope';
import type { PrivateEndpointConnectionInfo } from '../../azure/ports';
import type { SyncEndpointStatus } from '../sync/contracts';
import { syncInstanceId } from '../sync/contracts';
import { VAULT_TYPE } from './request';
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

function isVaultId(id: string): boolean {
  const parsed = parseResourceId(id);
  return parsed !== undefined && isResourceType(parsed, VAULT_TYPE);
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

/**
 * Vaults that endpoints in the configured scope connect to through a `Pending` connection, or (`anyManual`)
 * through any manual connection, so that an already decided connection is still found.
 */
export async function vaultsWithPendingConnections(
  runtime: AppDeps,
  anyManual = false,
): Promise<Set<string>> {
  const { config, ports } = runtime;
  const listing = await ports.endpoints.listScope({
    subscriptionIds: config.spokeSubscriptionIds,
    ...(config.spokeResourceGroups.length > 0 ? { resourceGroups: config.spokeResourceGroups } : {}),
  });
  const vaults = new Set<string>();
  for (const state of readEndpoints(splitResources(listing.resources))) {
    for (const connection of state.connections) {
      const relevant = anyManual ? connection.manual : connection.status.toLowerCase() === 'pending';
      // Only vaults inside the spokes: the app never decides for a vault outside them.
      if (
        relevant &&
        isVaultId(connection.privateLinkServiceId) &&
        resourceInSpokes(config, connection.privateLinkServiceId)
      ) {
        vaults.add(canonicalId(connection.privateLinkServiceId));
      }
    }
  }
  return vaults;
}

/** The vaults to look on, sorted: those the scope's endpoints point at plus those waiting instances name. */
async function candidateVaults(
  runtime: AppDeps,
  waiting: Map<string, WaitingApproval>,
  anyManual: boolean,
): Promise<string[]> {
  const vaults = await vaultsWithPendingConnections(runtime, anyManual);
  for (const w of waiting.values()) {
    if (isVaultId(w.vaultId) && resourceInSpokes(runtime.config, w.vaultId)) vaults.add(w.vaultId);
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
  const wanted = connectionName.toLowerCase();
  for (const candidate of candidates) {
    const vault = await runtime.ports.vaults.getVault(candidate);
    const connection = vault?.connections.find((c) => c.name.toLowerCase() === wanted);
    if (!connection) continue;
    const endpointId = canonicalId(connection.privateEndpointId);
    const wait = waiting.get(endpointId);
    return {
      vaultId: candidate,
      connection,
      ...(wait ? { waiting: wait } : {}),
      instanceId: wait?.instanceId ?? syncInstanceId(endpointId),
    };
  }
  return undefined;
}
