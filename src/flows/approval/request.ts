/**
 * The approval webhook's body and how a `{connection}` path segment finds its vault connection.
 *
 * `{connection}` is the connection's name on the vault (as `GET /api/approvals` lists it under `connectionId`,
 * e.g. `pe-vault.1234567890123456789.backup.0a1b2c3d-…`), URL-encoded. The signed body repeats it as
 * `connectionId` so the signature covers the connection; `vaultId` is optional: without it the vault is found
 * among the vaults the scope's endpoints connect to.
 */
import { z } from 'zod';
import { checkResourceId, nameProblem } from '../../core/armNames';
import { canonicalId } from '../../core/resourceId';

export const APPROVAL_BODY_MAX_BYTES = 16 * 1024;

/** Why a `{connection}` name (path or body) breaks the naming rule, or undefined when it is usable. */
export function connectionNameProblem(name: string): string | undefined {
  return nameProblem('vaultConnection', name, 'connection');
}

/** Control characters, line breaks and bidirectional overrides: never part of a name or a reason. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export const approvalBodySchema = z.strictObject({
  connectionId: z
    .string()
    .trim()
    .min(1, 'is required')
    .superRefine((v, ctx) => {
      const problem = connectionNameProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  decision: z.enum(['Approved', 'Rejected'], { error: 'must be "Approved" or "Rejected"' }),
  reason: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(500, 'must be at most 500 characters')
    .refine((v) => !CONTROL.test(v), 'must not contain control characters'),
  approver: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(200, 'must be at most 200 characters')
    .refine((v) => !CONTROL.test(v), 'must not contain control characters'),
  vaultId: z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const checked = checkResourceId(v, 'vault');
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
    })
    .transform((v) => canonicalId(v))
    .optional(),
});

export type ApprovalBody = z.infer<typeof approvalBodySchema>;

/** The description written on the connection: who decided and why, bounded to what the API keeps. */
export function decisionDescription(body: Pick<ApprovalBody, 'decision' | 'reason' | 'approver'>): string {
  return `${body.decision} by ${body.approver}: ${body.reason}`.slice(0, 1000);
}
