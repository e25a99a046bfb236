/**
 * The approval wait of a `syncEndpoint` instance whose connection is `Pending` (the human-interaction pattern of the
 * durable samples): with APPROVAL_MODE=auto and an allow-listed subscription, approve the connection on the vault
 * and go on; otherwise issue the wait's challenge, show `awaiting-approval` (with the connection and the challenge
 * id, which the approval webhook looks up) and race the webhook's `approvalDecision` against the
 * APPROVAL_TIMEOUT_HOURS timer and an `endpointChanged` from the mailbox. A decision counts only with the
 * webhook's proof for this wait's challenge (core/approvalProof.ts).
 *
 * It runs inside the `syncEndpoint` instance (`yield*`), not as an orchestration of its own: the webhook raises
 * decisions to the endpoint's instance id (`syncInstanceId`), the challenge is bound to that id, starters signal
 * changes to it while it waits, and deployed task hubs hold histories of waits recorded that way. The instance
 * decides what comes next from the result: a new generation (approved, ignored decision, endpoint changed) or an
 * outcome (rejected, timed out). Telemetry that must be emitted once is handed back as `emit`, for the instance to
 * call after its last `yield`.
 */
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { verifyApprovalProof } from '../../core/approvalProof';
import type { ApprovalChallenge } from '../../core/approvalProof';
import type { EndpointConnection } from '../../core/endpoint';
import { resourceInSpokes } from '../../core/spokeScope';
import { TELEMETRY_EVENTS } from '../../core/telemetry';
import type { SyncSettings } from '../../durable/activities';
import { ACTIVITY_RETRY } from '../../durable/applyZone';
import { ACTIVITIES, EXTERNAL_EVENTS } from '../../durable/names';
import { emitEvent, emitFinal, logOnce } from '../../durable/telemetry';
import { endpointChangedEventSchema } from '../sync/contracts';
import type {
  EndpointChangedEvent,
  SyncCarry,
  SyncEndpointOutput,
  SyncEndpointStatus,
  SyncPhase,
} from '../sync/contracts';
import { approvalDecisionEventSchema } from './contracts';

export interface ApprovalWaitInput {
  readonly endpointId: string;
  /** The endpoint's subscription (auto-approval allow-list). */
  readonly subscriptionId: string;
  /** The `Pending` connection waited for. */
  readonly pending: EndpointConnection;
  readonly settings: SyncSettings;
  /** What earlier generations of the wait carried (deadline, challenge, auto-approval). */
  readonly carry: SyncCarry;
  /** Sets the instance's custom status. */
  readonly status: (phase: SyncPhase, message: string, extra?: Partial<SyncEndpointStatus>) => void;
  /**
   * Takes the wait for `endpointChanged` when another task wins the race: a lost wait stays open in Durable
   * Functions and catches the next change (the sync flow's mailbox looks there).
   */
  readonly keepChangeWait?: (task: Task) => void;
}

/**
 * How long a change that ends the wait gives the decision behind it: the webhook decides the connection in the
 * vault, then raises its decision, so the endpoint's change (its connection's new state) can arrive a moment
 * before the decision that caused it.
 */
export const DECISION_GRACE_MS = 300;

/** How a wait ends. `carry` is what the next generation carries on; `emit` sends the telemetry once. */
export type ApprovalWaitResult =
  | { readonly kind: 'approved'; readonly carry: Partial<SyncCarry>; readonly emit: () => void }
  | {
      readonly kind: 'rejected';
      readonly message: string;
      readonly decision: NonNullable<SyncEndpointOutput['decision']>;
      readonly emit: () => void;
    }
  | { readonly kind: 'timed-out'; readonly message: string; readonly emit: () => void }
  /** A decision without a valid payload or proof: the wait goes on in a new generation. */
  | { readonly kind: 'ignored'; readonly carry: Partial<SyncCarry>; readonly emit?: () => void }
  | { readonly kind: 'changed'; readonly carry: Partial<SyncCarry>; readonly change?: EndpointChangedEvent };

