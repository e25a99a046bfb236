/** Activity `readEndpoint`: one endpoint and its NICs, as the engine reads them (the sync flow's only spoke read). */
import * as df from 'durable-functions';
import { z } from 'zod';
import { readEndpoint } from '../../core/endpoint';
import type { EndpointState } from '../../core/endpoint';
import { canonicalId } from '../../core/resourceId';
import { parseActivityInput } from '../../durable/activities';
import { getAppDeps } from '../../durable/deps';
import { ACTIVITIES } from '../../durable/names';

export type EndpointRead =
  | { readonly found: false; readonly endpointId: string; readonly readAt: string }
  | {
      readonly found: true;
      readonly endpointId: string;
      /** The endpoint as the engine reads it (its NICs read in parallel). */
      readonly endpoint: EndpointState;
      /** When the read began (this host's wall clock, ISO): changes stamped well before it are in it. */
      readonly readAt: string;
    };

const endpointInput = z.object({ endpointId: z.string().min(1) });

/**
 * Reads one endpoint and its NICs: one GET for the endpoint, one per NIC (in parallel). Nothing else: a Backup
 * v1 vault's sibling endpoints are endpoints of their own, synced by their own events or the Backup watch.
 */
export async function readEndpointState(raw: unknown): Promise<EndpointRead> {
  const { endpointId } = parseActivityInput(endpointInput, raw, ACTIVITIES.readEndpoint);
  const id = canonicalId(endpointId);
  const { ports, now } = getAppDeps();
  const readAt = new Date(now()).toISOString();
  const found = await ports.endpoints.getEndpoint(id);
  if (!found) return { found: false, endpointId: id, readAt };
  return { found: true, endpointId: id, endpoint: readEndpoint(found.endpoint, found.nics), readAt };
}

df.app.activity(ACTIVITIES.readEndpoint, { handler: (input: unknown) => readEndpointState(input) });
