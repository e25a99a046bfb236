import { byZoneThenName, recordKey } from './desiredState';
import { sameIps, sortIps } from './ipv4';
import { decodeOwnership, encodeOwnership } from './ownership';
import { parseResourceId } from './resourceId';
import { runSteps, sortSteps } from './steps';
import type { Steps } from './steps';
import type {
  Conflict,
  CurrentRecordSet,
  DesiredRecord,
  Plan,
  PlanSummary,
  RecordChange,
  Skip,
  SyncPolicy,
} from './types';

export const SYNC_POLICIES = ['sync', 'upsert-only', 'create-only'] as const satisfies readonly SyncPolicy[];

export type ChangeKind = 'create' | 'update' | 'delete' | 'adopt';

/**
 * What each policy lets through. `sync` does everything; `upsert-only` never deletes; `create-only` only adds
 * records that do not exist (it neither rewrites nor adopts existing ones).
 */
export function policyAllows(policy: SyncPolicy, change: ChangeKind): boolean {
  switch (policy) {
    case 'sync':
      return true;
    case 'upsert-only':
      return change !== 'delete';
    case 'create-only':
      return change === 'create';
  }
}

/**
 * Which endpoints the desired records are complete for. A plan only removes owners (and deletes records left
 * without owners) among endpoints in scope; owners outside the scope are kept. Every field narrows; an empty
 * scope (or none) means the desired records cover every endpoint. Ids and names compare lower-cased.
 */
export interface PlanScope {
  readonly endpointIds?: string[];
  readonly subscriptionIds?: string[];
  /** `subscriptionId/resourceGroup` entries. */
  readonly resourceGroups?: string[];
  /** Only records in these zones are considered at all. */
  readonly zones?: string[];
  /** Endpoints taken out of the scope again (see `PlanOptions.preserveOwners`). */
  readonly exclude?: string[];
}

export interface PlanOptions {
  readonly policy?: SyncPolicy;
  readonly ownerId: string;
  /** Adopt foreign records (no owner metadata) whose IPs already match. */
  readonly adopt?: boolean;
  readonly ttl: number;
  readonly scope?: PlanScope;
  /**
   * Endpoints whose claims stay as they stand even when in scope: endpoints caught mid-change (provisioning,
   * no FQDNs yet) publish nothing for a moment, and that must not delete their records.
   */
  readonly preserveOwners?: readonly string[];
  /** Conflicts and skips found while building the desired state; carried into the plan. */
  readonly conflicts?: readonly Conflict[];
  readonly skips?: readonly Skip[];
}

export function endpointInScope(endpointId: string, scope: PlanScope | undefined): boolean {
  return scopeMatcher(scope)(endpointId);
}

/**
 * `endpointInScope` for one scope and many endpoints: the scope's lists become sets once, so a plan over an
 * estate asks in constant time per owner instead of scanning the lists.
 */
export function scopeMatcher(scope: PlanScope | undefined): (endpointId: string) => boolean {
  if (!scope) return () => true;
  const lower = (list: readonly string[] | undefined): Set<string> | undefined =>
    list ? new Set(list.map((e) => e.toLowerCase())) : undefined;
  const exclude = lower(scope.exclude);
  const endpointIds = lower(scope.endpointIds);
  const subscriptionIds = lower(scope.subscriptionIds);
  const resourceGroups = lower(scope.resourceGroups);
  return (endpointId) => {
    const id = endpointId.toLowerCase();
    if (exclude?.has(id)) return false;
    if (endpointIds && !endpointIds.has(id)) return false;
    if (subscriptionIds || resourceGroups) {
      const parsed = parseResourceId(id);
      if (!parsed) return false;
      if (subscriptionIds && !subscriptionIds.has(parsed.subscriptionId)) return false;
      const rg = `${parsed.subscriptionId}/${parsed.resourceGroup}`.toLowerCase();
      if (resourceGroups && !resourceGroups.has(rg)) return false;
    }
    return true;
  };
}

