/**
 * Durable entity `endpointRecords` (one per endpoint, keyed by `endpointKey(endpointId)`): the hub records an
 * endpoint's sync last found it needs, so a delete finds them without scanning every zone. Operations:
 *
 * - `set` `{ endpointId, records: [{ zone, name, ips }], updatedAt }` (written by `syncEndpoint` after applying)
 * - `get` → `EndpointRecordsState` or null
 * - `clear` → deletes the entity (after `removeEndpoint`)
 *
 * The index is a hint, never the authority: removal re-reads each record and only touches what our ownership
 * metadata says is the endpoint's, and the reconcile remains the safety net. It also spares reads: a sync whose
 * endpoint still wants the IPs the index remembers writes nothing and reads nothing (core `recordsToRead`).
 */
import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { z } from 'zod';
import { endpointKey } from './contracts';
import { ENTITIES } from './names';

export const endpointRecordsStateSchema = z.object({
  endpointId: z.string(),
  records: z.array(z.object({ zone: z.string(), name: z.string(), ips: z.array(z.string()).optional() })),
  updatedAt: z.string(),
});
export type EndpointRecordsState = z.infer<typeof endpointRecordsStateSchema>;

export function endpointRecordsId(endpointId: string): df.EntityId {
  return new df.EntityId(ENTITIES.endpointRecords, endpointKey(endpointId));
}

export function endpointRecordsEntity(context: EntityContext<EndpointRecordsState>): void {
  const operation = context.df.operationName ?? '';
  switch (operation) {
    case 'set': {
      const input = endpointRecordsStateSchema.safeParse(context.df.getInput());
      if (!input.success) {
        context.log(`endpointRecords ${context.df.entityKey}: bad set input ignored`);
        return;
      }
      const seen = new Set<string>();
      const records = input.data.records
        .map((r) => ({
          zone: r.zone.toLowerCase(),
          name: r.name.toLowerCase(),
          ...(r.ips ? { ips: [...r.ips] } : {}),
        }))
        .filter((r) => {
          const key = `${r.zone}|${r.name}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .sort((a, b) => (a.zone === b.zone ? (a.name < b.name ? -1 : 1) : a.zone < b.zone ? -1 : 1));
      context.df.setState({
        endpointId: input.data.endpointId.toLowerCase(),
        records,
        updatedAt: input.data.updatedAt,
      });
      return;
    }
    case 'get':
      context.df.return(context.df.getState() ?? null);
      return;
    case 'clear':
      context.df.destructOnExit();
      return;
    default:
      context.log(`endpointRecords ${context.df.entityKey}: unknown operation "${operation}" ignored`);
  }
}

df.app.entity(ENTITIES.endpointRecords, endpointRecordsEntity);
