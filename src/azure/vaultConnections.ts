/**
 * Reads for the approval flow: which Recovery Services vaults the spokes' endpoints connect to through a manual
 * (or still `Pending`) connection — one listing of the scope, Resource Graph first — and a vault connection found
 * by its name. Only vaults inside the configured spokes are ever returned: the app never decides for a vault
 * outside them. The vault is the authority for a connection's state.
 */
import { RESOURCE_KINDS } from '../core/armNames';
import { readEndpoints, splitResources } from '../core/endpoint';
import { canonicalId, isResourceType, parseResourceId } from '../core/resourceId';
import { resourceInSpokes } from '../core/spokeScope';
import type { SpokeScope } from '../core/spokeScope';
import type { AzurePorts, PrivateEndpointConnectionInfo } from './ports';

/** True for the id of a Recovery Services vault. */
export function isVaultId(id: string): boolean {
  const parsed = parseResourceId(id);
  return parsed !== undefined && isResourceType(parsed, RESOURCE_KINDS.vault.type);
}

/** A vault the app may decide for: a vault id inside the spokes. */
export function isVaultInSpokes(scope: SpokeScope, id: string): boolean {
  return isVaultId(id) && resourceInSpokes(scope, id);
}

/**
 * Vaults (canonical ids) that endpoints in the spokes connect to through a `Pending` connection, or (`anyManual`)
 * through any manual connection, so that an already decided connection is still found.
 */
export async function vaultsWithPendingConnections(
  ports: Pick<AzurePorts, 'endpoints'>,
  scope: SpokeScope,
  anyManual = false,
): Promise<Set<string>> {
  const listing = await ports.endpoints.listScope({
    subscriptionIds: [...scope.spokeSubscriptionIds],
    ...(scope.spokeResourceGroups?.length ? { resourceGroups: [...scope.spokeResourceGroups] } : {}),
  });
  const vaults = new Set<string>();
  for (const state of readEndpoints(splitResources(listing.resources))) {
    for (const connection of state.connections) {
      const relevant = anyManual ? connection.manual : connection.status.toLowerCase() === 'pending';
      if (relevant && isVaultInSpokes(scope, connection.privateLinkServiceId)) {
        vaults.add(canonicalId(connection.privateLinkServiceId));
      }
    }
  }
  return vaults;
}

/** The first of `vaultIds` holding a connection named `connectionName` (any case, any state), with the connection. */
export async function findConnectionByName(
  ports: Pick<AzurePorts, 'vaults'>,
  vaultIds: readonly string[],
  connectionName: string,
): Promise<{ vaultId: string; connection: PrivateEndpointConnectionInfo } | undefined> {
  const wanted = connectionName.toLowerCase();
  for (const vaultId of vaultIds) {
    const vault = await ports.vaults.getVault(vaultId);
    const connection = vault?.connections.find((c) => c.name.toLowerCase() === wanted);
    if (connection) return { vaultId, connection };
  }
  return undefined;
}
