/**
 * Shared setup of the orchestration end-to-end tests: the ARM emulator (real SDK clients over HTTPS, real
 * DefaultAzureCredential through its managed-identity endpoint) and the local Functions host running the real
 * durable-functions replay of `src/orchestrations`.
 */
import path from 'node:path';
import type { BackupSimulator } from '../../local/arm/backupSimulator';
import type { PrivateDnsService } from '../../local/arm/providers/privateDns';
import type { ArmEmulator, ArmEmulatorOptions } from '../../local/arm/server';
import type { LocalHost, LocalHostOptions } from '../../local/host';
import { startLocalStack } from '../../local/stack';
import { parseTelemetryLine } from '../../src/core/telemetry';
import type { ParsedTelemetryLine } from '../../src/core/telemetry';
import { createAzureClients, createAzurePorts } from '../../src/azure';
import type { AzurePorts } from '../../src/azure';
import { ORCHESTRATIONS, syncInstanceId } from '../../src/orchestrations';
import type { SyncEndpointInput } from '../../src/orchestrations';
import {
  HUB_RG,
  HUB_SUBSCRIPTION,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  standardSeed,
} from '../../local/test/helpers/armEmulator';

export { HUB_RG, HUB_SUBSCRIPTION, SPOKE_RG, SPOKE_SUBNET_ID, SPOKE_SUBSCRIPTION };

export const ORCHESTRATION_APP = path.resolve(__dirname, '../fixtures/orchestrationApp/index.ts');

/** APPROVAL_WEBHOOK_SECRET of the orchestration tests (the webhook's proofs are made with it). */
export const ORCHESTRATION_TEST_SECRET = 'orchestration-tests-approval-secret-0001';

export const BACKUP_ZONE = 'privatelink.eus.backup.windowsazure.com';
export const BLOB_ZONE = 'privatelink.blob.core.windows.net';
export const QUEUE_ZONE = 'privatelink.queue.core.windows.net';
export const HUB_ZONES = [BACKUP_ZONE, BLOB_ZONE, QUEUE_ZONE];

export interface StandingRecord {
  readonly ips: string[];
  readonly metadata: Record<string, string>;
  readonly etag: string;
}

export interface OrchestrationTestEnv {
  readonly emu: ArmEmulator;
  readonly host: LocalHost;
  readonly backup: BackupSimulator;
  readonly dns: PrivateDnsService;
  /** Ports over real SDK clients, as the approval webhook uses them (for deciding connections in tests). */
  readonly testPorts: AzurePorts;
  /** The host's durable state folder. */
  readonly stateDir: string;
  /** Log lines the app wrote. */
  readonly logs: string[];
  telemetry(name?: string): ParsedTelemetryLine[];
  /** A records of a hub zone: name → IPs/metadata. */
  records(zone: string): Map<string, StandingRecord>;
  /** Successful record-set writes (PUT/DELETE with 2xx) per record name since the emulator started or `since`. */
  writesByName(sinceSeq?: number): Map<string, number>;
  restartHost(): Promise<LocalHost>;
  stop(): Promise<void>;
}

export interface EnvOptions {
  readonly settings?: Record<string, string>;
  readonly timeMode?: LocalHostOptions['timeMode'];
  readonly emulator?: ArmEmulatorOptions;
}

