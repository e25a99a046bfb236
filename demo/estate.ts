/**
 * The demo's estate: a hub subscription with the Private DNS zones, a spoke whose teams own their Backup vaults, a
 * second spoke whose endpoints wait for approval (and a Cosmos DB account in two regions), one hand-made record the
 * app must never touch, and the app settings pointing at it. The demo, the end-to-end tests, the chaos runs and the
 * benchmarks share it.
 */

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
