/**
 * Timer reconcile on RECONCILE_SCHEDULE (default every six hours): repairs lost events, drift, and Backup v2
 * FQDNs that appear without an endpoint write. Each schedule slot has a fixed instance id, and a slot whose
 * run (or an earlier slot's run) is still going is skipped, so slow runs never pile up.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { ORCHESTRATIONS } from '../../durable/names';
import type { ReconcileInput } from './contracts';
import { isActive } from '../../durable/instances';

export const DEFAULT_RECONCILE_SCHEDULE = '0 0 */6 * * *';
export const TIMER_INSTANCE_PREFIX = 'reconcile-timer-';

/** `reconcile-timer-<slot>`: the slot is the occurrence the run leads up to (`scheduleStatus.next`). */
export function timerInstanceId(timer: Partial<Timer> | undefined, nowMs: number): string {
  const status = timer?.scheduleStatus as { next?: string; Next?: string } | undefined;
  const next = Date.parse(status?.next ?? status?.Next ?? '');
  const slotMs = Number.isNaN(next) ? Math.floor(nowMs / 60_000) * 60_000 : next;
  return `${TIMER_INSTANCE_PREFIX}${new Date(slotMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}`;
}

export type TimerOutcome =
  | { readonly kind: 'started'; readonly instanceId: string }
  | { readonly kind: 'skipped'; readonly instanceId: string; readonly runningInstanceId: string };

export async function runScheduledReconcile(
  timer: Partial<Timer> | undefined,
  client: DurableClient,
  context: InvocationContext,
): Promise<TimerOutcome> {
  const instanceId = timerInstanceId(timer, Date.now());
  const running = await client.getStatusBy({
    runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending],
  });
  const busy = running.find((s) => s.instanceId.startsWith(TIMER_INSTANCE_PREFIX) && isActive(s));
  if (busy) {
    context.log(`reconcile timer: ${busy.instanceId} is still running; skipping ${instanceId}`);
    return { kind: 'skipped', instanceId, runningInstanceId: busy.instanceId };
  }
  const input: ReconcileInput = { scope: { kind: 'all' }, dryRun: false, trigger: 'timer' };
  try {
    await client.startNew(ORCHESTRATIONS.reconcile, { instanceId, input });
  } catch (error) {
    // Another instance of the app fired the same slot first.
    context.log(`reconcile timer: ${instanceId} was started elsewhere (${String(error)})`);
    return { kind: 'skipped', instanceId, runningInstanceId: instanceId };
  }
  context.log(`reconcile timer: started ${instanceId}${timer?.isPastDue ? ' (past due)' : ''}`);
  return { kind: 'started', instanceId };
}

export async function reconcileTimer(
  timer: Timer,
  client: DurableClient,
  context: InvocationContext,
): Promise<void> {
  await runScheduledReconcile(timer, client, context);
}

df.app.client.timer(FUNCTION_NAMES.reconcileTimer, {
  // A binding expression needs the setting to exist; without it the documented default applies.
  schedule: process.env.RECONCILE_SCHEDULE ? '%RECONCILE_SCHEDULE%' : DEFAULT_RECONCILE_SCHEDULE,
  handler: reconcileTimer,
});
