/**
 * The reconcile flow's public contracts: reconcile scopes (parsed from the resync body, the query string and the
 * CLI), the `reconcile` input, custom status and output.
 */
import { z } from 'zod';
import { SYNC_POLICIES } from '../../core/plan';
import type { Conflict, KeptRecord, Plan, PlanSummary, Skip, SyncPolicy } from '../../core/types';
import {
  MAX_RESOURCE_ID_LENGTH,
  checkResourceId,
  checkSubscriptionGroup,
  isSubscriptionId,
  nameProblem,
} from '../../core/armNames';
import { endpointIdString, guid, resourceIdOf } from '../../durable/contracts';
import type { ApplyTotals } from '../../durable/contracts';

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
