/**
 * `reconcile` — drift repair for a scope (HTTP resync, timer). List the scope's endpoints with one paged Resource
 * Graph query (activity) → read the hub zones' records, paged, a few zones at a time → plan with garbage
 * collection of owned orphans (pure, here) → `dryRun` returns the plan → otherwise apply, fanned out per zone as
 * `applyZone` sub-orchestrations (bounded: a few zones at a time, each paced by its zone entity). Custom status
 * shows progress; the output summarises what was found and done.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { describePlan } from '../../core/plan';
import { TELEMETRY_EVENTS, TELEMETRY_METRICS } from '../../core/telemetry';
import { hubZoneGroups } from '../../core/config';
import type { HubReads, SyncSettings } from '../../durable/activities';
import type { PlanScopeInput, ScopePlan } from './planScope';
import { readsBySubscription, reportExtraHubReads, reserveHubReads } from '../../durable/hubReadBudget';
import type { ApplyZoneInput, ApplyZoneOutput } from '../../durable/applyZone';
import { ACTIVITY_RETRY } from '../../durable/applyZone';
import { parseInput } from '../../durable/contracts';
import { reconcileInputSchema } from './contracts';
import type { ReconcileOutput, ReconcileStatus } from './contracts';
import { ACTIVITIES, ORCHESTRATIONS } from '../../durable/names';
import { chunk, sumTotals, workByZone, zonesToWrite } from '../../durable/zoneWork';
import { describeScope, listingScopeFor } from './scope';
import { emitFinal, emitFinalMetric } from '../../durable/telemetry';

/** Zones applied at once. */
const ZONE_FAN_OUT = 8;

