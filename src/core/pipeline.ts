/**
 * The one planning pipeline of the engine: endpoint states + the records that stand in the hub → desired records →
 * plan, with the keep / delete / adopt / conflict rules in one place. The CLI (`plan`, `sync`), the event path
 * (`syncEndpoint`) and reconcile / resync all call `planEndpoints`; none of them filters or keeps on its own.
 *
 * The keep rule: an endpoint that still exists but is caught mid-change — ARM still provisioning it
 * (`endpoint-not-ready`) or its NICs momentarily showing no FQDNs (`no-dns-entries`) — keeps the records it owns,
 * and every record kept that way is listed in the plan with the reason. An endpoint whose connection is not
 * Approved (Pending, Rejected, Disconnected) publishes nothing and keeps nothing: a record must never point at an
 * endpoint that is not approved. An endpoint that does not exist is simply absent from the input.
 */
import { desiredRecords, desiredRecordsSteps, recordKey } from './desiredState';
import type { DesiredOptions, ZoneChoice } from './desiredState';
import { dnsEntries } from './endpoint';
import type { EndpointReadiness, EndpointState } from './endpoint';
import { sameIps, sortIps } from './ipv4';
import { decodeOwnership, encodeOwnership } from './ownership';
import { assemblePlan, planChangesSteps } from './plan';
import type { PlanOptions } from './plan';
import { runSteps, sortSteps } from './steps';
import type { Steps } from './steps';
import type { CurrentRecordSet, DesiredRecord, KeptRecord, Plan, Skip } from './types';

type NotReady = Extract<EndpointReadiness, { ready: false }>;
type KeepCode = KeptRecord['code'];
type KeepReason = NotReady & { readonly code: KeepCode };

/** Readiness codes under which an existing endpoint keeps the records it owns. */
export const KEEP_CODES: readonly KeepCode[] = ['endpoint-not-ready', 'no-dns-entries'];

const isKeepCode = (code: NotReady['code']): code is KeepCode =>
  (KEEP_CODES as readonly string[]).includes(code);

/** Why an endpoint keeps its records as they stand, or `undefined` when its records follow its DNS data. */
export function keepReason(endpoint: EndpointState): KeepReason | undefined {
  const readiness = endpoint.readiness;
  if (readiness.ready || !isKeepCode(readiness.code)) return undefined;
  return { ...readiness, code: readiness.code };
}

export type PipelineOptions = Omit<PlanOptions, 'conflicts' | 'skips'>;

export interface EndpointPlan {
  readonly desired: DesiredRecord[];
  readonly plan: Plan;
  /** FQDNs several zones fit, and the zone taken for each. */
  readonly zoneChoices: ZoneChoice[];
  /**
   * The options the plan was made with, the keepers included: a write that meets a 412 is re-planned with these
   * (see azure/applyPlan), so the re-plan keeps and deletes exactly as the plan did.
   */
  readonly options: PipelineOptions;
}

/**
 * Plans the hub records of `endpoints` against `current`. `options.scope` says which endpoints' claims the input
 * is complete for (see `PlanScope`); endpoints that keep their records are taken out of it. `extraSkips` are
 * skips found before the endpoints could be read (malformed resources, ...); they are reported with the rest.
 * `zones` names the cloud and, when known, the zones the hub holds (where several zones fit a name).
 */
export function planEndpoints(
  endpoints: readonly EndpointState[],
  current: readonly CurrentRecordSet[],
  options: PipelineOptions,
  extraSkips: readonly Skip[] = [],
  zones: DesiredOptions = {},
): EndpointPlan {
  return runSteps(planEndpointsSteps(endpoints, current, options, extraSkips, zones));
}

/** `planEndpoints` in steps (see core/steps.ts): the same plan, with room for other work in between. */
export function* planEndpointsSteps(
  endpoints: readonly EndpointState[],
  current: readonly CurrentRecordSet[],
  options: PipelineOptions,
  extraSkips: readonly Skip[] = [],
  zones: DesiredOptions = {},
): Steps<EndpointPlan> {
  const keeping = new Map<string, KeepReason>();
  for (const endpoint of endpoints) {
    const reason = keepReason(endpoint);
    if (reason) keeping.set(endpoint.id.toLowerCase(), reason);
  }
  yield;
  const desired = yield* desiredRecordsSteps(dnsEntries(endpoints), current, zones);
  const preserveOwners = yield* sortSteps(
    [...new Set([...(options.preserveOwners ?? []), ...keeping.keys()])],
    byCodeUnits,
  );
  const effective: PipelineOptions = {
    ...options,
    ...(preserveOwners.length > 0 ? { preserveOwners } : {}),
  };
  const plan = yield* planChangesSteps(desired.records, current, {
    ...effective,
    conflicts: desired.conflicts,
    skips: [...extraSkips, ...endpoints.flatMap((e) => e.skips), ...desired.skips],
  });
  const kept = yield* keptRecordsSteps(current, options.ownerId, keeping, plan);
  return {
    desired: desired.records,
    plan: kept.length > 0 ? assemblePlan({ ...plan, kept }) : plan,
    zoneChoices: desired.zoneChoices,
    options: effective,
  };
}

