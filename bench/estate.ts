/**
 * The estate the economy benchmarks run on, and how they read what happened. The app runs unchanged on the local
 * host (`startDemoStack`), against the ARM emulator with Azure's limits on; the benchmark builds endpoints through
 * the emulator's in-process services (as Azure's services create them: no ARM request of ours in the log), so every
 * request the emulator logs is the app's — unless the benchmark says otherwise (the manual scripts it runs itself).
 *
 * "Minimum" is worked out here from the emulator's own state (the oracle), never from the app: for an endpoint
 * change, one read of the endpoint, one per NIC, one write per record that changes and one read per record that is
 * updated or deleted (for its etag); creates need no read (`If-None-Match: *`).
 */
import type { DnsEntry, BackupSimulator } from '../local/arm/backupSimulator';
import type { LatencyOptions } from '../local/arm/latency';
import type { RequestLogEntry } from '../local/arm/requestLog';
import { waitUntil } from '../local/stack';
import { HUB, HUB_RG, HUB_VNET_ID, LOCATION, SPOKE } from '../demo/estate';
import { missingEntries } from '../demo/mission';
import { startDemoStack } from '../demo/stack';
import type { DemoStack } from '../demo/stack';

export { HUB, HUB_RG, SPOKE, LOCATION, waitUntil, missingEntries };
export type { DemoStack, DnsEntry };

export const KEY_VAULT_ZONE = 'privatelink.vaultcore.azure.net';
const RECORD_WRITES = new Set(['PUT', 'PATCH', 'DELETE']);

export interface StackOptions {
  timeScale: number;
  latency?: LatencyOptions | 'azure';
  settings?: Record<string, string>;
  logCapacity?: number;
  runTimerTriggers?: boolean;
  /** Count app errors (logged at error level); the first few go to stderr. */
  onAppError?: (message: string) => void;
}

/** The demo stack on one scaled clock (emulator and host alike), plus the Key Vault zone in the hub. */
export async function startBenchStack(options: StackOptions): Promise<DemoStack> {
  const stack = await startDemoStack({
    timeMode: { scale: options.timeScale },
    emulator: {
      timeScale: options.timeScale,
      logCapacity: options.logCapacity ?? 500_000,
      ...(options.latency ? { latency: options.latency } : {}),
    },
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.runTimerTriggers !== undefined ? { runTimerTriggers: options.runTimerTriggers } : {}),
    log: (level, message) => {
      if (level === 'error') options.onAppError?.(message);
    },
  });
  const zone = stack.privateDns.createZone(HUB, HUB_RG, KEY_VAULT_ZONE);
  stack.privateDns.linkVirtualNetwork(zone.id, 'link-hub', HUB_VNET_ID);
  return stack;
}

