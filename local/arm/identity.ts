import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ArmClock } from './clock';

/** A principal the token endpoint can issue tokens for (the Function app's managed identity by default). */
export interface EmulatedIdentity {
  /** Object (principal) id. */
  objectId: string;
  /** Client (application) id; matches `client_id` on user-assigned identity requests. */
  clientId: string;
  /** Resource id of the identity (`xms_mirid`). */
  resourceId?: string;
}

export const DEFAULT_TENANT_ID = '72f988bf-0000-4000-8000-00000000e0e1';

/**
 * Issues JWT-shaped access tokens (HS256 with a per-process key; nothing verifies the signature) carrying the
 * claims ARM events echo back: `oid`, `appid`, `tid`, `xms_mirid`.
 */
export class TokenIssuer {
  private readonly key = randomBytes(32);
  readonly defaultIdentity: EmulatedIdentity;
  private readonly identities = new Map<string, EmulatedIdentity>();

  constructor(
    /** Kept for symmetry with the other parts; token lifetimes use wall-clock time (see `issue`). */
    _clock: ArmClock,
    readonly tenantId: string = DEFAULT_TENANT_ID,
    defaultIdentity?: EmulatedIdentity,
  ) {
    this.defaultIdentity = defaultIdentity ?? { objectId: randomUUID(), clientId: randomUUID() };
    this.addIdentity(this.defaultIdentity);
  }

  addIdentity(identity: EmulatedIdentity): void {
    this.identities.set(identity.clientId.toLowerCase(), identity);
  }

  identityFor(clientId: string | undefined): EmulatedIdentity | undefined {
    return clientId ? this.identities.get(clientId.toLowerCase()) : this.defaultIdentity;
  }

  issue(
    resource: string,
    identity: EmulatedIdentity,
    lifetimeSeconds = 3600,
  ): { token: string; expiresOn: number } {
    // Clients compare `expires_on` with their own wall clock, so tokens live in real time, not emulated time.
    const nowS = Math.floor(Date.now() / 1000);
    const expiresOn = nowS + lifetimeSeconds;
    const claims = {
      aud: resource,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: nowS,
      nbf: nowS,
      exp: expiresOn,
      appid: identity.clientId,
      appidacr: '2',
      idtyp: 'app',
      oid: identity.objectId,
      sub: identity.objectId,
      tid: this.tenantId,
      ...(identity.resourceId ? { xms_mirid: identity.resourceId } : {}),
    };
    const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64(JSON.stringify(claims));
    const sig = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    return { token: `${header}.${payload}.${sig}`, expiresOn };
  }
}

/** Decodes the claims of a JWT without verifying it; `{}` for opaque tokens. */
export function decodeClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64url');
}
