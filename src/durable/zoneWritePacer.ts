/**
 * Durable entity `zoneWritePacer` (one per hub zone, keyed by the lower-case zone name): the zone's global write
 * budget. Operations:
 *
 * - `reserve` `{ count, nowMs }` → `ReserveGrant` `{ granted, notBeforeMs }`
 * - `penalize` `{ retryAfterMs, nowMs }` → the zone takes no writes before `nowMs + retryAfterMs`
 * - `settle` `{ grantedAtMs, count, granted, nowMs }` → the slots a batch did not use leave the window
 * - `get` → the state (`ZonePacerState`) or null
 *
 * Entities run one operation at a time, so concurrent orchestrations get distinct slots.
 */
import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { z } from 'zod';
import { ENTITIES } from './names';
import { penalizeZone, reserveWrites, settleWrites } from './zonePacing';
import type { ZonePacerState } from './zonePacing';

const reserveInput = z.object({ count: z.number().int().min(0), nowMs: z.number() });
const penalizeInput = z.object({ retryAfterMs: z.number().min(0), nowMs: z.number() });
const settleInput = z.object({
  grantedAtMs: z.number(),
  count: z.number().int().min(0),
  granted: z.number().int().min(0).optional(),
  nowMs: z.number(),
});

/** The entity id of a zone's pacer. */
export function zonePacerId(zone: string): df.EntityId {
  return new df.EntityId(ENTITIES.zoneWritePacer, zone.toLowerCase());
}

export function zoneWritePacerEntity(context: EntityContext<ZonePacerState>): void {
  const operation = context.df.operationName ?? '';
  const state = context.df.getState();
  switch (operation) {
    case 'reserve': {
      const input = reserveInput.safeParse(context.df.getInput());
      if (!input.success) {
        context.log(`zoneWritePacer ${context.df.entityKey}: bad reserve input, granting nothing`);
        context.df.return({ granted: 0, notBeforeMs: 0 });
        return;
      }
      const { state: next, grant } = reserveWrites(state, input.data);
      context.df.setState(next);
      context.df.return(grant);
      return;
    }
    case 'penalize': {
      const input = penalizeInput.safeParse(context.df.getInput());
      if (input.success) context.df.setState(penalizeZone(state, input.data));
      return;
    }
    case 'settle': {
      const input = settleInput.safeParse(context.df.getInput());
      if (input.success) context.df.setState(settleWrites(state, input.data));
      return;
    }
    case 'get':
      context.df.return(state ?? null);
      return;
    default:
      context.log(`zoneWritePacer ${context.df.entityKey}: unknown operation "${operation}" ignored`);
  }
}

df.app.entity(ENTITIES.zoneWritePacer, zoneWritePacerEntity);
