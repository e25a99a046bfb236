/**
 * `POST /api/resync` body: `{ scope, dryRun?, policy?, adopt? }`.
 *
 * `scope` is `"all"` (the default), a resource id string (`/subscriptions/<id>`, a resource group, a vault or a
 * private endpoint; see `parseScopeString`), or an object naming one target:
 * `{ subscriptionIds: [id] }`, `{ resourceGroups: ["<subscriptionId>/<rg>" | "/subscriptions/<id>/resourceGroups/<rg>"] }`,
 * `{ vaultId }` or `{ endpointId }`. One reconcile runs per request, so the object must name exactly one target;
 * every subscription named must be a configured spoke.
 */
import { z } from 'zod';
import { MAX_RESOURCE_ID_LENGTH } from '../../core/armNames';
import { SYNC_POLICIES } from '../../core/plan';
import { parseResourceId } from '../../core/resourceId';
import { outsideSpokes } from '../../core/spokeScope';
import type { SpokeScope } from '../../core/spokeScope';
import { readScope } from './contracts';
import type { ReconcileInput, ReconcileScope } from './contracts';

export const RESYNC_BODY_MAX_BYTES = 64 * 1024;

/** Strings of the object form; what they must look like is decided by the one scope reader (`readScope`). */
const target = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(MAX_RESOURCE_ID_LENGTH, `must be at most ${MAX_RESOURCE_ID_LENGTH} characters`);

const scopeObjectSchema = z
  .strictObject({
    subscriptionIds: z.array(target).min(1, 'must list at least one subscription').optional(),
    resourceGroups: z.array(target).min(1, 'must list at least one resource group').optional(),
    vaultId: target.optional(),
    endpointId: target.optional(),
  })
  .superRefine((scope, ctx) => {
    const targets =
      (scope.subscriptionIds?.length ?? 0) +
      (scope.resourceGroups?.length ?? 0) +
      (scope.vaultId !== undefined ? 1 : 0) +
      (scope.endpointId !== undefined ? 1 : 0);
    if (targets !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          targets === 0
            ? 'must name one target (subscriptionIds, resourceGroups, vaultId or endpointId), or use "all"'
            : 'must name exactly one target; send one resync per subscription, resource group, vault or endpoint',
      });
    }
  });

export const resyncBodySchema = z.strictObject({
  scope: z.union([target, scopeObjectSchema]).default('all'),
  dryRun: z.boolean({ error: 'must be true or false' }).default(false),
  policy: z.enum(SYNC_POLICIES, { error: `must be one of ${SYNC_POLICIES.join(', ')}` }).optional(),
  adopt: z.boolean({ error: 'must be true or false' }).optional(),
});

export type ResyncBody = z.output<typeof resyncBodySchema>;

export interface ScopeIssue {
  readonly field: string;
  readonly message: string;
}

/** The object form as the string the one scope reader takes (`<sub>/<rg>` becomes a resource group id). */
function toScopeString(scope: Exclude<ResyncBody['scope'], string>): { field: string; value: string } {
  if (scope.subscriptionIds?.[0] !== undefined)
    return { field: 'scope.subscriptionIds.0', value: scope.subscriptionIds[0] };
  if (scope.resourceGroups?.[0] !== undefined) {
    const rg = scope.resourceGroups[0];
    const short = /^([^/]+)\/([^/]+)$/.exec(rg);
    return {
      field: 'scope.resourceGroups.0',
      value: short ? `/subscriptions/${short[1] ?? ''}/resourceGroups/${short[2] ?? ''}` : rg,
    };
  }
  if (scope.vaultId !== undefined) return { field: 'scope.vaultId', value: scope.vaultId };
  return { field: 'scope.endpointId', value: scope.endpointId ?? '' };
}

/** Subscription and resource group a scope lies in (the group only for group, vault and endpoint scopes). */
function placeOf(scope: ReconcileScope): { subscriptionId: string; resourceGroup?: string } | undefined {
  switch (scope.kind) {
    case 'subscription':
      return { subscriptionId: scope.subscriptionId };
    case 'resourceGroup':
      return { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup };
    case 'vault':
    case 'endpoint': {
      const id = parseResourceId(scope.kind === 'vault' ? scope.vaultId : scope.endpointId);
      return id ? { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Turns a validated body into the reconcile input, or field errors: a scope that is none of the accepted forms
 * or breaks ARM's naming rules, or one outside the configured spokes (SPOKE_SUBSCRIPTION_IDS, and
 * SPOKE_RESOURCE_GROUPS when set) — the hub subscription included, unless it is configured as a spoke.
 */
export function toReconcileInput(
  body: ResyncBody,
  config: SpokeScope,
):
  | { readonly ok: true; readonly input: ReconcileInput & { scope: ReconcileScope } }
  | { readonly ok: false; readonly issues: ScopeIssue[] } {
  const { field, value } =
    typeof body.scope === 'string' ? { field: 'scope', value: body.scope } : toScopeString(body.scope);
  const read = readScope(value);
  if (!read.ok) return { ok: false, issues: [{ field, message: read.message }] };
  const scope = read.scope;
  const place = placeOf(scope);
  const outside = place ? outsideSpokes(config, place.subscriptionId, place.resourceGroup) : undefined;
  if (outside) return { ok: false, issues: [{ field, message: outside.message }] };
  return {
    ok: true,
    input: {
      scope,
      dryRun: body.dryRun,
      ...(body.policy !== undefined ? { policy: body.policy } : {}),
      ...(body.adopt !== undefined ? { adopt: body.adopt } : {}),
      trigger: 'resync',
    },
  };
}
