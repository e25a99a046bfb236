/** Emulator-backed fixture for the Azure adapter and CLI integration tests. */
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
} from './armEmulator';

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

export const VAULT_ID = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.RecoveryServices/vaults/rsv-spoke`;

/** A vault-like endpoint whose NIC carries `members`; Approved unless `state` says otherwise. */
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
      privateLinkServiceId: options.target ?? VAULT_ID,
      groupIds: options.groupIds ?? ['AzureBackup'],
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
