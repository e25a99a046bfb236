import { recordKey } from '../core/desiredState';
import { planChanges } from '../core/plan';
import type { ChangeKind, PlanOptions } from '../core/plan';
import type { Conflict, CurrentRecordSet, DesiredRecord, Plan, RecordChange, Skip } from '../core/types';
import { isTransient, sleep, toAzureError } from './errors';
import { unpaced } from './pacer';
import { recordSetId } from './recordStore';
import { WRITE_DEFERRED } from './ports';
import type { PaceKey, RecordSetStore, WritePacer, ZoneRef } from './ports';

/**
 * One write still to make: the change as last planned and how many 412 re-plans it has had (a write handed back
 * by the pacer keeps its count, so re-plans stay bounded across batches).
 */
export interface PendingWrite {
  readonly action: ChangeKind;
  readonly change: RecordChange;
  readonly replans?: number;
}

export interface ApplyFailure {
  readonly zone: string;
  readonly name: string;
  readonly action: ChangeKind;
  /** Azure error code (`TooManyRequests`, `InternalServerError`, `AuthorizationFailed`, ...). */
  readonly code: string;
  readonly statusCode?: number;
  readonly resourceId: string;
  readonly message: string;
  /** The write that failed, as last planned (a transient failure can be tried again with it). */
  readonly work: PendingWrite;
}

export interface ApplyOutcome {
  readonly zone: string;
  readonly name: string;
  readonly action: ChangeKind;
  readonly result: 'written' | 'unchanged' | 'conflict' | 'skipped' | 'failed';
  /** Writes that were re-planned after a 412 before this outcome. */
  readonly replans: number;
}

/**
 * The counters of applying changes, declared once: `ApplyReport` (one `applyPlan`/`applyWrites` call, with every
 * detail) and the durable `ApplyTotals` (its JSON summary, summed over batches and zones) both carry them.
 */
export interface ApplyCounts {
  /** Record sets written (created + updated + adopted + deleted). */
  readonly written: number;
  readonly created: number;
  readonly updated: number;
  readonly adopted: number;
  readonly deleted: number;
  /** Records the plan left alone plus those a re-plan found already right. */
  readonly unchanged: number;
  /** 429 answers waited out and retried. */
  readonly throttled: number;
  /** 5xx / connection failures retried. */
  readonly retried: number;
  /** 412 answers that led to re-reading and re-planning one record. */
  readonly replans: number;
}

/** What one `applyPlan` / `applyWrites` call did, in full (the CLI prints it; the apply activity sums it up). */
export interface ApplyReport extends ApplyCounts {
  readonly conflicts: Conflict[];
  readonly skips: Skip[];
  readonly failures: ApplyFailure[];
  /** Writes the pacer handed back (grant used up, zone throttled), as last planned: queue them again. */
  readonly deferred: PendingWrite[];
  readonly outcomes: ApplyOutcome[];
  readonly durationMs: number;
}

export interface ApplyProgress {
  readonly done: number;
  readonly total: number;
  readonly last: ApplyOutcome;
}

export interface ApplyPlanDeps {
  readonly records: RecordSetStore;
  /** Where each hub zone lives. */
  readonly locateZone: (zone: string) => ZoneRef;
  /** Defaults to no pacing. */
  readonly pacer?: WritePacer;
  /**
   * What the plan was made from. With it, a 412 re-reads the record and re-plans just that record with the core
   * planner; without it, a 412 is reported as a conflict and nothing is retried.
   */
  readonly replan?: {
    readonly desired: readonly DesiredRecord[];
    readonly options: Omit<PlanOptions, 'conflicts' | 'skips'>;
  };
  /** Writes in flight at once (default 8). */
  readonly concurrency?: number;
  /** 429 retries per record (default 30). */
  readonly maxThrottledAttempts?: number;
  /** 5xx / connection retries per record (default 5). */
  readonly maxAttempts?: number;
  /** 412 re-plans per record, counted across batches through `PendingWrite.replans` (default 3). */
  readonly maxReplans?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly onProgress?: (progress: ApplyProgress) => void;
}

type Work = PendingWrite;

function planWork(plan: Plan): Work[] {
  return [
    ...plan.creates.map((change) => ({ action: 'create' as const, change })),
    ...plan.updates.map((change) => ({ action: 'update' as const, change })),
    ...plan.adoptions.map((change) => ({ action: 'adopt' as const, change })),
    // Deletes last: if the run stops half-way, records are missing an owner rather than missing entirely.
    ...plan.deletes.map((change) => ({ action: 'delete' as const, change })),
  ];
}

