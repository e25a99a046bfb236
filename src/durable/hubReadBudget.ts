/**
 * The hub's Private DNS read budget, shared by every instance of the app: Azure allows 500 GETs on Private DNS per
 * five minutes per subscription, and every other tool of the platform team spends from the same budget. Like the
 * per-zone write pacer, the budget lives in a durable entity, one per hub subscription (`hubReadBudget`, key: the
 * subscription id), as a sliding window of HUB_DNS_READ_BUDGET reads per five minutes (plus 5% margin). Orchestrators
 * reserve reads before they call a reading activity and wait on a durable timer when the window is full; the
 * activity reports what it really read, and reads beyond the reservation (a list that needed more pages) are
 * counted afterwards so later reservations wait for them too. A 429 on a read blocks the subscription's reads for
 * its Retry-After.
 *
 * Operations (inputs carry the budget, so the entity needs no settings):
 * - `reserve` `{ count, nowMs, budget }` → `ReserveGrant` `{ granted, notBeforeMs }`
 * - `consume` `{ count, nowMs, budget }` — reads made without a reservation
 * - `penalize` `{ retryAfterMs, nowMs, budget }`
 * - `get` → the state or null
 */
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext, Task } from 'durable-functions';
import { z } from 'zod';
import { HUB_READ_LIMIT, withMargin } from '../core/slidingWindow';
import { zoneLocation } from '../core/config';
import type { HubLayout } from '../core/config';
import { ENTITIES } from './names';
import { penalizeZone, recordUse, reserveWrites } from './zonePacing';
import type { ReserveGrant, PacedWindowLimits, ZonePacerState } from './zonePacing';

/** The sliding window for `budget` reads per five minutes, 5% longer (reads are made as soon as they are granted). */
export function hubReadLimits(budget: number): PacedWindowLimits {
  const capacity = Math.max(1, Math.floor(budget));
  return {
    capacity,
    refillPerSecond: capacity / (HUB_READ_LIMIT.windowMs / 1000),
    maxBatch: capacity,
    windowMs: withMargin(HUB_READ_LIMIT).windowMs,
  };
}

export function hubReadBudgetId(subscriptionId: string): df.EntityId {
  return new df.EntityId(ENTITIES.hubReadBudget, subscriptionId.toLowerCase());
}

const budget = z.number().int().min(1);
const countInput = z.object({ count: z.number().int().min(0), nowMs: z.number(), budget });
const penalizeInput = z.object({ retryAfterMs: z.number().min(0), nowMs: z.number(), budget });

export function hubReadBudgetEntity(context: EntityContext<ZonePacerState>): void {
  const operation = context.df.operationName ?? '';
  const state = context.df.getState();
  switch (operation) {
    case 'reserve': {
      const input = countInput.safeParse(context.df.getInput());
      if (!input.success) {
        context.log(`hubReadBudget ${context.df.entityKey}: bad reserve input, granting nothing`);
        context.df.return({ granted: 0, notBeforeMs: 0 });
        return;
      }
      const { state: next, grant } = reserveWrites(state, input.data, hubReadLimits(input.data.budget));
      context.df.setState(next);
      context.df.return(grant);
      return;
    }
    case 'consume': {
      const input = countInput.safeParse(context.df.getInput());
      if (input.success && input.data.count > 0) {
        context.df.setState(recordUse(state, input.data, hubReadLimits(input.data.budget)));
      }
      return;
    }
    case 'penalize': {
      const input = penalizeInput.safeParse(context.df.getInput());
      if (input.success)
        context.df.setState(penalizeZone(state, input.data, hubReadLimits(input.data.budget)));
      return;
    }
    case 'get':
      context.df.return(state ?? null);
      return;
    default:
      context.log(`hubReadBudget ${context.df.entityKey}: unknown operation "${operation}" ignored`);
  }
}

df.app.entity(ENTITIES.hubReadBudget, hubReadBudgetEntity);

/** What orchestrators need to spend from the budget: where zones live and how big the budget is. */
export interface ReadBudgetSettings {
  readonly hub: HubLayout;
  readonly hubDnsReadBudget: number;
}

/** Reads per hub subscription: `zone → count` folded by where each zone lives. */
export function readsBySubscription(
  settings: ReadBudgetSettings,
  reads: Iterable<readonly [zone: string, count: number]>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [zone, count] of reads) {
    if (count <= 0) continue;
    const sub = zoneLocation(settings.hub, zone).subscriptionId.toLowerCase();
    out.set(sub, (out.get(sub) ?? 0) + count);
  }
  return out;
}

/**
 * Reserves reads from each subscription's budget, waiting on durable timers while a window is full. Returns
 * once every read may go out.
 */
export function* reserveHubReads(
  context: OrchestrationContext,
  settings: ReadBudgetSettings,
  reads: ReadonlyMap<string, number>,
): Generator<Task, void, unknown> {
  for (const [subscriptionId, count] of [...reads].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let needed = count;
    while (needed > 0) {
      const nowMs = context.df.currentUtcDateTime.getTime();
      const grant = (yield context.df.callEntity(hubReadBudgetId(subscriptionId), 'reserve', {
        count: needed,
        nowMs,
        budget: settings.hubDnsReadBudget,
      })) as ReserveGrant;
      if (grant.notBeforeMs > nowMs) yield context.df.createTimer(new Date(grant.notBeforeMs));
      needed -= Math.max(1, grant.granted);
    }
  }
}

/** Reports reads made beyond what was reserved (signals only; nothing to wait for). */
export function reportExtraHubReads(
  context: OrchestrationContext,
  settings: ReadBudgetSettings,
  used: ReadonlyMap<string, number>,
  reserved: ReadonlyMap<string, number>,
): void {
  for (const [subscriptionId, count] of used) {
    const extra = count - (reserved.get(subscriptionId) ?? 0);
    if (extra <= 0) continue;
    context.df.signalEntity(hubReadBudgetId(subscriptionId), 'consume', {
      count: extra,
      nowMs: context.df.currentUtcDateTime.getTime(),
      budget: settings.hubDnsReadBudget,
    });
  }
}
