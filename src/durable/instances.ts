/** Looking up orchestration instances in the task hub (every starter and status endpoint needs it). */
import * as df from 'durable-functions';
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';

const ACTIVE: ReadonlySet<string> = new Set([
  df.OrchestrationRuntimeStatus.Running,
  df.OrchestrationRuntimeStatus.Pending,
  df.OrchestrationRuntimeStatus.ContinuedAsNew,
  df.OrchestrationRuntimeStatus.Suspended,
]);

export function isActive(status: DurableOrchestrationStatus | undefined): boolean {
  return status !== undefined && ACTIVE.has(status.runtimeStatus);
}

/** The instance's status, or `undefined` when the task hub has never seen it. */
export async function findInstance(
  client: DurableClient,
  instanceId: string,
): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, { showInput: false });
  } catch (error) {
    if (error instanceof Error && / 404 /.test(error.message)) return undefined;
    throw error;
  }
}