/** A spoke resource group with a VNet and a /20 subnet for endpoints; returns the subnet id. */
export function spokeNetwork(
  stack: DemoStack,
  subscriptionId: string,
  resourceGroup: string,
  secondOctet: number,
  thirdOctet = 0,
): string {
  stack.emu.ensureResourceGroup(subscriptionId, resourceGroup, LOCATION);
  const name = `vnet-${resourceGroup}`;
  stack.network.createVirtualNetwork({
    subscriptionId,
    resourceGroup,
    name,
    location: LOCATION,
    addressPrefixes: [`10.${secondOctet}.${thirdOctet}.0/20`],
    subnets: [{ name: 'snet-pe', addressPrefix: `10.${secondOctet}.${thirdOctet}.0/20` }],
  });
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${name}/subnets/snet-pe`;
}

/**
 * Zone and record for a FQDN the way Microsoft's scripts and the zone docs name them — a few well-known suffixes,
 * enough for the benchmark estates (blob, queue, Key Vault, Backup); the app's own catalogue is not used. A Backup
 * vault endpoint shows its FQDNs with `.privatelink.` inside (`<id>-ab-pod01-rec2.privatelink.eus.backup...`), as
 * today's DNS configuration does, or without it, as older v1 screenshots do: both name the same record.
 */
export function zoneRecordFor(fqdn: string): { zone: string; recordName: string } | undefined {
  const lower = fqdn.toLowerCase().replace(/\.$/, '');
  const backup = /^([^.]+)\.(?:privatelink\.)?([a-z0-9]+)\.backup\.windowsazure\.com$/.exec(lower);
  if (backup)
    return { zone: `privatelink.${backup[2]}.backup.windowsazure.com`, recordName: backup[1] as string };
  const storage = /^([^.]+)\.(?:privatelink\.)?(blob|queue|table|file)\.core\.windows\.net$/.exec(lower);
  if (storage)
    return { zone: `privatelink.${storage[2]}.core.windows.net`, recordName: storage[1] as string };
  const vault = /^([^.]+)\.(?:privatelink\.)?vault\.azure\.net$/.exec(lower);
  if (vault) return { zone: KEY_VAULT_ZONE, recordName: vault[1] as string };
  return undefined;
}

/** The records an endpoint's NIC asks for (from the emulator's store), one per FQDN and IP. */
export function endpointEntries(stack: DemoStack, endpointId: string): DnsEntry[] {
  const nic = stack.network.getNetworkInterface(endpointId);
  const configs =
    (
      nic?.properties as
        | {
            ipConfigurations?: Array<{
              properties?: {
                privateIPAddress?: string;
                privateLinkConnectionProperties?: { fqdns?: string[] };
              };
            }>;
          }
        | undefined
    )?.ipConfigurations ?? [];
  return configs.flatMap((c) =>
    (c.properties?.privateLinkConnectionProperties?.fqdns ?? []).flatMap((fqdn) => {
      const at = zoneRecordFor(fqdn);
      const ip = c.properties?.privateIPAddress;
      return at && ip ? [{ fqdn, recordName: at.recordName, zone: at.zone, ip, endpointId }] : [];
    }),
  );
}

/** Minimum requests for an endpoint change, given the hub as it stood before it (see the file comment). */
export function changeMinimum(
  stack: DemoStack,
  touchedEndpoints: number,
  nics: number,
  wanted: readonly DnsEntry[],
): { minimum: number; writes: number } {
  let creates = 0;
  let updates = 0;
  const seen = new Set<string>();
  for (const e of wanted) {
    const key = `${e.zone}/${e.recordName.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ips = stack.hubRecord(e.zone, e.recordName);
    if (ips === undefined) creates++;
    else if (!ips.includes(e.ip)) updates++;
  }
  const writes = creates + updates;
  return { minimum: touchedEndpoints + nics + writes + updates, writes };
}

export interface RequestCounts {
  requests: number;
  reads: number;
  writes: number;
  throttled: number;
  byOperation: Record<string, number>;
}

export function countRequests(entries: readonly RequestLogEntry[]): RequestCounts {
  const byOperation: Record<string, number> = {};
  let writes = 0;
  let throttled = 0;
  for (const e of entries) {
    byOperation[e.operationId ?? '(unmatched)'] = (byOperation[e.operationId ?? '(unmatched)'] ?? 0) + 1;
    if (RECORD_WRITES.has(e.method)) writes++;
    if (e.status === 429) throttled++;
  }
  return { requests: entries.length, reads: entries.length - writes, writes, throttled, byOperation };
}

/**
 * Waits until `done()` holds, Event Grid has nothing queued, no orchestration is running or pending, and the
 * emulator saw no request for `quietMs` real ms — the app has finished reacting.
 */
export async function settle(
  stack: DemoStack,
  done: () => boolean,
  timeoutMs: number,
  options: { quietMs?: number; allowRunning?: boolean } = {},
): Promise<void> {
  const quietMs = options.quietMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  await waitUntil('the expected records', () => done() || undefined, timeoutMs);
  let lastSeq = -1;
  let quietSince = Date.now();
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for the app to go quiet`);
    const idle = await Promise.race([
      stack.eventGrid.idle().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
    ]);
    const running =
      options.allowRunning === true
        ? 0
        : stack.host.durable.listInstances({ runtimeStatus: ['Running', 'Pending'] }).length;
    const seq = stack.emu.log.lastSeq;
    if (seq !== lastSeq) {
      lastSeq = seq;
      quietSince = Date.now();
    }
    if (idle && running === 0 && Date.now() - quietSince >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Creates `count` Backup vaults of one experience in the spoke; returns their ids. */
export function createVaults(
  backup: BackupSimulator,
  subscriptionId: string,
  resourceGroup: string,
  prefix: string,
  count: number,
  experience: 'v1' | 'v2',
): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      backup.createVault({
        subscriptionId,
        resourceGroup,
        name: `${prefix}-${String(i).padStart(4, '0')}`,
        location: LOCATION,
        experience,
      }).id,
  );
}

/** Parses `--json` and the scenario's own options with commander's conventions. */
export function numberOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} wants a number in ${min}..${max}, got "${value}"`);
  return n;
}
