/**
 * `reconcile` — drift repair for a scope (HTTP resync, timer). List the scope's endpoints with one paged Resource
 * Graph query (activity) → read the hub zones' records, paged, a few zones at a time → plan with garbage
 * collection of owned orphans (pure, here) → `dryRun` returns the plan → otherwise apply, fanned out per zone as
 * `applyZone` sub-orchestrations (bounded: a few zones at a time, each paced by its zone entity). Custom status
 * shows progress; the output summarises what was found and done.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { desiredRecords } from '../core/desiredState';
import { describePlan, planChanges } from '../core/plan';
import { TELEMETRY_EVENTS, TELEMETRY_METRICS } from '../core/telemetry';
import type { CurrentRecordSet } from '../core/types';
import type { ReplanInput, ScopeRead, SyncSettings, ZoneRecordsRequest } from './activities';
import type { ApplyZoneInput, ApplyZoneOutput } from './applyZone';
import { ACTIVITY_RETRY } from './applyZone';
import { parseInput, reconcileInputSchema } from './contracts';
import type { ReconcileOutput, ReconcileStatus } from './contracts';
import { ACTIVITIES, ORCHESTRATIONS } from './names';
import {
  chunk,
  describeScope,
  listingScopeFor,
  namesByZone,
  planScopeFor,
  sumTotals,
  workForZone,
  zonesToWrite,
} from './planning';
import { emitFinal, emitFinalMetric } from './telemetry';

/** Zones read or applied at once. */
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

    status({ phase: 'listing' });
    const listing = (yield context.df.callActivityWithRetry(ACTIVITIES.listScopeEndpoints, ACTIVITY_RETRY, {
      scope: listingScope.scope,
    })) as ScopeRead;

    // Zones: those the desired records need plus every hub zone (owned orphans can be anywhere). The hub's
    // zones also decide where several zones fit a name (ACR data endpoints, scm sites, AKS sub-zones).
    const hubZones = (yield context.df.callActivityWithRetry(
      ACTIVITIES.listHubZones,
      ACTIVITY_RETRY,
    )) as string[];
    const zoneOptions = { ...(settings.cloud ? { cloud: settings.cloud } : {}), hubZones };
    const first = desiredRecords(listing.entries, [], zoneOptions);
    const wanted = namesByZone(first.records);
    const zones = [...new Set([...wanted.keys(), ...hubZones])].sort();
    status({
      phase: 'reading-zones',
      endpoints: listing.endpointIds.length,
      zones: zones.length,
      zonesDone: 0,
    });
    const current: CurrentRecordSet[] = [];
    let zonesRead = 0;
    for (const group of chunk(zones, ZONE_FAN_OUT)) {
      const reads = (yield context.df.Task.all(
        group.map((zone) => {
          const request: ZoneRecordsRequest = { zone, names: wanted.get(zone) ?? [], keepOwned: true };
          return context.df.callActivityWithRetry(ACTIVITIES.readZoneRecords, ACTIVITY_RETRY, request);
        }),
      )) as CurrentRecordSet[][];
      current.push(...reads.flat());
      zonesRead += group.length;
      status({
        phase: 'reading-zones',
        endpoints: listing.endpointIds.length,
        zones: zones.length,
        zonesDone: zonesRead,
      });
    }

    status({ phase: 'planning', endpoints: listing.endpointIds.length, zones: zones.length });
    const desired = desiredRecords(listing.entries, current, zoneOptions);
    const planScope = planScopeFor(input.scope, settings, listing.endpointIds);
    const options: ReplanInput['options'] = {
      policy,
      ownerId: settings.ownerId,
      adopt,
      ttl: settings.ttl,
      ...(planScope ? { scope: planScope } : {}),
      preserveOwners: listing.preserveOwners,
    };
    const plan = planChanges(desired.records, current, {
      ...options,
      conflicts: desired.conflicts,
      skips: [...desired.skips, ...listing.skips],
    });

    const base = {
      scope: input.scope,
      dryRun: input.dryRun,
      policy,
      adopt,
      listing: {
        endpoints: listing.endpointIds.length,
        source: listing.source,
        requests: listing.requests,
        ...(listing.fallbackReason ? { fallbackReason: listing.fallbackReason } : {}),
        pendingConnections: listing.pendingConnections,
      },
      zones,
      summary: plan.summary,
      changes: describePlan(plan),
      skips: plan.skips,
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
      const results: ApplyZoneOutput[] = [];
      status({
        phase: 'applying',
        endpoints: listing.endpointIds.length,
        zones: toWrite.length,
        zonesDone: 0,
        summary: plan.summary,
      });
      for (const group of chunk(toWrite, ZONE_FAN_OUT)) {
        const tasks = group.map((zone) => {
          const child: ApplyZoneInput = {
            zone,
            items: workForZone(plan, zone),
            replan: { desired: desired.records.filter((r) => r.zone === zone), options },
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
          endpoints: listing.endpointIds.length,
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
      endpoints: listing.endpointIds.length,
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