export function* reconcileOrchestrator(
  context: OrchestrationContext,
): Generator<Task, ReconcileOutput, unknown> {
  const input = parseInput(reconcileInputSchema, context.df.getInput(), ORCHESTRATIONS.reconcile);
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const scopeText = describeScope(input.scope);
  const status = (value: Omit<ReconcileStatus, 'scope' | 'dryRun'>): void => {
    context.df.setCustomStatus({ ...value, scope: input.scope, dryRun: input.dryRun });
  };
  try {
    const settings = (yield context.df.callActivityWithRetry(
      ACTIVITIES.readSyncSettings,
      ACTIVITY_RETRY,
    )) as SyncSettings;
    const policy = input.policy ?? settings.policy;
    const adopt = input.adopt ?? settings.adopt;
    const listingScope = listingScopeFor(input.scope, settings);
    if (!listingScope.ok) throw new Error(`reconcile scope refused: ${listingScope.message}`);

    // The hub's zones, then listing, zone reads and planning in one activity (history keeps the plan, not the
    // estate); both read the hub's Private DNS, so both spend from its read budget first.
    status({ phase: 'listing' });
    const groups = hubZoneGroups(settings.hub).map((g) => [g.subscriptionId.toLowerCase(), 1] as const);
    const groupReads = new Map<string, number>();
    for (const [sub, n] of groups) groupReads.set(sub, (groupReads.get(sub) ?? 0) + n);
    yield* reserveHubReads(context, settings, groupReads);
    const hub = (yield context.df.callActivityWithRetry(ACTIVITIES.listHubZones, ACTIVITY_RETRY)) as {
      zones: string[];
      reads: HubReads;
    };
    reportExtraHubReads(context, settings, new Map(Object.entries(hub.reads)), groupReads);
    const zoneReads = readsBySubscription(
      settings,
      hub.zones.map((zone) => [zone, 1] as const),
    );
    yield* reserveHubReads(context, settings, zoneReads);
    const request: PlanScopeInput = {
      scope: input.scope,
      policy,
      adopt,
      includeUnchanged: input.dryRun,
      hubZones: hub.zones,
    };
    const scoped = (yield context.df.callActivityWithRetry(
      ACTIVITIES.planScope,
      ACTIVITY_RETRY,
      request,
    )) as ScopePlan;
    reportExtraHubReads(context, settings, new Map(Object.entries(scoped.reads)), zoneReads);
    const { plan, listing, zones } = scoped;
    const listingOutput = {
      endpoints: listing.endpoints,
      source: listing.source,
      requests: listing.requests,
      ...(listing.fallbackReason ? { fallbackReason: listing.fallbackReason } : {}),
      pendingConnections: listing.pendingConnections,
    };

    const base = {
      scope: input.scope,
      dryRun: input.dryRun,
      policy,
      adopt,
      listing: listingOutput,
      zones,
      summary: plan.summary,
      changes: describePlan(plan),
      skips: plan.skips,
      kept: plan.kept,
      startedAt,
    };

    let output: ReconcileOutput;
    if (input.dryRun) {
      output = {
        ...base,
        conflicts: plan.conflicts,
        plan,
        completedAt: context.df.currentUtcDateTime.toISOString(),
      };
    } else {
      const toWrite = zonesToWrite(plan);
      const work = workByZone(plan);
      const results: ApplyZoneOutput[] = [];
      status({
        phase: 'applying',
        endpoints: listing.endpoints,
        zones: toWrite.length,
        zonesDone: 0,
        summary: plan.summary,
      });
      for (const group of chunk(toWrite, ZONE_FAN_OUT)) {
        const tasks = group.map((zone) => {
          const child: ApplyZoneInput = {
            zone,
            items: work.get(zone) ?? [],
            replan: { desired: scoped.desiredByZone[zone] ?? [], options: scoped.options },
            readBudget: { hub: settings.hub, hubDnsReadBudget: settings.hubDnsReadBudget },
          };
          return context.df.callSubOrchestrator(
            ORCHESTRATIONS.applyZone,
            child,
            `${context.df.instanceId}:zone:${context.df.newGuid(zone)}`,
          );
        });
        results.push(...((yield context.df.Task.all(tasks)) as ApplyZoneOutput[]));
        status({
          phase: 'applying',
          endpoints: listing.endpoints,
          zones: toWrite.length,
          zonesDone: results.length,
          summary: plan.summary,
        });
      }
      output = {
        ...base,
        conflicts: [...plan.conflicts, ...results.flatMap((r) => r.conflicts)],
        applied: sumTotals(results.map((r) => r.totals)),
        completedAt: context.df.currentUtcDateTime.toISOString(),
      };
    }

    for (const conflict of output.conflicts) {
      emitFinal(context, TELEMETRY_EVENTS.conflictDetected, {
        reason: conflict.code,
        zone: conflict.zone,
        recordName: conflict.name,
        scope: scopeText,
      });
    }
    for (const skip of plan.skips) {
      emitFinal(context, TELEMETRY_EVENTS.recordSkipped, {
        reason: skip.code,
        scope: scopeText,
        ...(skip.endpointId ? { endpointId: skip.endpointId } : {}),
        ...(skip.zone ? { zone: skip.zone } : {}),
        ...(skip.name ? { recordName: skip.name } : {}),
      });
    }
    const drift = plan.summary.creates + plan.summary.updates + plan.summary.deletes + plan.summary.adoptions;
    emitFinal(context, TELEMETRY_EVENTS.reconcileCompleted, {
      scope: scopeText,
      trigger: input.trigger,
      dryRun: input.dryRun,
      creates: plan.summary.creates,
      updates: plan.summary.updates + plan.summary.adoptions,
      deletes: plan.summary.deletes,
    });
    emitFinalMetric(context, TELEMETRY_METRICS.reconcileDriftCount, drift, {
      scope: scopeText,
      trigger: input.trigger,
    });
    emitFinalMetric(context, TELEMETRY_METRICS.pendingApprovalCount, listing.pendingConnections, {
      scope: scopeText,
    });
    status({
      phase: 'completed',
      endpoints: listing.endpoints,
      zones: zones.length,
      summary: plan.summary,
    });
    context.log(
      `reconcile ${scopeText}${input.dryRun ? ' (dry run)' : ''}: ${plan.summary.creates} create(s), ${plan.summary.updates} update(s), ${plan.summary.deletes} delete(s), ${plan.summary.conflicts} conflict(s)`,
    );
    return output;
  } catch (error) {
    emitFinal(context, TELEMETRY_EVENTS.orchestrationFailed, {
      orchestration: ORCHESTRATIONS.reconcile,
      instanceId: context.df.instanceId,
      scope: scopeText,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

df.app.orchestration(ORCHESTRATIONS.reconcile, reconcileOrchestrator);
