/**
 * When a scope lists no private endpoint, say why: a vault, endpoint, subscription or resource group that does
 * not exist (or that the signed-in identity cannot see) is an error, not an empty plan. Resource Graph answers an
 * unknown subscription with no rows, so this asks ARM directly — and only when the listing came back empty.
 */
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
 * Called with a listing that holds no private endpoint. Throws `ScopeNotFoundError` when the scope names
 * something that does not exist; otherwise returns the warning to print (the scope exists and is empty).
 */
export async function explainEmptyScope(ctx: LiveContext): Promise<string> {
  const { scope } = ctx;
  if (scope.vaultId) {
    const vault = await ctx.ports.vaults.getVault(scope.vaultId);
    if (!vault)
      throw new ScopeNotFoundError(
        `vault ${scope.vaultId} was not found; check the id (az backup vault list -o table) and that you can read its resource group`,
      );
    return `vault ${vault.name} has no private endpoint in scope (${vault.connections.length} private endpoint connection(s) on the vault)`;
  }
  if (scope.endpointId) {
    const endpoint = await ctx.ports.endpoints.getEndpoint(scope.endpointId);
    if (!endpoint) throw new ScopeNotFoundError(`private endpoint ${scope.endpointId} was not found`);
    return `private endpoint ${scope.endpointId} is outside the configured spoke resource groups`;
  }
  if (scope.resourceGroups?.length) {
    for (const entry of scope.resourceGroups) {
      const [subscriptionId = '', resourceGroup = ''] = entry.split('/');
      await probe(ctx, subscriptionId, resourceGroup);
    }
    return `no private endpoints in resource group(s) ${scope.resourceGroups.join(', ')}`;
  }
  for (const subscriptionId of scope.subscriptionIds) await probe(ctx, subscriptionId);
  return `no private endpoints in subscription(s) ${scope.subscriptionIds.join(', ')}`;
}
