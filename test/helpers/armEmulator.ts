/** Shared setup for integration tests against the local ARM emulator. */
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../local/arm/server';

export const HUB_SUBSCRIPTION = '00000000-0000-4000-8000-00000000a0b1';
export const SPOKE_SUBSCRIPTION = '00000000-0000-4000-8000-00000000c0d2';
export const SPOKE_RG = 'rg-spoke';
export const HUB_RG = 'rg-hub-dns';
export const SPOKE_VNET_ID = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
export const SPOKE_SUBNET_ID = `${SPOKE_VNET_ID}/subnets/snet-pe`;
export const HUB_VNET_ID = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;

/** A hub subscription with a DNS resource group and VNet, and a spoke with a VNet for private endpoints. */
export const standardSeed: NonNullable<ArmEmulatorOptions['seed']> = {
  subscriptions: [
    {
      subscriptionId: HUB_SUBSCRIPTION,
      displayName: 'hub',
      resourceGroups: [
        {
          name: HUB_RG,
          location: 'eastus',
          virtualNetworks: [
            {
              name: 'vnet-hub',
              addressPrefixes: ['10.0.0.0/16'],
              subnets: [{ name: 'snet-dns', addressPrefix: '10.0.0.0/24' }],
            },
          ],
        },
      ],
    },
    {
      subscriptionId: SPOKE_SUBSCRIPTION,
      displayName: 'spoke',
      resourceGroups: [
        {
          name: SPOKE_RG,
          location: 'eastus',
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
  ],
};

export async function startSeededEmulator(options: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  return startArmEmulator({ seed: standardSeed, ...options });
}
