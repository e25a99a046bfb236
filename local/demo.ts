/**
 * `npm run demo`: the whole job end to end on this machine. Starts the ARM emulator (`local/arm`), a DNS server
 * answering from the emulated hub zones (`local/dns`) and the Functions app on the in-process host
 * (`local/host`), subscribes the spokes to the app's Event Grid webhook, then plays the mission with the real
 * SDK clients: Backup v1 (endpoint, discovery, first backup), Backup v2, a pending endpoint approved through
 * the signed webhook and one rejected, a Cosmos DB account in two regions, a deleted endpoint. Prints a timeline, the records as `PrivateIP.ps1`
 * prints them, lookups through the DNS server and ARM call counts; exits non-zero on any mismatch.
 *
 * `startDemoStack` is also what the end-to-end tests build on.
 */
import { randomBytes } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { FUNCTION_NAMES } from '../src/core/functionNames';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../src/core/operations';
import { renderTsv } from '../src/core/format';
import type { DesiredRecord } from '../src/core/types';
import { signApprovalBody } from '../src/flows/approval/signature';
import { syncInstanceId } from '../src/flows/sync/contracts';
import { startArmEmulator } from './arm/server';
import type { ArmEmulator, ArmEmulatorOptions } from './arm/server';
import type { BackupSimulator, DnsEntry } from './arm/backupSimulator';
import { backupServiceFqdns } from './arm/backupFqdns';
import type { EventGridService } from './arm/eventGridProvider';
import type { DeliveryChaos } from './arm/eventGridDelivery';
import type { NetworkService } from './arm/providers/network';
import type { PrivateDnsService } from './arm/providers/privateDns';
import type { ArmResource } from './arm/store';
import { armDnsSource } from './dns/armSource';
import { startDnsServer } from './dns/server';
import type { RunningDnsServer } from './dns/server';
import { startLocalHost } from './host';
import type { LocalHost, TimeMode } from './host';

// ---------------------------------------------------------------------------------------------------------------
// The estate

