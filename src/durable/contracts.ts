/**
 * Inputs, outputs, external-event payloads and custom-status shapes of the orchestrations (see `names.ts` for
 * the names and for which module registers what). Every input is parsed with zod where it enters an
 * orchestration, so a bad start request fails the instance with a message naming the field.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SYNC_POLICIES } from '../core/plan';
import type { Conflict, KeptRecord, PlanSummary, Plan, Skip, SyncPolicy } from '../core/types';
import {
  MAX_RESOURCE_ID_LENGTH,
  checkResourceId,
  checkSubscriptionGroup,
  isSubscriptionId,
  nameProblem,
} from '../core/armNames';
import type { ResourceKind } from '../core/armNames';
import { canonicalId } from '../core/resourceId';

// ---------------------------------------------------------------------------------------------------------------
// Instance ids and entity keys

/** Stable hash of an endpoint id (lower-cased): 32 hex characters of its SHA-256. */
export function endpointKey(endpointId: string): string {
  return createHash('sha256').update(canonicalId(endpointId)).digest('hex').slice(0, 32);
}

/**
 * Instance id of an endpoint's `syncEndpoint` orchestration: `sync-<endpointKey>`. Every event for the endpoint
 * maps to the same instance, so duplicate and reordered deliveries coalesce.
 */
export function syncInstanceId(endpointId: string): string {
  return `sync-${endpointKey(endpointId)}`;
}

