/**
 * `GET /api/health` (anonymous, for availability tests): the app settings parse, the managed identity gets an
 * ARM token, and the hub zones Backup needs (blob, queue and every overridden zone) can be read. 200 when all
 * hold, 503 with the failing checks otherwise. Answers carry setting names and Azure error codes, no secrets.
 */
import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { zoneLocation } from '../core/config';
import { FUNCTION_NAMES } from '../core/functionNames';
import { cloudProfile } from '../core/clouds';
import { toAzureError } from '../azure/errors';
import { loadRuntime } from './runtime';
import type { AppRuntime } from './runtime';

/** Zones every Backup private endpoint needs besides its regional Backup zone, in the public cloud. */
export const HEALTH_ZONES = [
  cloudProfile('AzureCloud').storageZones.blob,
  cloudProfile('AzureCloud').storageZones.queue,
] as const;
const CHECK_TIMEOUT_MS = 10_000;

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function withTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown, resourceId: string): string {
  const azure = toAzureError(error, resourceId);
  return `${azure.code}${azure.statusCode !== undefined ? ` (${azure.statusCode})` : ''}: ${azure.message}`;
}

export async function runHealthChecks(runtime: AppRuntime): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [{ name: 'configuration', ok: true, detail: 'app settings are valid' }];
  try {
    const scope = runtime.clients.credentialScope;
    await withTimeout('identity', runtime.clients.credential.getToken(scope));
    checks.push({ name: 'identity', ok: true, detail: `token for ${scope} acquired` });
  } catch (error) {
    checks.push({
      name: 'identity',
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    });
    return checks;
  }
  const storage = cloudProfile(runtime.config.cloud).storageZones;
  const zones = [...new Set([storage.blob, storage.queue, ...Object.keys(runtime.config.hubZoneOverrides)])];
  const results = await Promise.all(
    zones.map(async (zone): Promise<HealthCheck> => {
      const location = zoneLocation(runtime.config, zone);
      const ref = { ...location, zone };
      const where = `/subscriptions/${location.subscriptionId}/resourceGroups/${location.resourceGroup}`;
      try {
        const found = await withTimeout(zone, runtime.ports.zones.getZone(ref));
        return found
          ? { name: `zone:${zone}`, ok: true, detail: `found in ${where}` }
          : { name: `zone:${zone}`, ok: false, detail: `not found in ${where}` };
      } catch (error) {
        return {
          name: `zone:${zone}`,
          ok: false,
          detail: describe(error, `${where}/providers/Microsoft.Network/privateDnsZones/${zone}`),
        };
      }
    }),
  );
  checks.push(...results);
  return checks;
}

export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const loaded = loadRuntime();
  if (!loaded.ok) {
    context.warn(`health: ${loaded.error.message}`);
    return {
      status: 503,
      jsonBody: {
        status: 'unhealthy',
        checks: [
          { name: 'configuration', ok: false, detail: loaded.error.message, settings: loaded.error.settings },
        ],
      },
    };
  }
  const checks = await runHealthChecks(loaded.runtime);
  const healthy = checks.every((c) => c.ok);
  if (!healthy)
    context.warn(
      `health: ${checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail}`)
        .join('; ')}`,
    );
  return { status: healthy ? 200 : 503, jsonBody: { status: healthy ? 'healthy' : 'unhealthy', checks } };
}

app.http(FUNCTION_NAMES.health, {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: health,
});
