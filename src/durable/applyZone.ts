/**
 * Applying one hub zone's writes with global pacing (pattern: entity-coordinated batches).
 *
 * Loop: ask the zone's `zoneWritePacer` entity for write slots (it answers how many and from when) → wait on a
 * durable timer until then → run `applyZoneChanges` for that many writes → report a 429's Retry-After back to
 * the entity → repeat with what was deferred. Transient failures get a few more rounds after a back-off.
 * Nothing is applied twice: every write is conditional (If-None-Match / If-Match), so a batch that runs again
 * after a crash meets 412s, re-reads and finds the records already right.
 *
 * `applyZonePaced` is a generator other orchestrators `yield*` inline (one endpoint: few zones); the `applyZone`
 * sub-orchestration wraps it for reconcile fan-out (one child per zone, each with its own small history).
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { z } from 'zod';
import { hubZoneGroups } from '../core/config';
import { TELEMETRY_EVENTS, TELEMETRY_PROPERTIES } from '../core/telemetry';
import type { Conflict } from '../core/types';
import type {
  ApplyZoneChangesInput,
  ReplanInput,
  ZoneBatchResult,
  ZoneRecordsRead,
  ZoneRecordsRequest,
} from './activities';
import { plannedReads } from './activities';
import type { CurrentRecordSet } from '../core/types';
import { readsBySubscription, reportExtraHubReads, reserveHubReads } from './hubReadBudget';
import type { ReadBudgetSettings } from './hubReadBudget';
import { replanSchema } from './activities';
import type { ApplyTotals } from './contracts';
import { EMPTY_TOTALS, parseInput } from './contracts';
import { ACTIVITIES, ORCHESTRATIONS } from './names';
import { GRANT_LEASE_MS } from './zonePacing';
import type { ReserveGrant } from './zonePacing';
import { addTotals, transientRetryDelayMs } from './zoneWork';
import type { WorkItem } from './zoneWork';
import { emitEvent } from './telemetry';
import { zonePacerId } from './zoneWritePacer';

/** Activity retries: transient infrastructure failures of the activity itself (not per-record Azure errors). */
export const ACTIVITY_RETRY = (() => {
  const options = new df.RetryOptions(2_000, 4);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 60_000;
  return options;
})();

/** Rounds of transient-failure retries per zone apply. */
const MAX_TRANSIENT_ROUNDS = 2;
/** Safety stop: batches per zone apply (20 writes each, so thousands of records). */
const MAX_BATCHES = 500;

/** The record a write is for (its action may change when a 412 re-plans it). */
const recordOf = (item: WorkItem): string => `${item.change.zone}|${item.change.name}`.toLowerCase();

export interface ApplyZoneInput {
  readonly zone: string;
  readonly items: WorkItem[];
  readonly replan: ReplanInput;
  /** Where the GETs a 412 re-plan makes are counted (the hub's read budget). */
  readonly readBudget?: ReadBudgetSettings;
  readonly eventTime?: string;
  readonly endpointId?: string;
}

export interface ApplyZoneOutput {
  readonly zone: string;
  readonly totals: ApplyTotals;
  readonly conflicts: Conflict[];
}

/**
 * Reads the current records of some names in some zones (`zone → names`), spending from the hub's read budget
 * first: a GET per name for a few names, one list for more (activity `readZoneRecords`).
 */
export function* readHubRecords(
  context: OrchestrationContext,
  settings: ReadBudgetSettings,
  byZone: ReadonlyMap<string, readonly string[]>,
): Generator<Task, CurrentRecordSet[], unknown> {
  if (byZone.size === 0) return [];
  const reserved = readsBySubscription(
    settings,
    [...byZone].map(([zone, names]) => [zone, plannedReads(names.length)] as const),
  );
  yield* reserveHubReads(context, settings, reserved);
  const reads = (yield context.df.Task.all(
    [...byZone].map(([zone, names]) => {
      const request: ZoneRecordsRequest = { zone, names: [...names] };
      return context.df.callActivityWithRetry(ACTIVITIES.readZoneRecords, ACTIVITY_RETRY, request);
    }),
  )) as ZoneRecordsRead[];
  const used = new Map<string, number>();
  for (const read of reads) {
    for (const [sub, n] of Object.entries(read.reads)) used.set(sub, (used.get(sub) ?? 0) + n);
  }
  reportExtraHubReads(context, settings, used, reserved);
  return reads.flatMap((r) => r.records);
}

/** Lists the hub's zones (activity `listHubZones`), spending one read per hub zone resource group first. */
export function* listHubZonesWithinBudget(
  context: OrchestrationContext,
  settings: ReadBudgetSettings,
): Generator<Task, string[], unknown> {
  const reserved = new Map<string, number>();
  for (const group of hubZoneGroups(settings.hub)) {
    const sub = group.subscriptionId.toLowerCase();
    reserved.set(sub, (reserved.get(sub) ?? 0) + 1);
  }
  yield* reserveHubReads(context, settings, reserved);
  const listed = (yield context.df.callActivityWithRetry(ACTIVITIES.listHubZones, ACTIVITY_RETRY)) as {
    zones: string[];
    reads: Record<string, number>;
  };
  reportExtraHubReads(context, settings, new Map(Object.entries(listed.reads)), reserved);
  return listed.zones;
}

