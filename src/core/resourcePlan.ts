import { desiredRecords } from './desiredState';
import type { DesiredOptions, ZoneChoice } from './desiredState';
import { dnsEntries, readEndpoints, splitResources } from './endpoint';
import type { EndpointState } from './endpoint';
import { planChanges } from './plan';
import type { PlanOptions } from './plan';
import type { CurrentRecordSet, DesiredRecord, Plan } from './types';

export interface ResourcePlan {
  readonly endpoints: EndpointState[];
  readonly desired: DesiredRecord[];
  readonly plan: Plan;
  /** FQDNs several zones fit, and the zone taken for each (see `ZoneChoice`). */
  readonly zoneChoices: ZoneChoice[];
}

/**
 * The whole pure pipeline: ARM resources (endpoints and NICs) → endpoint states → desired records → plan
 * against the current record sets. Endpoint, desired-state and resource skips all end up in the plan. `zones`
 * names the cloud and, when known, the zones the hub holds (where several zones fit a name).
 * Endpoints caught mid-change (still provisioning, or no FQDNs yet) keep the records they own.
 */
export function planForResources(
  resources: readonly unknown[],
  current: readonly CurrentRecordSet[],
  options: Omit<PlanOptions, 'conflicts' | 'skips'>,
  zones: DesiredOptions = {},
): ResourcePlan {
  const set = splitResources(resources);
  const endpoints = readEndpoints(set);
  const desired = desiredRecords(dnsEntries(endpoints), current, zones);
  const transient = endpoints.filter(
    (e) =>
      !e.readiness.ready &&
      (e.readiness.code === 'endpoint-not-ready' || e.readiness.code === 'no-dns-entries'),
  );
  const plan = planChanges(desired.records, current, {
    ...options,
    preserveOwners: [...(options.preserveOwners ?? []), ...transient.map((e) => e.id)],
    conflicts: desired.conflicts,
    skips: [...set.skips, ...endpoints.flatMap((e) => e.skips), ...desired.skips],
  });
  return { endpoints, desired: desired.records, plan, zoneChoices: desired.zoneChoices };
}
