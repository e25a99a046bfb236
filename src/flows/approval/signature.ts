/**
 * The approval webhook's second factor (docs/operations.md, "Signature"): `x-plds-timestamp` (Unix seconds) and
 * `x-plds-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed with APPROVAL_WEBHOOK_SECRET.
 * Compared in constant time; timestamps more than five minutes from the clock are refused, and a signature
 * already accepted inside that window is refused as a replay.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-plds-timestamp';
export const SIGNATURE_HEADER = 'x-plds-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure =
  | 'missing-timestamp'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'missing-signature'
  | 'malformed-signature'
  | 'bad-signature'
  | 'replayed-signature';

export type SignatureCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

/** `sha256=<hex>` for a body signed at `timestamp` (what callers send; used by tests and the demo). */
export function signApprovalBody(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * Remembers accepted signatures until their timestamp leaves the window. In-process only: with several
 * instances a replay could reach another one, but still only inside the five-minute window, and a replayed
 * decision is idempotent anyway.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries = 10_000) {}

  /** True the first time a signature is offered inside its window; false for a replay. */
  admit(signature: string, expiresAtMs: number, nowMs: number): boolean {
    for (const [key, expiry] of this.seen) {
      if (expiry <= nowMs) this.seen.delete(key);
    }
    if (this.seen.has(signature)) return false;
    if (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(signature, expiresAtMs);
    return true;
  }
}

export interface SignatureInput {
  readonly secret: string;
  readonly timestamp: string | null | undefined;
  readonly signature: string | null | undefined;
  /** The body exactly as received (bytes, or text for callers that only have text). */
  readonly rawBody: string | Buffer;
  readonly nowMs: number;
  readonly replayGuard?: ReplayGuard;
  readonly toleranceSeconds?: number;
}

export function verifyApprovalSignature(input: SignatureInput): SignatureCheck {
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  const timestamp = input.timestamp?.trim() ?? '';
  if (timestamp === '') return { ok: false, reason: 'missing-timestamp' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  const signedAtMs = Number(timestamp) * 1000;
  if (Math.abs(input.nowMs - signedAtMs) > tolerance * 1000) return { ok: false, reason: 'stale-timestamp' };

  const header = input.signature?.trim() ?? '';
  if (header === '') return { ok: false, reason: 'missing-signature' };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header);
  if (!match) return { ok: false, reason: 'malformed-signature' };
  const given = Buffer.from((match[1] ?? '').toLowerCase(), 'hex');
  const expected = createHmac('sha256', input.secret).update(`${timestamp}.`).update(input.rawBody).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  if (
    input.replayGuard &&
    !input.replayGuard.admit(expected.toString('hex'), signedAtMs + tolerance * 1000, input.nowMs)
  ) {
    return { ok: false, reason: 'replayed-signature' };
  }
  return { ok: true };
}
