/**
 * The one answer to "is this inside the configured spokes?" for events, resync scopes and approval decisions:
 * the subscription must be in SPOKE_SUBSCRIPTION_IDS and, when SPOKE_RESOURCE_GROUPS is set, the resource
 * group among those entries.
 */
import { parseResourceId } from './resourceId';
import { displayText } from './safeText';

export interface SpokeScope {
  /** Spoke subscriptions (any case). */
  readonly spokeSubscriptionIds: readonly string[];
  /** Optional `subscriptionId/resourceGroup` entries; when non-empty, only these groups are in scope. */
  readonly spokeResourceGroups?: readonly string[];
}

export interface ScopeRefusal {
  readonly reason: 'subscription-not-allowed' | 'resource-group-not-allowed';
  readonly message: string;
}

/**
 * Why a subscription (and optionally a resource group in it) is outside the spokes, or undefined when it is
 * inside. Without a resource group only the subscription is checked (a whole-subscription target is narrowed
 * to the allowed groups by whoever lists it).
 */
export function outsideSpokes(
  scope: SpokeScope,
  subscriptionId: string,
  resourceGroup?: string,
): ScopeRefusal | undefined {
  const subscription = subscriptionId.toLowerCase();
  if (!scope.spokeSubscriptionIds.some((s) => s.toLowerCase() === subscription)) {
    return {
      reason: 'subscription-not-allowed',
      message: `subscription ${displayText(subscription, 60)} is not a configured spoke (SPOKE_SUBSCRIPTION_IDS)`,
    };
  }
  const groups = (scope.spokeResourceGroups ?? []).map((g) => g.toLowerCase());
  if (resourceGroup === undefined || groups.length === 0) return undefined;
  const group = `${subscription}/${resourceGroup.toLowerCase()}`;
  if (!groups.includes(group)) {
    return {
      reason: 'resource-group-not-allowed',
      message: `resource group ${displayText(group, 140)} is not an allowed spoke group (SPOKE_RESOURCE_GROUPS)`,
    };
  }
  return undefined;
}

/** True when `resourceId` parses and lies inside the spokes (its subscription and, when set, its group). */
export function resourceInSpokes(scope: SpokeScope, resourceId: string): boolean {
  const id = parseResourceId(resourceId);
  return id !== undefined && outsideSpokes(scope, id.subscriptionId, id.resourceGroup) === undefined;
}