/** Instance id of a stand-alone `removeEndpoint` run: `remove-<endpointKey>`. */
export function removeInstanceId(endpointId: string): string {
  return `remove-${endpointKey(endpointId)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

/** A resource id of `kind`, checked against ARM's length and naming rules (armNames.ts), canonicalised. */
const resourceIdOf = (kind: ResourceKind) =>
  z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      const checked = checkResourceId(s, kind);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
    })
    .transform((s) => canonicalId(s));

const endpointIdString = resourceIdOf('privateEndpoint');

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const guid = z
  .string()
  .trim()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be a subscription id (GUID)',
  )
  .transform((s) => s.toLowerCase());

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

/** Payload of `EXTERNAL_EVENTS.approvalDecision`. */
export const approvalDecisionEventSchema = z.object({
  decision: z.enum(['Approved', 'Rejected']),
  approver: z.string().trim().min(1, 'must name the approver').max(256),
  reason: z.string().max(1024).default(''),
  /** The vault connection the decision was applied to (informational). */
  connectionId: z.string().max(260).optional(),
  /** The webhook's proof for the instance's current challenge (approvalProof.ts); without it the decision is ignored. */
  proof: z.string().max(128).optional(),
});
export type ApprovalDecisionEvent = z.input<typeof approvalDecisionEventSchema>;

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
   * phase waits for the outcome (see functions/starters.ts), because an event that arrives after the last look
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

// ---------------------------------------------------------------------------------------------------------------
// removeEndpoint

export const removeEndpointInputSchema = z.object({
  endpointId: endpointIdString,
  /** Why it runs (log and status only). */
  reason: z.string().max(256).default('endpoint deleted'),
  eventTime: isoTime.optional(),
});
export type RemoveEndpointInput = z.input<typeof removeEndpointInputSchema>;

export interface RemoveEndpointOutput {
  readonly endpointId: string;
  /** Where the records were found: the endpoint → records index, or nowhere (the index knew none). */
  readonly source: 'index' | 'none';
  readonly summary: PlanSummary;
  readonly applied: ApplyTotals;
}

// ---------------------------------------------------------------------------------------------------------------
// reconcile

/** A reconcile scope after parsing. */
export type ReconcileScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'subscription'; readonly subscriptionId: string }
  | { readonly kind: 'resourceGroup'; readonly subscriptionId: string; readonly resourceGroup: string }
  | { readonly kind: 'vault'; readonly vaultId: string }
  | { readonly kind: 'endpoint'; readonly endpointId: string };

const scopeObject = z.union([
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('subscription'), subscriptionId: guid }).strict(),
  z
    .object({
      kind: z.literal('resourceGroup'),
      subscriptionId: guid,
      resourceGroup: z
        .string()
        .trim()
        .superRefine((s, ctx) => {
          const problem = nameProblem('resourceGroup', s, 'resource group');
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .transform((s) => s.toLowerCase()),
    })
    .strict(),
  z.object({ kind: z.literal('vault'), vaultId: resourceIdOf('vault') }).strict(),
  z.object({ kind: z.literal('endpoint'), endpointId: endpointIdString }).strict(),
]);

const SCOPE_HELP =
  'must be "all", a subscription id, /subscriptions/<id>/resourceGroups/<rg>, a Recovery Services vault id, a private endpoint id, or { kind, ... }';

export type ScopeRead =
  { readonly ok: true; readonly scope: ReconcileScope } | { readonly ok: false; readonly message: string };

/**
 * The one reader of a scope written as a string — `all`, a subscription id, `/subscriptions/<id>`,
 * `/subscriptions/<id>/resourceGroups/<rg>`, a vault id or a private endpoint id — for the resync body (string
 * and object forms), the reconcile input and anything else that takes a scope. Every id and name is checked
 * against ARM's rules; the message says what is wrong without echoing more than a bounded piece.
 */
export function readScope(raw: string): ScopeRead {
  if (typeof raw !== 'string') return { ok: false, message: SCOPE_HELP };
  const s = raw.trim();
  if (s.length > MAX_RESOURCE_ID_LENGTH) {
    return { ok: false, message: `is ${s.length} characters long; no scope is that long` };
  }
  if (s.toLowerCase() === 'all' || s === '') return { ok: true, scope: { kind: 'all' } };
  const bare = s.replace(/^\/subscriptions\//i, '').replace(/\/+$/, '');
  if (isSubscriptionId(bare)) {
    return { ok: true, scope: { kind: 'subscription', subscriptionId: bare.toLowerCase() } };
  }
  const rg = /^\/subscriptions\/([^/]*)\/resourcegroups\/([^/]*)\/?$/i.exec(s);
  if (rg) {
    const checked = checkSubscriptionGroup(rg[1] ?? '', rg[2] ?? '');
    if (!checked.ok) return { ok: false, message: checked.message };
    return {
      ok: true,
      scope: {
        kind: 'resourceGroup',
        subscriptionId: (rg[1] ?? '').toLowerCase(),
        resourceGroup: (rg[2] ?? '').toLowerCase(),
      },
    };
  }
  const type = /\/providers\/([^/]+\/[^/]+)\/[^/]+\/?$/i.exec(s)?.[1]?.toLowerCase();
  if (type === 'microsoft.recoveryservices/vaults') {
    const checked = checkResourceId(s, 'vault');
    return checked.ok
      ? { ok: true, scope: { kind: 'vault', vaultId: checked.id.id } }
      : { ok: false, message: checked.message };
  }
  if (type === 'microsoft.network/privateendpoints') {
    const checked = checkResourceId(s, 'privateEndpoint');
    return checked.ok
      ? { ok: true, scope: { kind: 'endpoint', endpointId: checked.id.id } }
      : { ok: false, message: checked.message };
  }
  return { ok: false, message: SCOPE_HELP };
}

/** `readScope` for callers that only need the scope; `undefined` when the string is none. */
export function parseScopeString(raw: string): ReconcileScope | undefined {
  const read = readScope(raw);
  return read.ok ? read.scope : undefined;
}

export const reconcileScopeSchema = z.union(
  [
    z.string().transform((s, ctx): ReconcileScope => {
      const read = readScope(s);
      if (!read.ok) {
        ctx.addIssue({ code: 'custom', message: read.message });
        return z.NEVER;
      }
      return read.scope;
    }),
    scopeObject,
  ],
  { error: SCOPE_HELP },
);

export const reconcileInputSchema = z.object({
  scope: reconcileScopeSchema.default({ kind: 'all' }),
  /** Plan only: the output holds the plan and nothing is written. */
  dryRun: z.boolean().default(false),
  /** Overrides SYNC_POLICY for this run. */
  policy: z.enum(SYNC_POLICIES).optional(),
  /** Overrides ADOPT_FOREIGN_RECORDS for this run. */
  adopt: z.boolean().optional(),
  /** Who asked (telemetry and status only). */
  trigger: z.enum(['timer', 'resync', 'test']).default('resync'),
});
export type ReconcileInput = z.input<typeof reconcileInputSchema>;
export type ParsedReconcileInput = z.output<typeof reconcileInputSchema>;

export interface ReconcileStatus {
  readonly phase: 'listing' | 'reading-zones' | 'planning' | 'applying' | 'completed';
  readonly scope: ReconcileScope;
  readonly dryRun: boolean;
  readonly endpoints?: number;
  readonly zones?: number;
  readonly zonesDone?: number;
  readonly summary?: PlanSummary;
}

export interface ReconcileOutput {
  readonly scope: ReconcileScope;
  readonly dryRun: boolean;
  readonly policy: SyncPolicy;
  readonly adopt: boolean;
  readonly listing: {
    readonly endpoints: number;
    readonly source: 'resource-graph' | 'arm';
    readonly requests: number;
    readonly fallbackReason?: string;
    readonly pendingConnections: number;
  };
  readonly zones: string[];
  readonly summary: PlanSummary;
  /** `would create a.zone [10.0.0.4]` lines (see core `describePlan`). */
  readonly changes: string[];
  readonly conflicts: Conflict[];
  readonly skips: Skip[];
  /** Owned records kept as they stand because their endpoint is caught mid-change, with the reason. */
  readonly kept: KeptRecord[];
  /** The full plan (dry runs only; an applied run reports `applied`). */
  readonly plan?: Plan;
  readonly applied?: ApplyTotals;
  readonly startedAt: string;
  readonly completedAt: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Applying

/** What applying changes did (summed over zones and batches). */
export interface ApplyTotals {
  readonly written: number;
  readonly created: number;
  readonly updated: number;
  readonly adopted: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly conflicts: number;
  readonly throttled: number;
  readonly retried: number;
  readonly replans: number;
  /** Times the zone entity made a batch wait for write slots or a Retry-After. */
  readonly pacedWaits: number;
  readonly failures: {
    readonly zone: string;
    readonly name: string;
    readonly action: string;
    readonly code: string;
    readonly statusCode?: number;
    readonly message: string;
  }[];
}

export const EMPTY_TOTALS: ApplyTotals = {
  written: 0,
  created: 0,
  updated: 0,
  adopted: 0,
  deleted: 0,
  unchanged: 0,
  conflicts: 0,
  throttled: 0,
  retried: 0,
  replans: 0,
  pacedWaits: 0,
  failures: [],
};

/** Formats a zod error as `field: message; field: message` for failures and HTTP 400 bodies. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

/** Parses an orchestration input, throwing an error that names each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new Error(`invalid ${what} input: ${describeIssues(result.error)}`);
  return result.data;
}
