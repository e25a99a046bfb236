/**
 * The Backup watch (timer, BACKUP_WATCH_SCHEDULE, every five minutes by default): finds the Backup endpoints whose
 * DNS data changed without an event. One paged Resource Graph query lists the Backup endpoints in scope (vault
 * endpoints and v1 siblings) with their NICs; each one's fingerprint is compared with what the app last synced
 * (entity `backupWatchState`); the endpoints that differ, that the app never synced, or that are gone, get their
 * `syncEndpoint` instance started or signalled exactly as an Event Grid event would. Nothing is read per endpoint
 * and nothing is written here: an estate where nothing changed costs one Resource Graph page per 1,000 endpoints
 * per run.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { compareWithSynced, endpointFingerprint, isBackupEndpoint } from '../../core/backupWatch';
import { readEndpoints, splitResources } from '../../core/endpoint';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { TELEMETRY_EVENTS, TELEMETRY_METRICS } from '../../core/telemetry';
import { backupWatchStateId } from './contracts';
import type { BackupWatchState } from './contracts';
import { requireRuntime } from '../../durable/runtime';
import type { AppDeps } from '../../durable/deps';
import { findInstance, isActive } from '../../durable/instances';
import { startOrSignalEndpoint } from '../sync/starter';
import { syncInstanceId } from '../sync/contracts';
import { emitEvent, emitMetric } from '../../durable/telemetry';

/** Every five minutes, two minutes past the reconcile's ticks (which fall on the hour), so the two never race. */
export const DEFAULT_BACKUP_WATCH_SCHEDULE = '0 2-59/5 * * * *';

/** Starts or signals at once (each costs a few task-hub calls, no Azure reads). */
const SIGNAL_CONCURRENCY = 8;

export interface BackupWatchOutcome {
  /** Backup endpoints Resource Graph listed. */
  readonly endpoints: number;
  readonly changed: string[];
  readonly gone: string[];
  readonly unchanged: number;
  /** Changed or gone endpoints left alone because their instance is at work already. */
  readonly busy: number;
  /** Resource Graph pages (or ARM list calls) made. */
  readonly requests: number;
}

export async function runBackupWatch(
  client: DurableClient,
  context: InvocationContext,
  runtime: AppDeps = requireRuntime(),
): Promise<BackupWatchOutcome> {
  const { config, ports } = runtime;
  const listing = await ports.endpoints.listScope({
    subscriptionIds: config.spokeSubscriptionIds,
    ...(config.spokeResourceGroups.length > 0 ? { resourceGroups: config.spokeResourceGroups } : {}),
    backupOnly: true,
  });
  const seen = new Map<string, string>();
  for (const endpoint of readEndpoints(splitResources(listing.resources))) {
    if (isBackupEndpoint(endpoint)) seen.set(endpoint.id, endpointFingerprint(endpoint));
  }
  const stored = await client.readEntityState<BackupWatchState>(backupWatchStateId());
  const comparison = compareWithSynced(seen, stored.entityState?.synced ?? {});

  const todo = [...comparison.changed, ...comparison.gone];
  let next = 0;
  let busy = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const endpointId = todo[next++] as string;
      // An instance at work (reading, writing, waiting for DNS data or a decision) reads again before it is
      // done, and records what it read: signalling it would only buy a second read. The next run looks again.
      if (isActive(await findInstance(client, syncInstanceId(endpointId)))) {
        busy++;
        continue;
      }
      await startOrSignalEndpoint(client, { endpointId, trigger: 'watch' });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, todo.length) }, worker));

  const outcome: BackupWatchOutcome = {
    endpoints: seen.size,
    changed: comparison.changed,
    gone: comparison.gone,
    unchanged: comparison.unchanged,
    busy,
    requests: listing.requests,
  };
  emitEvent(context, TELEMETRY_EVENTS.backupWatchCompleted, {
    endpoints: outcome.endpoints,
    changed: outcome.changed.length,
    gone: outcome.gone.length,
    unchanged: outcome.unchanged,
    requests: outcome.requests,
    source: listing.source,
  });
  emitMetric(context, TELEMETRY_METRICS.backupWatchChangedCount, outcome.changed.length, {
    source: listing.source,
  });
  context.log(
    `backup watch: ${seen.size} Backup endpoint(s), ${comparison.changed.length} changed, ${comparison.gone.length} gone, ${busy} at work already (${listing.requests} ${listing.source} request(s))`,
  );
  return outcome;
}

export async function backupWatch(
  _timer: Timer,
  client: DurableClient,
  context: InvocationContext,
): Promise<void> {
  await runBackupWatch(client, context);
}

df.app.client.timer(FUNCTION_NAMES.backupWatch, {
  // A binding expression needs the setting to exist; without it the documented default applies.
  schedule: process.env.BACKUP_WATCH_SCHEDULE ? '%BACKUP_WATCH_SCHEDULE%' : DEFAULT_BACKUP_WATCH_SCHEDULE,
  handler: backupWatch,
});
