/**
 * One sync pass over an endpoint family (shared by `syncEndpoint` generations): read the hub records the family
 * needs or is indexed under → plan with the family as scope → apply per zone through the zone pacers → update
 * the endpoint → records index. Orchestrator code: deterministic, I/O only through activities and entities.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { desiredRecords } from '../core/desiredState';
import { dnsEntries } from '../core/endpoint';
import { planEndpoints } from '../core/pipeline';
import { TELEMETRY_EVENTS } from '../core/telemetry';
import type { Conflict, CurrentRecordSet, KeptRecord, PlanSummary, Skip } from '../core/types';
import type { EndpointFamilyRead, ReplanInput, SyncSettings, ZoneRecordsRequest } from './activities';
import { ACTIVITY_RETRY, applyZonePaced } from './applyZone';
import type { ApplyTotals } from './contracts';
import { EMPTY_TOTALS } from './contracts';
import { endpointRecordsId } from './endpointRecords';
import type { EndpointRecordsState } from './endpointRecords';
import { ACTIVITIES } from './names';
import { addTotals, namesByZone, workForZone, zonesToWrite } from './planning';
import { emitEvent } from './telemetry';

export interface SyncPassResult {
  readonly totals: ApplyTotals;
  readonly summary: PlanSummary;
  readonly conflicts: Conflict[];
  readonly skips: Skip[];
  readonly kept: KeptRecord[];
}

type FoundFamily = Extract<EndpointFamilyRead, { found: true }>;

/** Reads, plans (core `planEndpoints`, the engine's one pipeline) and applies one endpoint family's records. */
export function* syncPass(
  context: OrchestrationContext,
  read: FoundFamily,
  settings: SyncSettings,
  meta: { readonly eventTime?: string },
): Generator<Task, SyncPassResult, unknown> {
  const members = read.members;

  const indexes = (yield context.df.Task.all(
    read.probedIds.map((id) => context.df.callEntity(endpointRecordsId(id), 'get')),
  )) as (EndpointRecordsState | null | undefined)[];
  const indexed = indexes.flatMap((state) => state?.records ?? []);

  // Where several zones fit a name (ACR data endpoints, scm sites, AKS sub-zones), the hub's zones decide.
  const cloud = settings.cloud ? { cloud: settings.cloud } : {};
  const draft = desiredRecords(dnsEntries(members), [], cloud);
  const hubZones =
    draft.zoneChoices.length > 0
      ? ((yield context.df.callActivityWithRetry(ACTIVITIES.listHubZones, ACTIVITY_RETRY)) as string[])
      : undefined;
  const zones = { ...cloud, ...(hubZones ? { hubZones } : {}) };
  const first = hubZones ? desiredRecords(dnsEntries(members), [], zones) : draft;
  // The names to read: those the family publishes now and those it was last seen to own.
  const byZone = namesByZone([...first.records, ...indexed]);
  const readTasks = [...byZone].map(([zone, names]) => {
    const request: ZoneRecordsRequest = { zone, names };
    return context.df.callActivityWithRetry(ACTIVITIES.readZoneRecords, ACTIVITY_RETRY, request);
  });
  // Task.all refuses an empty list: an endpoint with no entries and no index reads nothing.
  const reads = (readTasks.length > 0 ? yield context.df.Task.all(readTasks) : []) as CurrentRecordSet[][];
  const current = reads.flat();

  const base = {
    policy: settings.policy,
    ownerId: settings.ownerId,
    adopt: settings.adopt,
    ttl: settings.ttl,
    scope: { endpointIds: read.probedIds },
  };
  const planned = planEndpoints(members, current, base, [], zones);
  const { plan } = planned;
  const options: ReplanInput['options'] = {
    ...base,
    preserveOwners: [...(planned.options.preserveOwners ?? [])],
  };

  let totals: ApplyTotals = EMPTY_TOTALS;
  const conflicts: Conflict[] = [...plan.conflicts];
  for (const zone of zonesToWrite(plan)) {
    const out = yield* applyZonePaced(context, {
      zone,
      items: workForZone(plan, zone),
      replan: {
        desired: planned.desired.filter((r) => r.zone === zone),
        options,
      },
      ...(meta.eventTime ? { eventTime: meta.eventTime } : {}),
      endpointId: read.endpointId,
    });
    totals = addTotals(totals, out.totals);
    conflicts.push(...out.conflicts);
  }

  // The index is what each member needs now; members that keep their records keep their index too.
  const keepers = new Set(options.preserveOwners);
  const updatedAt = context.df.currentUtcDateTime.toISOString();
  for (const member of members) {
    if (keepers.has(member.id)) continue;
    const records = planned.desired
      .filter((r) => r.owners.includes(member.id))
      .map((r) => ({ zone: r.zone, name: r.name }));
    context.df.signalEntity(endpointRecordsId(member.id), 'set', {
      endpointId: member.id,
      records,
      updatedAt,
    });
  }

  for (const conflict of conflicts) {
    emitEvent(context, TELEMETRY_EVENTS.conflictDetected, {
      reason: conflict.code,
      zone: conflict.zone,
      recordName: conflict.name,
      endpointId: read.endpointId,
    });
  }
  for (const skip of plan.skips) {
    emitEvent(context, TELEMETRY_EVENTS.recordSkipped, {
      reason: skip.code,
      endpointId: skip.endpointId ?? read.endpointId,
      ...(skip.zone ? { zone: skip.zone } : {}),
      ...(skip.name ? { recordName: skip.name } : {}),
    });
  }
  return { totals, summary: plan.summary, conflicts, skips: plan.skips, kept: plan.kept };
}
