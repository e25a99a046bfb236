/**
 * Activities: every Azure call of the orchestrations happens here, through the ports of src/azure (real
 * `@azure/arm-*` clients). Inputs are parsed with zod; outputs are plain JSON (they are stored in history).
 * Handlers are exported for direct tests; registrations are at the bottom.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import type { AzureCloudName } from '../core/clouds';
import { hubZoneGroups } from '../core/config';
import type { HubLayout } from '../core/config';
import { decodeOwnership } from '../core/ownership';
import { SYNC_POLICIES } from '../core/plan';
import type { PlanOptions } from '../core/plan';
import { canonicalId } from '../core/resourceId';
import { TELEMETRY_EVENTS, TELEMETRY_METRICS } from '../core/telemetry';
import type { Conflict, CurrentRecordSet, SyncPolicy } from '../core/types';
import { isPrivateLinkZoneName } from '../core/zoneCatalogue';
import { applyWrites, toAzureError } from '../azure';
import type { PendingWrite, ZoneReader } from '../azure';
import { sleep } from '../azure/errors';
import type { ApplyReport } from '../azure';
import type { ApplyTotals } from './contracts';
import { describeIssues } from './contracts';
import { getAppDeps } from './deps';
import { ACTIVITIES } from './names';
import { GrantedSlotsPacer } from '../azure/grantedSlotsPacer';
import type { WorkItem } from './zoneWork';
import { emitEvent, emitMetric } from './telemetry';

/** Parses an activity's input, throwing an error that names the activity and each bad field. */
export function parseActivityInput<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  activity: string,
): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new Error(`${activity}: invalid input: ${describeIssues(result.error)}`);
  return result.data;
}

// ---------------------------------------------------------------------------------------------------------------
// readSyncSettings

/** The settings orchestrators decide by, recorded in history so every replay sees the same values. */
export interface SyncSettings {
  readonly ownerId: string;
  readonly policy: SyncPolicy;
  readonly ttl: number;
  readonly adopt: boolean;
  readonly approvalMode: 'off' | 'webhook' | 'auto';
  readonly approvalAutoSubscriptions: string[];
  readonly approvalTimeoutHours: number;
  readonly dnsReadyMaxWaitMinutes: number;
  /** Private DNS GETs per 5 minutes per hub subscription (the hub read budget). */
  readonly hubDnsReadBudget: number;
  /** Where hub zones live (for the read budget, kept per hub subscription). */
  readonly hub: HubLayout;
  readonly spokeSubscriptionIds: string[];
  readonly spokeResourceGroups: string[];
  /** AZURE_CLOUD: which zone names count (absent in histories recorded before it existed: AzureCloud). */
  readonly cloud?: AzureCloudName;
}

