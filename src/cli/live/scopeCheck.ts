/**
 * When a scope (or part of it) lists no private endpoint, say why: a vault, endpoint, subscription or resource
 * group that does not exist (or that the signed-in identity cannot see) is an error, not an empty plan. Resource
 * Graph answers an unknown subscription with no rows, so this asks ARM directly — only for the parts that came
 * back empty.
 */
import { parseResourceId } from '../../core/resourceId';
import { toAzureError } from '../../azure/errors';
import type { LiveContext } from './context';

/** A scope names something that is not there (exit 1). */
export class ScopeNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeNotFoundError';
  }
}

const MISSING_CODES = new Set([
  'SubscriptionNotFound',
  'ResourceGroupNotFound',
  'ResourceNotFound',
  'NotFound',
]);
const DENIED_CODES = new Set([
  'AuthorizationFailed',
  'InvalidAuthenticationTokenTenant',
  'LinkedAuthorizationFailed',
]);

async function probe(ctx: LiveContext, subscriptionId: string, resourceGroup?: string): Promise<void> {
  const where = `/subscriptions/${subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ''}`;
  const network = ctx.clients.network(subscriptionId);
  const pager = resourceGroup
    ? network.privateEndpoints.list(resourceGroup)
    : network.privateEndpoints.listBySubscription();
  try {
    await pager.byPage().next();
  } catch (raw) {
    const error = toAzureError(raw, where);
    if (MISSING_CODES.has(error.code) || error.statusCode === 404)
      throw new ScopeNotFoundError(
        `${where} does not exist (${error.code}); check the id (az account list -o table${resourceGroup ? ', az group list -o table' : ''})`,
      );
    if (DENIED_CODES.has(error.code) || error.statusCode === 403)
      throw new ScopeNotFoundError(
        `${where} is not readable with the signed-in identity (${error.code}); it needs Reader (or the spoke role) there`,
      );
    throw error;
  }
}

/**
 * Checks the scope against the endpoints the listing found. Throws `ScopeNotFoundError` when the scope names a
 * vault, endpoint, subscription or resource group that does not exist (or cannot be read); returns a warning for
 * each part of the scope that exists but holds no private endpoint. Parts that hold endpoints cost nothing.
 */
export async function checkScope(ctx: LiveContext, endpointIds: readonly string[]): Promise<string[]> {
  const { scope } = ctx;
  if (scope.vaultId || scope.endpointId) {
    if (endpointIds.length > 0) return [];
    if (scope.vaultId) {
      const vault = await ctx.ports.vaults.getVault(scope.vaultId);
      if (!vault)
        throw new ScopeNotFoundError(
          `vault ${scope.vaultId} was not found; check the id (az backup vault list -o table) and that you can read its resource group`,
        );
      return [
        `vault ${vault.name} has no private endpoint in scope (${vault.connections.length} private endpoint connection(s) on the vault)`,
      ];
    }
    const endpoint = await ctx.ports.endpoints.getEndpoint(scope.endpointId ?? '');
    if (!endpoint) throw new ScopeNotFoundError(`private endpoint ${scope.endpointId} was not found`);
    return [`private endpoint ${scope.endpointId} is outside the configured spoke resource groups`];
  }
  const found = endpointIds.map((id) => parseResourceId(id)).filter((id) => id !== undefined);
  const warnings: string[] = [];
  if (scope.resourceGroups?.length) {
    for (const entry of scope.resourceGroups) {
      const [subscriptionId = '', resourceGroup = ''] = entry.split('/');
      const holds = found.some(
        (id) =>
          id.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
          id.resourceGroup.toLowerCase() === resourceGroup.toLowerCase(),
      );
      if (holds) continue;
      await probe(ctx, subscriptionId, resourceGroup);
      warnings.push(`no private endpoints in resource group ${subscriptionId}/${resourceGroup}`);
    }
    return warnings;
  }
  for (const subscriptionId of scope.subscriptionIds) {
    if (found.some((id) => id.subscriptionId.toLowerCase() === subscriptionId.toLowerCase())) continue;
    await probe(ctx, subscriptionId);
    warnings.push(`no private endpoints in subscription ${subscriptionId}`);
  }
  return warnings;
}
