/**
 * Proof that an approval decision came through the signed approval webhook, checked by the waiting
 * orchestration before it acts on the decision.
 *
 * Anyone holding the task hub's system key can raise events to an orchestration, so the `approvalDecision`
 * event alone proves nothing. When an orchestration starts to wait for a decision it asks an activity (which
 * holds APPROVAL_WEBHOOK_SECRET) for a challenge:
 *
 * - `challengeId`: a fresh random id, published in the instance's custom status so the webhook can find it;
 * - one commitment per decision: SHA-256 of the proof for that decision. Only the commitments are kept in
 *   the orchestration's history and carry; the proofs themselves are never stored.
 *
 * The proof for a decision is HMAC-SHA256 under a key derived from the secret, over the instance id, the
 * challenge id, the connection name and the decision. Only code holding the secret — the webhook, after it has
 * checked the caller's signature and applied the decision to the vault — can compute it. The orchestration
 * accepts a decision only when SHA-256(proof) equals the commitment for that decision, so a proof for Approved
 * cannot be replayed as Rejected, nor for another connection, instance or wait.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type ApprovalDecisionValue = 'Approved' | 'Rejected';

/** What an orchestration keeps while it waits: the challenge id and the commitments, never a proof. */
export interface ApprovalChallenge {
  readonly challengeId: string;
  readonly commitments: { readonly Approved: string; readonly Rejected: string };
}

export interface ProofSubject {
  /** The waiting `syncEndpoint` instance. */
  readonly instanceId: string;
  readonly challengeId: string;
  /** The vault connection's name (compared case-insensitively). */
  readonly connectionName: string;
  readonly decision: ApprovalDecisionValue;
}

const PROOF_KEY_LABEL = 'privatelink-dns-sync approval decision proof v1';
const HEX64 = /^[0-9a-f]{64}$/;

/** A key of its own for proofs, so a proof can never be mistaken for a request signature under the same secret. */
function proofKey(secret: string): Buffer {
  return createHmac('sha256', secret).update(PROOF_KEY_LABEL).digest();
}

/** The proof (64 hex characters) the webhook sends with a decision. */
export function approvalProof(secret: string, subject: ProofSubject): string {
  return createHmac('sha256', proofKey(secret))
    .update(
      [subject.instanceId, subject.challengeId, subject.connectionName.toLowerCase(), subject.decision].join(
        '\n',
      ),
    )
    .digest('hex');
}

function commitmentOf(proof: string): string {
  return createHash('sha256').update(proof).digest('hex');
}

/** The challenge an orchestration waits with (called by an activity: it needs the secret). */
export function issueApprovalChallenge(
  secret: string,
  wait: { readonly instanceId: string; readonly challengeId: string; readonly connectionName: string },
): ApprovalChallenge {
  const commit = (decision: ApprovalDecisionValue) =>
    commitmentOf(approvalProof(secret, { ...wait, decision }));
  return {
    challengeId: wait.challengeId,
    commitments: { Approved: commit('Approved'), Rejected: commit('Rejected') },
  };
}

/**
 * True when `proof` is the webhook's proof of `decision` for this challenge. Pure and deterministic: the
 * orchestrator calls it during replay.
 */
export function verifyApprovalProof(
  challenge: ApprovalChallenge,
  decision: ApprovalDecisionValue,
  proof: unknown,
): boolean {
  if (typeof proof !== 'string' || !HEX64.test(proof)) return false;
  const expected = challenge.commitments[decision];
  if (typeof expected !== 'string' || !HEX64.test(expected)) return false;
  return timingSafeEqual(Buffer.from(commitmentOf(proof), 'hex'), Buffer.from(expected, 'hex'));
}
