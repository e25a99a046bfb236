/**
 * The demo's world: the local stack (`local/stack`) with this app on its host, the demo estate seeded, a DNS server
 * for the hub VNet and the spokes subscribed to the app's Event Grid webhook — plus what the mission and the tests
 * ask of it: SDK clients per subscription, the hub records, signed approval decisions. The end-to-end tests, the
 * chaos runs and the benchmarks start the same world.
 */
import path from 'node:path';
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { FUNCTION_NAMES } from '../src/core/functionNames';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../src/core/operations';
import type { DesiredRecord } from '../src/core/types';
import type { DeliveryChaos } from '../local/arm/eventGridDelivery';
import type { ArmEmulatorOptions } from '../local/arm/server';
import type { ArmResource } from '../local/arm/store';
import type { TimeMode } from '../local/host';
import { startLocalStack } from '../local/stack';
import type { LocalStack } from '../local/stack';
import {
  APPROVAL_SECRET,
  demoSeed,
  demoSettings,
  EVENT_SUBSCRIPTION,
  HUB,
  HUB_RG,
  HUB_VNET_ID,
  HUB_ZONES,
  SERVICE_ZONES,
  SPOKE,
  SPOKE2,
} from './estate';
import { signedApprovalHeaders } from './signing';

/** The module that registers the app's functions. */
export const APP_ENTRY = path.resolve(__dirname, '../src/index.ts');

export interface DemoStackOptions {
  /** Durable state and the CA file; a fresh temp folder by default (removed on stop). */
  readonly stateDir?: string;
  /** Extra or overriding app settings. */
  readonly settings?: Record<string, string>;
  readonly timeMode?: TimeMode;
  /**
   * Emulator options besides the seed (e.g. `timeScale`, `logCapacity`). With a `timeScale`, give the host the
   * same `timeMode: { scale }` so durable timers and Azure's limits run on the same emulated time.
   */
  readonly emulator?: Omit<ArmEmulatorOptions, 'seed'>;
  /** Subscribe the spokes to the app's Event Grid webhook (default true). */
  readonly subscribe?: boolean;
  readonly chaos?: DeliveryChaos;
  /** Host log sink (default: errors to stderr). */
  readonly log?: (level: string, message: string) => void;
  /** Run the app's timer triggers on the host clock (default false: the demo starts every reconcile itself). */
  readonly runTimerTriggers?: boolean;
}

export interface DemoStack extends LocalStack {
  /** The DNS server answering for the hub VNet. */
  readonly dns: NonNullable<LocalStack['dns']>;
  /** Real SDK clients on the emulator, per subscription. */
  networkClient(subscriptionId: string): NetworkManagementClient;
  vaultClient(subscriptionId: string): RecoveryServicesClient;
  /** Every A record set in the hub zones, as `DesiredRecord`s (owners from nothing: for display). */
  hubRecords(): DesiredRecord[];
  /** IPs of one hub record (`undefined` when absent). */
  hubRecord(zone: string, name: string): string[] | undefined;
  /** Subscribes a spoke to the app's webhook with the app's filter (the validation handshake runs). */
  subscribeSpoke(subscriptionId: string, name?: string, chaos?: DeliveryChaos): Promise<void>;
  /** Signs and sends an approval decision. */
  approve(
    connectionId: string,
    body: Record<string, unknown>,
    options?: { timestamp?: number; secret?: string },
  ): Promise<{ status: number; json: unknown }>;
}

