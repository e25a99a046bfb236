/**
 * Starting or signalling the per-endpoint orchestration so that every delivery for one endpoint lands on one
 * instance (`syncInstanceId`): a running instance gets `endpointChanged` and re-reads; a finished or absent
 * one is started again under the same id. Races (two deliveries at once, an instance finishing while we
 * signal it) are settled by re-checking, never by trusting a single status read.
 */
import * as df from 'durable-functions';
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { EXTERNAL_EVENTS, ORCHESTRATIONS } from '../orchestrations/names';
import { syncInstanceId } from '../orchestrations/contracts';
import type { EndpointChangedEvent, SyncEndpointInput } from '../orchestrations/contracts';

const ACTIVE: ReadonlySet<string> = new Set([
  df.OrchestrationRuntimeStatus.Running,
  df.OrchestrationRuntimeStatus.Pending,
  df.OrchestrationRuntimeStatus.ContinuedAsNew,
]);

export function isActive(status: DurableOrchestrationStatus | undefined): boolean {
  return status !== undefined && ACTIVE.has(status.runtimeStatus);
}

/** The instance's status, or `undefined` when the task hub has never seen it. */
export async function findInstance(
  client: DurableClient,
  instanceId: string,
): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, { showInput: false });
  } catch (error) {
    if (error instanceof Error && / 404 /.test(error.message)) return undefined;
    throw error;
  }
}

export type StartOutcome = 'started' | 'signalled';

export interface EndpointTrigger {
  readonly endpointId: string;
  readonly trigger: NonNullable<SyncEndpointInput['trigger']>;
  readonly change?: EndpointChangedEvent;
}

/**
 * Makes sure the endpoint's `syncEndpoint` instance (re-)reads it: signal the running one, else start it.
 * Returns what happened and the instance id.
 */
export async function startOrSignalEndpoint(
  client: DurableClient,
  request: EndpointTrigger,
): Promise<{ readonly outcome: StartOutcome; readonly instanceId: string }> {
  const instanceId = syncInstanceId(request.endpointId);
  const input: SyncEndpointInput = {
    endpointId: request.endpointId,
    trigger: request.trigger,
    ...(request.change?.eventTime !== undefined ? { eventTime: request.change.eventTime } : {}),
    ...(request.change?.eventId !== undefined ? { eventId: request.change.eventId } : {}),
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const status = await findInstance(client, instanceId);
    if (isActive(status)) {
      await client.raiseEvent(instanceId, EXTERNAL_EVENTS.endpointChanged, request.change ?? {});
      // An instance that finished between the status read and the event drops the event (410): make sure
      // something still re-reads the endpoint.
      const after = await findInstance(client, instanceId);
      if (isActive(after)) return { outcome: 'signalled', instanceId };
      continue;
    }
    try {
      await client.startNew(ORCHESTRATIONS.syncEndpoint, { instanceId, input });
      return { outcome: 'started', instanceId };
    } catch (error) {
      // Another delivery started it in between (409 from the task hub): go round and signal it instead.
      lastError = error;
    }
  }
  throw lastError instanceof Error
    ? lastError
    : new Error(`could not start or signal ${instanceId} for ${request.endpointId}`);
}

/** Normalises an event time to the ISO form the orchestration inputs accept; `undefined` when unreadable. */
export function isoEventTime(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
