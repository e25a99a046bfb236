/**
 * What the activities need: the validated `AppConfig` and the Azure ports over one set of ARM clients. Built
 * lazily on first use from `process.env` (so importing the app never fails on bad settings; the first activity
 * does, with the setting named), and rebuilt when the settings change (a test host restarted with another
 * emulator).
 */
import { parseAppConfig, zoneLocation } from '../core/config';
import type { AppConfig } from '../core/config';
import { APP_SETTINGS } from '../core/settings';
import { createAzureClients, createAzurePorts } from '../azure';
import type { AzureClients, AzurePorts, RetryOptions, ZoneRef } from '../azure';

export interface OrchestrationDeps {
  readonly config: AppConfig;
  readonly ports: AzurePorts;
  /** The clients behind the ports (for the few calls no port covers, e.g. listing hub zones). */
  readonly clients: AzureClients;
  /** Where a hub zone lives (HUB_ZONE_OVERRIDES, else the hub resource group). */
  readonly locateZone: (zone: string) => ZoneRef;
  /** Wall clock of the activities (orchestrators use `currentUtcDateTime`). */
  readonly now: () => number;
  /** Record writes in flight at once inside one apply activity. */
  readonly applyConcurrency: number;
  /** Retry tuning of the adapters' reads. */
  readonly retry: RetryOptions;
}

/** Environment variables that change what the deps connect to, besides the app settings. */
const EXTRA_ENV = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET'] as const;

let cached: { fingerprint: string; deps: OrchestrationDeps } | undefined;

function fingerprint(env: NodeJS.ProcessEnv): string {
  return JSON.stringify([
    ...APP_SETTINGS.map((s) => env[s.name] ?? ''),
    ...EXTRA_ENV.map((n) => env[n] ?? ''),
  ]);
}

/** Builds deps from settings. */
function buildOrchestrationDeps(env: NodeJS.ProcessEnv = process.env): OrchestrationDeps {
  const config = parseAppConfig(env);
  const retry: RetryOptions = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 10_000 };
  const clients = createAzureClients({
    cloud: config.cloud,
    ...(config.armEndpoint ? { armEndpoint: config.armEndpoint } : {}),
    ...(config.armCaFile ? { caFile: config.armCaFile } : {}),
    ...(config.azureClientId ? { managedIdentityClientId: config.azureClientId } : {}),
  });
  const ports = createAzurePorts(clients, { retry, pollIntervalMs: 200 });
  return {
    config,
    ports,
    clients,
    locateZone: (zone: string): ZoneRef => ({ ...zoneLocation(config, zone), zone: zone.toLowerCase() }),
    now: Date.now,
    applyConcurrency: 8,
    retry,
  };
}

/** The deps for this invocation, built from `process.env` (cached until the settings change). */
export function getOrchestrationDeps(): OrchestrationDeps {
  const fp = fingerprint(process.env);
  if (!cached || cached.fingerprint !== fp) cached = { fingerprint: fp, deps: buildOrchestrationDeps() };
  return cached.deps;
}
