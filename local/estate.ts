/**
 * The example estate the README walks through, for `npm run emulator -- --seed demo` (and `--seed migration`):
 * the hub and spokes of `local.settings.example.json`, the hub's three Backup zones linked to the spoke VNet, and a
 * Backup v1 vault `rsv-app` whose private endpoint has gone through discovery. `migration` adds what
 * `CreateDNSEntries.ps1` leaves behind: the same records written by hand, without an owner, one of them with a
 * stale address.
 *
 * The ids are the example values of the app settings (a test keeps them equal to local.settings.example.json).
 */
import type { ArmEmulator } from './arm/server';
import type { BackupSimulator } from './arm/backupSimulator';
import type { SeedDocument } from './arm/context';
import type { PrivateDnsService } from './arm/providers/privateDns';

export const ESTATE = {
  hubSubscriptionId: '00000000-0000-0000-0000-00000000a001',
  hubZoneResourceGroup: 'rg-hub-dns',
  storageZoneResourceGroup: 'rg-hub-dns-storage',
  spokeSubscriptionId: '00000000-0000-0000-0000-00000000b001',
  otherSpokeSubscriptionId: '00000000-0000-0000-0000-00000000b002',
  spokeResourceGroup: 'rg-backup',
  location: 'eastus',
  vaultName: 'rsv-app',
  endpointName: 'pe-rsv-app',
  backupZone: 'privatelink.eus.backup.windowsazure.com',
  storageZones: ['privatelink.blob.core.windows.net', 'privatelink.queue.core.windows.net'],
} as const;

export const SPOKE_VNET_ID = `/subscriptions/${ESTATE.spokeSubscriptionId}/resourceGroups/${ESTATE.spokeResourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet-backup`;
export const VAULT_ID = `/subscriptions/${ESTATE.spokeSubscriptionId}/resourceGroups/${ESTATE.spokeResourceGroup}/providers/Microsoft.RecoveryServices/vaults/${ESTATE.vaultName}`;

export const ESTATE_SEEDS = ['demo', 'migration', 'empty'] as const;
export type EstateSeed = (typeof ESTATE_SEEDS)[number];

const link = { name: 'vnet-backup', virtualNetworkId: SPOKE_VNET_ID };

/** Subscriptions, groups, VNets and the hub zones (what the seed document can say). */
export function estateSeedDocument(): SeedDocument {
  return {
    subscriptions: [
      {
        subscriptionId: ESTATE.hubSubscriptionId,
        displayName: 'hub',
        resourceGroups: [
          {
            name: ESTATE.hubZoneResourceGroup,
            location: ESTATE.location,
            privateDnsZones: [{ name: ESTATE.backupZone, links: [link] }],
          },
          {
            name: ESTATE.storageZoneResourceGroup,
            location: ESTATE.location,
            privateDnsZones: ESTATE.storageZones.map((name) => ({ name, links: [link] })),
          },
        ],
      },
      {
        subscriptionId: ESTATE.spokeSubscriptionId,
        displayName: 'spoke-backup',
        resourceGroups: [
          {
            name: ESTATE.spokeResourceGroup,
            location: ESTATE.location,
            virtualNetworks: [
              {
                name: 'vnet-backup',
                addressPrefixes: ['10.12.0.0/16'],
                subnets: [{ name: 'snet-pe', addressPrefix: '10.12.0.0/24' }],
              },
            ],
          },
        ],
      },
      {
        subscriptionId: ESTATE.otherSpokeSubscriptionId,
        displayName: 'spoke-app',
        resourceGroups: [
          {
            name: 'rg-app',
            location: ESTATE.location,
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
}

export interface SeededEstate {
  readonly seed: EstateSeed;
  /** The vault, when the seed has one. */
  readonly vaultId?: string;
  /** Lines for the emulator's banner. */
  readonly describe: string[];
}

/**
 * Plays the estate into a running emulator: the seed document, then the Backup story (vault, endpoint,
 * discovery) and, for `migration`, the hand-made records.
 */
export function seedEstate(emu: ArmEmulator, seed: EstateSeed): SeededEstate {
  emu.seed(estateSeedDocument());
  if (seed === 'empty') return { seed, describe: ['hub zones and spoke VNets, no endpoints'] };
  const backup = emu.service<BackupSimulator>('backup');
  const vault = backup.createVault({
    subscriptionId: ESTATE.spokeSubscriptionId,
    resourceGroup: ESTATE.spokeResourceGroup,
    name: ESTATE.vaultName,
    location: ESTATE.location,
    experience: 'v1',
    publicNetworkAccess: 'Disabled',
  });
  backup.createVaultEndpoint({
    vaultId: vault.id,
    subscriptionId: ESTATE.spokeSubscriptionId,
    resourceGroup: ESTATE.spokeResourceGroup,
    name: ESTATE.endpointName,
    subnetId: `${SPOKE_VNET_ID}/subnets/snet-pe`,
  });
  backup.run(vault.id, 'discover');
  const describe = [`Backup v1 vault ${ESTATE.vaultName}, endpoint ${ESTATE.endpointName}, after discovery`];
  if (seed === 'migration') {
    const dns = emu.service<PrivateDnsService>('privateDns');
    const entries = backup.dnsEntries(vault.id);
    for (const entry of entries) {
      const zoneId = dns.zoneId(
        ESTATE.hubSubscriptionId,
        entry.zone === ESTATE.backupZone ? ESTATE.hubZoneResourceGroup : ESTATE.storageZoneResourceGroup,
        entry.zone,
      );
      // The fc1 record holds an address the endpoint no longer has (a hand edit gone stale).
      const stale = entry.recordName.endsWith('-ab-pod01-fc1');
      dns.putARecordSet(zoneId, {
        name: entry.recordName,
        ttl: 3600,
        ipv4Addresses: [stale ? '10.12.0.99' : entry.ip],
      });
    }
    describe.push(
      `${entries.length} records written by hand as CreateDNSEntries.ps1 leaves them (no owner), one with a stale IP`,
    );
  }
  return { seed, vaultId: vault.id, describe };
}
