/**
 * Records made by hand — by `CreateDNSEntries.ps1`, the portal or `az` — carry no owner in their metadata. The
 * engine never changes them on its own. This module finds them in a plan and offers the two ways to take them
 * over: `--adopt` when their IPs already match (nothing changes in DNS), and `--replace-foreign <fqdn>` when they
 * hold other IPs (an explicit, confirmed overwrite of one named record).
 */
import { encodeOwnership, decodeOwnership } from '../../core/ownership';
import { assemblePlan, policyAllows } from '../../core/plan';
import { recordKey } from '../../core/desiredState';
import { sameIps, sortIps } from '../../core/ipv4';
import { recordFqdn } from '../../core/zoneCatalogue';
import type { Conflict, CurrentRecordSet, DesiredRecord, Plan, RecordChange } from '../../core/types';

export interface HandMadeRecord {
  readonly zone: string;
  readonly name: string;
  readonly fqdn: string;
  /** What the record holds. */
  readonly ips: string[];
  /** What its endpoint(s) publish. */
  readonly wantIps: string[];
}

export interface HandMadeRecords {
  /** No owner, the right IPs: `--adopt` takes them over. */
  readonly adoptable: HandMadeRecord[];
  /** No owner, other IPs: only `--replace-foreign` changes them. */
  readonly replaceable: HandMadeRecord[];
}

function currentByKey(current: readonly CurrentRecordSet[]): Map<string, CurrentRecordSet> {
  return new Map(current.map((c) => [recordKey(c.zone.toLowerCase(), c.name.toLowerCase()), c]));
}

const unowned = (c: CurrentRecordSet | undefined): c is CurrentRecordSet =>
  c !== undefined && decodeOwnership(c.metadata) === undefined;

/** The hand-made records a plan met, split by whether their IPs match. Records of another owner id are not listed. */
export function findHandMade(
  plan: Plan,
  desired: readonly DesiredRecord[],
  current: readonly CurrentRecordSet[],
): HandMadeRecords {
  const stands = currentByKey(current);
  const wants = new Map(desired.map((d) => [recordKey(d.zone, d.name), d]));
  const adoptable: HandMadeRecord[] = [];
  const replaceable: HandMadeRecord[] = [];
  const seen = new Set<string>();
  const add = (list: HandMadeRecord[], zone: string, name: string): void => {
    const key = recordKey(zone, name);
    const c = stands.get(key);
    const d = wants.get(key);
    if (!unowned(c) || !d || seen.has(key)) return;
    seen.add(key);
    list.push({ zone, name, fqdn: recordFqdn(zone, name), ips: sortIps(c.ips), wantIps: sortIps(d.ips) });
  };
  for (const s of plan.skips)
    if (s.code === 'foreign-record' && s.zone && s.name) add(adoptable, s.zone, s.name);
  for (const c of plan.conflicts) if (c.code === 'foreign-record') add(replaceable, c.zone, c.name);
  return { adoptable, replaceable };
}

export interface Replacement {
  readonly plan: Plan;
  /** The records the plan now overwrites. */
  readonly replaced: HandMadeRecord[];
  /** Names asked for that are no hand-made record in the way (already fixed, mistyped, or someone else's). */
  readonly notFound: string[];
}

/** `a.zone`, `A.Zone.` → `a.zone`. */
export function normalizeFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Turns the conflicts with the named hand-made records into adoptions that write the endpoint's IPs (an
 * `If-Match` write on the record's etag: if it changes in between, the write is refused and re-planned).
 */
export function replaceHandMade(
  plan: Plan,
  desired: readonly DesiredRecord[],
  current: readonly CurrentRecordSet[],
  fqdns: readonly string[],
  ttl: number,
): Replacement {
  const wanted = new Set(fqdns.map(normalizeFqdn));
  const { replaceable } = findHandMade(plan, desired, current);
  const stands = currentByKey(current);
  const wants = new Map(desired.map((d) => [recordKey(d.zone, d.name), d]));
  const replaced = replaceable.filter((r) => wanted.has(r.fqdn));
  const keys = new Set(replaced.map((r) => recordKey(r.zone, r.name)));
  const adoptions: RecordChange[] = [...plan.adoptions];
  for (const r of replaced) {
    const key = recordKey(r.zone, r.name);
    const c = stands.get(key) as CurrentRecordSet;
    const d = wants.get(key) as DesiredRecord;
    adoptions.push({
      zone: r.zone,
      name: r.name,
      ips: sortIps(d.ips),
      // Rewritten anyway: with the TTL the app writes, so the next run has nothing left to change.
      ttl,
      metadata: encodeOwnership(plan.ownerId, d.owners, c.metadata),
      owners: d.owners,
      etag: c.etag,
      previousIps: sortIps(c.ips),
    });
  }
  const conflicts: Conflict[] = plan.conflicts.filter(
    (c) => !(c.code === 'foreign-record' && keys.has(recordKey(c.zone, c.name))),
  );
  const found = new Set(replaced.map((r) => r.fqdn));
  return {
    plan: assemblePlan({ ...plan, adoptions, conflicts }),
    replaced,
    notFound: [...wanted].filter((f) => !found.has(f)),
  };
}

/** Replacing is an adoption that changes IPs: the policy must allow adoptions. */
export function policyAllowsReplacing(plan: Plan): boolean {
  return policyAllows(plan.policy, 'adopt');
}

/** True when a record holds the IPs it should (a replacement that found it fixed in between is nothing to do). */
export function holdsWanted(r: HandMadeRecord): boolean {
  return sameIps(r.ips, r.wantIps);
}

/**
 * What `plan`, `doctor` and `verify` tell the operator about hand-made records, with the command that takes each
 * group over. `suggest` builds that command with the scope of the current run.
 */
export function handMadeAdvice(found: HandMadeRecords, suggest: (extra: string[]) => string): string[] {
  const lines: string[] = [];
  if (found.adoptable.length > 0) {
    lines.push(
      `${found.adoptable.length} record(s) made by hand (no owner) already hold the right IPs; to have privatelink-dns-sync maintain them, adopt them:`,
      `  ${suggest(['--adopt'])}`,
    );
  }
  if (found.replaceable.length > 0) {
    lines.push(
      `${found.replaceable.length} record(s) made by hand (no owner) hold other IPs than their endpoint publishes; they are left as they are:`,
      ...found.replaceable.map(
        (r) =>
          `  ${r.fqdn} has ${r.ips.join(', ') || 'no IPs'}, the endpoint publishes ${r.wantIps.join(', ')}`,
      ),
      'to replace them with the endpoint IPs (asks for confirmation on a terminal; --yes in scripts):',
      `  ${suggest(['--replace-foreign', found.replaceable.map((r) => r.fqdn).join(',')])}`,
    );
  }
  return lines;
}
