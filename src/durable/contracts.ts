/**
 * What every flow's contracts build on: the endpoint key that names instances and entities, the zod pieces for
 * resource ids, times and subscription ids, what applying changes did (`ApplyTotals`), and how a bad input is
 * reported. Each flow keeps its own inputs, outputs, events and statuses in its `contracts.ts`; every input is
 * parsed with zod where it enters an orchestration, so a bad start request fails the instance with a message
 * naming the field.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkResourceId } from '../core/armNames';
import type { ResourceKind } from '../core/armNames';
import { canonicalId } from '../core/resourceId';
import type { ApplyCounts } from '../azure/applyPlan';

// ---------------------------------------------------------------------------------------------------------------
// Instance ids and entity keys

/** Stable hash of an endpoint id (lower-cased): 32 hex characters of its SHA-256. */
export function endpointKey(endpointId: string): string {
  return createHash('sha256').update(canonicalId(endpointId)).digest('hex').slice(0, 32);
}
// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

/** A resource id of `kind`, checked against ARM's length and naming rules (armNames.ts), canonicalised. */
export const resourceIdOf = (kind: ResourceKind) =>
  z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      const checked = checkResourceId(s, kind);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
    })
    .transform((s) => canonicalId(s));

export const endpointIdString = resourceIdOf('privateEndpoint');

export const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const guid = z
  .string()
  .trim()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be a subscription id (GUID)',
  )
  .transform((s) => s.toLowerCase());

// ---------------------------------------------------------------------------------------------------------------
// Applying

/**
 * What applying changes did, summed over batches and zones: the counters of src/azure's `ApplyReport` plus what
 * only the durable path knows (paced waits), with conflicts counted and failures summed up so the totals stay small
 * in history, custom status and outputs.
 */
export interface ApplyTotals extends ApplyCounts {
  readonly conflicts: number;
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