function isPartialScope(scope: PlanScope | undefined): boolean {
  return (
    !!scope &&
    !!(
      scope.endpointIds ||
      scope.subscriptionIds ||
      scope.resourceGroups ||
      (scope.exclude && scope.exclude.length > 0)
    )
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Compares the records the hub should hold with the records that stand and lists the writes that bring them in
 * step. Records without our owner id are foreign: never updated or deleted; with `adopt`, an unowned record
 * whose IPs already match becomes ours. A record owned by another owner id is never adopted.
 */
export function planChanges(
  desired: readonly DesiredRecord[],
  current: readonly CurrentRecordSet[],
  options: PlanOptions,
): Plan {
  return runSteps(planChangesSteps(desired, current, options));
}

/** `planChanges` in steps (see core/steps.ts). */
export function* planChangesSteps(
  desired: readonly DesiredRecord[],
  current: readonly CurrentRecordSet[],
  options: PlanOptions,
): Steps<Plan> {
  const policy = options.policy ?? 'sync';
  const { ownerId, ttl } = options;
  const preserved = new Set((options.preserveOwners ?? []).map((id) => id.toLowerCase()));
  const scope: PlanScope | undefined =
    preserved.size === 0 ? options.scope : { ...options.scope, exclude: [...preserved] };
  const zoneFilter = scope?.zones ? new Set(scope.zones.map((z) => z.toLowerCase())) : undefined;
  const inZones = (zone: string): boolean => !zoneFilter || zoneFilter.has(zone.toLowerCase());
  const inScope = scopeMatcher(scope);

  const creates: RecordChange[] = [];
  const updates: RecordChange[] = [];
  const deletes: RecordChange[] = [];
  const adoptions: RecordChange[] = [];
  const conflicts: Conflict[] = [...(options.conflicts ?? [])];
  const unchanged: Plan['unchanged'] = [];
  const skips: Skip[] = [...(options.skips ?? [])];

  const propose = (kind: ChangeKind, change: RecordChange): void => {
    if (!policyAllows(policy, kind)) {
      skips.push({
        code: 'policy',
        message: `would ${kind} ${change.name}.${change.zone}, but policy ${policy} does not allow it`,
        zone: change.zone,
        name: change.name,
      });
      return;
    }
    const target = { create: creates, update: updates, delete: deletes, adopt: adoptions }[kind];
    target.push(change);
  };

  const desiredByKey = new Map<string, DesiredRecord>();
  for (const d of desired) {
    if (inZones(d.zone)) desiredByKey.set(recordKey(d.zone, d.name), d);
    yield;
  }
  const currentByKey = new Map<string, CurrentRecordSet>();
  for (const c of current) {
    if (inZones(c.zone)) currentByKey.set(recordKey(c.zone.toLowerCase(), c.name.toLowerCase()), c);
    yield;
  }

  for (const [key, d] of desiredByKey) {
    yield;
    const c = currentByKey.get(key);
    const ips = sortIps(d.ips);
    if (!c) {
      propose('create', {
        zone: d.zone,
        name: d.name,
        ips,
        ttl,
        metadata: encodeOwnership(ownerId, d.owners),
        owners: d.owners,
        etag: '',
      });
      continue;
    }
    const ownership = decodeOwnership(c.metadata);
    const currentIps = sortIps(c.ips);
    if (ownership?.ownerId !== ownerId) {
      const unowned = ownership === undefined;
      if (sameIps(currentIps, ips) && unowned && options.adopt) {
        propose('adopt', {
          zone: d.zone,
          name: d.name,
          ips: currentIps,
          ttl: c.ttl,
          metadata: encodeOwnership(ownerId, d.owners, c.metadata),
          owners: d.owners,
          etag: c.etag,
          previousIps: currentIps,
        });
      } else if (sameIps(currentIps, ips)) {
        skips.push({
          code: 'foreign-record',
          message: unowned
            ? `${d.name}.${d.zone} already resolves to ${ips.join(',')} but is not ours; adoption would take it over`
            : `${d.name}.${d.zone} already resolves to ${ips.join(',')} and belongs to owner "${ownership.ownerId}"`,
          zone: d.zone,
          name: d.name,
        });
      } else {
        conflicts.push({
          code: 'foreign-record',
          zone: d.zone,
          name: d.name,
          message: `${d.name}.${d.zone} stands with ${currentIps.join(',') || 'no IPs'} and is not ours (${
            unowned ? 'no owner' : `owner "${ownership.ownerId}"`
          }); leaving it, wanted ${ips.join(',')}`,
          keptIps: currentIps,
          claims: [{ owner: 'foreign', ips: currentIps }, ...d.owners.map((owner) => ({ owner, ips }))],
        });
      }
      continue;
    }
    // Ours. Owners outside the scope keep their claim.
    const outside = ownership.endpointIds.filter((id) => !inScope(id));
    if (outside.length > 0 && !sameIps(currentIps, ips)) {
      conflicts.push({
        code: 'endpoints-disagree',
        zone: d.zone,
        name: d.name,
        message: `${d.name}.${d.zone} stands with ${currentIps.join(',')} for endpoints outside this run; keeping it, wanted ${ips.join(',')}`,
        keptIps: currentIps,
        claims: [
          ...outside.map((owner) => ({ owner, ips: currentIps })),
          ...d.owners.map((owner) => ({ owner, ips })),
        ],
      });
      continue;
    }
    const owners = [...new Set([...outside, ...d.owners])].sort();
    if (sameIps(currentIps, ips) && sameList(owners, ownership.endpointIds) && c.ttl === ttl) {
      unchanged.push({ zone: d.zone, name: d.name, ips });
      continue;
    }
    propose('update', {
      zone: d.zone,
      name: d.name,
      ips,
      ttl,
      metadata: encodeOwnership(ownerId, owners, c.metadata),
      owners,
      etag: c.etag,
      previousIps: currentIps,
    });
  }

  // Owned records no desired record needs: drop the owners in scope; delete when none is left.
  for (const [key, c] of currentByKey) {
    yield;
    if (desiredByKey.has(key)) continue;
    const ownership = decodeOwnership(c.metadata);
    if (ownership?.ownerId !== ownerId) continue;
    const zone = c.zone.toLowerCase();
    const name = c.name.toLowerCase();
    const currentIps = sortIps(c.ips);
    const remaining = ownership.endpointIds.filter((id) => !inScope(id));
    const partial = isPartialScope(scope);
    if (remaining.length > 0) {
      // Not touched by this run when none of its owners is in scope.
      if (remaining.length === ownership.endpointIds.length) continue;
      propose('update', {
        zone,
        name,
        ips: currentIps,
        ttl: c.ttl,
        metadata: encodeOwnership(ownerId, remaining, c.metadata),
        owners: remaining,
        etag: c.etag,
        previousIps: currentIps,
      });
      continue;
    }
    // Ours but listing no endpoint: only a full run can tell that nobody needs it.
    if (partial && ownership.endpointIds.length === 0) continue;
    // The metadata could not list every owner: only a full reconcile may delete it.
    if (ownership.overflow && partial) continue;
    propose('delete', {
      zone,
      name,
      ips: currentIps,
      ttl: c.ttl,
      metadata: c.metadata,
      owners: [],
      etag: c.etag,
      previousIps: currentIps,
    });
  }

  return assemblePlan({
    policy,
    ownerId,
    creates: yield* sortSteps(creates, byZoneThenName),
    updates: yield* sortSteps(updates, byZoneThenName),
    deletes: yield* sortSteps(deletes, byZoneThenName),
    adoptions: yield* sortSteps(adoptions, byZoneThenName),
    conflicts: yield* sortSteps(conflicts, byZoneThenName),
    unchanged: yield* sortSteps(unchanged, byZoneThenName),
    skips,
  });
}

/** A plan from its lists; the summary counts and `hasChanges` follow from them. */
export function assemblePlan(
  parts: Omit<Plan, 'summary' | 'hasChanges' | 'kept'> & { readonly kept?: Plan['kept'] },
): Plan {
  const { creates, updates, deletes, adoptions, conflicts, unchanged, skips } = parts;
  const kept = parts.kept ?? [];
  const summary: PlanSummary = {
    creates: creates.length,
    updates: updates.length,
    deletes: deletes.length,
    adoptions: adoptions.length,
    conflicts: conflicts.length,
    unchanged: unchanged.length,
    skips: skips.length,
    kept: kept.length,
  };
  return {
    policy: parts.policy,
    ownerId: parts.ownerId,
    creates,
    updates,
    deletes,
    adoptions,
    conflicts,
    unchanged,
    skips,
    kept,
    summary,
    hasChanges: creates.length + updates.length + deletes.length + adoptions.length > 0,
  };
}

/** One line per change, for logs and dry runs: `would create a.zone [10.0.0.4]`. */
export function describePlan(plan: Plan): string[] {
  const lines: string[] = [];
  const add = (verb: string, list: readonly RecordChange[]): void => {
    for (const c of list) lines.push(`would ${verb} ${c.name}.${c.zone} [${c.ips.join(', ')}]`);
  };
  add('create', plan.creates);
  add('update', plan.updates);
  add('adopt', plan.adoptions);
  add('delete', plan.deletes);
  for (const c of plan.conflicts) lines.push(`conflict: ${c.message}`);
  for (const k of plan.kept) lines.push(`keep ${k.name}.${k.zone} [${k.ips.join(', ')}]: ${k.message}`);
  if (!plan.hasChanges) lines.push('no changes');
  return lines;
}
