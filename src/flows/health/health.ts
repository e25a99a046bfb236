/**
 * Health of the app: the app settings parse, the managed identity gets an ARM token, and the hub zones Backup
 * needs (blob, queue and every overridden zone) can be read.
 *
 * - `GET /api/health` (anonymous, for availability tests and load balancers): only `{ status }`, 200 healthy or
 *   503 unhealthy. Nothing about the estate — no subscription, resource group or error text.
 * - `GET /api/health/details` (function key): the same answer with every check and its detail.
 *
 * Both answer from one cached check: Azure is asked at most once per `HEALTH_CACHE_MS` however often either
 * is called (concurrent callers share the check in flight), so health probes cannot eat the hub's Private DNS
 * read budget. A check makes one attempt per zone: no retries, a 429 is reported as it is, and the whole check
 * runs under `AbortSignal.timeout`, which also cancels the requests still in flight when time is up.
 */
import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { zoneLocation } from '../../core/config';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { cloudProfile } from '../../core/clouds';
import { displayText } from '../../core/safeText';
import { PrivateDnsZoneReader } from '../../azure';
import { toAzureError } from '../../azure/errors';
import { loadRuntime } from '../../durable/runtime';
import type { AppDeps } from '../../durable/deps';

/** Zones every Backup private endpoint needs besides its regional Backup zone, in the public cloud. */
export const HEALTH_ZONES = [
  cloudProfile('AzureCloud').storageZones.blob,
  cloudProfile('AzureCloud').storageZones.queue,
] as const;
/** How long one check result is served before Azure is asked again. */
export const HEALTH_CACHE_MS = 60_000;
/** Time one whole check may take. */
export const HEALTH_TIMEOUT_MS = 10_000;

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly settings?: string[];
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly checks: HealthCheck[];
  /** When the checks ran (ISO). */
  readonly checkedAt: string;
}

function describe(error: unknown, resourceId: string): string {
  const azure = toAzureError(error, resourceId);
  return displayText(
    `${azure.code}${azure.statusCode !== undefined ? ` (${azure.statusCode})` : ''}: ${azure.message}`,
    500,
  );
}

/** Resolves with `work`, or rejects as soon as `signal` aborts (for calls that might not honour it). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`no answer within the health check's time limit`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Runs the checks once against Azure: one token request and one read per zone, no retries. */
export async function runHealthChecks(
  runtime: AppDeps,
  options: { readonly timeoutMs?: number } = {},
): Promise<HealthCheck[]> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? HEALTH_TIMEOUT_MS);
  const checks: HealthCheck[] = [{ name: 'configuration', ok: true, detail: 'app settings are valid' }];
  try {
    const scope = runtime.clients.credentialScope;
    await untilAborted(runtime.clients.credential.getToken(scope, { abortSignal: signal }), signal);
    checks.push({ name: 'identity', ok: true, detail: `token for ${scope} acquired` });
  } catch (error) {
    checks.push({
      name: 'identity',
      ok: false,
      detail: displayText(error instanceof Error ? error.message : String(error), 500),
    });
    return checks;
  }
  // One attempt per zone: a 429 or 5xx is the answer, not a reason to ask again.
  const reader = new PrivateDnsZoneReader(runtime.clients, { maxAttempts: 1, maxThrottledAttempts: 1 });
  const storage = cloudProfile(runtime.config.cloud).storageZones;
  const zones = [...new Set([storage.blob, storage.queue, ...Object.keys(runtime.config.hubZoneOverrides)])];
  const results = await Promise.all(
    zones.map(async (zone): Promise<HealthCheck> => {
      const location = zoneLocation(runtime.config, zone);
      const where = `/subscriptions/${location.subscriptionId}/resourceGroups/${location.resourceGroup}`;
      try {
        const found = await untilAborted(
          reader.getZone({ ...location, zone }, { abortSignal: signal }),
          signal,
        );
        return found
          ? { name: `zone:${zone}`, ok: true, detail: `found in ${where}` }
          : { name: `zone:${zone}`, ok: false, detail: `not found in ${where}` };
      } catch (error) {
        return {
          name: `zone:${zone}`,
          ok: false,
          detail: signal.aborted
            ? `no answer within ${options.timeoutMs ?? HEALTH_TIMEOUT_MS} ms (request cancelled)`
            : describe(error, `${where}/providers/Microsoft.Network/privateDnsZones/${zone}`),
        };
      }
    }),
  );
  checks.push(...results);
  return checks;
}

let cached: { runtime: AppDeps; atMs: number; report: HealthReport } | undefined;
let inFlight: { runtime: AppDeps; report: Promise<HealthReport> } | undefined;

/**
 * The current health: from the cache while it is younger than `HEALTH_CACHE_MS` (and the settings have not
 * changed), else from one new check shared by everyone who asks meanwhile.
 */
export async function currentHealth(nowMs: () => number = Date.now): Promise<HealthReport> {
  const loaded = loadRuntime();
  if (!loaded.ok) {
    return {
      healthy: false,
      checkedAt: new Date(nowMs()).toISOString(),
      checks: [
        {
          name: 'configuration',
          ok: false,
          detail: loaded.error.message,
          settings: loaded.error.settings,
        },
      ],
    };
  }
  const { runtime } = loaded;
  if (cached?.runtime === runtime && nowMs() - cached.atMs < HEALTH_CACHE_MS) return cached.report;
  if (inFlight?.runtime === runtime) return inFlight.report;
  const startedMs = nowMs();
  const report = runHealthChecks(runtime).then((checks): HealthReport => {
    const result = {
      healthy: checks.every((c) => c.ok),
      checks,
      checkedAt: new Date(startedMs).toISOString(),
    };
    cached = { runtime, atMs: startedMs, report: result };
    return result;
  });
  inFlight = { runtime, report };
  try {
    return await report;
  } finally {
    if (inFlight?.report === report) inFlight = undefined;
  }
}

let lastWarned: HealthReport | undefined;

/** One warning per failed check run, not one per probe that reads it from the cache. */
function warnIfUnhealthy(report: HealthReport, context: InvocationContext): void {
  if (report.healthy || report === lastWarned) return;
  lastWarned = report;
  context.warn(
    `health: ${report.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.name}: ${c.detail}`)
      .join('; ')}`,
  );
}

/** Anonymous: `{ status }` only. */
export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const report = await currentHealth();
  warnIfUnhealthy(report, context);
  return {
    status: report.healthy ? 200 : 503,
    jsonBody: { status: report.healthy ? 'healthy' : 'unhealthy' },
  };
}

/** Function key: every check with its detail. */
export async function healthDetails(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const report = await currentHealth();
  warnIfUnhealthy(report, context);
  return {
    status: report.healthy ? 200 : 503,
    jsonBody: {
      status: report.healthy ? 'healthy' : 'unhealthy',
      checkedAt: report.checkedAt,
      checks: report.checks,
    },
  };
}

app.http(FUNCTION_NAMES.health, {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: health,
});

app.http(FUNCTION_NAMES.healthDetails, {
  route: 'health/details',
  methods: ['GET'],
  authLevel: 'function',
  handler: healthDetails,
});
