import { readEndpoints, splitResources } from './endpoint';
import type { EndpointState } from './endpoint';
import { planEndpoints } from './pipeline';
import type { PipelineOptions } from './pipeline';
import type { CurrentRecordSet, DesiredRecord, Plan } from './types';

export interface ResourcePlan {
  readonly endpoints: EndpointState[];
  readonly desired: DesiredRecord[];
  readonly plan: Plan;
}

/**
 * The pipeline from raw ARM resources (endpoints and NICs, as a file or a live listing holds them): read the
 * endpoints, then `planEndpoints` (core/pipeline.ts) against the current record sets. Malformed resources end up
 * in the plan's skips with the rest.
 */
export function planForResources(
  resources: readonly unknown[],
  current: readonly CurrentRecordSet[],
  options: PipelineOptions,
): ResourcePlan {
  const set = splitResources(resources);
  const endpoints = readEndpoints(set);
  const { desired, plan } = planEndpoints(endpoints, current, options, set.skips);
  return { endpoints, desired, plan };
}
