/**
 * `removeEndpoint` — an endpoint is gone: drop it from the owners of its records and delete the records left
 * with no owner. Only records whose ownership metadata names us (and this endpoint) are touched; a foreign record
 * is never read as ours. The records are found through the `endpointRecords` index entity and read (for their
 * etags) before they are changed. When the index knows nothing — an event for an endpoint the app never synced,
 * the commonest case being a delete that follows a create within seconds — nothing is read at all: scanning every
 * hub zone per event would spend the hub's read budget on nothing. Records such an endpoint might own (written by
 * a reconcile, or before the index existed) are the reconcile's to collect: it lists every hub zone anyway.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { planChanges } from '../../core/plan';
import { TELEMETRY_EVENTS } from '../../core/telemetry';
import type { CurrentRecordSet } from '../../core/types';
import type { SyncSettings } from '../../durable/activities';
import { ACTIVITY_RETRY, applyZonePaced, readHubRecords } from '../../durable/applyZone';
import { parseInput } from '../../durable/contracts';
import { removeEndpointInputSchema } from './contracts';
import type { ApplyTotals } from '../../durable/contracts';
import type { RemoveEndpointOutput } from './contracts';
import { EMPTY_TOTALS } from '../../durable/contracts';
import { endpointRecordsId } from '../../durable/endpointRecords';
import type { EndpointRecordsState } from '../../durable/endpointRecords';
import { ACTIVITIES, ORCHESTRATIONS } from '../../durable/names';
import { addTotals, namesByZone, workForZone, zonesToWrite } from '../../durable/zoneWork';
import { emitFinal } from '../../durable/telemetry';

export function* removeEndpointOrchestrator(
  context: OrchestrationContext,
): Generator<Task, RemoveEndpointOutput, unknown> {
  const input = parseInput(removeEndpointInputSchema, context.df.getInput(), ORCHESTRATIONS.removeEndpoint);
  const endpointId = input.endpointId;
  try {
    const settings = (yield context.df.callActivityWithRetry(
      ACTIVITIES.readSyncSettings,
      ACTIVITY_RETRY,
    )) as SyncSettings;
    const index = (yield context.df.callEntity(endpointRecordsId(endpointId), 'get')) as
      EndpointRecordsState | null | undefined;

    const source: RemoveEndpointOutput['source'] = index && index.records.length > 0 ? 'index' : 'none';
    let current: CurrentRecordSet[] = [];
    if (index && index.records.length > 0) {
      context.df.setCustomStatus({ phase: 'reading', endpointId, source, records: index.records.length });
      current = yield* readHubRecords(context, settings, namesByZone(index.records));
    }

    const options = {
      policy: settings.policy,
      ownerId: settings.ownerId,
      adopt: false,
      ttl: settings.ttl,
      scope: { endpointIds: [endpointId] },
    };
    const plan = planChanges([], current, options);
    let applied: ApplyTotals = EMPTY_TOTALS;
    for (const zone of zonesToWrite(plan)) {
      context.df.setCustomStatus({ phase: 'applying', endpointId, source, zone });
      const out = yield* applyZonePaced(context, {
        zone,
        items: workForZone(plan, zone),
        replan: { desired: [], options },
        readBudget: { hub: settings.hub, hubDnsReadBudget: settings.hubDnsReadBudget },
        ...(input.eventTime ? { eventTime: input.eventTime } : {}),
        endpointId,
      });
      applied = addTotals(applied, out.totals);
    }
    if (applied.failures.length === 0 && source === 'index') {
      context.df.signalEntity(endpointRecordsId(endpointId), 'clear');
    }
    for (const skip of plan.skips) {
      emitFinal(context, TELEMETRY_EVENTS.recordSkipped, {
        reason: skip.code,
        endpointId,
        ...(skip.zone ? { zone: skip.zone } : {}),
        ...(skip.name ? { recordName: skip.name } : {}),
      });
    }
    const output: RemoveEndpointOutput = { endpointId, source, summary: plan.summary, applied };
    context.df.setCustomStatus({ phase: 'completed', endpointId, source, summary: plan.summary });
    context.log(
      `removeEndpoint ${endpointId} (${input.reason}): ${applied.deleted} deleted, ${applied.updated} released via ${source}`,
    );
    return output;
  } catch (error) {
    emitFinal(context, TELEMETRY_EVENTS.orchestrationFailed, {
      orchestration: ORCHESTRATIONS.removeEndpoint,
      instanceId: context.df.instanceId,
      endpointId,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

df.app.orchestration(ORCHESTRATIONS.removeEndpoint, removeEndpointOrchestrator);