export function readSyncSettings(): SyncSettings {
  const { config } = getAppDeps();
  return {
    ownerId: config.ownerId,
    policy: config.policy,
    ttl: config.recordTtlSeconds,
    adopt: config.adoptForeignRecords,
    approvalMode: config.approvalMode,
    approvalAutoSubscriptions: config.approvalAutoSubscriptions,
    approvalTimeoutHours: config.approvalTimeoutHours,
    dnsReadyMaxWaitMinutes: config.dnsReadyMaxWaitMinutes,
    hubDnsReadBudget: config.hubDnsReadBudget,
    hub: {
      hubSubscriptionId: config.hubSubscriptionId,
      hubZoneResourceGroup: config.hubZoneResourceGroup,
      hubZoneOverrides: config.hubZoneOverrides,
    },
    spokeSubscriptionIds: config.spokeSubscriptionIds,
    spokeResourceGroups: config.spokeResourceGroups,
    cloud: config.cloud,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// listHubZones

/** Hub Private DNS requests an activity made, by hub subscription (for the hub read budget). */
export type HubReads = Record<string, number>;

/**
 * The private link zones (a `privatelink` label anywhere: `privatelink.*`, `<region>.data.privatelink.azurecr.io`,
 * `scm.privatelink.azurewebsites.net`) in the hub resource group and in every HUB_ZONE_OVERRIDES location.
 */
export async function listHubZones(zoneReader?: ZoneReader): Promise<string[]> {
  const { config, ports } = getAppDeps();
  const zones = new Set<string>();
  for (const { subscriptionId, resourceGroup } of hubZoneGroups(config)) {
    for (const zone of await (zoneReader ?? ports.zones).listZones(subscriptionId, resourceGroup)) {
      if (isPrivateLinkZoneName(zone.zone)) zones.add(zone.zone);
    }
  }
  return [...zones].sort();
}

/** The activity: the hub's zones, and the requests listing them took. */
export async function listHubZonesMetered(): Promise<{ zones: string[]; reads: HubReads }> {
  const hub = getAppDeps().meteredHub();
  const zones = await listHubZones(hub.zones);
  return { zones, reads: Object.fromEntries(hub.reads) };
}

// ---------------------------------------------------------------------------------------------------------------
// readZoneRecords

const zoneRecordsInput = z.object({
  zone: z.string().min(1),
  /** Record names the caller plans (kept whoever owns them). */
  names: z.array(z.string()).optional(),
  /** Also keep records we own (garbage collection); with `endpointId`, only those listing that endpoint. */
  keepOwned: z.boolean().optional(),
  endpointId: z.string().optional(),
});
export type ZoneRecordsRequest = z.input<typeof zoneRecordsInput>;

/**
 * Up to this many names, records are read one by one (a GET each); more are read by listing the zone once, which
 * is one request per 1,000 records.
 */
export const DIRECT_READ_LIMIT = 3;

/** Requests `readZoneRecords` plans for `names` (a list is reserved as one page). */
export function plannedReads(names: number): number {
  return names <= DIRECT_READ_LIMIT ? names : 1;
}

export interface ZoneRecordsRead {
  readonly records: CurrentRecordSet[];
  readonly reads: HubReads;
}

export async function readZoneRecords(raw: unknown): Promise<ZoneRecordsRead> {
  const input = parseActivityInput(zoneRecordsInput, raw, ACTIVITIES.readZoneRecords);
  const { locateZone, config, meteredHub } = getAppDeps();
  const hub = meteredHub();
  const zoneRef = locateZone(input.zone);
  const names = [...new Set((input.names ?? []).map((n) => n.toLowerCase()))].sort();
  const done = (records: CurrentRecordSet[]): ZoneRecordsRead => ({
    records,
    reads: Object.fromEntries(hub.reads),
  });
  if (!input.keepOwned && names.length <= DIRECT_READ_LIMIT) {
    const found = await Promise.all(names.map((name) => hub.records.getRecordSet(zoneRef, name)));
    return done(found.filter((r): r is CurrentRecordSet => r !== undefined));
  }
  let listed: CurrentRecordSet[];
  try {
    listed = await hub.records.listRecordSets(zoneRef);
  } catch (error) {
    // A zone that does not exist holds nothing; writes to it fail later with the Azure code.
    if (toAzureError(error, input.zone).statusCode === 404) return done([]);
    throw error;
  }
  const wanted = new Set(names);
  const endpoint = input.endpointId ? canonicalId(input.endpointId) : undefined;
  return done(
    listed.filter((record) => {
      if (wanted.has(record.name.toLowerCase())) return true;
      if (!input.keepOwned) return false;
      const ownership = decodeOwnership(record.metadata);
      if (ownership?.ownerId !== config.ownerId) return false;
      return !endpoint || ownership.endpointIds.includes(endpoint);
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// applyZoneChanges

const changeSchema = z.object({
  zone: z.string(),
  name: z.string(),
  ips: z.array(z.string()),
  ttl: z.number(),
  metadata: z.record(z.string(), z.string()),
  owners: z.array(z.string()),
  etag: z.string(),
  previousIps: z.array(z.string()).optional(),
});
const workItemSchema = z.object({
  action: z.enum(['create', 'update', 'adopt', 'delete']),
  change: changeSchema,
  /** 412 re-plans this write has had so far (bounded across batches). */
  replans: z.number().int().min(0).optional(),
});
const desiredSchema = z.object({
  zone: z.string(),
  name: z.string(),
  ips: z.array(z.string()),
  owners: z.array(z.string()),
});
const planScopeSchema = z.object({
  endpointIds: z.array(z.string()).optional(),
  subscriptionIds: z.array(z.string()).optional(),
  resourceGroups: z.array(z.string()).optional(),
  zones: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
});
export const replanSchema = z.object({
  desired: z.array(desiredSchema),
  options: z.object({
    policy: z.enum(SYNC_POLICIES),
    ownerId: z.string(),
    adopt: z.boolean(),
    ttl: z.number(),
    scope: planScopeSchema.optional(),
    preserveOwners: z.array(z.string()).optional(),
  }),
});
export type ReplanInput = z.infer<typeof replanSchema>;

const applyInput = z.object({
  zone: z.string().min(1),
  items: z.array(workItemSchema),
  /** Write slots the zone entity granted for this batch. */
  granted: z.number().int().min(0),
  /** No write starts after this time (the grant's lease); absent in batches scheduled by earlier versions. */
  notAfterMs: z.number().optional(),
  replan: replanSchema,
  /** For telemetry: what caused the writes. */
  eventTime: z.string().optional(),
  endpointId: z.string().optional(),
});
export type ApplyZoneChangesInput = z.input<typeof applyInput>;

function toWorkItem(write: PendingWrite): WorkItem {
  return {
    action: write.action,
    change: write.change,
    ...(write.replans !== undefined && write.replans > 0 ? { replans: write.replans } : {}),
  };
}

export interface ZoneBatchResult {
  /** Outcome counts; `failures` holds only final (non-transient) failures. */
  readonly totals: ApplyTotals;
  /** Conflicts found while writing (412 re-plans that found a foreign record, ...). */
  readonly conflicts: Conflict[];
  /** Writes not attempted: the grant ran out or the zone was throttled. */
  readonly deferred: WorkItem[];
  /** Writes that failed transiently (5xx, connection) after the adapter's retries: worth another round. */
  readonly retryable: WorkItem[];
  readonly retryableFailures: ApplyTotals['failures'];
  /** Longest Retry-After seen, when Azure throttled the zone. */
  readonly retryAfterMs?: number;
  readonly writesUsed: number;
  /** Hub reads the batch made (412 re-reads), by hub subscription. */
  readonly reads: HubReads;
}

export async function applyZoneChanges(raw: unknown, context: InvocationContext): Promise<ZoneBatchResult> {
  const input = parseActivityInput(applyInput, raw, ACTIVITIES.applyZoneChanges);
  const deps = getAppDeps();
  const items = input.items as WorkItem[];
  const pacer = new GrantedSlotsPacer(
    input.granted,
    input.notAfterMs !== undefined ? { notAfterMs: input.notAfterMs, now: deps.now } : undefined,
  );
  const options: Omit<PlanOptions, 'conflicts' | 'skips'> = {
    policy: input.replan.options.policy,
    ownerId: input.replan.options.ownerId,
    adopt: input.replan.options.adopt,
    ttl: input.replan.options.ttl,
    ...(input.replan.options.scope ? { scope: input.replan.options.scope } : {}),
    ...(input.replan.options.preserveOwners ? { preserveOwners: input.replan.options.preserveOwners } : {}),
  };
  // Writes are not reads; the GETs a 412 re-plan makes are, and count against the hub's read budget.
  const hub = deps.meteredHub();
  const report: ApplyReport = await applyWrites(items, {
    records: hub.records,
    locateZone: deps.locateZone,
    pacer,
    replan: { desired: input.replan.desired, options },
    concurrency: deps.applyConcurrency,
    // After a 429 the zone entity decides when to try again; the activity does not sit in Retry-After.
    sleep: (ms) => (pacer.throttled ? Promise.resolve() : sleep(ms)),
    now: deps.now,
  });

  // Deferred writes come back as last planned (a 412 re-plan may have turned an update into a create).
  const deferred: WorkItem[] = report.deferred.map(toWorkItem);
  const retryable: WorkItem[] = [];
  const retryableFailures: ApplyTotals['failures'] = [];
  const failures: ApplyTotals['failures'] = [];
  for (const failure of report.failures) {
    const summary = {
      zone: failure.zone,
      name: failure.name,
      action: failure.action,
      code: failure.code,
      ...(failure.statusCode !== undefined ? { statusCode: failure.statusCode } : {}),
      message: failure.message,
    };
    if (failure.statusCode === undefined || failure.statusCode >= 500 || failure.statusCode === 429) {
      retryable.push(toWorkItem(failure.work));
      retryableFailures.push(summary);
    } else failures.push(summary);
  }

  const eventMs = input.eventTime ? Date.parse(input.eventTime) : Number.NaN;
  const now = deps.now();
  for (const outcome of report.outcomes) {
    if (outcome.result !== 'written') continue;
    const latencyMs = Number.isFinite(eventMs) ? Math.max(0, now - eventMs) : undefined;
    const common = {
      zone: outcome.zone,
      recordName: outcome.name,
      change: outcome.action === 'delete' ? 'delete' : outcome.action === 'create' ? 'create' : 'update',
      ...(input.endpointId ? { endpointId: input.endpointId } : {}),
    };
    if (outcome.action === 'delete') {
      emitEvent(context, TELEMETRY_EVENTS.recordDeleted, common);
    } else {
      emitEvent(context, TELEMETRY_EVENTS.recordWritten, {
        ...common,
        ...(latencyMs !== undefined ? { latencyMs } : {}),
      });
      if (latencyMs !== undefined) {
        emitMetric(context, TELEMETRY_METRICS.eventToRecordLatencyMs, latencyMs, { zone: outcome.zone });
      }
    }
  }

  return {
    totals: {
      written: report.written,
      created: report.created,
      updated: report.updated,
      adopted: report.adopted,
      deleted: report.deleted,
      unchanged: report.unchanged,
      conflicts: report.conflicts.length,
      throttled: report.throttled,
      retried: report.retried,
      replans: report.replans,
      pacedWaits: 0,
      failures,
    },
    conflicts: report.conflicts,
    deferred,
    retryable,
    retryableFailures,
    ...(pacer.retryAfterMs !== undefined ? { retryAfterMs: pacer.retryAfterMs } : {}),
    writesUsed: pacer.writesUsed,
    reads: Object.fromEntries(hub.reads),
  };
}

// ---------------------------------------------------------------------------------------------------------------

df.app.activity(ACTIVITIES.readSyncSettings, { handler: () => readSyncSettings() });
df.app.activity(ACTIVITIES.listHubZones, { handler: () => listHubZonesMetered() });
df.app.activity(ACTIVITIES.readZoneRecords, { handler: (input: unknown) => readZoneRecords(input) });
df.app.activity(ACTIVITIES.applyZoneChanges, {
  handler: (input: unknown, context: InvocationContext) => applyZoneChanges(input, context),
});
