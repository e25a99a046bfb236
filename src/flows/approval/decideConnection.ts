/** Activity `decideConnection`: approves or rejects a vault private endpoint connection (auto-approval). */
import * as df from 'durable-functions';
import { z } from 'zod';
import { canonicalId } from '../../core/resourceId';
import { parseActivityInput } from '../../durable/activities';
import { getAppDeps } from '../../durable/deps';
import { ACTIVITIES } from '../../durable/names';

const decideInput = z.object({
  endpointId: z.string().min(1),
  /** The vault (private link service) the endpoint connects to. */
  privateLinkServiceId: z.string().min(1),
  decision: z.enum(['Approved', 'Rejected']),
  description: z.string().max(1024),
});
export type DecideConnectionInput = z.input<typeof decideInput>;

export interface DecideConnectionResult {
  readonly connectionId: string;
  readonly status: string;
}

export async function decideConnection(raw: unknown): Promise<DecideConnectionResult> {
  const input = parseActivityInput(decideInput, raw, ACTIVITIES.decideConnection);
  const { ports } = getAppDeps();
  const vault = await ports.vaults.getVault(input.privateLinkServiceId);
  if (!vault) throw new Error(`vault ${input.privateLinkServiceId} not found; cannot decide the connection`);
  const endpointId = canonicalId(input.endpointId);
  const connection = vault.connections.find((c) => c.privateEndpointId === endpointId);
  if (!connection) {
    throw new Error(`vault ${vault.id} has no private endpoint connection for ${endpointId}`);
  }
  if (connection.status === input.decision) return { connectionId: connection.id, status: connection.status };
  const decided = await ports.vaults.decideConnection(connection.id, input.decision, input.description);
  return { connectionId: decided.id, status: decided.status };
}

df.app.activity(ACTIVITIES.decideConnection, { handler: (input: unknown) => decideConnection(input) });