/** Starts emulator, DNS server and host with the app on the demo estate; subscribes the spokes unless told not to. */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const local = await startLocalStack({
    appEntry: APP_ENTRY,
    emulator: { lro: { polls: 1, retryAfterSeconds: 0 }, ...options.emulator, seed: demoSeed },
    settings: { ...demoSettings(), ...(options.settings ?? {}) },
    ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
    dnsForVnetId: HUB_VNET_ID,
    timeMode: options.timeMode ?? 'real',
    runTimerTriggers: options.runTimerTriggers ?? false,
    log: options.log ?? quietLog,
  });
  const { dns } = local;
  if (!dns) throw new Error('the demo stack starts a DNS server');
  const { privateDns } = local;
  const networkClients = new Map<string, NetworkManagementClient>();
  const vaultClients = new Map<string, RecoveryServicesClient>();
  const hubZoneIds = () => [...HUB_ZONES, ...SERVICE_ZONES].map((z) => privateDns.zoneId(HUB, HUB_RG, z));

  const stack: DemoStack = Object.assign(local, {
    dns,
    networkClient(subscriptionId: string) {
      let client = networkClients.get(subscriptionId);
      if (!client) {
        client = new NetworkManagementClient(
          local.emu.credential(),
          subscriptionId,
          local.emu.clientOptions(),
        );
        networkClients.set(subscriptionId, client);
      }
      return client;
    },
    vaultClient(subscriptionId: string) {
      let client = vaultClients.get(subscriptionId);
      if (!client) {
        client = new RecoveryServicesClient(
          local.emu.credential(),
          subscriptionId,
          local.emu.clientOptions(),
        );
        vaultClients.set(subscriptionId, client);
      }
      return client;
    },
    hubRecords(): DesiredRecord[] {
      return hubZoneIds().flatMap((zoneId) => {
        const zone = privateDns.getZone(zoneId);
        if (!zone) return [];
        return privateDns.listRecordSets(zoneId, 'A').map((rs: ArmResource) => ({
          zone: zone.name.toLowerCase(),
          name: rs.name.toLowerCase(),
          ips: aRecordIps(rs),
          owners: [],
        }));
      });
    },
    hubRecord(zone: string, name: string) {
      const rs = privateDns.getRecordSet(privateDns.zoneId(HUB, HUB_RG, zone), 'A', name);
      return rs ? aRecordIps(rs) : undefined;
    },
    async subscribeSpoke(
      subscriptionId: string,
      name = `${EVENT_SUBSCRIPTION}-${subscriptionId.slice(-4)}`,
      chaos?: DeliveryChaos,
    ) {
      await local.subscribe(subscriptionId, {
        name,
        functionName: FUNCTION_NAMES.eventGridSync,
        eventDeliverySchema: 'EventGridSchema',
        filter: {
          includedEventTypes: [...WATCHED_EVENT_TYPES],
          isSubjectCaseSensitive: false,
          advancedFilters: [
            { operatorType: 'StringIn', key: 'data.operationName', values: [...WATCHED_OPERATIONS] },
          ],
        },
        retryPolicy: { maxDeliveryAttempts: 10, eventTimeToLiveInMinutes: 60 },
        deadLetter: true,
        ...(chaos ? { chaos } : {}),
      });
    },
    async approve(
      connectionId: string,
      body: Record<string, unknown>,
      signing: { timestamp?: number; secret?: string } = {},
    ) {
      const raw = JSON.stringify(body);
      const headers = signedApprovalHeaders(raw, {
        secret: signing.secret ?? APPROVAL_SECRET,
        ...(signing.timestamp !== undefined ? { timestamp: signing.timestamp } : {}),
      });
      const result = await local.api('POST', `approvals/${encodeURIComponent(connectionId)}`, raw, headers);
      return { status: result.status, json: result.json };
    },
  });
  try {
    if (options.subscribe ?? true) {
      await stack.subscribeSpoke(SPOKE, undefined, options.chaos);
      await stack.subscribeSpoke(SPOKE2, undefined, options.chaos);
    }
  } catch (error) {
    await local.stop();
    throw error;
  }
  return stack;
}

/** Host log sink: errors only (warnings are the app's own refusals, which the mission provokes on purpose). */
function quietLog(level: string, message: string): void {
  if (level === 'error') process.stderr.write(`[local-host] ${message}\n`);
}

function aRecordIps(rs: ArmResource): string[] {
  const props = rs.properties as { aRecords?: { ipv4Address?: string }[] } | undefined;
  return (props?.aRecords ?? []).flatMap((r) => (r.ipv4Address ? [r.ipv4Address] : []));
}
