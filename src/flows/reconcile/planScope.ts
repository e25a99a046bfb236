/**
 * Activity `planScope`: lists a reconcile scope's endpoints, reads every hub zone and plans with the same core
 * pipeline the CLI and the event path use.
 */
import * as df from 'durable-functions';
import { z } from 'zod';
import { readEndpointsSteps, splitResourcesSteps } from '../../core/endpoint';
import { SYNC_POLICIES } from '../../core/plan';
import { planEndpointsSteps } from '../../core/pipeline';
import type { CurrentRecordSet, DesiredRecord, Plan } from '../../core/types';
import { toAzureError } from '../../azure';
import { runInSlices } from '../../azure/slices';
import { parseActivityInput } from '../../durable/activities';
import type { HubReads, ReplanInput } from '../../durable/activities';
import { getAppDeps } from '../../durable/deps';
import { ACTIVITIES } from '../../durable/names';
import { zonesToWrite } from '../../durable/zoneWork';
import { reconcileScopeSchema } from './contracts';
import { listingScopeFor, planScopeFor } from './scope';

/** What a reconcile needs from one read of its scope: listing figures, the plan, and what each zone must write. */
export interface ScopePlan {
  readonly listing: {
    readonly source: 'resource-graph' | 'arm';
    readonly requests: number;
    readonly fallbackReason?: string;
    readonly endpoints: number;
    readonly pendingConnections: number;
    readonly invalidResources: number;
  };
  /** Every zone read (the zones desired records need and every hub `privatelink.*` zone). */
  readonly zones: string[];
  /**
   * The plan. `unchanged` lists its records only when `includeUnchanged` was asked (dry runs): an applied run
   * of a large estate keeps its history small with the count in the summary.
   */
  readonly plan: Plan;
  /** Per zone with writes: the desired records of that zone (a 412 re-plans against them). */
  readonly desiredByZone: Record<string, DesiredRecord[]>;
  /** The plan options, keepers included, for re-plans. */
  readonly options: ReplanInput['options'];
  /** Hub Private DNS requests made (record list pages). */
  readonly reads: HubReads;
}

const planScopeInput = z.object({
  scope: reconcileScopeSchema,
  policy: z.enum(SYNC_POLICIES),
  adopt: z.boolean(),
  includeUnchanged: z.boolean().default(false),
  /** The hub's zones (activity `listHubZones`): every one is read, for orphans can be anywhere. */
  hubZones: z.array(z.string()),
});
export type PlanScopeInput = z.input<typeof planScopeInput>;

/** Zones read at once by a reconcile. */
const ZONE_READ_CONCURRENCY = 4;

/**
 * Lists the scope's endpoints (one paged Resource Graph query, ARM fallback), reads every hub zone's A records
 * (paged), and plans with core `planEndpoints` — the same pipeline the CLI and the event path use.
 */
export async function planScope(raw: unknown): Promise<ScopePlan> {
  const input = parseActivityInput(planScopeInput, raw, ACTIVITIES.planScope);
  const { ports, config, locateZone, meteredHub } = getAppDeps();
  const hub = meteredHub();
  const listingScope = listingScopeFor(input.scope, config);
  if (!listingScope.ok) throw new Error(`reconcile scope refused: ${listingScope.message}`);
  const listing = await ports.endpoints.listScope(listingScope.scope);
  // The estate-wide work runs a slice at a time: a large scope must not hold the host's event loop.
  const split = await runInSlices(splitResourcesSteps(listing.resources));
  const endpoints = await runInSlices(readEndpointsSteps(split));

  // Every hub zone is read (owned orphans can be anywhere); zones the endpoints want that the hub does not hold
  // have nothing to read. The hub's zones also decide where several zones fit a name (ACR data endpoints, scm
  // sites, AKS sub-zones).
  const zones = [...new Set(input.hubZones.map((z) => z.toLowerCase()))].sort();
  const zoneOptions = { cloud: config.cloud, hubZones: zones };
  const current: CurrentRecordSet[] = [];
  await forEachLimited(zones, ZONE_READ_CONCURRENCY, async (zone) => {
    try {
      for (const record of await hub.records.listRecordSets(locateZone(zone))) current.push(record);
    } catch (error) {
      // A zone that does not exist holds nothing; creates into it fail later with the Azure code.
      if (toAzureError(error, zone).statusCode !== 404) throw error;
    }
  });

  const scope = planScopeFor(
    input.scope,
    config,
    endpoints.map((e) => e.id),
  );
  const base = {
    policy: input.policy,
    ownerId: config.ownerId,
    adopt: input.adopt,
    ttl: config.recordTtlSeconds,
    ...(scope ? { scope } : {}),
  };
  const planned = await runInSlices(planEndpointsSteps(endpoints, current, base, split.skips, zoneOptions));
  const plan = input.includeUnchanged ? planned.plan : { ...planned.plan, unchanged: [] };
  const byZone = new Map<string, DesiredRecord[]>(zonesToWrite(plan).map((zone) => [zone, []]));
  for (const record of planned.desired) byZone.get(record.zone)?.push(record);
  const desiredByZone: Record<string, DesiredRecord[]> = Object.fromEntries(byZone);
  return {
    listing: {
      source: listing.source,
      requests: listing.requests,
      ...(listing.fallbackReason ? { fallbackReason: listing.fallbackReason } : {}),
      endpoints: endpoints.length,
      pendingConnections: endpoints.filter(
        (e) => !e.approved && e.connections.some((c) => c.status.toLowerCase() === 'pending'),
      ).length,
      invalidResources: split.invalid.length,
    },
    zones,
    plan,
    desiredByZone,
    options: { ...base, preserveOwners: [...(planned.options.preserveOwners ?? [])] },
    reads: Object.fromEntries(hub.reads),
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

df.app.activity(ACTIVITIES.planScope, { handler: (input: unknown) => planScope(input) });
