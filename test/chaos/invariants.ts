/**
 * What a chaos run must leave behind, checked on the emulator's final state, its write log (every store change
 * with time, before/after and actor), its request log, Event Grid's delivery records and the app's own telemetry.
 *
 * Checked after the closing reconcile (`final`):
 *  (1) hub DNS equals the desired state the oracle computes from the final endpoints (and the DNS server answers it);
 *  (2) every foreign record is byte-identical to what its writer left (etag included), never overwritten;
 *  (3) no record ever pointed at an IP that no Approved connection had published for that name;
 *  (4) the app never deleted a record it did not own, nor one of a live endpoint whose DNS data was only
 *      momentarily empty;
 *  (5) no record of a deleted (or unapproved) endpoint survives;
 *  (6) no orchestration failed without a reported reason (an `OrchestrationFailed` line with the error);
 *  (7) the Event Grid webhook answered no delivery with a 5xx unless an ARM call failed under it;
 *  (8) bounded retries: no record set saw more than MAX_412_STREAK precondition failures in a row, and the run
 *      settled in time.
 * Checked before it (`events`), on the names whose every change was delivered to the app and that nobody but the
 * app touched: (1) and (5) — the event path alone converges.
 */
import { parseTelemetryLine } from '../../src/core/telemetry';
import type { ArmResource } from '../../local/arm/store';
import { OTHER_WRITER_OID } from '../../local/arm/server';
import type { WriteLogEntry } from '../../local/arm/writeLog';
import {
  aRecordIps,
  endpointApproved,
  nicEntries,
  ownedBy,
  recordKey,
  zoneOf,
  type DesiredRecord,
  type NicEntry,
} from './oracle';
import { MAX_412_STREAK, OWNER_ID, type RunContext } from './world';

export type InvariantId = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '1a' | '5a';

export interface Violation {
  readonly invariant: InvariantId;
  readonly message: string;
}

export const INVARIANTS: Record<InvariantId, string> = {
  '1': 'hub DNS equals the desired state',
  '1a': 'event path converged (before the reconcile)',
  '2': 'foreign records untouched',
  '3': 'records only for Approved connections',
  '4': 'only owned records deleted; live endpoints keep theirs',
  '5': 'no record of a deleted endpoint survives',
  '5a': 'no record of a deleted endpoint survives the event path',
  '6': 'no orchestration failed without a reason',
  '7': 'no webhook delivery failed without an ARM failure',
  '8': 'bounded retries and time to settle',
};

const A_TYPE = 'microsoft.network/privatednszones/a';
const PE_TYPE = 'microsoft.network/privateendpoints';
const NIC_TYPE = 'microsoft.network/networkinterfaces';

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** `zone|name` of a record-set resource id. */
function keyOfRecordId(id: string): string | undefined {
  const m = /\/privatednszones\/([^/]+)\/a\/([^/?]+)$/i.exec(id);
  return m ? recordKey(decodeURIComponent(m[1] as string), decodeURIComponent(m[2] as string)) : undefined;
}

function runWrites(ctx: RunContext): WriteLogEntry[] {
  return ctx.stack.emu.writes.list({ sinceSeq: ctx.startWriteSeq });
}

