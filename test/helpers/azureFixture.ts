/** Emulator-backed fixture for the Azure adapter and CLI integration tests. */
import { maxInWindow } from './rateWindow';
import { startArmEmulator } from '../../local/arm/server';
import type { ArmEmulator, ArmEmulatorOptions } from '../../local/arm/server';
import { defaultProviders } from '../../local/arm/providers';
import { resourceGraphProvider } from '../../local/arm/providers/resourceGraph';
import type { EndpointMember, NetworkService } from '../../local/arm/providers/network';
import type { PrivateDnsService } from '../../local/arm/providers/privateDns';
import type { BackupSimulator } from '../../local/arm/backupSimulator';
import { createAzureClients } from '../../src/azure/clients';
import type { AzureClients } from '../../src/azure/clients';
import {
  HUB_RG,
  HUB_SUBSCRIPTION,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  SPOKE_VNET_ID,
  standardSeed,
} from '../../local/test/helpers/armEmulator';

export { HUB_RG, HUB_SUBSCRIPTION, SPOKE_RG, SPOKE_SUBNET_ID, SPOKE_SUBSCRIPTION, SPOKE_VNET_ID };

export const BACKUP_ZONE = 'privatelink.eus.backup.windowsazure.com';
export const BLOB_ZONE = 'privatelink.blob.core.windows.net';
export const QUEUE_ZONE = 'privatelink.queue.core.windows.net';
export const HUB_ZONES = [BACKUP_ZONE, BLOB_ZONE, QUEUE_ZONE];

/** Every provider the emulator has, Resource Graph included. */
export function allProviders(): NonNullable<ArmEmulatorOptions['providers']> {
  const list = [...defaultProviders];
  if (!list.some((p) => p.name === resourceGraphProvider.name)) list.push(resourceGraphProvider);
  return list;
}

export interface Fixture {
  readonly emu: ArmEmulator;
  readonly clients: AzureClients;
  readonly network: NetworkService;
  readonly dns: PrivateDnsService;
  zoneId(zone: string): string;
}

export async function startFixture(options: ArmEmulatorOptions = {}): Promise<Fixture> {
  const emu = await startArmEmulator({ seed: standardSeed, providers: allProviders(), ...options });
  const network = emu.service<NetworkService>('network');
  const dns = emu.service<PrivateDnsService>('privateDns');
  for (const zone of HUB_ZONES) {
    const id = dns.createZone(HUB_SUBSCRIPTION, HUB_RG, zone).id;
    dns.linkVirtualNetwork(id, 'spoke-link', SPOKE_VNET_ID);
  }
  const clients = createAzureClients({
    credential: emu.credential(),
    armEndpoint: emu.url,
    caPem: emu.caPem,
  });
  return { emu, clients, network, dns, zoneId: (zone) => dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, zone) };
}

export const STORAGE_ID = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/stspoke`;

/**
 * An endpoint whose NIC carries exactly `members` (to a storage account unless `target` says otherwise; the
 * emulator's Backup simulator validates vault targets, so vault endpoints come from `createBackupVault`).
 * Approved unless `status` says otherwise.
 */
export function createEndpoint(
  fx: Fixture,
  name: string,
  members: EndpointMember[],
  options: { target?: string; groupIds?: string[]; status?: string; manual?: boolean } = {},
): string {
  return fx.network.createPrivateEndpoint({
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name,
    location: 'eastus',
    subnetId: SPOKE_SUBNET_ID,
    connection: {
      privateLinkServiceId: options.target ?? STORAGE_ID,
      groupIds: options.groupIds ?? ['blob'],
    },
    ...(options.manual ? { manual: true } : {}),
    members,
    state: { status: options.status ?? 'Approved' },
  }).id;
}

/** `n` distinct Backup FQDNs for one vault, as members of one NIC. */
export function backupMembers(vaultNumber: string, roles: string[]): EndpointMember[] {
  return roles.map((role) => ({
    groupId: 'AzureBackup',
    requiredMemberName: role,
    fqdns: [`${vaultNumber}-ab-pod01-${role}.eus.backup.windowsazure.com`],
  }));
}

/** A Backup vault with its vault endpoint in the spoke, through the emulator's Backup simulator. */
export function createBackupVault(
  fx: Fixture,
  name: string,
  experience: 'v1' | 'v2',
  options: { publicNetworkAccess?: 'Enabled' | 'Disabled'; endpointName?: string } = {},
): { vaultId: string; endpointId: string } {
  const backup = fx.emu.service<BackupSimulator>('backup');
  const vault = backup.createVault({
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name,
    location: 'eastus',
    experience,
    publicNetworkAccess: options.publicNetworkAccess ?? 'Disabled',
  });
  const created = backup.createVaultEndpoint({
    vaultId: vault.id,
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name: options.endpointName ?? `pe-${name}`,
    subnetId: SPOKE_SUBNET_ID,
  });
  return { vaultId: vault.id, endpointId: created.endpoint.id };
}

export function backupSimulator(fx: Fixture): BackupSimulator {
  return fx.emu.service<BackupSimulator>('backup');
}

/**
 * `count` blob FQDNs spread over endpoints of ten members each, all in one zone (privatelink.blob.core.windows.net),
 * in a subnet big enough for them. Returns the endpoint ids.
 */
export function createBulkEndpoints(fx: Fixture, count: number, perEndpoint = 10): string[] {
  fx.network.createVirtualNetwork({
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name: 'vnet-bulk',
    addressPrefixes: ['10.50.0.0/16'],
    subnets: [{ name: 'snet-bulk', addressPrefix: '10.50.0.0/20' }],
  });
  const subnetId = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-bulk/subnets/snet-bulk`;
  const ids: string[] = [];
  for (let start = 0; start < count; start += perEndpoint) {
    const members = Array.from({ length: Math.min(perEndpoint, count - start) }, (_, k) => ({
      groupId: 'blob',
      requiredMemberName: `blob${k}`,
      fqdns: [`stbulk${String(start + k).padStart(5, '0')}.blob.core.windows.net`],
    }));
    ids.push(
      fx.network.createPrivateEndpoint({
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: `pe-bulk-${String(start / perEndpoint).padStart(4, '0')}`,
        location: 'eastus',
        subnetId,
        connection: { privateLinkServiceId: STORAGE_ID, groupIds: ['blob'] },
        members,
        state: { status: 'Approved' },
      }).id,
    );
  }
  return ids;
}

/** Most successful writes in any window of `windowMs` emulated ms, from the emulator's request log. */
export function maxWritesPerWindow(
  fx: Fixture,
  operationIds: readonly string[],
  windowMs = 60_000,
): { max: number; total: number; throttled: number } {
  const entries = operationIds.flatMap((op) => fx.emu.log.list({ operationId: op }));
  const ok = entries.filter((e) => e.status >= 200 && e.status < 300).map((e) => e.time);
  const max = maxInWindow(ok, windowMs);
  return { max, total: ok.length, throttled: entries.filter((e) => e.status === 429).length };
}
