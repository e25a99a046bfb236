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
import { SYNC_POLICIES } from '../core/plan';
import type { AppConfig } from '../core/config';
import { parseScopeString, reconcileScopeSchema } from '../orchestrations/contracts';
import type { ReconcileInput, ReconcileScope } from '../orchestrations/contracts';

export const RESYNC_BODY_MAX_BYTES = 64 * 1024;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const scopeObjectSchema = z
  .strictObject({
    subscriptionIds: z
      .array(z.string().trim().regex(GUID, 'must be a subscription id (GUID)'))
      .min(1, 'must list at least one subscription')
      .optional(),
    resourceGroups: z
      .array(
        z
          .string()
          .trim()
          .refine(
            (v) =>
              /^[0-9a-f-]{36}\/[-\w._()]{1,90}$/i.test(v) ||
              /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[-\w._()]{1,90}\/?$/i.test(v),
            'must be "<subscriptionId>/<resourceGroup>" or a resource group id',
          ),
      )
      .min(1, 'must list at least one resource group')
      .optional(),
    vaultId: z.string().trim().min(1).optional(),
    endpointId: z.string().trim().min(1).optional(),
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
  scope: z.union([z.literal('all'), z.string().trim().min(1), scopeObjectSchema]).default('all'),
  dryRun: z.boolean({ error: 'must be true or false' }).default(false),
  policy: z.enum(SYNC_POLICIES, { error: `must be one of ${SYNC_POLICIES.join(', ')}` }).optional(),
  adopt: z.boolean({ error: 'must be true or false' }).optional(),
});

export type ResyncBody = z.output<typeof resyncBodySchema>;

export interface ScopeIssue {
  readonly field: string;
  readonly message: string;
}

function toScopeString(scope: Exclude<ResyncBody['scope'], string>): { field: string; value: string } {
  if (scope.subscriptionIds?.[0] !== undefined)
    return { field: 'scope.subscriptionIds.0', value: scope.subscriptionIds[0] };
  if (scope.resourceGroups?.[0] !== undefined) {
    const rg = scope.resourceGroups[0];
    return {
      field: 'scope.resourceGroups.0',
      value: rg.startsWith('/') ? rg : `/subscriptions/${rg.replace('/', '/resourceGroups/')}`,
    };
  }
  if (scope.vaultId !== undefined) return { field: 'scope.vaultId', value: scope.vaultId };
  return { field: 'scope.endpointId', value: scope.endpointId ?? '' };
}

function subscriptionOf(scope: ReconcileScope): string | undefined {
  switch (scope.kind) {
    case 'subscription':
    case 'resourceGroup':
      return scope.subscriptionId;
    case 'endpoint':
      return scope.endpointId.split('/')[2];
    default:
      return undefined;
  }
}

/** Turns a validated body into the reconcile input, or field errors (unknown scope, not a spoke). */
export function toReconcileInput(
  body: ResyncBody,
  config: Pick<AppConfig, 'spokeSubscriptionIds'>,
):
  | { readonly ok: true; readonly input: ReconcileInput & { scope: ReconcileScope } }
  | { readonly ok: false; readonly issues: ScopeIssue[] } {
  const { field, value } =
    typeof body.scope === 'string' ? { field: 'scope', value: body.scope } : toScopeString(body.scope);
  const parsed = reconcileScopeSchema.safeParse(value);
  const scope = parsed.success ? parsed.data : parseScopeString(value);
  if (!scope) {
    return {
      ok: false,
      issues: [
        {
          field,
          message:
            'must be "all", a subscription id, a resource group, a Recovery Services vault id or a private endpoint id',
        },
      ],
    };
  }
  const subscription = subscriptionOf(scope);
  if (subscription !== undefined && !config.spokeSubscriptionIds.includes(subscription.toLowerCase())) {
    return {
      ok: false,
      issues: [
        { field, message: `subscription ${subscription} is not a configured spoke (SPOKE_SUBSCRIPTION_IDS)` },
      ],
    };
  }
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