/**
 * Executes a core `Plan` against the hub zones: conditional writes (`If-None-Match: *` creates, `If-Match`
 * updates and deletes), paced per zone and subscription, `Retry-After` honoured on 429, transient failures
 * retried with back-off, a 412 answered by re-reading that record and re-planning it alone (never a blind
 * overwrite). One record's failure never stops the others; every failure names the Azure code and resource id.
 */
export async function applyPlan(plan: Plan, deps: ApplyPlanDeps): Promise<ApplyReport> {
  return applyWrites(planWork(plan), deps, plan);
}

/**
 * `applyPlan` for a list of pending writes (a batch of a larger plan); `context` carries the plan's conflicts,
 * skips and unchanged records into the report.
 */
export async function applyWrites(
  writes: readonly PendingWrite[],
  deps: ApplyPlanDeps,
  context: Pick<Plan, 'conflicts' | 'skips' | 'unchanged'> = { conflicts: [], skips: [], unchanged: [] },
): Promise<ApplyReport> {
  const plan = context;
  const now = deps.now ?? Date.now;
  const started = now();
  const pacer = deps.pacer ?? unpaced;
  const wait = deps.sleep ?? sleep;
  const maxThrottled = deps.maxThrottledAttempts ?? 30;
  const maxAttempts = deps.maxAttempts ?? 5;
  const maxReplans = deps.maxReplans ?? 3;
  const base = deps.baseDelayMs ?? 200;
  const desiredByKey = new Map((deps.replan?.desired ?? []).map((d) => [recordKey(d.zone, d.name), d]));

  const counts = { created: 0, updated: 0, adopted: 0, deleted: 0, unchanged: 0 };
  const stats = { throttled: 0, retried: 0, replans: 0 };
  const conflicts: Conflict[] = [...plan.conflicts];
  const skips: Skip[] = [...plan.skips];
  const failures: ApplyFailure[] = [];
  const deferred: PendingWrite[] = [];
  const outcomes: ApplyOutcome[] = [];
  const queue = [...writes];
  const total = queue.length;
  counts.unchanged = plan.unchanged.length;

  const record = (outcome: ApplyOutcome): void => {
    outcomes.push(outcome);
    deps.onProgress?.({ done: outcomes.length, total, last: outcome });
  };

  /** One write with pacing and retries; throws the final AzureOperationError. */
  const write = async (zoneRef: ZoneRef, work: Work): Promise<void> => {
    const { change, action } = work;
    const id = recordSetId(zoneRef, change.name);
    const key: PaceKey = {
      subscriptionId: zoneRef.subscriptionId,
      zone: zoneRef.zone,
      kind: action === 'delete' ? 'delete' : 'write',
    };
    let throttles = 0;
    let failuresSoFar = 0;
    for (;;) {
      const answered = await pacer.acquire(key);
      try {
        const content = { name: change.name, ips: change.ips, ttl: change.ttl, metadata: change.metadata };
        try {
          if (action === 'create') await deps.records.createRecordSet(zoneRef, content);
          else if (action === 'delete') await deps.records.deleteRecordSet(zoneRef, change.name, change.etag);
          else await deps.records.updateRecordSet(zoneRef, content, change.etag);
        } finally {
          answered();
        }
        return;
      } catch (raw) {
        const error = toAzureError(raw, id);
        if (!isTransient(error)) throw error;
        if (error.statusCode === 429) {
          throttles++;
          if (throttles >= maxThrottled) throw error;
          const delay = error.retryAfterMs ?? base * 2 ** Math.min(throttles, 8);
          pacer.penalize(key, delay);
          stats.throttled++;
          await wait(delay);
        } else {
          failuresSoFar++;
          if (failuresSoFar >= maxAttempts) throw error;
          stats.retried++;
          await wait(error.retryAfterMs ?? base * 2 ** (failuresSoFar - 1));
        }
      }
    }
  };

  const count = (action: ChangeKind): void => {
    if (action === 'create') counts.created++;
    else if (action === 'update') counts.updated++;
    else if (action === 'adopt') counts.adopted++;
    else counts.deleted++;
  };

  /** Re-reads one record and plans it alone; returns the single change to make (if any). */
  const replanOne = async (zoneRef: ZoneRef, change: RecordChange): Promise<Work | 'unchanged' | Plan> => {
    const current = await deps.records.getRecordSet(zoneRef, change.name);
    const desired = desiredByKey.get(recordKey(change.zone, change.name));
    const currentList: CurrentRecordSet[] = current ? [current] : [];
    const options = deps.replan?.options;
    if (!options) return 'unchanged';
    const mini = planChanges(desired ? [desired] : [], currentList, {
      ...options,
      // Keep the zone narrowed to this record's zone so unrelated records can never appear.
      scope: { ...(options.scope ?? {}), zones: [change.zone] },
    });
    const next = planWork(mini)[0];
    if (next) return next;
    return mini.unchanged.length > 0 || (!desired && !current) ? 'unchanged' : mini;
  };

  const runOne = async (initial: Work): Promise<void> => {
    let work = initial;
    let replans = initial.replans ?? 0;
    const zoneRef = deps.locateZone(work.change.zone);
    for (;;) {
      try {
        await write(zoneRef, work);
        count(work.action);
        record({
          zone: work.change.zone,
          name: work.change.name,
          action: work.action,
          result: 'written',
          replans,
        });
        return;
      } catch (raw) {
        const error = toAzureError(raw, recordSetId(zoneRef, work.change.name));
        if (error.code === WRITE_DEFERRED) {
          // Not sent: handed back as it stands now (a re-planned write gets a slot of its own later).
          deferred.push({ action: work.action, change: work.change, replans });
          return;
        }
        if (error.statusCode === 412 && deps.replan && replans < maxReplans) {
          replans++;
          stats.replans++;
          let next: Work | 'unchanged' | Plan;
          try {
            next = await replanOne(zoneRef, work.change);
          } catch (readRaw) {
            const readError = toAzureError(readRaw, recordSetId(zoneRef, work.change.name));
            failures.push(failureOf({ ...work, replans }, zoneRef, readError));
            record({ ...outcomeBase(work), result: 'failed', replans });
            return;
          }
          if (next === 'unchanged') {
            counts.unchanged++;
            record({ ...outcomeBase(work), result: 'unchanged', replans });
            return;
          }
          if ('summary' in next) {
            // The record is no longer ours to write (foreign now, or a policy forbids it).
            conflicts.push(...next.conflicts);
            skips.push(...next.skips.filter((s) => !plan.skips.includes(s)));
            record({
              ...outcomeBase(work),
              result: next.conflicts.length > 0 ? 'conflict' : 'skipped',
              replans,
            });
            return;
          }
          work = next;
          continue;
        }
        if (error.statusCode === 412) {
          conflicts.push({
            code: 'foreign-record',
            zone: work.change.zone,
            name: work.change.name,
            message: `${work.change.name}.${work.change.zone} changed while we wrote it${
              replans > 0 ? `, ${replans + 1} times in a row` : ''
            } (412 PreconditionFailed on ${error.resourceId}); left as it stands, the next run plans it again`,
            keptIps: work.change.previousIps ?? [],
            claims: [],
          });
          record({ ...outcomeBase(work), result: 'conflict', replans });
          return;
        }
        failures.push(failureOf({ ...work, replans }, zoneRef, error));
        record({ ...outcomeBase(work), result: 'failed', replans });
        return;
      }
    }
  };

  const concurrency = Math.max(1, deps.concurrency ?? 8);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const work = queue[next++];
      if (work) await runOne(work);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));

  return {
    written: counts.created + counts.updated + counts.adopted + counts.deleted,
    ...counts,
    conflicts,
    skips,
    ...stats,
    failures,
    deferred,
    outcomes,
    durationMs: now() - started,
  };
}

function outcomeBase(work: Work): Pick<ApplyOutcome, 'zone' | 'name' | 'action'> {
  return { zone: work.change.zone, name: work.change.name, action: work.action };
}

function failureOf(
  work: Work,
  zoneRef: ZoneRef,
  error: { code: string; statusCode?: number; resourceId: string; message: string },
): ApplyFailure {
  return {
    zone: work.change.zone,
    name: work.change.name,
    action: work.action,
    code: error.code,
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    resourceId: error.resourceId || recordSetId(zoneRef, work.change.name),
    message: error.message,
    work,
  };
}
