/**
 * One sync pass over one endpoint (shared by `syncEndpoint` generations): read from the hub only what the plan
 * cannot know (core `recordsToRead`: records whose IPs change or that go) → plan with the engine's one pipeline
 * (core `planEndpoints`) → apply per zone through the zone pacers → remember in the endpoint → records index what
 * now stands. A record the endpoint newly wants is created with `If-None-Match: *` without a read; a 412 re-reads
 * it. Orchestrator code: deterministic, I/O only through activities and entities.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { desiredRecords } from '../../core/desiredState';
import type { EndpointState } from '../../core/endpoint';
import { planEndpoints, recordsToRead } from '../../core/pipeline';
import { TELEMETRY_EVENTS } from '../../core/telemetry';
import type { Conflict, KeptRecord, PlanSummary, Skip } from '../../core/types';
import type { ReplanInput, SyncSettings } from '../../durable/activities';
import { applyZonePaced, listHubZonesWithinBudget, readHubRecords } from '../../durable/applyZone';
import type { ApplyTotals } from '../../durable/contracts';
import { EMPTY_TOTALS } from '../../durable/contracts';
import { endpointRecordsId } from '../../durable/endpointRecords';
import type { EndpointRecordsState } from '../../durable/endpointRecords';
import { addTotals, namesByZone, workForZone, zonesToWrite } from '../../durable/zoneWork';
import { emitEvent } from '../../durable/telemetry';

export interface SyncPassResult {
  readonly totals: ApplyTotals;
  readonly summary: PlanSummary;
  readonly conflicts: Conflict[];
  readonly skips: Skip[];
  readonly kept: KeptRecord[];
}

/** Reads what it must, plans (core `planEndpoints`) and applies one endpoint's records. */
export function* syncPass(
  context: OrchestrationContext,
  endpoint: EndpointState,
  settings: SyncSettings,
  meta: { readonly eventTime?: string },
): Generator<Task, SyncPassResult, unknown> {
  const index = (yield context.df.callEntity(endpointRecordsId(endpoint.id), 'get')) as
    EndpointRecordsState | null | undefined;
  // Where several zones fit a name (ACR data endpoints, scm sites, AKS sub-zones), the hub's zones decide.
  const cloud = settings.cloud ? { cloud: settings.cloud } : {};
  const draft = desiredRecords(endpoint.entries, [], cloud);
  const hubZones =
    draft.zoneChoices.length > 0 ? yield* listHubZonesWithinBudget(context, settings) : undefined;
  const zones = { ...cloud, ...(hubZones ? { hubZones } : {}) };
  const { read, assumed } = recordsToRead(endpoint, index?.records ?? [], settings, zones);
  const current = [...(yield* readHubRecords(context, settings, namesByZone(read))), ...assumed];

  const base = {
    policy: settings.policy,
    ownerId: settings.ownerId,
    adopt: settings.adopt,
    ttl: settings.ttl,
    scope: { endpointIds: [endpoint.id] },
  };
  const planned = planEndpoints([endpoint], current, base, [], zones);
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
      readBudget: { hub: settings.hub, hubDnsReadBudget: settings.hubDnsReadBudget },
      ...(meta.eventTime ? { eventTime: meta.eventTime } : {}),
      endpointId: endpoint.id,
    });
    totals = addTotals(totals, out.totals);
    conflicts.push(...out.conflicts);
  }

  // The index is what stands for the endpoint now; one that keeps its records keeps its index too.
  if (!options.preserveOwners?.includes(endpoint.id)) {
    const notStanding = new Set(
      [...conflicts, ...totals.failures].map((r) => `${r.zone}|${r.name}`.toLowerCase()),
    );
    const records = planned.desired
      .filter((r) => r.owners.includes(endpoint.id) && !notStanding.has(`${r.zone}|${r.name}`))
      .map((r) => ({ zone: r.zone, name: r.name, ips: r.ips }));
    const unchangedIndex =
      index !== null &&
      index !== undefined &&
      JSON.stringify(index.records) === JSON.stringify(records.map((r) => ({ ...r, ips: [...r.ips] })));
    if (!unchangedIndex) {
      context.df.signalEntity(endpointRecordsId(endpoint.id), 'set', {
        endpointId: endpoint.id,
        records,
        updatedAt: context.df.currentUtcDateTime.toISOString(),
      });
    }
  }

  for (const conflict of conflicts) {
    emitEvent(context, TELEMETRY_EVENTS.conflictDetected, {
      reason: conflict.code,
      zone: conflict.zone,
      recordName: conflict.name,
      endpointId: endpoint.id,
    });
  }
  for (const skip of plan.skips) {
    emitEvent(context, TELEMETRY_EVENTS.recordSkipped, {
      reason: skip.code,
      endpointId: skip.endpointId ?? endpoint.id,
      ...(skip.zone ? { zone: skip.zone } : {}),
      ...(skip.name ? { recordName: skip.name } : {}),
    });
  }
  return { totals, summary: plan.summary, conflicts, skips: plan.skips, kept: plan.kept };
}