export function* awaitApproval(
  context: OrchestrationContext,
  input: ApprovalWaitInput,
): Generator<Task, ApprovalWaitResult, unknown> {
  const { endpointId, subscriptionId, pending, settings, carry, status } = input;
  const nowMs = (): number => context.df.currentUtcDateTime.getTime();
  const iso = (ms: number): string => new Date(ms).toISOString();

  if (
    settings.approvalMode === 'auto' &&
    settings.approvalAutoSubscriptions.includes(subscriptionId) &&
    !carry.autoApproved &&
    resourceInSpokes(settings, pending.privateLinkServiceId)
  ) {
    status('approving', `auto-approving ${pending.name}: subscription ${subscriptionId} is allow-listed`);
    yield context.df.callActivityWithRetry(ACTIVITIES.decideConnection, ACTIVITY_RETRY, {
      endpointId,
      privateLinkServiceId: pending.privateLinkServiceId,
      decision: 'Approved',
      description: `Approved by privatelink-dns-sync: subscription ${subscriptionId} is allow-listed`,
    });
    return {
      kind: 'approved',
      carry: {
        autoApproved: true,
        decision: { decision: 'Approved', approver: 'auto-approval', reason: 'subscription allow-listed' },
      },
      emit: () =>
        emitFinal(context, TELEMETRY_EVENTS.approvalDecided, {
          decision: 'Approved',
          endpointId,
          vaultId: pending.privateLinkServiceId,
          trigger: 'auto',
        }),
    };
  }

  const challenge =
    carry.approvalChallenge ??
    ((yield context.df.callActivityWithRetry(ACTIVITIES.issueApprovalChallenge, ACTIVITY_RETRY, {
      instanceId: context.df.instanceId,
      connectionName: pending.name,
    })) as ApprovalChallenge);
  const deadlineMs = carry.approvalDeadline
    ? Date.parse(carry.approvalDeadline)
    : nowMs() + settings.approvalTimeoutHours * 3_600_000;
  const requestedAt = carry.approvalRequestedAt ?? iso(nowMs());
  if (!carry.approvalDeadline) {
    emitEvent(context, TELEMETRY_EVENTS.approvalPending, {
      endpointId,
      vaultId: pending.privateLinkServiceId,
      connectionId: pending.name,
    });
  }
  status('awaiting-approval', `connection ${pending.name} is Pending: waiting for an approval decision`, {
    until: iso(deadlineMs),
    approval: {
      privateLinkServiceId: pending.privateLinkServiceId,
      connectionName: pending.name,
      requestedAt,
      deadline: iso(deadlineMs),
      challengeId: challenge.challengeId,
    },
  });
  const timer: TimerTask = context.df.createTimer(new Date(deadlineMs));
  const decisionTask = context.df.waitForExternalEvent(EXTERNAL_EVENTS.approvalDecision);
  const changedTask = context.df.waitForExternalEvent(EXTERNAL_EVENTS.endpointChanged);
  let winner = yield context.df.Task.any([decisionTask, changedTask, timer]);
  if (winner === changedTask) {
    // Give the decision that may have caused the change a moment, so the outcome can say who decided.
    const grace: TimerTask = context.df.createTimer(new Date(nowMs() + DECISION_GRACE_MS));
    if ((yield context.df.Task.any([decisionTask, grace])) === decisionTask) {
      grace.cancel();
      winner = decisionTask;
    }
  } else input.keepChangeWait?.(changedTask);
  if (winner === timer) {
    return {
      kind: 'timed-out',
      message: `no approval decision for ${pending.name} within ${settings.approvalTimeoutHours} h: no records`,
      emit: () =>
        emitFinal(context, TELEMETRY_EVENTS.approvalDecided, {
          decision: 'TimedOut',
          endpointId,
          vaultId: pending.privateLinkServiceId,
        }),
    };
  }
  timer.cancel();
  const waitCarry: Partial<SyncCarry> = {
    approvalDeadline: iso(deadlineMs),
    approvalRequestedAt: requestedAt,
    approvalChallenge: challenge,
  };
  if (winner === decisionTask) {
    const parsed = approvalDecisionEventSchema.safeParse(decisionTask.result);
    if (!parsed.success) {
      logOnce(context, `syncEndpoint ${endpointId}: ignored a malformed approval decision`);
      return { kind: 'ignored', carry: waitCarry };
    }
    if (!verifyApprovalProof(challenge, parsed.data.decision, parsed.data.proof)) {
      return {
        kind: 'ignored',
        carry: waitCarry,
        emit: () =>
          emitFinal(context, TELEMETRY_EVENTS.approvalRefused, {
            reason: 'no-webhook-proof',
            endpointId,
            vaultId: pending.privateLinkServiceId,
          }),
      };
    }
    // The proof stays out of the carry: only the decision itself travels on.
    const { decision: verdict, approver, reason } = parsed.data;
    const decision = { decision: verdict, approver, reason };
    const emit = (): void =>
      emitFinal(context, TELEMETRY_EVENTS.approvalDecided, {
        decision: decision.decision,
        endpointId,
        vaultId: pending.privateLinkServiceId,
        trigger: 'webhook',
      });
    if (decision.decision === 'Rejected') {
      return {
        kind: 'rejected',
        message: `rejected by ${decision.approver}${decision.reason ? `: ${decision.reason}` : ''}; no records`,
        decision,
        emit,
      };
    }
    return { kind: 'approved', carry: { ...waitCarry, decision }, emit };
  }
  const changed = endpointChangedEventSchema.safeParse(changedTask.result ?? {});
  return { kind: 'changed', carry: waitCarry, ...(changed.success ? { change: changed.data } : {}) };
}