/** Applies one zone's writes, paced by the zone entity. Yield it with `yield*` from an orchestrator. */
export function* applyZonePaced(
  context: OrchestrationContext,
  input: ApplyZoneInput,
): Generator<Task, ApplyZoneOutput, unknown> {
  const zone = input.zone.toLowerCase();
  const pacer = zonePacerId(zone);
  let pending: WorkItem[] = [...input.items];
  let totals: ApplyTotals = EMPTY_TOTALS;
  const conflicts: Conflict[] = [];
  let transientRounds = 0;

  for (let batch = 0; pending.length > 0 && batch < MAX_BATCHES; batch++) {
    const now = context.df.currentUtcDateTime.getTime();
    const grant = (yield context.df.callEntity(pacer, 'reserve', {
      count: pending.length,
      nowMs: now,
    })) as ReserveGrant;
    const granted = Math.max(1, Math.min(grant.granted, pending.length));
    if (grant.notBeforeMs > now) {
      totals = addTotals(totals, { ...EMPTY_TOTALS, pacedWaits: 1 });
      yield context.df.createTimer(new Date(grant.notBeforeMs));
    }
    const items = pending.slice(0, granted);
    const rest = pending.slice(granted);
    const request: ApplyZoneChangesInput = {
      zone,
      items,
      granted,
      notAfterMs: grant.notBeforeMs + GRANT_LEASE_MS,
      replan: input.replan,
      ...(input.eventTime ? { eventTime: input.eventTime } : {}),
      ...(input.endpointId ? { endpointId: input.endpointId } : {}),
    };
    const result = (yield context.df.callActivityWithRetry(
      ACTIVITIES.applyZoneChanges,
      ACTIVITY_RETRY,
      request,
    )) as ZoneBatchResult;
    totals = addTotals(totals, result.totals);
    conflicts.push(...result.conflicts);
    if (input.readBudget) {
      reportExtraHubReads(context, input.readBudget, new Map(Object.entries(result.reads ?? {})), new Map());
    }

    if (result.writesUsed < granted) {
      // Slots the batch did not use (lease ran out, 429, nothing left to write) go back to the zone.
      context.df.signalEntity(pacer, 'settle', {
        grantedAtMs: grant.notBeforeMs,
        count: result.writesUsed,
        granted,
        nowMs: context.df.currentUtcDateTime.getTime(),
      });
    }
    if (result.retryAfterMs !== undefined) {
      // Azure throttled the zone: every writer to it waits, not just this one.
      context.df.signalEntity(pacer, 'penalize', {
        retryAfterMs: result.retryAfterMs,
        nowMs: context.df.currentUtcDateTime.getTime(),
      });
    }

    // Writes handed back wait behind the rest: a record that keeps needing new slots (412 re-plans, bounded
    // per record) never holds up the others in the zone.
    pending = [...rest, ...result.deferred];
    if (result.retryable.length > 0) {
      if (transientRounds < MAX_TRANSIENT_ROUNDS) {
        const delay = transientRetryDelayMs(transientRounds++);
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + delay));
        const again = new Set(result.retryable.map(recordOf));
        pending = [...pending.filter((item) => !again.has(recordOf(item))), ...result.retryable];
      } else {
        totals = addTotals(totals, { ...EMPTY_TOTALS, failures: result.retryableFailures });
      }
    }
  }
  if (pending.length > 0) {
    totals = addTotals(totals, {
      ...EMPTY_TOTALS,
      failures: pending.map((item) => ({
        zone,
        name: item.change.name,
        action: item.action,
        code: 'NotApplied',
        message: `gave up after ${MAX_BATCHES} batches`,
      })),
    });
  }
  for (const failure of totals.failures) {
    emitEvent(context, TELEMETRY_EVENTS.recordSkipped, {
      [TELEMETRY_PROPERTIES.reason]: `apply-failed:${failure.code}`,
      zone,
      recordName: failure.name,
      change: failure.action,
      error: failure.message,
      ...(input.endpointId ? { endpointId: input.endpointId } : {}),
    });
  }
  return { zone, totals, conflicts };
}

const applyZoneInputSchema = z.object({
  zone: z.string().min(1),
  items: z.array(
    z.object({
      action: z.enum(['create', 'update', 'adopt', 'delete']),
      change: z.any(),
      replans: z.number().int().min(0).optional(),
    }),
  ),
  replan: replanSchema,
  readBudget: z
    .object({
      hub: z.object({
        hubSubscriptionId: z.string(),
        hubZoneResourceGroup: z.string(),
        hubZoneOverrides: z.record(
          z.string(),
          z.object({ subscriptionId: z.string().optional(), resourceGroup: z.string() }),
        ),
      }),
      hubDnsReadBudget: z.number().int().min(1),
    })
    .optional(),
  eventTime: z.string().optional(),
  endpointId: z.string().optional(),
});

/** Sub-orchestration: one zone of a reconcile. */
export function* applyZoneOrchestrator(
  context: OrchestrationContext,
): Generator<Task, ApplyZoneOutput, unknown> {
  const input = parseInput(
    applyZoneInputSchema,
    context.df.getInput(),
    ORCHESTRATIONS.applyZone,
  ) as ApplyZoneInput;
  return yield* applyZonePaced(context, input);
}

df.app.orchestration(ORCHESTRATIONS.applyZone, applyZoneOrchestrator);
