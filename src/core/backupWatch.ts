/**
 * The estate-level Backup watch, its pure part. Azure Backup adds FQDNs to a vault endpoint's NIC after
 * registration and after the first backup, adds storage later, and (v1) creates sibling endpoints for its storage —
 * and whether any of that raises an Event Grid event is not documented. Instead of re-reading each endpoint on a
 * timer, the app looks at all Backup endpoints in scope with one Resource Graph query per interval and compares each
 * endpoint's DNS data with what the app last synced for it: only endpoints that differ (or that the app never
 * synced, or that are gone) are synced again.
 *
 * What the app "last synced" is the endpoint's fingerprint: its readiness and its FQDN → IP pairs, as the sync
 * read them. The same function computes it from a sync's read and from a Resource Graph row, so an endpoint that
 * did not change compares equal.
 */
import { createHash } from 'node:crypto';
import type { EndpointState } from './endpoint';

/** True for endpoints the watch covers: a vault endpoint (`AzureBackup` group) or a Backup v1 sibling. */
export function isBackupEndpoint(endpoint: EndpointState): boolean {
  return endpoint.backup !== undefined;
}

/**
 * A short, stable digest of what decides an endpoint's records: whether it is ready (and if not, why) and its
 * FQDN → IP pairs, sorted. Connection state is part of readiness, so an approval in the portal changes it too.
 */
export function endpointFingerprint(endpoint: EndpointState): string {
  const readiness = endpoint.readiness.ready ? 'ready' : endpoint.readiness.code;
  const entries = endpoint.entries.map((e) => `${e.fqdn.toLowerCase()}=${e.ip}`).sort();
  return createHash('sha256')
    .update([readiness, ...entries].join('\n'))
    .digest('base64url')
    .slice(0, 22);
}

export interface WatchComparison {
  /** Endpoints whose fingerprint differs from the one last synced, or that were never synced. */
  readonly changed: string[];
  /** Endpoints synced before that Resource Graph no longer lists (deleted, or moved out of scope). */
  readonly gone: string[];
  readonly unchanged: number;
}

/**
 * Compares the fingerprints seen now (endpoint id → fingerprint) with the ones last synced. Ids compare
 * lower-cased; the lists come out sorted.
 */
export function compareWithSynced(
  seen: ReadonlyMap<string, string>,
  synced: Readonly<Record<string, string>>,
): WatchComparison {
  const last = new Map(Object.entries(synced).map(([id, fp]) => [id.toLowerCase(), fp]));
  const changed: string[] = [];
  let unchanged = 0;
  const now = new Set<string>();
  for (const [rawId, fingerprint] of seen) {
    const id = rawId.toLowerCase();
    now.add(id);
    if (last.get(id) === fingerprint) unchanged++;
    else changed.push(id);
  }
  const gone = [...last.keys()].filter((id) => !now.has(id));
  return { changed: changed.sort(), gone: gone.sort(), unchanged };
}
