/**
 * Pure helpers the orchestrators use between activities: cutting a plan into per-zone work, adding up apply
 * reports, the reconcile scope → listing scope / plan scope mapping and the wait schedules. No I/O, no clock:
 * safe in orchestrator code and unit-tested directly.
 */
import type { ChangeKind, PlanScope } from '../core/plan';
import type { Plan, RecordChange } from '../core/types';
import type { ApplyTotals, ReconcileScope } from './contracts';
import { EMPTY_TOTALS } from './contracts';

/** One write of a plan (a `PendingWrite` of src/azure, in orchestration history as JSON). */
export interface WorkItem {
  readonly action: ChangeKind;
  readonly change: RecordChange;
  /** 412 re-plans so far (absent when none). */
  readonly replans?: number;
}

/** The zones a plan writes to, sorted. */
export function zonesToWrite(plan: Plan): string[] {
  const zones = new Set<string>();
  for (const list of [plan.creates, plan.updates, plan.adoptions, plan.deletes]) {
    for (const change of list) zones.add(change.zone.toLowerCase());
  }
  return [...zones].sort();
}

/** The writes of a plan in one zone, in the order `applyPlan` runs them (deletes last). */
export function workForZone(plan: Plan, zone: string): WorkItem[] {
  const z = zone.toLowerCase();
  const pick = (action: ChangeKind, list: readonly RecordChange[]): WorkItem[] =>
    list.filter((c) => c.zone.toLowerCase() === z).map((change) => ({ action, change }));
  return [
    ...pick('create', plan.creates),
    ...pick('update', plan.updates),
    ...pick('adopt', plan.adoptions),
    ...pick('delete', plan.deletes),
  ];
}

/**
 * `workForZone` for every zone of a plan at once (one pass over its changes): zone → writes, in the order
 * `applyPlan` runs them. Zones without writes are absent.
 */
export function workByZone(plan: Plan): Map<string, WorkItem[]> {
  const out = new Map<string, WorkItem[]>();
  const add = (action: ChangeKind, list: readonly RecordChange[]): void => {
    for (const change of list) {
      const zone = change.zone.toLowerCase();
      const items = out.get(zone);
      if (items) items.push({ action, change });
      else out.set(zone, [{ action, change }]);
    }
  };
  add('create', plan.creates);
  add('update', plan.updates);
  add('adopt', plan.adoptions);
  add('delete', plan.deletes);
  return out;
}

/** Adds two apply totals. */
export function addTotals(a: ApplyTotals, b: ApplyTotals): ApplyTotals {
  return {
    written: a.written + b.written,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    adopted: a.adopted + b.adopted,
    deleted: a.deleted + b.deleted,
    unchanged: a.unchanged + b.unchanged,
    conflicts: a.conflicts + b.conflicts,
    throttled: a.throttled + b.throttled,
    retried: a.retried + b.retried,
    replans: a.replans + b.replans,
    pacedWaits: a.pacedWaits + b.pacedWaits,
    failures: [...a.failures, ...b.failures],
  };
}

export function sumTotals(list: readonly ApplyTotals[]): ApplyTotals {
  return list.reduce(addTotals, EMPTY_TOTALS);
}

/** The records of a plan by zone: `zone → names` (lower-case, sorted). */
export function namesByZone(records: readonly { zone: string; name: string }[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const r of records) {
    const zone = r.zone.toLowerCase();
    const set = out.get(zone) ?? new Set<string>();
    set.add(r.name.toLowerCase());
    out.set(zone, set);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([z, s]) => [z, [...s].sort()]));
}

// ---------------------------------------------------------------------------------------------------------------
// Wait schedules (durations in ms)

const MINUTE = 60_000;

/** Re-read delays while an endpoint has no DNS data yet: 15 s, 30 s, 1 min, 2 min, then every 4 min. */
export function dnsReadyBackoffMs(attempt: number): number {
  const steps = [15_000, 30_000, MINUTE, 2 * MINUTE];
  return steps[Math.max(0, attempt)] ?? 4 * MINUTE;
}

/** Back-off between apply rounds that retry transient failures: 5 s, 20 s, 60 s. */
export function transientRetryDelayMs(round: number): number {
  return [5_000, 20_000, 60_000][Math.max(0, round)] ?? 60_000;
}

// ---------------------------------------------------------------------------------------------------------------
// Reconcile scopes

