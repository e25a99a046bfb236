/**
 * Activity `issueApprovalChallenge`: the challenge a `syncEndpoint` instance waits for an approval decision
 * with (see core `approvalProof.ts`). It runs as an activity because it needs APPROVAL_WEBHOOK_SECRET; its
 * output (challenge id and commitments, no proof) is all the orchestration and its history ever hold.
 */
import { randomUUID } from 'node:crypto';
import * as df from 'durable-functions';
import { z } from 'zod';
import { issueApprovalChallenge } from '../../core/approvalProof';
import type { ApprovalChallenge } from '../../core/approvalProof';
import { describeIssues } from '../../durable/contracts';
import { getAppDeps } from '../../durable/deps';
import { ACTIVITIES } from '../../durable/names';

const challengeInput = z.object({
  instanceId: z.string().min(1).max(200),
  connectionName: z.string().min(1).max(260),
});
export type ApprovalChallengeInput = z.input<typeof challengeInput>;

export function issueChallenge(raw: unknown): ApprovalChallenge {
  const parsed = challengeInput.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${ACTIVITIES.issueApprovalChallenge}: invalid input: ${describeIssues(parsed.error)}`);
  }
  const secret = getAppDeps().config.approvalWebhookSecret;
  if (!secret) {
    throw new Error('APPROVAL_WEBHOOK_SECRET is not set: no approval decision could be proven');
  }
  return issueApprovalChallenge(secret, { ...parsed.data, challengeId: randomUUID() });
}

df.app.activity(ACTIVITIES.issueApprovalChallenge, { handler: (input: unknown) => issueChallenge(input) });
