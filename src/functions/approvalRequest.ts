/**
 * The approval webhook's body and how a `{connection}` path segment finds its vault connection.
 *
 * `{connection}` is the connection's name on the vault (as `GET /api/approvals` lists it under `connectionId`,
 * e.g. `pe-vault.1234567890123456789.backup.0a1b2c3d-…`), URL-encoded. The signed body repeats it as
 * `connectionId` so the signature covers the connection; `vaultId` is optional: without it the vault is found
 * among the vaults the scope's endpoints connect to.
 */
import { z } from 'zod';
import { canonicalId, isResourceType, parseResourceId } from '../core/resourceId';

export const APPROVAL_BODY_MAX_BYTES = 16 * 1024;
export const VAULT_TYPE = 'Microsoft.RecoveryServices/vaults';

export const approvalBodySchema = z.strictObject({
  connectionId: z.string().trim().min(1, 'is required').max(512, 'is too long'),
  decision: z.enum(['Approved', 'Rejected'], { error: 'must be "Approved" or "Rejected"' }),
  reason: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
  approver: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  vaultId: z
    .string()
    .trim()
    .refine((v) => {
      const id = parseResourceId(v);
      return id !== undefined && isResourceType(id, VAULT_TYPE);
    }, 'must be a Recovery Services vault resource id')
    .transform((v) => canonicalId(v))
    .optional(),
});

export type ApprovalBody = z.infer<typeof approvalBodySchema>;

/** The description written on the connection: who decided and why, bounded to what the API keeps. */
export function decisionDescription(body: Pick<ApprovalBody, 'decision' | 'reason' | 'approver'>): string {
  return `${body.decision} by ${body.approver}: ${body.reason}`.slice(0, 1000);
}
