/**
 * The approval webhook's compare-and-set. Azure's private endpoint connection PUT (Backup API 2023-06-01,
 * `PrivateEndpointConnection_Put`) takes no `If-Match` and the connection carries no etag to send, so two
 * webhook calls that both read `Pending` could both write, the second flipping the first's decision. The app
 * serialises decisions per connection itself:
 *
 * 1. `claim` on the connection's `approvalLock` entity (durable entities run one operation at a time, across
 *    every instance of the app) — granted to one request, `busy` for everyone else while the lease runs;
 * 2. the holder re-reads the connection and writes only if it is still `Pending` (`expectStatus`);
 * 3. `release` when done. A holder that dies leaves a lease that ends after `DECISION_LEASE_MS`.
 *
 * Of two concurrent opposite decisions exactly one is applied; the other gets 409 and changes nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as df from 'durable-functions';
import type { DurableClient, EntityContext } from 'durable-functions';
import { z } from 'zod';
import { canonicalId } from '../../core/resourceId';
import { ENTITIES } from '../../durable/names';

/** How long a claim holds when its holder never releases it (longer than any decision's vault write). */
export const DECISION_LEASE_MS = 5 * 60_000;
/** How long the webhook waits for the entity to process its claim before answering 503. */
export const CLAIM_WAIT_MS = 20_000;
const OUTCOMES_KEPT = 32;

export type ClaimOutcome = 'granted' | 'busy';

export interface ApprovalLockState {
  readonly holder?: {
    readonly requestId: string;
    readonly decision: string;
    readonly untilMs: number;
  };
  /** The latest claims' outcomes by request id (bounded), so callers can read their answer. */
  readonly outcomes: Record<string, ClaimOutcome>;
}

const claimInput = z.object({
  requestId: z.string().min(1).max(64),
  decision: z.string().min(1).max(16),
  nowMs: z.number(),
  leaseMs: z.number().int().min(1).max(3_600_000),
});
const releaseInput = z.object({ requestId: z.string().min(1).max(64) });

function remember(
  outcomes: Record<string, ClaimOutcome>,
  requestId: string,
  outcome: ClaimOutcome,
): Record<string, ClaimOutcome> {
  const entries = Object.entries(outcomes).filter(([id]) => id !== requestId);
  entries.push([requestId, outcome]);
  return Object.fromEntries(entries.slice(-OUTCOMES_KEPT));
}

/** Pure: the state after a claim. A live lease of another request makes it `busy`. */
export function claimLock(
  state: ApprovalLockState | undefined,
  claim: z.infer<typeof claimInput>,
): ApprovalLockState {
  const outcomes = state?.outcomes ?? {};
  const holder = state?.holder;
  if (holder && holder.requestId !== claim.requestId && holder.untilMs > claim.nowMs) {
    return { holder, outcomes: remember(outcomes, claim.requestId, 'busy') };
  }
  return {
    holder: { requestId: claim.requestId, decision: claim.decision, untilMs: claim.nowMs + claim.leaseMs },
    outcomes: remember(outcomes, claim.requestId, 'granted'),
  };
}

/** Pure: the state after a release (only the holder can release). */
export function releaseLock(state: ApprovalLockState | undefined, requestId: string): ApprovalLockState {
  if (!state) return { outcomes: {} };
  if (state.holder?.requestId !== requestId) return state;
  return { outcomes: state.outcomes };
}

export function approvalLockEntity(context: EntityContext<ApprovalLockState>): void {
  const operation = context.df.operationName ?? '';
  const state = context.df.getState();
  if (operation === 'claim') {
    const input = claimInput.safeParse(context.df.getInput());
    if (input.success) context.df.setState(claimLock(state, input.data));
    return;
  }
  if (operation === 'release') {
    const input = releaseInput.safeParse(context.df.getInput());
    if (input.success) context.df.setState(releaseLock(state, input.data.requestId));
    return;
  }
  context.log(`approvalLock ${context.df.entityKey}: unknown operation ignored`);
}

df.app.entity(ENTITIES.approvalLock, approvalLockEntity);

/** The lock entity of a vault connection (key: hash of its canonical id). */
export function approvalLockId(connectionResourceId: string): df.EntityId {
  const key = createHash('sha256').update(canonicalId(connectionResourceId)).digest('hex').slice(0, 32);
  return new df.EntityId(ENTITIES.approvalLock, key);
}

export type ClaimResult =
  | { readonly outcome: 'granted'; readonly release: () => Promise<void> }
  | { readonly outcome: 'busy'; readonly holderDecision: string }
  | { readonly outcome: 'timeout' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Claims the connection's lock for one decision and waits until the entity has answered. Never waits longer
 * than `waitMs`; a claim still unanswered then is released as soon as the entity gets to it.
 */
export async function claimDecision(
  client: DurableClient,
  connectionResourceId: string,
  decision: string,
  options: { readonly nowMs?: () => number; readonly waitMs?: number; readonly leaseMs?: number } = {},
): Promise<ClaimResult> {
  const entityId = approvalLockId(connectionResourceId);
  const requestId = randomUUID();
  const now = options.nowMs ?? Date.now;
  await client.signalEntity(entityId, 'claim', {
    requestId,
    decision,
    nowMs: now(),
    leaseMs: options.leaseMs ?? DECISION_LEASE_MS,
  });
  const release = async () => {
    await client.signalEntity(entityId, 'release', { requestId });
  };
  const deadline = Date.now() + (options.waitMs ?? CLAIM_WAIT_MS);
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    const read = await client.readEntityState<ApprovalLockState>(entityId);
    const outcome = read.entityExists ? read.entityState?.outcomes[requestId] : undefined;
    if (outcome === 'granted') return { outcome, release };
    if (outcome === 'busy') return { outcome, holderDecision: read.entityState?.holder?.decision ?? '' };
    if (Date.now() >= deadline) {
      await release();
      return { outcome: 'timeout' };
    }
    await sleep(delay);
  }
}
