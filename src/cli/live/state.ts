import { isPrivateLinkZoneName } from '../../core/zoneCatalogue';
import type { ZoneChoice } from '../../core/desiredState';
import type { EndpointState } from '../../core/endpoint';
import { assemblePlan } from '../../core/plan';
import type { PlanOptions, PlanScope } from '../../core/plan';
import { planForResources } from '../../core/resourcePlan';
import type { CurrentRecordSet, DesiredRecord, Plan, Skip, SyncPolicy } from '../../core/types';
import type { ScopeListing, ZoneInfo } from '../../azure/ports';
import type { LiveContext } from './context';

export interface LiveState {
  readonly listing: ScopeListing;
  readonly endpoints: EndpointState[];
  readonly desired: DesiredRecord[];
  readonly current: CurrentRecordSet[];
  /** The plan, with one skip per missing hub zone explaining why its creates cannot be written yet. */
  readonly plan: Plan;
  /** What can be applied now: `plan` without the creates into missing zones. */
  readonly applicable: Plan;
  /** The options the plan was made with (for re-planning one record after a 412). */
  readonly planOptions: Omit<PlanOptions, 'conflicts' | 'skips'>;
  /** Hub zones that exist, by name. */
  readonly zones: Map<string, ZoneInfo>;
  /** Zones desired records need that do not exist where the settings say they live. */
  readonly missingZones: string[];
  /** FQDNs several catalogue zones fit, and the zone the hub's zones decided for each. */
  readonly zoneChoices: ZoneChoice[];
}

export interface PlanSettings {
  readonly policy?: SyncPolicy;
  readonly adopt?: boolean;
  readonly ttl?: number;
  readonly ownerId?: string;
}

/**
 * Reads everything a live plan needs: the endpoints in scope (Resource Graph or ARM), the hub zones that exist,
 * the A record sets of every hub zone that matters (zones desired records need, and every `privatelink.*` zone
 * in the hub groups so orphans we own are found), then plans with the core planner.
 */
export async function loadLiveState(ctx: LiveContext, settings: PlanSettings = {}): Promise<LiveState> {
  const listing = await ctx.ports.endpoints.listScope(ctx.scope);
  // First pass without current records: which zones do the endpoints need?
  const cloud = { cloud: ctx.config.cloud };
  const draft = planForResources(listing.resources, [], { ownerId: 'draft', ttl: 1 }, cloud);
  const neededZones = new Set(draft.desired.map((d) => d.zone));

  const zones = new Map<string, ZoneInfo>();
  for (const group of ctx.hubZoneGroups) {
    for (const zone of await ctx.ports.zones.listZones(group.subscriptionId, group.resourceGroup)) {
      const where = ctx.locateZone(zone.zone);
      // A zone only counts where the settings say it lives (the same name elsewhere is someone else's).
      if (
        where.subscriptionId.toLowerCase() !== zone.subscriptionId.toLowerCase() ||
        where.resourceGroup.toLowerCase() !== zone.resourceGroup.toLowerCase()
      ) {
        continue;
      }
      if (neededZones.has(zone.zone) || isPrivateLinkZoneName(zone.zone)) {
        zones.set(zone.zone, zone);
      }
    }
  }
  // Where several zones fit a name, the zones the hub holds decide (the draft assumed the broadest).
  const zoneOptions = { ...cloud, hubZones: [...zones.keys()] };
  const chosen =
    draft.zoneChoices.length > 0
      ? planForResources(listing.resources, [], { ownerId: 'draft', ttl: 1 }, zoneOptions)
      : draft;
  const missingZones = [...new Set(chosen.desired.map((d) => d.zone))].filter((z) => !zones.has(z)).sort();

  const current: CurrentRecordSet[] = [];
  for (const zone of [...zones.keys()].sort()) {
    current.push(...(await ctx.ports.records.listRecordSets(ctx.locateZone(zone))));
  }

  const planScope: PlanScope = {
    ...ctx.planScope,
    ...(ctx.scope.vaultId || ctx.scope.endpointId
      ? {
          endpointIds: [
            ...new Set([
              ...draft.endpoints.map((e) => e.id),
              ...(ctx.scope.endpointId ? [ctx.scope.endpointId] : []),
            ]),
          ],
        }
      : {}),
  };
  const planOptions: Omit<PlanOptions, 'conflicts' | 'skips'> = {
    policy: settings.policy ?? ctx.config.policy,
    ownerId: settings.ownerId ?? ctx.config.ownerId,
    adopt: settings.adopt ?? ctx.config.adoptForeignRecords,
    ttl: settings.ttl ?? ctx.config.recordTtlSeconds,
    scope: planScope,
  };
  const planned = planForResources(listing.resources, current, planOptions, zoneOptions);
  const zoneSkips = missingZoneSkips(planned.plan, missingZones, ctx);
  const plan = withSkips(planned.plan, zoneSkips);
  const applicable = withSkips(withoutZones(planned.plan, missingZones), zoneSkips);
  return {
    listing,
    endpoints: planned.endpoints,
    desired: planned.desired,
    current,
    plan,
    applicable,
    planOptions,
    zones,
    missingZones,
    zoneChoices: planned.zoneChoices,
  };
}

/** One skip per missing zone: creates into it would fail one by one. */
function missingZoneSkips(plan: Plan, missing: readonly string[], ctx: LiveContext): Skip[] {
  return missing.map((zone) => {
    const count = plan.creates.filter((c) => c.zone === zone).length;
    const where = ctx.locateZone(zone);
    return {
      code: 'out-of-scope',
      zone,
      message: `hub zone ${zone} does not exist in /subscriptions/${where.subscriptionId}/resourceGroups/${where.resourceGroup}; ${count} record(s) wait for it (create the zone and link it to the spoke VNets, or set --zone-override)`,
    };
  });
}

function withSkips(plan: Plan, extra: readonly Skip[]): Plan {
  if (extra.length === 0) return plan;
  const skips = [...plan.skips, ...extra];
  return assemblePlan({ ...plan, skips });
}

function withoutZones(plan: Plan, zones: readonly string[]): Plan {
  if (zones.length === 0) return plan;
  const gone = new Set(zones);
  return assemblePlan({ ...plan, creates: plan.creates.filter((c) => !gone.has(c.zone)) });
}
