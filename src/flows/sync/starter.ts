/**
 * Starting or signalling the per-endpoint orchestration so that every change delivered for an endpoint leads to a
 * read of live state after it (`syncInstanceId`: one instance per endpoint).
 *
 * The protocol, given what the Durable Functions extension does — a start under the id of an instance that is
 * not finished is refused (409), an event raised to a finished instance is dropped (the client sees 202/410 and
 * cannot tell), an event raised to a running instance is buffered until it waits:
 * 1. no instance, or a finished one → start it (its first act is a read); a 409 means another delivery started
 *    it a moment ago, possibly before our change → signal it instead;
 * 2. a running one → raise `endpointChanged`, then look again: still running and not `finishing` → it will take
 *    the event from its mailbox before it ends (see syncEndpoint.ts `drainMailbox`); `finishing`
 *    → wait for it to decide; finished → our event may have been dropped, so start it again.
 * Duplicates and races only ever cost an extra read; a delivery fails only when the task hub cannot be reached
 * or an instance stays `finishing` beyond `settleTimeoutMs` (Event Grid then retries it).
 */
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { findInstance, isActive } from '../../durable/instances';
import { EXTERNAL_EVENTS, ORCHESTRATIONS } from '../../durable/names';
import { syncInstanceId } from './contracts';
import type { EndpointChangedEvent, SyncEndpointInput, SyncEndpointStatus } from './contracts';

/** True while a `syncEndpoint` instance takes its last look in the mailbox before it completes. */
function isFinishing(status: DurableOrchestrationStatus | undefined): boolean {
  const custom = status?.customStatus as Partial<SyncEndpointStatus> | null | undefined;
  return isActive(status) && typeof custom === 'object' && custom !== null && custom.phase === 'finishing';
}

/** A start refused because an instance with that id is not finished (HTTP 409 from the task hub). */
function isAlreadyRunning(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { response?: { status?: unknown } }).response?.status;
  return status === 409 || / 409\b|already exists|conflict/i.test(error.message);
}

export type StartOutcome = 'started' | 'signalled';

export interface EndpointTrigger {
  readonly endpointId: string;
  readonly trigger: NonNullable<SyncEndpointInput['trigger']>;
  readonly change?: EndpointChangedEvent;
}

export interface StarterTiming {
  /** How long to wait for a `finishing` instance to decide (default 20 s). */
  readonly settleTimeoutMs?: number;
  /** First pause between status reads while waiting (default 100 ms, doubling up to 1 s). */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Rounds of start / signal before giving up (each round ends in a definite state unless the hub races). */
const MAX_ROUNDS = 6;

/**
 * Makes sure the endpoint's `syncEndpoint` instance reads it after this change: start it, or signal the running
 * one and make sure the signal is not lost. Returns what happened and the instance id.
 */
export async function startOrSignalEndpoint(
  client: DurableClient,
  request: EndpointTrigger,
  timing: StarterTiming = {},
): Promise<{ readonly outcome: StartOutcome; readonly instanceId: string }> {
  const instanceId = syncInstanceId(request.endpointId);
  const sleep = timing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = timing.now ?? Date.now;
  const input: SyncEndpointInput = {
    endpointId: request.endpointId,
    trigger: request.trigger,
    ...(request.change?.eventTime !== undefined ? { eventTime: request.change.eventTime } : {}),
    ...(request.change?.eventId !== undefined ? { eventId: request.change.eventId } : {}),
  };

  /** Raises the change and waits until the instance is either past its last look or surely will look again. */
  const signal = async (): Promise<'taken' | 'ended'> => {
    const change: EndpointChangedEvent = {
      ...(request.change ?? {}),
      raisedAt: new Date(now()).toISOString(),
    };
    await client.raiseEvent(instanceId, EXTERNAL_EVENTS.endpointChanged, change);
    const deadline = now() + (timing.settleTimeoutMs ?? 20_000);
    let pause = timing.pollMs ?? 100;
    for (;;) {
      const after = await findInstance(client, instanceId);
      if (!isActive(after)) return 'ended';
      if (!isFinishing(after)) return 'taken';
      if (now() >= deadline) {
        throw new Error(
          `${instanceId} for ${request.endpointId} stayed in its last mailbox look for ${timing.settleTimeoutMs ?? 20_000} ms`,
        );
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 1_000);
    }
  };

  let lastError: unknown;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const status = await findInstance(client, instanceId);
    if (!isActive(status)) {
      try {
        await client.startNew(ORCHESTRATIONS.syncEndpoint, { instanceId, input });
        return { outcome: 'started', instanceId };
      } catch (error) {
        // Another delivery started it in between: signal that instance (it may have read before our change).
        if (!isAlreadyRunning(error)) throw error;
        lastError = error;
      }
    }
    try {
      if ((await signal()) === 'taken') return { outcome: 'signalled', instanceId };
    } catch (error) {
      // 404: the instance we were told exists is not visible yet (or was purged): go round.
      if (!(error instanceof Error && /No instance with ID/.test(error.message))) throw error;
      lastError = error;
    }
    // It finished with our event possibly unread: go round and start it again.
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