function nicEndpointId(nic: ArmResource | undefined): string | undefined {
  return (
    nic?.properties as { privateEndpoint?: { id?: string } } | undefined
  )?.privateEndpoint?.id?.toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------
// State checks: (1), (2), (5)

export interface StateCheck {
  readonly violations: Violation[];
  readonly desired: Map<string, DesiredRecord>;
  /** Desired records missing or wrong. */
  readonly lost: number;
}

export async function checkState(
  ctx: RunContext,
  phase: 'events' | 'final',
  covered?: (key: string) => boolean,
): Promise<StateCheck> {
  const violations: Violation[] = [];
  const desired = ctx.desired();
  const hub = ctx.hubRecords();
  const inScope = (key: string) => !covered || covered(key);
  const missing = phase === 'final' ? '1' : '1a';
  const survived = phase === 'final' ? '5' : '5a';
  const foreign = foreignAsLeft(ctx);
  let lost = 0;
  for (const [key, rs] of hub) {
    if (!inScope(key)) continue;
    if (ownedBy(rs, OWNER_ID)) {
      if (foreign.get(key) !== undefined && phase === 'final') {
        violations.push({ invariant: '2', message: `foreign record ${key} now carries the app's ownership` });
        continue;
      }
      const want = desired.get(key);
      if (!want) {
        violations.push({
          invariant: survived,
          message: `owned record ${key} -> ${aRecordIps(rs).join(',')} survives, but no live approved endpoint publishes it`,
        });
      } else if (aRecordIps(rs).join(',') !== want.ips.join(',')) {
        lost++;
        violations.push({
          invariant: missing,
          message: `owned record ${key} -> ${aRecordIps(rs).join(',')}, want ${want.ips.join(',')} (${want.endpointIds.join(', ')})`,
        });
      }
    } else if (phase === 'final') {
      const left = foreign.get(key);
      if (!left) {
        violations.push({ invariant: '1', message: `record ${key} without the app's ownership appeared` });
      } else if (stable(stripZone(rs)) !== stable(left)) {
        violations.push({
          invariant: '2',
          message: `foreign record ${key} changed: was etag ${left.etag ?? '?'} -> ${aRecordIps(left).join(',')}, now etag ${rs.etag ?? '?'} -> ${aRecordIps(rs).join(',')}`,
        });
      }
    }
  }
  for (const [key, want] of desired) {
    if (!inScope(key) || hub.has(key)) continue;
    lost++;
    violations.push({
      invariant: missing,
      message: `record ${key} -> ${want.ips.join(',')} is missing (${want.endpointIds.join(', ')})`,
    });
  }
  if (phase === 'final') {
    for (const [key, left] of foreign) {
      if (left && !hub.has(key))
        violations.push({ invariant: '2', message: `foreign record ${key} was deleted` });
    }
    // What a client in the hub VNet resolves through the DNS server.
    for (const [key, want] of desired) {
      const rs = hub.get(key);
      if (!rs || !ownedBy(rs, OWNER_ID)) continue;
      let got: string[];
      try {
        got = (await ctx.stack.resolver.resolve4(`${want.name}.${want.zone}`)).sort();
      } catch (error) {
        got = [`error ${(error as { code?: string }).code ?? String(error)}`];
      }
      if (got.join(',') !== want.ips.join(',')) {
        violations.push({
          invariant: '1',
          message: `${want.name}.${want.zone} resolves to ${got.join(',')}, want ${want.ips.join(',')}`,
        });
      }
    }
  }
  return { violations, desired, lost };
}

/**
 * Foreign records as their writers left them: what the harness's foreign writer put, unless the emulator's racing
 * "other writer" (fault injection, OTHER_WRITER_OID) saved it again or deleted it afterwards — it is a writer
 * too, and it races whatever conditional write arrives, the app's attempt to create over a foreign record
 * included. `undefined`: the other writer deleted it, so the name is no longer foreign.
 */
function foreignAsLeft(ctx: RunContext): Map<string, ArmResource | undefined> {
  const out = new Map<string, ArmResource | undefined>(ctx.foreign);
  const writes = runWrites(ctx);
  const foreignWrite = (e: WriteLogEntry, key: string): boolean =>
    e.kind === 'write' && e.after?.etag !== undefined && e.after.etag === ctx.foreign.get(key)?.etag;
  /**
   * Keys whose foreign write has been seen (only races after it count); records that stood before the run were
   * written before its log starts.
   */
  const inRun = new Set<string>();
  for (const e of writes) {
    const key = e.type === A_TYPE ? keyOfRecordId(e.id) : undefined;
    if (key && ctx.foreign.has(key) && foreignWrite(e, key)) inRun.add(key);
  }
  const written = new Set([...ctx.foreign.keys()].filter((key) => !inRun.has(key)));
  for (const e of writes) {
    if (e.type !== A_TYPE) continue;
    const key = keyOfRecordId(e.id);
    if (!key || !ctx.foreign.has(key)) continue;
    if (foreignWrite(e, key)) {
      written.add(key);
      continue;
    }
    if (e.actor.oid !== OTHER_WRITER_OID || !written.has(key)) continue;
    out.set(key, e.kind === 'delete' || !e.after ? undefined : stripZone(e.after));
  }
  return out;
}

function stripZone(rs: ArmResource & { zone?: string }): ArmResource {
  const { zone: _zone, ...rest } = rs;
  return rest;
}

// ---------------------------------------------------------------------------------------------------------------
// Write-log checks: (2) clobbering, (3), (4)

export function checkWriteLog(ctx: RunContext): Violation[] {
  const violations: Violation[] = [];
  const approvedNow = new Map<string, boolean>();
  const nicOf = new Map<string, string>();
  const entriesOf = new Map<string, NicEntry[]>();
  /** `zone|name|ip` that an Approved connection has published at some point of the run. */
  const published = new Set<string>();
  const publish = (endpointId: string) => {
    if (!approvedNow.get(endpointId)) return;
    for (const entry of entriesOf.get(endpointId) ?? []) {
      for (const fqdn of entry.fqdns) {
        const key = zoneOf(fqdn);
        if (key) published.add(`${recordKey(key.zone, key.name)}|${entry.ip}`);
      }
    }
  };
  // The run's endpoints as they stood before it (none: every run starts in an empty resource group).
  for (const e of runWrites(ctx)) {
    if (e.type === PE_TYPE) {
      const id = e.id.toLowerCase();
      if (e.kind === 'delete') approvedNow.delete(id);
      else approvedNow.set(id, endpointApproved(e.after));
      publish(id);
    } else if (e.type === NIC_TYPE) {
      const resource = e.after ?? e.before;
      const endpointId = nicEndpointId(resource);
      if (!endpointId) continue;
      nicOf.set(e.id.toLowerCase(), endpointId);
      const hidden = ctx.hiddenIntervals.find(
        (h) =>
          h.endpointId.toLowerCase() === endpointId &&
          e.seq >= h.fromSeq &&
          (h.toSeq === undefined || e.seq <= h.toSeq),
      );
      entriesOf.set(endpointId, e.kind === 'delete' ? [] : hidden ? hidden.entries : nicEntries(e.after));
      publish(endpointId);
    } else if (e.type === A_TYPE && !e.actor.internal) {
      const key = keyOfRecordId(e.id) ?? e.id;
      if (e.kind === 'delete') {
        if (e.before && !ownedBy(e.before, OWNER_ID)) {
          violations.push({
            invariant: '4',
            message: `the app deleted ${key}, which it did not own (seq ${e.seq})`,
          });
        }
      } else {
        if (e.before && !ownedBy(e.before, OWNER_ID)) {
          violations.push({
            invariant: '2',
            message: `the app overwrote foreign record ${key} (seq ${e.seq})`,
          });
        }
        for (const ip of aRecordIps(e.after)) {
          if (!published.has(`${key}|${ip}`)) {
            violations.push({
              invariant: '3',
              message: `the app wrote ${key} -> ${ip} (seq ${e.seq}), which no Approved connection had published`,
            });
          }
        }
      }
      // A record that a hidden (momentarily empty) endpoint still needs must keep its IPs.
      const kept = new Set(e.kind === 'delete' ? [] : aRecordIps(e.after));
      for (const ip of aRecordIps(e.before)) {
        if (kept.has(ip)) continue;
        const hidden = ctx.hiddenIntervals.find(
          (h) =>
            e.seq >= h.fromSeq &&
            (h.toSeq === undefined || e.seq <= h.toSeq) &&
            h.entries.some(
              (entry) =>
                entry.ip === ip &&
                entry.fqdns.some((f) => {
                  const z = zoneOf(f);
                  return z !== undefined && recordKey(z.zone, z.name) === key;
                }),
            ),
        );
        if (hidden) {
          violations.push({
            invariant: '4',
            message: `the app removed ${key} -> ${ip} (seq ${e.seq}) while ${hidden.endpointId} still existed and only its DNS data was momentarily empty`,
          });
        }
      }
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------------------------
// (6) failures, (7) deliveries, (8) retries

export function checkFailures(ctx: RunContext, failedBefore: ReadonlySet<string>): Violation[] {
  const violations: Violation[] = [];
  const reported = new Set<string>();
  for (const line of ctx.world.logs.slice(ctx.startLogIndex)) {
    const at = line.indexOf('plds ');
    const parsed = at >= 0 ? parseTelemetryLine(line.slice(at)) : undefined;
    if (parsed?.name !== 'OrchestrationFailed') continue;
    const id = parsed.properties.instanceId;
    const error = parsed.properties.error;
    if (typeof id === 'string' && typeof error === 'string' && error.trim() !== '') reported.add(id);
  }
  for (const status of ctx.stack.host.durable.listInstances({ runtimeStatus: ['Failed'] })) {
    if (failedBefore.has(status.instanceId)) continue;
    // A child's failure is reported by the parent that catches it.
    const root = status.instanceId.split(':')[0] ?? status.instanceId;
    if (!reported.has(status.instanceId) && !reported.has(root)) {
      violations.push({
        invariant: '6',
        message: `${status.name} ${status.instanceId} failed without an OrchestrationFailed report: ${JSON.stringify(status.output).slice(0, 300)}`,
      });
    }
  }
  return violations;
}

/** Failures that come from an ARM call answered with an error (or a dropped connection) — a fair reason to retry. */
const ARM_FAILURE =
  /Injected fault|ECONNRESET|socket hang up|InternalServerError|ServiceUnavailable|TooManyRequests|throttl|status code (5\d\d|429)|\b(500|503|429)\b/i;

export function checkDeliveries(ctx: RunContext): { violations: Violation[]; failed: number } {
  const violations: Violation[] = [];
  const failures = new Map<string, string>();
  for (const line of ctx.world.logs.slice(ctx.startLogIndex)) {
    const m = /Event Grid function '[^']+' failed for event ([^:]+): ([\s\S]*)$/.exec(line);
    if (m) failures.set(m[1] as string, (m[2] as string).split('\n')[0] ?? '');
  }
  let failed = 0;
  for (const d of ctx.stack.eventGrid.delivery.deliveries()) {
    if (typeof d.status !== 'number' || d.status < 500) continue;
    failed++;
    const why = failures.get(d.eventId) ?? '(no failure logged)';
    if (!ARM_FAILURE.test(why)) {
      violations.push({
        invariant: '7',
        message: `delivery of event ${d.eventId} (${d.subject}) attempt ${d.attempt} answered ${d.status}: ${why.slice(0, 200)}`,
      });
    }
  }
  return { violations, failed };
}

export interface RequestStats {
  readonly preconditionFailed: number;
  readonly throttled: number;
  readonly races: number;
}

export function checkRetries(ctx: RunContext): { violations: Violation[]; stats: RequestStats } {
  const violations: Violation[] = [];
  const streak = new Map<string, number>();
  const worst = new Map<string, number>();
  let preconditionFailed = 0;
  let throttled = 0;
  let races = 0;
  for (const e of ctx.stack.emu.log.list({ sinceSeq: ctx.startRequestSeq })) {
    if (e.status === 429) throttled++;
    if (e.injected?.startsWith('race:')) races++;
    if (
      e.resourceType !== 'Microsoft.Network/privateDnsZones/A' ||
      (e.method !== 'PUT' && e.method !== 'DELETE')
    )
      continue;
    const key = e.path.toLowerCase();
    if (e.status === 412) {
      preconditionFailed++;
      const n = (streak.get(key) ?? 0) + 1;
      streak.set(key, n);
      worst.set(key, Math.max(worst.get(key) ?? 0, n));
    } else if (e.status >= 200 && e.status < 300) {
      streak.set(key, 0);
    }
  }
  for (const [path, n] of worst) {
    if (n > MAX_412_STREAK) {
      violations.push({
        invariant: '8',
        message: `${keyOfRecordId(path) ?? path}: ${n} precondition failures (412) in a row`,
      });
    }
  }
  return { violations, stats: { preconditionFailed, throttled, races } };
}

// ---------------------------------------------------------------------------------------------------------------
// Which names the event path alone must have converged

/**
 * Record names a reconcile the scenario started (`resync`) tried to write, create, update or delete: the record
 * changes its `applyZone` children handed to the `applyZoneChanges` activity, read from the host's durable history
 * (what the orchestrations scheduled, not what the app reports).
 */
export function reconcileWrites(ctx: RunContext): Set<string> {
  const ids = ctx.resyncs.filter((id) => id.startsWith('resync-'));
  const out = new Set<string>();
  if (ids.length === 0) return out;
  const durable = ctx.stack.host.durable;
  for (const status of durable.listInstances()) {
    if (!ids.some((id) => status.instanceId === id || status.instanceId.startsWith(`${id}:`))) continue;
    for (const event of durable.getStatus(status.instanceId, { showHistory: true })?.historyEvents ?? []) {
      const e = event as { EventType?: number; Name?: string; Input?: unknown };
      if (e.EventType !== TASK_SCHEDULED || e.Name !== 'applyZoneChanges' || typeof e.Input !== 'string')
        continue;
      const input = JSON.parse(e.Input) as { items?: { change?: { zone?: string; name?: string } }[] };
      for (const item of input.items ?? []) {
        if (item.change?.zone && item.change.name) out.add(recordKey(item.change.zone, item.change.name));
      }
    }
  }
  return out;
}

/** History event type of a scheduled activity (the durable extension's `TaskScheduled`). */
const TASK_SCHEDULED = 4;

/**
 * Names whose every claimant endpoint had each of its changes delivered (none dropped, dead-lettered or silent),
 * whose sync orchestration did not fail, that no admin, foreign writer or racing delete touched, and that no
 * reconcile the scenario started wrote.
 *
 * Why a name a reconcile wrote is left out of the event-path check: a reconcile is a second writer of the app's
 * records with its own view of the estate — one listing (Azure Resource Graph, a database Resource Manager keeps
 * current by notifications and periodic scans: a snapshot, not a lock), then writes that listing implies. It
 * writes the records of an endpoint whose events the event path has not seen yet, and those of an endpoint
 * deleted between its listing and its writes after the delete event was handled; Event Grid tells the app about
 * spoke resources, never about its own hub writes, and the event path trusts its endpoint → records index rather
 * than scanning zones per event. So records the event path did not write for an endpoint are, by design, the next
 * reconcile's to collect or repair (docs/reliability.md), and (1)/(5) check them after the closing reconcile.
 */
export function eventCoverage(ctx: RunContext, deliveredOnly = true): (key: string) => boolean {
  const writes = runWrites(ctx);
  const claimants = new Map<string, Set<string>>();
  const nicsOf = new Map<string, Set<string>>();
  const expectedEvents = new Map<string, number>();
  const bump = (endpointId: string) =>
    expectedEvents.set(endpointId, (expectedEvents.get(endpointId) ?? 0) + 1);
  for (const e of writes) {
    if (e.type === PE_TYPE && e.final) bump(e.id.toLowerCase());
    if (e.type !== NIC_TYPE) continue;
    const endpointId = nicEndpointId(e.after ?? e.before);
    if (!endpointId) continue;
    const nics = nicsOf.get(endpointId) ?? new Set<string>();
    nics.add(e.id.toLowerCase());
    nicsOf.set(endpointId, nics);
    if (e.kind === 'write' && e.final) bump(endpointId);
    for (const entry of nicEntries(e.after)) {
      for (const fqdn of entry.fqdns) {
        const z = zoneOf(fqdn);
        if (!z) continue;
        const key = recordKey(z.zone, z.name);
        const set = claimants.get(key) ?? new Set<string>();
        set.add(endpointId);
        claimants.set(key, set);
      }
    }
  }
  const seen = new Map<string, Set<string>>();
  const lost = new Set<string>();
  for (const d of ctx.stack.eventGrid.delivery.deliveries()) {
    const subject = d.subject.toLowerCase();
    const ids = seen.get(subject) ?? new Set<string>();
    ids.add(d.eventId);
    seen.set(subject, ids);
    if (d.outcome === 'dropped' || d.outcome === 'deadLettered') lost.add(subject);
  }
  const failedEndpoints = new Set(
    ctx.stack.host.durable
      .listInstances({ runtimeStatus: ['Failed'] })
      .map((s) => String((s.input as { endpointId?: string } | null)?.endpointId ?? '').toLowerCase()),
  );
  const raced = new Set<string>();
  for (const e of writes) {
    if (e.type === A_TYPE && e.kind === 'delete' && e.actor.internal) {
      const key = keyOfRecordId(e.id);
      if (key) raced.add(key);
    }
  }
  const reconciled = reconcileWrites(ctx);
  const endpointCovered = (endpointId: string): boolean => {
    if (failedEndpoints.has(endpointId)) return false;
    const subjects = [endpointId, ...(nicsOf.get(endpointId) ?? [])];
    if (subjects.some((s) => lost.has(s))) return false;
    const observed = subjects.reduce((n, s) => n + (seen.get(s)?.size ?? 0), 0);
    return !deliveredOnly || observed >= (expectedEvents.get(endpointId) ?? 0);
  };
  return (key: string) =>
    !ctx.touched.has(key) &&
    !raced.has(key) &&
    !reconciled.has(key) &&
    [...(claimants.get(key) ?? [])].every(endpointCovered);
}