/** The owned records that stand only because an owner endpoint is caught mid-change, with its reason. */
function* keptRecordsSteps(
  current: readonly CurrentRecordSet[],
  ownerId: string,
  keeping: ReadonlyMap<string, KeepReason>,
  plan: Plan,
): Steps<KeptRecord[]> {
  if (keeping.size === 0) return [];
  const deleted = new Set(plan.deletes.map((d) => `${d.zone}|${d.name}`.toLowerCase()));
  const out: KeptRecord[] = [];
  for (const record of current) {
    yield;
    const ownership = decodeOwnership(record.metadata);
    if (ownership?.ownerId !== ownerId) continue;
    if (deleted.has(`${record.zone}|${record.name}`.toLowerCase())) continue;
    for (const endpointId of ownership.endpointIds) {
      const reason = keeping.get(endpointId.toLowerCase());
      if (!reason) continue;
      out.push({
        zone: record.zone.toLowerCase(),
        name: record.name.toLowerCase(),
        ips: [...record.ips],
        endpointId: endpointId.toLowerCase(),
        code: reason.code,
        message: `${reason.message}; its record is kept as it stands`,
      });
    }
  }
  return yield* sortSteps(out, (a, b) =>
    a.zone === b.zone
      ? a.name === b.name
        ? a.endpointId.localeCompare(b.endpointId)
        : a.name.localeCompare(b.name)
      : a.zone.localeCompare(b.zone),
  );
}

/** The order of `Array.prototype.sort()` without a comparator, for strings. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A record an endpoint's last sync left in the hub, as its endpoint → records index remembers it. */
export interface IndexedRecord {
  readonly zone: string;
  readonly name: string;
  /** The IPs written; absent in indexes written before they were remembered (such records are read). */
  readonly ips?: readonly string[];
}

export interface RecordsToRead {
  /** Records whose current state the plan needs: they change or go, and their etag comes from a read. */
  readonly read: { readonly zone: string; readonly name: string }[];
  /**
   * Records taken as they were last written, without a read: the endpoint still wants exactly them (or keeps
   * them while caught mid-change). Drift made by others meanwhile is the reconcile's to repair.
   */
  readonly assumed: CurrentRecordSet[];
}

/**
 * What one endpoint's sync must read from the hub before planning, given what it wants now and what its index
 * says it last wrote. The minimum: a record it wants and the index does not know is created with
 * `If-None-Match: *` and read only if that fails (412); a record it wants with the IPs last written needs
 * neither a read nor a write; a record whose IPs change, or that it no longer wants, is read for its etag.
 */
export function recordsToRead(
  endpoint: EndpointState,
  indexed: readonly IndexedRecord[],
  options: { readonly ownerId: string; readonly ttl: number },
  zones: DesiredOptions = {},
): RecordsToRead {
  const wanted = new Map(
    desiredRecords(endpoint.entries, [], zones).records.map((r) => [recordKey(r.zone, r.name), r] as const),
  );
  const keeping = keepReason(endpoint) !== undefined;
  const read: RecordsToRead['read'] = [];
  const assumed: CurrentRecordSet[] = [];
  for (const record of indexed) {
    const zone = record.zone.toLowerCase();
    const name = record.name.toLowerCase();
    const want = wanted.get(recordKey(zone, name));
    const ips = record.ips ? sortIps([...record.ips]) : undefined;
    if (ips && (keeping || (want && sameIps(want.ips, ips)))) {
      assumed.push({
        id: '',
        zone,
        name,
        ips,
        ttl: options.ttl,
        etag: '',
        metadata: encodeOwnership(options.ownerId, [endpoint.id]),
      });
    } else {
      read.push({ zone, name });
    }
  }
  return { read, assumed };
}
