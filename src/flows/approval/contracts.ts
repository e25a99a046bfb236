/** The approval flow's public contracts: the decision event an approval wait listens for. */
import { z } from 'zod';

/** Payload of `EXTERNAL_EVENTS.approvalDecision`. */
export const approvalDecisionEventSchema = z.object({
  decision: z.enum(['Approved', 'Rejected']),
  approver: z.string().trim().min(1, 'must name the approver').max(256),
  reason: z.string().max(1024).default(''),
  /** The vault connection the decision was applied to (informational). */
  connectionId: z.string().max(260).optional(),
  /** The webhook's proof for the instance's current challenge (approvalProof.ts); without it the decision is ignored. */
  proof: z.string().max(128).optional(),
});
export type ApprovalDecisionEvent = z.input<typeof approvalDecisionEventSchema>;