export interface ListingScope {
  readonly subscriptionIds: string[];
  readonly resourceGroups?: string[];
  readonly vaultId?: string;
  readonly endpointId?: string;
}

/** Settings that bound every reconcile. */
export interface SpokeSettings {
  readonly spokeSubscriptionIds: readonly string[];
  readonly spokeResourceGroups: readonly string[];
}

/**
 * What to list for a reconcile scope. A subscription or resource group outside the configured spokes is refused
 * (a plan over it could garbage-collect records of endpoints the app is not allowed to read).
 */
export function listingScopeFor(
  scope: ReconcileScope,
  spokes: SpokeSettings,
): { ok: true; scope: ListingScope } | { ok: false; message: string } {
  const subs = spokes.spokeSubscriptionIds.map((s) => s.toLowerCase());
  const groups = spokes.spokeResourceGroups.map((g) => g.toLowerCase());
  const withGroups = (resourceGroups: string[]): Pick<ListingScope, 'resourceGroups'> =>
    resourceGroups.length > 0 ? { resourceGroups } : {};
  switch (scope.kind) {
    case 'all':
      return { ok: true, scope: { subscriptionIds: subs, ...withGroups(groups) } };
    case 'subscription': {
      const sub = scope.subscriptionId.toLowerCase();
      if (!subs.includes(sub)) {
        return { ok: false, message: `subscription ${sub} is not one of SPOKE_SUBSCRIPTION_IDS` };
      }
      return {
        ok: true,
        scope: { subscriptionIds: [sub], ...withGroups(groups.filter((g) => g.startsWith(`${sub}/`))) },
      };
    }
    case 'resourceGroup': {
      const sub = scope.subscriptionId.toLowerCase();
      const entry = `${sub}/${scope.resourceGroup.toLowerCase()}`;
      if (!subs.includes(sub)) {
        return { ok: false, message: `subscription ${sub} is not one of SPOKE_SUBSCRIPTION_IDS` };
      }
      if (groups.length > 0 && !groups.includes(entry)) {
        return { ok: false, message: `resource group ${entry} is not one of SPOKE_RESOURCE_GROUPS` };
      }
      return { ok: true, scope: { subscriptionIds: [sub], resourceGroups: [entry] } };
    }
    case 'vault':
      return { ok: true, scope: { subscriptionIds: subs, ...withGroups(groups), vaultId: scope.vaultId } };
    case 'endpoint':
      return {
        ok: true,
        scope: { subscriptionIds: subs, ...withGroups(groups), endpointId: scope.endpointId },
      };
  }
}

/**
 * The plan scope of a reconcile: which endpoints' claims the listing is complete for. `all` is a full run (every
 * owned record no listed endpoint needs is an orphan) unless SPOKE_RESOURCE_GROUPS narrows it; a vault or endpoint
 * scope covers the endpoints listed for it (and the endpoint itself, so a deleted one loses its records).
 */
export function planScopeFor(
  scope: ReconcileScope,
  spokes: SpokeSettings,
  listedEndpointIds: readonly string[],
): PlanScope | undefined {
  const groups = spokes.spokeResourceGroups.map((g) => g.toLowerCase());
  switch (scope.kind) {
    case 'all':
      return groups.length > 0 ? { resourceGroups: groups } : undefined;
    case 'subscription': {
      const sub = scope.subscriptionId.toLowerCase();
      const inSub = groups.filter((g) => g.startsWith(`${sub}/`));
      return inSub.length > 0 ? { resourceGroups: inSub } : { subscriptionIds: [sub] };
    }
    case 'resourceGroup':
      return { resourceGroups: [`${scope.subscriptionId}/${scope.resourceGroup}`.toLowerCase()] };
    case 'vault':
      return { endpointIds: [...new Set(listedEndpointIds.map((id) => id.toLowerCase()))].sort() };
    case 'endpoint':
      return {
        endpointIds: [
          ...new Set([scope.endpointId, ...listedEndpointIds].map((id) => id.toLowerCase())),
        ].sort(),
      };
  }
}

/** `all`, the subscription, `sub/rg`, or the vault / endpoint id: for telemetry. */
export function describeScope(scope: ReconcileScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'subscription':
      return scope.subscriptionId;
    case 'resourceGroup':
      return `${scope.subscriptionId}/${scope.resourceGroup}`;
    case 'vault':
      return scope.vaultId;
    case 'endpoint':
      return scope.endpointId;
  }
}

/** Splits a list into chunks of `size` (bounded fan-out). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}
