import type { DesiredOptions, ZoneChoice } from './desiredState';
import { readEndpoints, splitResources } from './endpoint';
import type { EndpointState } from './endpoint';
import { planEndpoints } from './pipeline';
import type { PipelineOptions } from './pipeline';
import type { CurrentRecordSet, DesiredRecord, Plan } from './types';

export interface ResourcePlan {
  readonly endpoints: EndpointState[];
  readonly desired: DesiredRecord[];
  readonly plan: Plan;
  /** FQDNs several zones fit, and the zone taken for each (see `ZoneChoice`). */
  readonly zoneChoices: ZoneChoice[];
}

/**
 * The pipeline from raw ARM resources (endpoints and NICs, as a file or a live listing holds them): read the
 * endpoints, then `planEndpoints` (core/pipeline.ts) against the current record sets. Malformed resources end up
 * in the plan's skips with the rest. `zones` names the cloud and, when known, the zones the hub holds.
 */
export function planForResources(
  resources: readonly unknown[],
  current: readonly CurrentRecordSet[],
  options: PipelineOptions,
  zones: DesiredOptions = {},
): ResourcePlan {
  const set = splitResources(resources);
  const endpoints = readEndpoints(set);
  const { desired, plan, zoneChoices } = planEndpoints(endpoints, current, options, set.skips, zones);
  return { endpoints, desired, plan, zoneChoices };
}