/** The local stack with the orchestration app on the standard test estate and the hub zones created. */
export async function startOrchestrationEnv(options: EnvOptions = {}): Promise<OrchestrationTestEnv> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    appEntry: ORCHESTRATION_APP,
    emulator: { seed: standardSeed, ...options.emulator },
    settings: {
      HUB_SUBSCRIPTION_ID: HUB_SUBSCRIPTION,
      HUB_ZONE_RESOURCE_GROUP: HUB_RG,
      SPOKE_SUBSCRIPTION_IDS: SPOKE_SUBSCRIPTION,
      OWNER_ID: 'plds-test',
      APPROVAL_MODE: 'webhook',
      APPROVAL_WEBHOOK_SECRET: ORCHESTRATION_TEST_SECRET,
      ...options.settings,
    },
    timeMode: options.timeMode ?? 'real',
    runTimerTriggers: false,
    stopGraceMs: 0,
    log: (_level, message) => {
      logs.push(message);
    },
  });
  const { emu, privateDns: dns } = stack;
  for (const zone of HUB_ZONES) dns.createZone(HUB_SUBSCRIPTION, HUB_RG, zone);
  const testPorts = createAzurePorts(
    createAzureClients({ armEndpoint: emu.url, caPem: emu.caPem, credential: emu.credential() }),
    { pollIntervalMs: 20 },
  );
  const env: OrchestrationTestEnv = {
    emu,
    get host() {
      return stack.host;
    },
    backup: stack.backup,
    dns,
    testPorts,
    stateDir: stack.hostStateDir,
    logs,
    telemetry(name?: string) {
      const out: ParsedTelemetryLine[] = [];
      for (const line of logs) {
        const at = line.indexOf('plds ');
        const parsed = at >= 0 ? parseTelemetryLine(line.slice(at)) : undefined;
        if (parsed && (!name || parsed.name === name)) out.push(parsed);
      }
      return out;
    },
    records(zone: string) {
      const out = new Map<string, StandingRecord>();
      for (const rs of dns.listRecordSets(dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, zone), 'A')) {
        const props = (rs.properties ?? {}) as {
          aRecords?: { ipv4Address: string }[];
          metadata?: Record<string, string>;
        };
        out.set(rs.name.toLowerCase(), {
          ips: (props.aRecords ?? []).map((a) => a.ipv4Address).sort(),
          metadata: props.metadata ?? {},
          etag: rs.etag ?? '',
        });
      }
      return out;
    },
    writesByName(sinceSeq = 0) {
      const out = new Map<string, number>();
      for (const entry of emu.log.list({ sinceSeq })) {
        if (entry.operationId !== 'RecordSets_CreateOrUpdate' && entry.operationId !== 'RecordSets_Delete')
          continue;
        if (entry.status < 200 || entry.status >= 300) continue;
        const name = decodeURIComponent(entry.path.split('?')[0]?.split('/').pop() ?? '').toLowerCase();
        out.set(name, (out.get(name) ?? 0) + 1);
      }
      return out;
    },
    restartHost: () => stack.restartHost(),
    stop: () => stack.stop(),
  };
  return env;
}

/** Creates a Recovery Services vault and its private endpoint in the spoke (approved unless `pending`). */
export function createVaultWithEndpoint(
  env: OrchestrationTestEnv,
  name: string,
  options: { experience?: 'v1' | 'v2'; pending?: boolean } = {},
): { vaultId: string; endpointId: string; connectionName: string } {
  const vault = env.backup.createVault({
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name: `rsv-${name}`,
    location: 'eastus',
    experience: options.experience ?? 'v1',
  });
  const created = env.backup.createVaultEndpoint({
    vaultId: vault.id,
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name: `pe-${name}`,
    subnetId: SPOKE_SUBNET_ID,
    ...(options.pending ? { byVaultOwner: false } : {}),
  });
  return { vaultId: vault.id, endpointId: created.endpoint.id, connectionName: created.connectionName };
}

/** The records the simulator says the vault's endpoints need: `zone → name → ip`. */
export function expectedRecords(
  env: OrchestrationTestEnv,
  vaultId: string,
): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const entry of env.backup.dnsEntries(vaultId)) {
    const zone = out.get(entry.zone) ?? new Map<string, string>();
    zone.set(entry.recordName.toLowerCase(), entry.ip);
    out.set(entry.zone, zone);
  }
  return out;
}

/** True when every expected record stands with its IP. */
export function allStand(env: OrchestrationTestEnv, expected: Map<string, Map<string, string>>): boolean {
  for (const [zone, names] of expected) {
    const standing = env.records(zone);
    for (const [name, ip] of names) {
      const record = standing.get(name);
      if (!record || record.ips.join(',') !== ip) return false;
    }
  }
  return true;
}

/** Starts `syncEndpoint` for an endpoint as an Event Grid event would; returns the instance id. */
export async function startSyncEndpoint(env: OrchestrationTestEnv, endpointId: string): Promise<string> {
  const instanceId = syncInstanceId(endpointId);
  const input: SyncEndpointInput = { endpointId, trigger: 'event' };
  await env.host.durable.startNew(ORCHESTRATIONS.syncEndpoint, { instanceId, input });
  return instanceId;
}
