/**
 * How an approver signs a decision for `POST /api/approvals/{connectionId}`, written from the scheme in
 * docs/operations.md ("Signing a decision") rather than from the app's code, so the demo and the tests that use it
 * check the app against its documentation: `x-plds-timestamp` is the Unix time in seconds, `x-plds-signature` is
 * `sha256=` and the lower-case hex HMAC-SHA256, keyed with the shared secret, of `<timestamp>.<raw body>`.
 */
import { createHmac } from 'node:crypto';

export interface SigningOptions {
  readonly secret: string;
  /** Unix seconds (default: now). */
  readonly timestamp?: number;
}

/** The `x-plds-signature` value for a raw body signed at `timestamp`. */
export function approvalSignature(secret: string, timestamp: number | string, raw: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
}

/** The two headers of a signed decision. */
export function signedApprovalHeaders(raw: string, options: SigningOptions): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'x-plds-timestamp': String(timestamp),
    'x-plds-signature': approvalSignature(options.secret, timestamp, raw),
  };
}
