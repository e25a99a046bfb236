/**
 * `syncEndpoint` — one instance per private endpoint (instance id `syncInstanceId(endpointId)`), started by the
 * Event Grid trigger and signalled with `endpointChanged` while it runs.
 *
 * Each generation: read the endpoint and its NICs (activity) → while its DNS data is not ready, wait on durable
 * timers with back-off (bounded by DNS_READY_MAX_WAIT_MINUTES; an `endpointChanged` event re-reads at once) → a
 * `Pending` connection goes through the approval wait (flows/approval/approvalWait.ts: `approvalDecision` raced
 * against the APPROVAL_TIMEOUT_HOURS timer, or approval through the vault when APPROVAL_MODE=auto allow-lists its
 * subscription) → plan and apply its records (`syncPass`). Long waits continue as new, so history stays small. An endpoint that is gone (404) is removed.
 * Nothing polls: FQDNs Backup adds later without an event are found by the estate-level Backup watch
 * (flows/watch/backupWatch.ts), which signals this instance like an event would.
 *
 * The mailbox: every change delivered for the endpoint must lead to a read of live state after it. Durable
 * Functions buffers `endpointChanged` events raised before the instance waits for them, discards the ones still
 * buffered when it continues as new, and drops events raised to a completed instance. So every way a generation
 * ends — each outcome, every `continueAsNew`, and a failure — first takes what the mailbox holds (mailbox.ts):
 * a change found there starts a new generation that re-reads. Events discarded by a `continueAsNew` are covered by
 * the new generation's read; events that arrive after the last look are the starter's to notice (phase `finishing`,
 * see starter.ts).
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { endpointFingerprint, isBackupEndpoint } from '../../core/backupWatch';
import type { EndpointState } from '../../core/endpoint';
import { parseResourceId } from '../../core/resourceId';
import { TELEMETRY_EVENTS } from '../../core/telemetry';
import type { EndpointRead } from './readEndpoint';
import type { SyncSettings } from '../../durable/activities';
import { ACTIVITY_RETRY } from '../../durable/applyZone';
import { syncEndpointInputSchema } from './contracts';
import { parseInput } from '../../durable/contracts';
import type { ApplyTotals } from '../../durable/contracts';
import type {
  EndpointChangedEvent,
  ParsedSyncEndpointInput,
  SyncCarry,
  SyncEndpointInput,
  SyncEndpointOutput,
  SyncEndpointStatus,
  SyncPhase,
} from './contracts';
import type { RemoveEndpointInput, RemoveEndpointOutput } from '../remove/contracts';
import { backupWatchStateId } from '../watch/contracts';
import { ACTIVITIES, ORCHESTRATIONS } from '../../durable/names';
import { dnsReadyBackoffMs } from './readiness';
import { GATHER_MS, MAILBOX_LOOKS, Mailbox, drainMailbox, takeCoveredChanges } from './mailbox';
import { awaitApproval } from '../approval/approvalWait';
import { syncPass } from './syncPass';
import type { SyncPassResult } from './syncPass';
import { emitFinal, logOnce } from '../../durable/telemetry';

type Outcome = SyncEndpointOutput['outcome'];

/** Why the endpoint is not ready to plan yet, or undefined when it is (or when approval decides). */
export function notReadyReason(main: EndpointState, carry: SyncCarry): string | undefined {
  if (main.readiness.ready) return undefined;
  if (main.readiness.code === 'connection-not-approved') {
    const pending = main.connections.some((c) => c.status.toLowerCase() === 'pending');
    if (pending && carry.decision?.decision === 'Approved') {
      return `${main.name}: approved by ${carry.decision.approver}; waiting for the connection to show Approved`;
    }
    return undefined;
  }
  return main.readiness.message;
}

/**
 * The carry without its approval wait once the endpoint shows no `Pending` connection: the wait (its deadline,
 * challenge, decision, auto-approval) belonged to the connection that was pending and is over. A connection that is
 * `Pending` again later — the endpoint deleted and created anew under the same id while this instance ran, so no
 * read saw it gone — starts a wait of its own, whose first pass removes what the earlier, approved connection
 * published.
 */
