/**
 * Pure helpers every flow uses between activities: cutting a plan into per-zone work, adding up what applying did,
 * the back-off between apply rounds, bounded fan-out. No I/O, no clock: safe in orchestrator code and unit-tested
 * directly.
 */
import type { ChangeKind } from '../core/plan';
import type { Plan, RecordChange } from '../core/types';
import type { ApplyTotals } from './contracts';
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

/** Back-off between apply rounds that retry transient failures: 5 s, 20 s, 60 s. */
export function transientRetryDelayMs(round: number): number {
  return [5_000, 20_000, 60_000][Math.max(0, round)] ?? 60_000;
}

/** Splits a list into chunks of `size` (bounded fan-out). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}
