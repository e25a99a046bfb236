/**
 * The sync flow's public contracts: the `syncEndpoint` instance id, input, mailbox event, custom status and
 * output. Starters (Event Grid, resync, approvals, the Backup watch) need only this file and `starter.ts`.
 */
import { z } from 'zod';
import type { KeptRecord, PlanSummary, Skip } from '../../core/types';
import { endpointIdString, endpointKey, isoTime } from '../../durable/contracts';
import type { ApplyTotals } from '../../durable/contracts';

/**
 * Instance id of an endpoint's `syncEndpoint` orchestration: `sync-<endpointKey>`. Every event for the endpoint
 * maps to the same instance, so duplicate and reordered deliveries coalesce.
 */
export function syncInstanceId(endpointId: string): string {
  return `sync-${endpointKey(endpointId)}`;
}

export const SYNC_TRIGGERS = ['event', 'resync', 'reconcile', 'approval', 'watch'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

// ---------------------------------------------------------------------------------------------------------------
// syncEndpoint

/** What the orchestration carries across `continueAsNew` generations (not set by starters). */
export const syncCarrySchema = z.object({
  /** Generation number (0 for the first run). */
  generation: z.number().int().min(0),
  /** When the approval wait started and when it gives up. */
  approvalDeadline: isoTime.optional(),
  approvalRequestedAt: isoTime.optional(),
  /** An approval decision already received (so a re-read that still shows Pending does not wait again). */
  decision: z
    .object({ decision: z.enum(['Approved', 'Rejected']), approver: z.string(), reason: z.string() })
    .optional(),
  /** The challenge of the current approval wait (approvalProof.ts): its id and commitments, never a proof. */
  approvalChallenge: z
    .object({
      challengeId: z.string().min(1).max(64),
      commitments: z.object({ Approved: z.string().length(64), Rejected: z.string().length(64) }),
    })
    .optional(),
  /** Auto-approval already requested for this connection. */
  autoApproved: z.boolean().optional(),
  /** Totals across generations. */
  written: z.number().int().min(0).optional(),
});
export type SyncCarry = z.infer<typeof syncCarrySchema>;

export const syncEndpointInputSchema = z.object({
  /** Private endpoint resource id (any case; canonicalised). */
  endpointId: endpointIdString,
  trigger: z.enum(SYNC_TRIGGERS).default('event'),
  /** Time of the ARM event that caused this run (for event → record latency). */
  eventTime: isoTime.optional(),
  eventId: z.string().optional(),
  /** Set by the orchestration itself when it continues as new. */
  carry: syncCarrySchema.optional(),
});
export type SyncEndpointInput = z.input<typeof syncEndpointInputSchema>;
export type ParsedSyncEndpointInput = z.output<typeof syncEndpointInputSchema>;

/** Payload of `EXTERNAL_EVENTS.endpointChanged`. Every field is optional: the event only says "re-read". */
export const endpointChangedEventSchema = z.object({
  eventId: z.string().optional(),
  eventTime: isoTime.optional(),
  /** When the starter raised it (its wall clock), for logs. */
  raisedAt: isoTime.optional(),
  action: z.enum(['write', 'delete']).optional(),
  resourceType: z.enum(['privateEndpoint', 'networkInterface']).optional(),
});
export type EndpointChangedEvent = z.infer<typeof endpointChangedEventSchema>;

/** Where a `syncEndpoint` instance stands (its custom status). */
export type SyncPhase =
  | 'reading'
  | 'waiting-for-dns'
  | 'applying'
  | 'awaiting-approval'
  | 'approving'
  /**
   * The generation has decided how it ends and is taking what its mailbox still holds: a change found there
   * starts a new generation; otherwise the instance completes. A starter that raised an event and then sees this
   * phase waits for the outcome (see starter.ts), because an event that arrives after the last look
   * is dropped with the completed instance.
   */
  | 'finishing'
  /** Finished states (also in the output). */
  | 'synced'
  | 'removed'
  | 'not-ready'
  | 'rejected'
  | 'approval-timed-out'
  | 'approval-off'
  /** The endpoint is outside SPOKE_SUBSCRIPTION_IDS / SPOKE_RESOURCE_GROUPS: nothing is read or written. */
  | 'out-of-scope';

export interface SyncEndpointStatus {
  readonly phase: SyncPhase;
  readonly endpointId: string;
  /** Human-readable: why it waits or how it ended. */
  readonly message: string;
  readonly generation: number;
  /** When the current wait ends (DNS backoff, approval deadline). */
  readonly until?: string;
  /** Pending approval details (phase `awaiting-approval`). */
  readonly approval?: {
    readonly privateLinkServiceId: string;
    readonly connectionName: string;
    readonly requestedAt: string;
    readonly deadline: string;
    /** Id of the wait's challenge: the approval webhook proves its decision against it (approvalProof.ts). */
    readonly challengeId?: string;
  };
  /** How the generation ends (phase `finishing`). */
  readonly outcome?: SyncEndpointOutput['outcome'];
  /** Records written so far by this instance (all generations). */
  readonly written: number;
  readonly lastApply?: ApplyTotals;
}

/** Output of a finished `syncEndpoint`. */
export interface SyncEndpointOutput {
  readonly endpointId: string;
  readonly outcome: Extract<
    SyncPhase,
    'synced' | 'removed' | 'not-ready' | 'rejected' | 'approval-timed-out' | 'approval-off' | 'out-of-scope'
  >;
  readonly message: string;
  readonly written: number;
  readonly lastApply?: ApplyTotals;
  /** The last plan of the endpoint's family: its counts, the records kept and why, and every skip. */
  readonly lastPlan?: {
    readonly summary: PlanSummary;
    readonly kept: KeptRecord[];
    readonly skips: Skip[];
  };
  readonly decision?: {
    readonly decision: 'Approved' | 'Rejected';
    readonly approver: string;
    readonly reason: string;
  };
}