export function afterApprovalWait(endpoint: EndpointState, carry: SyncCarry): SyncCarry {
  if (endpoint.connections.some((c) => c.status.toLowerCase() === 'pending')) return carry;
  const {
    approvalDeadline: _deadline,
    approvalRequestedAt: _requestedAt,
    approvalChallenge: _challenge,
    decision: _decision,
    autoApproved: _autoApproved,
    ...rest
  } = carry;
  return rest;
}

export function* syncEndpointOrchestrator(
  context: OrchestrationContext,
): Generator<Task, SyncEndpointOutput | undefined, unknown> {
  const input: ParsedSyncEndpointInput = parseInput(
    syncEndpointInputSchema,
    context.df.getInput(),
    ORCHESTRATIONS.syncEndpoint,
  );
  const endpointId = input.endpointId;
  const mailbox = new Mailbox(context);
  /** The approval decision this generation started with, kept after the wait it belonged to is over. */
  let decided: SyncCarry['decision'];
  let carry: SyncCarry = input.carry ?? { generation: 0 };
  const nowMs = (): number => context.df.currentUtcDateTime.getTime();
  const iso = (ms: number): string => new Date(ms).toISOString();
  let written = carry.written ?? 0;
  let lastApply: ApplyTotals | undefined;
  let lastPlan: SyncEndpointOutput['lastPlan'];
  let eventTime = input.eventTime;
  /** When this generation last read the endpoint (host wall clock), for `readCovers`. */
  let lastReadAt: string | undefined;
  const eventFields = (): Partial<SyncEndpointInput> => (eventTime ? { eventTime } : {});

  const status = (phase: SyncPhase, message: string, extra: Partial<SyncEndpointStatus> = {}): void => {
    const value: SyncEndpointStatus = {
      phase,
      endpointId,
      message,
      generation: carry.generation,
      written,
      ...(lastApply ? { lastApply } : {}),
      ...extra,
    };
    context.df.setCustomStatus(value);
  };
  /** Starts the next generation (it re-reads the endpoint first). */
  const continueWith = (next: SyncCarry, fields: Partial<SyncEndpointInput> = {}): undefined => {
    const nextInput: SyncEndpointInput = {
      endpointId,
      trigger: fields.trigger ?? input.trigger,
      ...(fields.eventTime ? { eventTime: fields.eventTime } : {}),
      ...(fields.eventId ? { eventId: fields.eventId } : {}),
      carry: { ...next, generation: carry.generation + 1, written },
    };
    context.df.continueAsNew(nextInput);
    return undefined;
  };
  const fromChange = (change: EndpointChangedEvent): Partial<SyncEndpointInput> => ({
    trigger: 'event',
    ...(change.eventTime ? { eventTime: change.eventTime } : {}),
    ...(change.eventId ? { eventId: change.eventId } : {}),
  });
  /**
   * Continues as new after one look in the mailbox: a change found there becomes the next generation's trigger
   * (its event time feeds the latency figures). Events still buffered are discarded by `continueAsNew`, which is
   * safe only because every generation starts by reading the endpoint, after they were raised.
   */
  function* continueAfterMailbox(
    next: Partial<SyncCarry>,
    fields: Partial<SyncEndpointInput>,
    emit?: () => void,
  ): Generator<Task, undefined, unknown> {
    const change = yield* drainMailbox(mailbox, 1, lastReadAt);
    // After the last yield: runs in exactly one episode.
    emit?.();
    return continueWith({ ...carry, ...next }, change ? fromChange(change) : fields);
  }
  /**
   * Every outcome ends here: look in the mailbox first. A change found there means the endpoint moved after our
   * read, so a new generation reads it again (a removed endpoint's generation starts afresh: the endpoint that
   * came back is a new one). Otherwise the instance completes. `emit` sends the outcome's telemetry after the
   * last yield, where code runs in exactly one episode.
   */
  function* end(
    outcome: Outcome,
    message: string,
    extra: { decision?: SyncEndpointOutput['decision']; emit?: () => void } = {},
  ): Generator<Task, SyncEndpointOutput | undefined, unknown> {
    status('finishing', message, { outcome });
    const change = yield* drainMailbox(mailbox, MAILBOX_LOOKS, lastReadAt);
    extra.emit?.();
    if (change) {
      logOnce(
        context,
        `syncEndpoint ${endpointId}: a change arrived before the ${outcome} outcome; reading again`,
      );
      return continueWith(
        outcome === 'removed' ? { generation: carry.generation } : carry,
        fromChange(change),
      );
    }
    status(outcome, message);
    // Terminal code (no yield follows): runs in one episode.
    context.log(`syncEndpoint ${endpointId}: ${outcome}: ${message}`);
    return {
      endpointId,
      outcome,
      message,
      written,
      ...(lastApply ? { lastApply } : {}),
      ...(lastPlan ? { lastPlan } : {}),
      ...(extra.decision ? { decision: extra.decision } : {}),
    };
  }
  /** Keeps the pass's figures and, for a Backup endpoint, tells the Backup watch what was synced. */
  const recordPass = (pass: SyncPassResult, endpoint: EndpointState): void => {
    lastApply = pass.totals;
    lastPlan = { summary: pass.summary, kept: pass.kept, skips: pass.skips };
    written += pass.totals.written;
    if (isBackupEndpoint(endpoint)) {
      context.df.signalEntity(backupWatchStateId(), 'synced', {
        endpointId,
        fingerprint: endpointFingerprint(endpoint),
      });
    }
  };
  /** The Backup watch stops comparing an endpoint that is gone or not the app's to sync. */
  const forgetWatched = (): void => context.df.signalEntity(backupWatchStateId(), 'forget', { endpointId });

  try {
    const settings = (yield context.df.callActivityWithRetry(
      ACTIVITIES.readSyncSettings,
      ACTIVITY_RETRY,
    )) as SyncSettings;

    // 0. Never act on endpoints outside the configured spokes (starters filter too; this is the backstop).
    const parsedId = parseResourceId(endpointId);
    const groupKey = `${parsedId?.subscriptionId ?? ''}/${parsedId?.resourceGroup ?? ''}`.toLowerCase();
    if (
      !parsedId ||
      !settings.spokeSubscriptionIds.includes(parsedId.subscriptionId) ||
      (settings.spokeResourceGroups.length > 0 && !settings.spokeResourceGroups.includes(groupKey))
    ) {
      return yield* end(
        'out-of-scope',
        `${endpointId} is not in SPOKE_SUBSCRIPTION_IDS / SPOKE_RESOURCE_GROUPS`,
        {
          emit: () =>
            emitFinal(context, TELEMETRY_EVENTS.recordSkipped, { reason: 'out-of-scope', endpointId }),
        },
      );
    }

    // 1. Read; wait with back-off while the endpoint has no DNS data yet. Changes already in the mailbox are
    // taken first: they were raised before the read is even scheduled, so the read covers them, and they must not
    // cost a second generation (an endpoint's creation raises an endpoint and a NIC event within a moment).
    const covered = yield* takeCoveredChanges(mailbox, input.trigger === 'event' ? GATHER_MS : 0);
    if (covered?.eventTime) eventTime = covered.eventTime;
    const readStarted = nowMs();
    const maxWaitMs = settings.dnsReadyMaxWaitMinutes * 60_000;
    let main: EndpointState;
    for (let attempt = 0; ; attempt++) {
      status('reading', `reading ${endpointId}`);
      const read = (yield context.df.callActivityWithRetry(ACTIVITIES.readEndpoint, ACTIVITY_RETRY, {
        endpointId,
      })) as EndpointRead;
      lastReadAt = read.readAt;
      if (!read.found) {
        status('reading', 'endpoint not found: removing the records it owned');
        const removal: RemoveEndpointInput = {
          endpointId,
          reason: 'endpoint not found (deleted)',
          ...(eventTime ? { eventTime } : {}),
        };
        const removed = (yield context.df.callSubOrchestrator(
          ORCHESTRATIONS.removeEndpoint,
          removal,
          `${context.df.instanceId}:remove:${context.df.newGuid(endpointId)}`,
        )) as RemoveEndpointOutput;
        lastApply = removed.applied;
        written += removed.applied.written;
        forgetWatched();
        return yield* end(
          'removed',
          removed.source === 'index'
            ? `endpoint is gone; ${removed.applied.deleted} record(s) deleted, ${removed.applied.updated} released`
            : 'endpoint is gone; it had no records on file (a reconcile collects any it owned)',
        );
      }
      main = read.endpoint;
      decided = carry.decision ?? decided;
      carry = afterApprovalWait(main, carry);
      const waiting = notReadyReason(main, carry);
      if (!waiting) break;
      const elapsed = nowMs() - readStarted;
      if (elapsed >= maxWaitMs) {
        // Records are planned anyway: the engine's keep rule leaves an endpoint's records as they stand while it
        // is caught mid-change, and the plan lists them as kept with the reason.
        const pass = yield* syncPass(context, main, settings, eventTime ? { eventTime } : {});
        recordPass(pass, main);
        return yield* end(
          'not-ready',
          `${waiting} (gave up after ${settings.dnsReadyMaxWaitMinutes} min; ${pass.kept.length} record(s) kept as they stand)`,
        );
      }
      const delay = Math.min(dnsReadyBackoffMs(attempt), maxWaitMs - elapsed);
      status('waiting-for-dns', waiting, { until: iso(nowMs() + delay) });
      const changed = yield* mailbox.wait(delay);
      if (changed?.eventTime) eventTime = changed.eventTime;
    }

    // 2. A connection that is not Approved publishes nothing.
    if (!main.approved) {
      const pending = main.connections.find((c) => c.status.toLowerCase() === 'pending');
      if (!pending || carry.decision?.decision === 'Rejected') {
        const pass = yield* syncPass(context, main, settings, eventTime ? { eventTime } : {});
        recordPass(pass, main);
        const states = main.connections.map((c) => c.status || 'unknown').join(', ') || 'no connection';
        const rejected = main.connections.some((c) => c.status.toLowerCase() === 'rejected');
        if (rejected && decided?.decision === 'Rejected') {
          // The connection shows the decision this instance carried out: say who made it.
          return yield* end(
            'rejected',
            `rejected by ${decided.approver}${decided.reason ? `: ${decided.reason}` : ''}; no records`,
            { decision: decided },
          );
        }
        return yield* end('rejected', `connection is ${states}: no records are published`);
      }
      // A pending connection publishes nothing either: records an earlier approval left go now (the index
      // knows them), once per wait.
      if (!carry.approvalDeadline) recordPass(yield* syncPass(context, main, settings, eventFields()), main);
      if (settings.approvalMode === 'off') {
        return yield* end(
          'approval-off',
          `connection ${pending.name} is Pending and APPROVAL_MODE is off: no records until someone approves it`,
        );
      }
      const wait = yield* awaitApproval(context, {
        endpointId,
        subscriptionId: parsedId.subscriptionId,
        pending,
        settings,
        carry,
        status,
        keepChangeWait: (task) => mailbox.keep(task),
      });
      switch (wait.kind) {
        case 'approved':
          return yield* continueAfterMailbox(
            wait.carry,
            { trigger: 'approval', ...eventFields() },
            wait.emit,
          );
        case 'rejected':
          return yield* end('rejected', wait.message, { decision: wait.decision, emit: wait.emit });
        case 'timed-out':
          return yield* end('approval-timed-out', wait.message, { emit: wait.emit });
        case 'ignored':
          return yield* continueAfterMailbox(wait.carry, eventFields(), wait.emit);
        case 'changed':
          return yield* continueAfterMailbox(wait.carry, wait.change ? fromChange(wait.change) : {});
      }
    }

    // 3. Plan and apply.
    status('applying', `planning the records of ${main.name}`);
    const pass = yield* syncPass(context, main, settings, eventTime ? { eventTime } : {});
    recordPass(pass, main);

    const s = pass.summary;
    return yield* end(
      'synced',
      `${s.creates} created, ${s.updates} updated, ${s.deletes} deleted, ${s.unchanged} unchanged, ${s.conflicts} conflict(s)${
        s.kept > 0 ? `, ${s.kept} kept` : ''
      }`,
    );
  } catch (error) {
    // A failed generation still answers its mailbox: a change that arrived meanwhile gets a fresh read.
    const change = yield* drainMailbox(mailbox);
    const message = error instanceof Error ? error.message : String(error);
    if (change) {
      logOnce(context, `syncEndpoint ${endpointId}: failed (${message}); a change arrived, reading again`);
      return continueWith(carry, fromChange(change));
    }
    emitFinal(context, TELEMETRY_EVENTS.orchestrationFailed, {
      orchestration: ORCHESTRATIONS.syncEndpoint,
      instanceId: context.df.instanceId,
      endpointId,
      error: message,
    });
    throw error;
  }
}

df.app.orchestration(ORCHESTRATIONS.syncEndpoint, syncEndpointOrchestrator);
