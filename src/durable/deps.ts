/**
 * What the activities need: the validated `AppConfig` and the Azure ports over one set of ARM clients. Built
 * lazily on first use from `process.env` (so importing the app never fails on bad settings; the first activity
 * does, with the setting named), and rebuilt when the settings change (a test host restarted with another
 * emulator).
 */
import { parseAppConfig, zoneLocation } from '../core/config';
import type { AppConfig } from '../core/config';
import { APP_SETTINGS } from '../core/settings';
import { createAzureClients, createAzurePorts, PrivateDnsRecordStore, PrivateDnsZoneReader } from '../azure';
import type { AzureClients, AzurePorts, RecordSetStore, RetryOptions, ZoneReader, ZoneRef } from '../azure';

/** Hub Private DNS readers that count their requests (for the hub read budget). */
export interface MeteredHub {
  readonly records: RecordSetStore;
  readonly zones: ZoneReader;
  /** Requests made so far, by hub subscription. */
  readonly reads: Map<string, number>;
}

export interface AppDeps {
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
  /** Fresh hub readers for one activity call, counting every request they make (retries included). */
  readonly meteredHub: () => MeteredHub;
}

/** Environment variables that change what the deps connect to, besides the app settings. */
const EXTRA_ENV = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET'] as const;

let cached: { fingerprint: string; deps: AppDeps } | undefined;

function fingerprint(env: NodeJS.ProcessEnv): string {
  return JSON.stringify([
    ...APP_SETTINGS.map((s) => env[s.name] ?? ''),
    ...EXTRA_ENV.map((n) => env[n] ?? ''),
  ]);
}

/** Builds deps from settings. */
function buildAppDeps(env: NodeJS.ProcessEnv = process.env): AppDeps {
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
    meteredHub: () => {
      const reads = new Map<string, number>();
      // One store per subscription so each request is counted against the subscription it goes to.
      const count = (subscriptionId: string): RetryOptions => ({
        ...retry,
        beforeAttempt: () => {
          const key = subscriptionId.toLowerCase();
          reads.set(key, (reads.get(key) ?? 0) + 1);
        },
      });
      const stores = new Map<string, PrivateDnsRecordStore>();
      const readers = new Map<string, PrivateDnsZoneReader>();
      const storeFor = (sub: string): PrivateDnsRecordStore => {
        let store = stores.get(sub);
        if (!store) stores.set(sub, (store = new PrivateDnsRecordStore(clients, count(sub))));
        return store;
      };
      const readerFor = (sub: string): PrivateDnsZoneReader => {
        let reader = readers.get(sub);
        if (!reader) readers.set(sub, (reader = new PrivateDnsZoneReader(clients, count(sub))));
        return reader;
      };
      const records: RecordSetStore = {
        listRecordSets: (zone, options) => storeFor(zone.subscriptionId).listRecordSets(zone, options),
        getRecordSet: (zone, name) => storeFor(zone.subscriptionId).getRecordSet(zone, name),
        createRecordSet: (zone, content) => storeFor(zone.subscriptionId).createRecordSet(zone, content),
        updateRecordSet: (zone, content, etag) =>
          storeFor(zone.subscriptionId).updateRecordSet(zone, content, etag),
        deleteRecordSet: (zone, name, etag) =>
          storeFor(zone.subscriptionId).deleteRecordSet(zone, name, etag),
      };
      const zones: ZoneReader = {
        getZone: (zone) => readerFor(zone.subscriptionId).getZone(zone),
        listZones: (subscriptionId, resourceGroup) =>
          readerFor(subscriptionId).listZones(subscriptionId, resourceGroup),
        listVirtualNetworkLinks: (zone) => readerFor(zone.subscriptionId).listVirtualNetworkLinks(zone),
      };
      return { records, zones, reads };
    },
  };
}

/** The deps for this invocation, built from `process.env` (cached until the settings change). */
export function getAppDeps(): AppDeps {
  const fp = fingerprint(process.env);
  if (!cached || cached.fingerprint !== fp) cached = { fingerprint: fp, deps: buildAppDeps() };
  return cached.deps;
}
