/**
 * Reconcile scope → what to list (`listingScopeFor`) and what the plan may touch (`planScopeFor`), and the scope's
 * name for telemetry. Pure: unit-tested directly.
 */
import type { PlanScope } from '../../core/plan';
import type { ReconcileScope } from './contracts';

// ---------------------------------------------------------------------------------------------------------------
// Reconcile scopes

export interface ListingScope {
  readonly subscriptionIds: string[];
  readonly resourceGroups?: string[];
  readonly vaultId?: string;
  readonly endpointId?: string;
}

/** Settings that bound every reconcile. */
export interface SpokeSettings {
  readonly spokeSubscriptionIds: readonly string[];
  readonly spokeResourceGroups: readonly string[];
}

/**
 * What to list for a reconcile scope. A subscription or resource group outside the configured spokes is refused
 * (a plan over it could garbage-collect records of endpoints the app is not allowed to read).
 */
export function listingScopeFor(
  scope: ReconcileScope,
  spokes: SpokeSettings,
): { ok: true; scope: ListingScope } | { ok: false; message: string } {
  const subs = spokes.spokeSubscriptionIds.map((s) => s.toLowerCase());
  const groups = spokes.spokeResourceGroups.map((g) => g.toLowerCase());
  const withGroups = (resourceGroups: string[]): Pick<ListingScope, 'resourceGroups'> =>
    resourceGroups.length > 0 ? { resourceGroups } : {};
  switch (scope.kind) {
    case 'all':
      return { ok: true, scope: { subscriptionIds: subs, ...withGroups(groups) } };
    case 'subscription': {
      const sub = scope.subscriptionId.toLowerCase();
      if (!subs.includes(sub)) {
        return { ok: false, message: `subscription ${sub} is not one of SPOKE_SUBSCRIPTION_IDS` };
      }
      return {
        ok: true,
        scope: { subscriptionIds: [sub], ...withGroups(groups.filter((g) => g.startsWith(`${sub}/`))) },
      };
    }
    case 'resourceGroup': {
      const sub = scope.subscriptionId.toLowerCase();
      const entry = `${sub}/${scope.resourceGroup.toLowerCase()}`;
      if (!subs.includes(sub)) {
        return { ok: false, message: `subscription ${sub} is not one of SPOKE_SUBSCRIPTION_IDS` };
      }
      if (groups.length > 0 && !groups.includes(entry)) {
        return { ok: false, message: `resource group ${entry} is not one of SPOKE_RESOURCE_GROUPS` };
      }
      return { ok: true, scope: { subscriptionIds: [sub], resourceGroups: [entry] } };
    }
    case 'vault':
      return { ok: true, scope: { subscriptionIds: subs, ...withGroups(groups), vaultId: scope.vaultId } };
    case 'endpoint':
      return {
        ok: true,
        scope: { subscriptionIds: subs, ...withGroups(groups), endpointId: scope.endpointId },
      };
  }
}

/**
 * The plan scope of a reconcile: which endpoints' claims the listing is complete for. `all` is a full run (every
 * owned record no listed endpoint needs is an orphan) unless SPOKE_RESOURCE_GROUPS narrows it; a vault or endpoint
 * scope covers the endpoints listed for it (and the endpoint itself, so a deleted one loses its records).
 */
export function planScopeFor(
  scope: ReconcileScope,
  spokes: SpokeSettings,
  listedEndpointIds: readonly string[],
): PlanScope | undefined {
  const groups = spokes.spokeResourceGroups.map((g) => g.toLowerCase());
  switch (scope.kind) {
    case 'all':
      return groups.length > 0 ? { resourceGroups: groups } : undefined;
    case 'subscription': {
      const sub = scope.subscriptionId.toLowerCase();
      const inSub = groups.filter((g) => g.startsWith(`${sub}/`));
      return inSub.length > 0 ? { resourceGroups: inSub } : { subscriptionIds: [sub] };
    }
    case 'resourceGroup':
      return { resourceGroups: [`${scope.subscriptionId}/${scope.resourceGroup}`.toLowerCase()] };
    case 'vault':
      return { endpointIds: [...new Set(listedEndpointIds.map((id) => id.toLowerCase()))].sort() };
    case 'endpoint':
      return {
        endpointIds: [
          ...new Set([scope.endpointId, ...listedEndpointIds].map((id) => id.toLowerCase())),
        ].sort(),
      };
  }
}

/** `all`, the subscription, `sub/rg`, or the vault / endpoint id: for telemetry. */
export function describeScope(scope: ReconcileScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'subscription':
      return scope.subscriptionId;
    case 'resourceGroup':
      return `${scope.subscriptionId}/${scope.resourceGroup}`;
    case 'vault':
      return scope.vaultId;
    case 'endpoint':
      return scope.endpointId;
  }
}