export const HUB = '00000000-0000-4000-8000-0000000000a1';
export const SPOKE = '00000000-0000-4000-8000-0000000000b1';
/** A second spoke whose teams do not own the vaults: their endpoints wait for approval. */
export const SPOKE2 = '00000000-0000-4000-8000-0000000000b2';
export const HUB_RG = 'rg-hub-dns';
export const SPOKE_RG = 'rg-backup';
export const SPOKE2_RG = 'rg-app';
export const LOCATION = 'eastus';
export const HUB_VNET_ID = `/subscriptions/${HUB}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
export const SPOKE_SUBNET_ID = `/subscriptions/${SPOKE}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`;
export const SPOKE2_SUBNET_ID = `/subscriptions/${SPOKE2}/resourceGroups/${SPOKE2_RG}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-pe`;
export const HUB_ZONES = [
  'privatelink.eus.backup.windowsazure.com',
  'privatelink.blob.core.windows.net',
  'privatelink.queue.core.windows.net',
] as const;
/** Zones of the other private link service the demo shows besides Backup and storage. */
export const SERVICE_ZONES = ['privatelink.documents.azure.com'] as const;
/** A Cosmos DB account in two regions that the app team reaches through a private endpoint. */
export const COSMOS_ACCOUNT = {
  name: 'cosmos-orders',
  type: 'Microsoft.DocumentDB/databaseAccounts',
  locations: ['East US', 'West US'],
};
/** A record someone made by hand before the app existed: foreign, never touched. */
export const FOREIGN_RECORD = {
  zone: 'privatelink.blob.core.windows.net',
  name: 'legacyappstore',
  ip: '10.0.9.9',
};
export const APPROVAL_SECRET = 'demo-approval-secret-for-the-local-stack-only';
export const EVENT_SUBSCRIPTION = 'plds-spoke';

function zoneSeed(zone: string) {
  return {
    name: zone,
    links: [{ name: 'link-hub', virtualNetworkId: HUB_VNET_ID }],
    ...(zone === FOREIGN_RECORD.zone
      ? { records: [{ name: FOREIGN_RECORD.name, ttl: 3600, ipv4Addresses: [FOREIGN_RECORD.ip] }] }
      : {}),
  };
}

export const demoSeed = {
  subscriptions: [
    {
      subscriptionId: HUB,
      displayName: 'hub',
      resourceGroups: [
        {
          name: HUB_RG,
          location: LOCATION,
          virtualNetworks: [
            {
              name: 'vnet-hub',
              addressPrefixes: ['10.0.0.0/16'],
              subnets: [{ name: 'snet-dns', addressPrefix: '10.0.0.0/24' }],
            },
          ],
          privateDnsZones: [...HUB_ZONES, ...SERVICE_ZONES].map(zoneSeed),
        },
      ],
    },
    {
      subscriptionId: SPOKE,
      displayName: 'spoke-backup',
      resourceGroups: [
        {
          name: SPOKE_RG,
          location: LOCATION,
          virtualNetworks: [
            {
              name: 'vnet-spoke',
              addressPrefixes: ['10.12.0.0/16'],
              subnets: [{ name: 'snet-pe', addressPrefix: '10.12.0.0/24' }],
            },
          ],
        },
      ],
    },
    {
      subscriptionId: SPOKE2,
      displayName: 'spoke-app',
      resourceGroups: [
        {
          name: SPOKE2_RG,
          location: LOCATION,
          privateLinkResources: [
            {
              type: COSMOS_ACCOUNT.type,
              name: COSMOS_ACCOUNT.name,
              properties: { locations: COSMOS_ACCOUNT.locations.map((locationName) => ({ locationName })) },
            },
          ],
          virtualNetworks: [
            {
              name: 'vnet-app',
              addressPrefixes: ['10.13.0.0/16'],
              subnets: [{ name: 'snet-pe', addressPrefix: '10.13.0.0/24' }],
            },
          ],
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// The stack

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
  /** Host log sink (default: warnings and errors to stderr). */
  readonly log?: (level: string, message: string) => void;
  /** Run the app's timer triggers on the host clock (default false: the demo starts every reconcile itself). */
  readonly runTimerTriggers?: boolean;
}

export interface DemoStack {
  readonly emu: ArmEmulator;
  readonly dns: RunningDnsServer;
  readonly host: LocalHost;
  readonly resolver: dnsPromises.Resolver;
  readonly stateDir: string;
  readonly settings: Record<string, string>;
  readonly backup: BackupSimulator;
  readonly network: NetworkService;
  readonly privateDns: PrivateDnsService;
  readonly eventGrid: EventGridService;
  /** Real SDK clients on the emulator, per subscription. */
  networkClient(subscriptionId: string): NetworkManagementClient;
  vaultClient(subscriptionId: string): RecoveryServicesClient;
  /** Every A record set in the hub zones, as `DesiredRecord`s (owners from nothing: for display). */
  hubRecords(): DesiredRecord[];
  /** IPs of one hub record (`undefined` when absent). */
  hubRecord(zone: string, name: string): string[] | undefined;
  /** Stops the host and starts a new one on the same port, state folder and keys (durable state resumes). */
  restartHost(): Promise<void>;
  /** Subscribes a spoke to the app's webhook (the validation handshake runs). */
  subscribeSpoke(subscriptionId: string, name?: string, chaos?: DeliveryChaos): Promise<void>;
  /** POST to an `/api` route with the host key. */
  api(
    method: string,
    route: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; text: string }>;
  /** Signs and sends an approval decision. */
  approve(
    connectionId: string,
    body: Record<string, unknown>,
    options?: { timestamp?: number; secret?: string },
  ): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

/** The app settings pointing at the emulator (besides the emulator's own ARM_ENDPOINT/IDENTITY_* variables). */
export function demoSettings(): Record<string, string> {
  return {
    HUB_SUBSCRIPTION_ID: HUB,
    HUB_ZONE_RESOURCE_GROUP: HUB_RG,
    SPOKE_SUBSCRIPTION_IDS: `${SPOKE},${SPOKE2}`,
    OWNER_ID: 'privatelink-dns-sync',
    SYNC_POLICY: 'sync',
    RECORD_TTL_SECONDS: '10',
    APPROVAL_MODE: 'webhook',
    APPROVAL_WEBHOOK_SECRET: APPROVAL_SECRET,
    APPROVAL_TIMEOUT_HOURS: '1',
    RECONCILE_SCHEDULE: '0 0 */6 * * *',
    DNS_READY_MAX_WAIT_MINUTES: '1',
    DURABLE_TASK_HUB_NAME: 'demohub',
  };
}

/** Starts emulator, DNS server and host with the app; subscribes the spokes unless told not to. */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'plds-demo-'));
  // The app must authenticate through the emulator's managed-identity endpoint, not a developer login.
  for (const name of Object.keys(process.env)) if (name.startsWith('AZURE_')) delete process.env[name];

  const emu = await startArmEmulator({
    lro: { polls: 1, retryAfterSeconds: 0 },
    ...options.emulator,
    seed: demoSeed,
  });
  const stops: (() => Promise<void>)[] = [() => emu.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (ownsStateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const caFile = emu.writeCaFile(path.join(stateDir, 'arm-ca.pem'));
    const privateDns = emu.service<PrivateDnsService>('privateDns');
    const dns = await startDnsServer({ source: armDnsSource(emu, HUB_VNET_ID) });
    stops.push(() => dns.stop());
    const settings = { ...emu.env(caFile), ...demoSettings(), ...(options.settings ?? {}) };
    const hostOptions = {
      appEntry: path.resolve(__dirname, '../src/index.ts'),
      stateDir: path.join(stateDir, 'host'),
      settings,
      timeMode: options.timeMode ?? 'real',
      runTimerTriggers: options.runTimerTriggers ?? false,
      // Fixed keys, so a restarted host accepts the URLs Event Grid already has.
      functionKeys: {
        host: [randomKey()],
        system: { eventgrid_extension: randomKey(), durabletask_extension: randomKey() },
      },
      log: options.log ?? quietLog,
    };
    let host = await startLocalHost(hostOptions);
    stops.push(() => host.stop());
    const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.server]);
    const eventGrid = emu.service<EventGridService>('eventGrid');
    const networkClients = new Map<string, NetworkManagementClient>();
    const vaultClients = new Map<string, RecoveryServicesClient>();
    const hubZoneIds = () => [...HUB_ZONES, ...SERVICE_ZONES].map((z) => privateDns.zoneId(HUB, HUB_RG, z));

    const stack: DemoStack = {
      emu,
      dns,
      get host() {
        return host;
      },
      async restartHost() {
        const port = Number(new URL(host.baseUrl).port);
        const virtualNow = host.now();
        await host.stop();
        host = await startLocalHost({ ...hostOptions, port });
        // Time does not run backwards across a restart (entities keep timestamps of the old clock).
        const behind = virtualNow - host.now();
        if (behind > 0) host.advanceTime(behind);
      },
      resolver,
      stateDir,
      settings,
      backup: emu.service<BackupSimulator>('backup'),
      network: emu.service<NetworkService>('network'),
      privateDns,
      eventGrid,
      networkClient(subscriptionId) {
        let client = networkClients.get(subscriptionId);
        if (!client) {
          client = new NetworkManagementClient(emu.credential(), subscriptionId, emu.clientOptions());
          networkClients.set(subscriptionId, client);
        }
        return client;
      },
      vaultClient(subscriptionId) {
        let client = vaultClients.get(subscriptionId);
        if (!client) {
          client = new RecoveryServicesClient(emu.credential(), subscriptionId, emu.clientOptions());
          vaultClients.set(subscriptionId, client);
        }
        return client;
      },
      hubRecords() {
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
      hubRecord(zone, name) {
        const rs = privateDns.getRecordSet(privateDns.zoneId(HUB, HUB_RG, zone), 'A', name);
        return rs ? aRecordIps(rs) : undefined;
      },
      async subscribeSpoke(
        subscriptionId,
        name = `${EVENT_SUBSCRIPTION}-${subscriptionId.slice(-4)}`,
        chaos,
      ) {
        await eventGrid.subscribe({
          name,
          subscriptionId,
          endpointUrl: host.eventGridUrl(FUNCTION_NAMES.eventGridSync),
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
      async api(method, route, body, headers = {}) {
        const send = () =>
          fetch(`${host.baseUrl}/api/${route}`, {
            method,
            headers: {
              'x-functions-key': host.keys.host[0] ?? '',
              'content-type': 'application/json',
              ...headers,
            },
            ...(body !== undefined ? { body } : {}),
          });
        let response: Response;
        try {
          response = await send();
        } catch (error) {
          // A kept-alive connection to a host that was restarted is closed before the request is read: resend once.
          const cause = (error as { cause?: { code?: string } }).cause;
          if (cause?.code !== 'UND_ERR_SOCKET') throw error;
          response = await send();
        }
        const text = await response.text();
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        return { status: response.status, json, text };
      },
      async approve(connectionId, body, signing = {}) {
        const raw = JSON.stringify(body);
        const timestamp = String(signing.timestamp ?? Math.floor(Date.now() / 1000));
        const signature = signApprovalBody(signing.secret ?? APPROVAL_SECRET, timestamp, raw);
        const result = await stack.api('POST', `approvals/${encodeURIComponent(connectionId)}`, raw, {
          'x-plds-timestamp': timestamp,
          'x-plds-signature': signature,
        });
        return { status: result.status, json: result.json };
      },
      stop: stopAll,
    };
    if (options.subscribe ?? true) {
      await stack.subscribeSpoke(SPOKE, undefined, options.chaos);
      await stack.subscribeSpoke(SPOKE2, undefined, options.chaos);
    }
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function randomKey(): string {
  return randomBytes(24).toString('base64url');
}

/** Host log sink: errors only (warnings are the app's own refusals, which the mission provokes on purpose). */
function quietLog(level: string, message: string): void {
  if (level === 'error') process.stderr.write(`[local-host] ${message}\n`);
}

function aRecordIps(rs: ArmResource): string[] {
  const props = rs.properties as { aRecords?: { ipv4Address?: string }[] } | undefined;
  return (props?.aRecords ?? []).flatMap((r) => (r.ipv4Address ? [r.ipv4Address] : []));
}

// ---------------------------------------------------------------------------------------------------------------
// Mission helpers

export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Entries whose hub record is missing or holds other IPs. */
export function missingEntries(stack: DemoStack, entries: readonly DnsEntry[]): DnsEntry[] {
  return entries.filter((e) => !(stack.hubRecord(e.zone, e.recordName) ?? []).includes(e.ip));
}

/** Creates a vault through the real Recovery Services client. */
export async function createVault(
  stack: DemoStack,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): Promise<string> {
  const vault = await stack.vaultClient(subscriptionId).vaults.createOrUpdate(resourceGroup, name, {
    location: LOCATION,
    sku: { name: 'RS0', tier: 'Standard' },
    identity: { type: 'SystemAssigned' },
    properties: { publicNetworkAccess: 'Disabled' },
  });
  if (!vault.id) throw new Error(`vault ${name} came back without an id`);
  return vault.id;
}

/** Creates a Backup private endpoint through the real Network client; `manual` asks the vault owner for approval. */
export async function createBackupEndpoint(
  stack: DemoStack,
  target: {
    subscriptionId: string;
    resourceGroup: string;
    subnetId: string;
    name: string;
    vaultId: string;
    manual?: boolean;
  },
): Promise<string> {
  const connection = [
    {
      name: target.name,
      privateLinkServiceId: target.vaultId,
      groupIds: ['AzureBackup'],
      requestMessage: 'Backup for the app team',
    },
  ];
  const endpoint = await stack
    .networkClient(target.subscriptionId)
    .privateEndpoints.beginCreateOrUpdateAndWait(
      target.resourceGroup,
      target.name,
      {
        location: LOCATION,
        subnet: { id: target.subnetId },
        ...(target.manual
          ? { manualPrivateLinkServiceConnections: connection }
          : { privateLinkServiceConnections: connection }),
      },
      { updateIntervalInMs: 10 },
    );
  if (!endpoint.id) throw new Error(`endpoint ${target.name} came back without an id`);
  return endpoint.id;
}

/** Creates a private endpoint to another service's resource through the real Network client. */
export async function createServiceEndpoint(
  stack: DemoStack,
  target: {
    subscriptionId: string;
    resourceGroup: string;
    subnetId: string;
    name: string;
    targetId: string;
    groupId: string;
  },
): Promise<string> {
  const endpoint = await stack
    .networkClient(target.subscriptionId)
    .privateEndpoints.beginCreateOrUpdateAndWait(
      target.resourceGroup,
      target.name,
      {
        location: LOCATION,
        subnet: { id: target.subnetId },
        privateLinkServiceConnections: [
          { name: target.name, privateLinkServiceId: target.targetId, groupIds: [target.groupId] },
        ],
      },
      { updateIntervalInMs: 10 },
    );
  if (!endpoint.id) throw new Error(`endpoint ${target.name} came back without an id`);
  return endpoint.id;
}

/** `fqdn → ip` of an endpoint's NIC, as the service filled it. */
export function nicNames(stack: DemoStack, endpointId: string): Map<string, string> {
  const nic = stack.network.getNetworkInterface(endpointId);
  const configs =
    (nic?.properties as { ipConfigurations?: { properties: Record<string, unknown> }[] } | undefined)
      ?.ipConfigurations ?? [];
  const out = new Map<string, string>();
  for (const c of configs) {
    const link = c.properties.privateLinkConnectionProperties as { fqdns?: string[] } | undefined;
    for (const fqdn of link?.fqdns ?? []) out.set(fqdn, String(c.properties.privateIPAddress));
  }
  return out;
}

interface PendingListItem {
  connectionId: string;
  vaultId: string;
  privateEndpointId: string;
}

/** Waits until `GET /api/approvals` lists a pending connection of the endpoint. */
export async function pendingConnectionOf(
  stack: DemoStack,
  endpointId: string,
  timeoutMs = 20_000,
): Promise<PendingListItem> {
  return waitUntil(
    `a pending approval for ${endpointId}`,
    async () => {
      const list = await stack.api('GET', 'approvals');
      const pending = (list.json as { pending?: PendingListItem[] } | undefined)?.pending ?? [];
      return pending.find((p) => p.privateEndpointId.toLowerCase() === endpointId.toLowerCase());
    },
    timeoutMs,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The mission

export interface TimelineEntry {
  readonly step: string;
  /** Event Grid deliveries to the app during the step. */
  readonly events: number;
  /** Hub A record writes and deletes during the step. */
  readonly recordWrites: number;
  readonly recordDeletes: number;
  /**
   * From the first endpoint/NIC write of the step to the last hub record written or deleted, in ms (for a
   * step that changes no record: until the hub was seen settled).
   */
  readonly latencyMs: number;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly failures: string[];
  readonly timeline: TimelineEntry[];
  readonly table: string;
  readonly verify: { fqdn: string; expected: string; got: string; ok: boolean }[];
  readonly armCalls: { total: number; byMethod: Record<string, number>; byOperation: Record<string, number> };
  readonly durationMs: number;
}

export async function runDemo(
  options: { print?: (line: string) => void; stack?: DemoStackOptions } = {},
): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const failures: string[] = [];
  const timeline: TimelineEntry[] = [];
  print('privatelink-dns-sync demo: ARM emulator + DNS server + Functions host, all on 127.0.0.1');
  const stack = await startDemoStack(options.stack ?? {});
  // The mission follows Backup by its events. Whether Azure publishes an event when Backup itself changes a vault
  // endpoint (roles arriving on registration, v2 storage FQDNs) is not known, so the simulator stays silent unless
  // told otherwise; here it is told, and says so.
  stack.backup.options.serviceChangeEvents = true;
  print(
    "Backup simulator: Event Grid events for Backup's own endpoint/NIC changes are ON for this demo (Azure may not send them; see local/arm/README.md)",
  );
  let writes = 0;
  let deletes = 0;
  // Emulator clock times of the first spoke endpoint/NIC change and the last hub record change of a step.
  let firstSourceAt: number | undefined;
  let lastRecordAt: number | undefined;
  const unsubscribe = stack.emu.store.onChange((change) => {
    const id = change.resource.id.toLowerCase();
    if (
      firstSourceAt === undefined &&
      !id.startsWith(`/subscriptions/${HUB}/`) &&
      /\/providers\/microsoft\.network\/(privateendpoints|networkinterfaces)\/[^/]+$/.test(id) &&
      change.context.final !== false
    ) {
      firstSourceAt = Date.now();
    }
    if (
      !id.startsWith(`/subscriptions/${HUB}/`) ||
      !id.includes('/privatednszones/') ||
      !/\/a\/[^/]+$/.test(id)
    )
      return;
    if (change.kind === 'write') writes++;
    else deletes++;
    lastRecordAt = Date.now();
  });
  const delivered = () => stack.eventGrid.delivery.stats().delivered;

  /** Runs one mission step: `act` changes ARM, `settled` says when the hub is where it should be. */
  const step = async (name: string, act: () => Promise<void>, settled: () => boolean | Promise<boolean>) => {
    const before = { events: delivered(), writes, deletes };
    firstSourceAt = undefined;
    lastRecordAt = undefined;
    await act();
    const changedAt = Date.now();
    try {
      await waitUntil(name, async () => (await settled()) || undefined, 20_000);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await stack.eventGrid.idle();
    const entry: TimelineEntry = {
      step: name,
      events: delivered() - before.events,
      recordWrites: writes - before.writes,
      recordDeletes: deletes - before.deletes,
      latencyMs:
        firstSourceAt !== undefined && lastRecordAt !== undefined
          ? Math.max(0, lastRecordAt - firstSourceAt)
          : Date.now() - changedAt,
    };
    timeline.push(entry);
    print(
      `  ${name.padEnd(46)} ${String(entry.events).padStart(3)} events → ${String(entry.recordWrites).padStart(2)} written, ${String(entry.recordDeletes).padStart(2)} deleted  (${entry.latencyMs} ms)`,
    );
  };

  try {
    for (const sub of stack.eventGrid.delivery.subscriptions()) {
      print(
        `Event Grid: spoke ${sub.subscriptionId} → ${FUNCTION_NAMES.eventGridSync} webhook (validation handshake passed)`,
      );
    }
    print(`\nTimeline (ARM change → Event Grid → app → hub records):`);
    // Backup v1: the vault endpoint, then the storage endpoints discovery and the first backup create.
    let v1Vault = '';
    await step(
      'v1 vault + private endpoint (SDK)',
      async () => {
        v1Vault = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-prod-v1');
        await createBackupEndpoint(stack, {
          subscriptionId: SPOKE,
          resourceGroup: SPOKE_RG,
          subnetId: SPOKE_SUBNET_ID,
          name: 'pe-rsv-prod-v1',
          vaultId: v1Vault,
        });
      },
      () => missingEntries(stack, stack.backup.dnsEntries(v1Vault)).length === 0,
    );
    await step(
      'v1 discover (+ 6 roles, _ecs_blob, _ecs_queue)',
      async () => void stack.backup.discover(v1Vault),
      () => missingEntries(stack, stack.backup.dnsEntries(v1Vault)).length === 0,
    );
    await step(
      'v1 firstBackup (+ _prot_blob)',
      async () => void stack.backup.firstBackup(v1Vault),
      () => missingEntries(stack, stack.backup.dnsEntries(v1Vault)).length === 0,
    );

    // Backup v2: one endpoint whose NIC grows.
    const v2Vault = stack.backup.createVault({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      name: 'rsv-prod-v2',
      location: LOCATION,
      experience: 'v2',
    }).id;
    await step(
      'v2 vault private endpoint (SDK)',
      async () => {
        await createBackupEndpoint(stack, {
          subscriptionId: SPOKE,
          resourceGroup: SPOKE_RG,
          subnetId: SPOKE_SUBNET_ID,
          name: 'pe-rsv-prod-v2',
          vaultId: v2Vault,
        });
      },
      () => missingEntries(stack, stack.backup.dnsEntries(v2Vault)).length === 0,
    );
    await step(
      'v2 discover + firstBackup (NIC gains FQDNs)',
      async () => {
        stack.backup.discover(v2Vault);
        stack.backup.firstBackup(v2Vault);
      },
      () => missingEntries(stack, stack.backup.dnsEntries(v2Vault)).length === 0,
    );

    // A team in another spoke asks for an endpoint to a vault it does not own: approved through the webhook.
    const appVault = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-app');
    let appEndpoint = '';
    await step(
      'pending endpoint (other spoke) → approved',
      async () => {
        appEndpoint = await createBackupEndpoint(stack, {
          subscriptionId: SPOKE2,
          resourceGroup: SPOKE2_RG,
          subnetId: SPOKE2_SUBNET_ID,
          name: 'pe-app-backup',
          vaultId: appVault,
          manual: true,
        });
        const pending = await pendingConnectionOf(stack, appEndpoint);
        const answer = await stack.approve(pending.connectionId, {
          connectionId: pending.connectionId,
          decision: 'Approved',
          reason: 'CHG-1001 app backup',
          approver: 'platform-team',
        });
        if (answer.status !== 200)
          failures.push(`approval answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      },
      () => {
        const entries = stack.backup.dnsEntries(appVault);
        return entries.length > 0 && missingEntries(stack, entries).length === 0;
      },
    );

    // And one that is refused: no records, ever.
    const refusedVault = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-finance');
    let refusedEndpoint = '';
    await step(
      'pending endpoint (other spoke) → rejected',
      async () => {
        refusedEndpoint = await createBackupEndpoint(stack, {
          subscriptionId: SPOKE2,
          resourceGroup: SPOKE2_RG,
          subnetId: SPOKE2_SUBNET_ID,
          name: 'pe-finance-backup',
          vaultId: refusedVault,
          manual: true,
        });
        const pending = await pendingConnectionOf(stack, refusedEndpoint);
        const answer = await stack.approve(pending.connectionId, {
          connectionId: pending.connectionId,
          decision: 'Rejected',
          reason: 'not approved by finance',
          approver: 'platform-team',
        });
        if (answer.status !== 200)
          failures.push(`rejection answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      },
      () => {
        const status = stack.host.durable.getStatus(syncInstanceId(refusedEndpoint));
        return status !== undefined && ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus);
      },
    );

    const refusedRun = stack.host.durable.getStatus(syncInstanceId(refusedEndpoint));
    const refusedOutcome = (refusedRun?.output as { outcome?: string } | undefined)?.outcome;
    if (refusedRun?.runtimeStatus !== 'Completed' || refusedOutcome !== 'rejected') {
      failures.push(
        `the rejected endpoint's orchestration ended ${refusedRun?.runtimeStatus ?? 'nowhere'} (${refusedOutcome ?? JSON.stringify(refusedRun?.output ?? null)}), expected Completed/rejected`,
      );
    }

    // Not only Backup: the app team's Cosmos DB account in two regions, one name per region.
    const cosmosZone = SERVICE_ZONES[0];
    let cosmosNames = new Map<string, string>();
    await step(
      'Cosmos DB endpoint, two regions (SDK)',
      async () => {
        const cosmosEndpoint = await createServiceEndpoint(stack, {
          subscriptionId: SPOKE2,
          resourceGroup: SPOKE2_RG,
          subnetId: SPOKE2_SUBNET_ID,
          name: 'pe-cosmos-orders',
          targetId: `/subscriptions/${SPOKE2}/resourceGroups/${SPOKE2_RG}/providers/${COSMOS_ACCOUNT.type}/${COSMOS_ACCOUNT.name}`,
          groupId: 'Sql',
        });
        cosmosNames = nicNames(stack, cosmosEndpoint);
      },
      () =>
        cosmosNames.size === 1 + COSMOS_ACCOUNT.locations.length &&
        [...cosmosNames].every(([fqdn, ip]) =>
          (stack.hubRecord(cosmosZone, fqdn.replace(/\.documents\.azure\.com$/, '')) ?? []).includes(ip),
        ),
    );

    // The v2 endpoint is deleted: its records go, nothing else does.
    const v2Entries = stack.backup.dnsEntries(v2Vault);
    await step(
      'v2 private endpoint deleted (SDK)',
      async () => {
        await stack
          .networkClient(SPOKE)
          .privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-rsv-prod-v2', { updateIntervalInMs: 10 });
      },
      () => v2Entries.every((e) => stack.hubRecord(e.zone, e.recordName) === undefined),
    );

    // ---- results ----------------------------------------------------------------------------------------------
    const records = stack.hubRecords();
    const table = renderTsv(records);
    print(`\nHub records (PrivateIP.ps1 columns):\n${table}`);

    const expected = [
      ...stack.backup.dnsEntries(v1Vault),
      ...stack.backup.dnsEntries(appVault),
      // Cosmos DB: `<account>[-<region>].documents.azure.com` answers as `….privatelink.documents.azure.com`.
      ...[...cosmosNames].map(([fqdn, ip]) => ({
        zone: cosmosZone,
        recordName: fqdn.replace(/\.documents\.azure\.com$/, ''),
        ip,
      })),
    ];
    const absent = [
      ...v2Entries.map((e) => `${e.recordName}.${e.zone}`),
      // The simulator's role FQDNs already carry `.privatelink.`: each is the name a client resolves.
      ...backupServiceFqdns(String(stack.backup.describe(refusedVault).backupVaultId), LOCATION),
    ];
    const verify: DemoResult['verify'] = [];
    for (const e of expected) {
      const fqdn = `${e.recordName}.${e.zone}`;
      const got = await lookup(stack.resolver, fqdn);
      verify.push({ fqdn, expected: e.ip, got, ok: got === e.ip });
    }
    for (const fqdn of absent) {
      const got = await lookup(stack.resolver, fqdn);
      verify.push({ fqdn, expected: 'NXDOMAIN', got, ok: got === 'NXDOMAIN' });
    }
    const foreign = await lookup(stack.resolver, `${FOREIGN_RECORD.name}.${FOREIGN_RECORD.zone}`);
    verify.push({
      fqdn: `${FOREIGN_RECORD.name}.${FOREIGN_RECORD.zone} (foreign)`,
      expected: FOREIGN_RECORD.ip,
      got: foreign,
      ok: foreign === FOREIGN_RECORD.ip,
    });
    const refusedIp = stack.network.getNetworkInterface(refusedEndpoint);
    const refusedIps: string[] =
      JSON.stringify(refusedIp?.properties ?? {}).match(/\d+\.\d+\.\d+\.\d+/g) ?? [];
    if (records.some((r) => r.ips.some((ip) => refusedIps.includes(ip))))
      failures.push('a record points at the rejected endpoint');

    print(`verify (node:dns Resolver → ${stack.dns.server}):`);
    for (const v of verify)
      print(`  ${v.ok ? 'ok  ' : 'FAIL'} ${v.fqdn} → ${v.got}${v.ok ? '' : ` (expected ${v.expected})`}`);
    for (const v of verify) if (!v.ok) failures.push(`${v.fqdn}: expected ${v.expected}, got ${v.got}`);
    if (appEndpoint === '' || v1Vault === '') failures.push('the mission did not get through its steps');

    const counters = stack.emu.log.snapshot();
    const armCalls = {
      total: counters.total,
      byMethod: counters.byMethod,
      byOperation: counters.byOperation,
    };
    print(
      `\nARM calls (emulator counters, the app's and the mission's own SDK calls together): ${counters.total} total — ${Object.entries(
        counters.byMethod,
      )
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`,
    );
    for (const [op, n] of Object.entries(counters.byOperation)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 12))
      print(`  ${String(n).padStart(4)} ${op}`);
    const durable = stack.host.durable.counters;
    print(
      `\nDurable host: ${durable.episodes} orchestrator episodes, ${durable.activityInvocations} activity runs, ${durable.discardedEvents} raised event(s) left unread when an instance ended or continued as new (Azure drops these too; the mailbox and the starters make a fresh read follow every change)`,
    );
    const durationMs = Date.now() - started;
    const ok = failures.length === 0;
    print(
      `\n${ok ? 'PASS' : 'FAIL'}: ${verify.filter((v) => v.ok).length}/${verify.length} lookups as expected, ${failures.length} problem(s), ${(durationMs / 1000).toFixed(1)} s`,
    );
    for (const f of failures) print(`  - ${f}`);
    return { ok, failures, timeline, table, verify, armCalls, durationMs };
  } finally {
    unsubscribe?.();
    await stack.stop();
  }
}

async function lookup(resolver: dnsPromises.Resolver, fqdn: string): Promise<string> {
  try {
    const ips = await resolver.resolve4(fqdn);
    return ips.join(',');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOTFOUND' ? 'NXDOMAIN' : (code ?? 'error');
  }
}

if (require.main === module) {
  runDemo()
    .then((result) => {
      process.exitCode = result.ok ? 0 : 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    });
}
