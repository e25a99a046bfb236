/** The remove flow's public contracts: the stand-alone `removeEndpoint` instance id, its input and output. */
import { z } from 'zod';
import type { PlanSummary } from '../../core/types';
import { endpointIdString, endpointKey, isoTime } from '../../durable/contracts';
import type { ApplyTotals } from '../../durable/contracts';

/** Instance id of a stand-alone `removeEndpoint` run: `remove-<endpointKey>`. */
export function removeInstanceId(endpointId: string): string {
  return `remove-${endpointKey(endpointId)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// removeEndpoint

export const removeEndpointInputSchema = z.object({
  endpointId: endpointIdString,
  /** Why it runs (log and status only). */
  reason: z.string().max(256).default('endpoint deleted'),
  eventTime: isoTime.optional(),
});
export type RemoveEndpointInput = z.input<typeof removeEndpointInputSchema>;

export interface RemoveEndpointOutput {
  readonly endpointId: string;
  /** Where the records were found: the endpoint → records index, or nowhere (the index knew none). */
  readonly source: 'index' | 'none';
  readonly summary: PlanSummary;
  readonly applied: ApplyTotals;
}
