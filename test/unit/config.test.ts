import {
  ConfigError,
  appSettingsSchema,
  hubZoneGroups,
  parseAppConfig,
  zoneLocation,
} from '../../src/core/config';
import { APP_SETTINGS } from '../../src/core/settings';

const HUB = '00000000-0000-0000-0000-00000000a001';
const SPOKE = '00000000-0000-0000-0000-00000000b001';
const minimal = {
  HUB_SUBSCRIPTION_ID: HUB,
  HUB_ZONE_RESOURCE_GROUP: 'rg-hub-dns',
  SPOKE_SUBSCRIPTION_IDS: SPOKE,
};
const examples = Object.fromEntries(APP_SETTINGS.map((s) => [s.name, s.example]));

function configError(settings: Record<string, string | undefined>): ConfigError {
  try {
    parseAppConfig(settings);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('AppConfig', () => {
  it('has exactly one schema key per app setting', () => {
    expect(Object.keys(appSettingsSchema.shape).sort()).toEqual(APP_SETTINGS.map((s) => s.name).sort());
  });

  it('accepts every example value', () => {
    const config = parseAppConfig(examples);
    expect(config).toMatchObject({
      hubSubscriptionId: HUB,
      spokeSubscriptionIds: [SPOKE, '00000000-0000-0000-0000-00000000b002'],
      spokeResourceGroups: [`${SPOKE}/rg-backup`],
      policy: 'sync',
      recordTtlSeconds: 10,
      adoptForeignRecords: false,
      approvalMode: 'webhook',
      approvalTimeoutHours: 72,
      reconcileSchedule: '0 0 */6 * * *',
      armEndpoint: 'https://127.0.0.1:8443',
    });
    expect(config.azureClientId).toBeUndefined();
  });

  it('fills defaults for optional settings', () => {
    expect(parseAppConfig(minimal)).toEqual({
      hubSubscriptionId: HUB,
      hubZoneResourceGroup: 'rg-hub-dns',
      hubZoneOverrides: {},
      spokeSubscriptionIds: [SPOKE],
      spokeResourceGroups: [],
      ownerId: 'privatelink-dns-sync',
      policy: 'sync',
      recordTtlSeconds: 10,
      adoptForeignRecords: false,
      approvalMode: 'off',
      approvalAutoSubscriptions: [],
      approvalTimeoutHours: 72,
      reconcileSchedule: '0 0 */6 * * *',
      dnsReadyMaxWaitMinutes: 30,
      backupWatchSchedule: '0 2-59/5 * * * *',
      hubDnsReadBudget: 500,
      cloud: 'AzureCloud',
    });
  });

  it.each(['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const)(
    'takes AZURE_CLOUD=%s',
    (cloud) => {
      expect(parseAppConfig({ ...minimal, AZURE_CLOUD: cloud }).cloud).toBe(cloud);
    },
  );

  it.each([
    [{ ...minimal, HUB_SUBSCRIPTION_ID: undefined }, 'HUB_SUBSCRIPTION_ID: is required'],
    [{ ...minimal, HUB_SUBSCRIPTION_ID: 'hub' }, 'HUB_SUBSCRIPTION_ID: must be a subscription id'],
    [{ ...minimal, HUB_ZONE_RESOURCE_GROUP: 'bad/rg' }, 'HUB_ZONE_RESOURCE_GROUP'],
    [{ ...minimal, SPOKE_SUBSCRIPTION_IDS: ' , ' }, 'SPOKE_SUBSCRIPTION_IDS'],
    [{ ...minimal, SPOKE_SUBSCRIPTION_IDS: `${SPOKE},nope` }, 'SPOKE_SUBSCRIPTION_IDS'],
    [{ ...minimal, SPOKE_RESOURCE_GROUPS: 'rg-only' }, 'SPOKE_RESOURCE_GROUPS'],
    [{ ...minimal, SYNC_POLICY: 'mirror' }, 'SYNC_POLICY'],
    [{ ...minimal, RECORD_TTL_SECONDS: '0' }, 'RECORD_TTL_SECONDS: must be at least 1'],
    [{ ...minimal, RECORD_TTL_SECONDS: 'ten' }, 'RECORD_TTL_SECONDS'],
    [{ ...minimal, ADOPT_FOREIGN_RECORDS: 'yes' }, 'ADOPT_FOREIGN_RECORDS: must be true or false'],
    [
      { ...minimal, APPROVAL_MODE: 'auto' },
      'APPROVAL_WEBHOOK_SECRET: is required when APPROVAL_MODE is auto',
    ],
    [
      { ...minimal, RECONCILE_SCHEDULE: '*/5 * * * *' },
      'RECONCILE_SCHEDULE: must be an NCRONTAB expression with six fields',
    ],
    [
      { ...minimal, RECONCILE_SCHEDULE: 'a b c d e f' },
      'RECONCILE_SCHEDULE: is not a valid NCRONTAB expression',
    ],
    [
      { ...minimal, RECONCILE_SCHEDULE: '0 61 * * * *' },
      'RECONCILE_SCHEDULE: is not a valid NCRONTAB expression',
    ],
    [{ ...minimal, BACKUP_WATCH_SCHEDULE: '0 0 0 31 2 *' }, 'BACKUP_WATCH_SCHEDULE'],
    [
      { ...minimal, BACKUP_WATCH_SCHEDULE: '0 */0 * * * *' },
      'BACKUP_WATCH_SCHEDULE: is not a valid NCRONTAB expression',
    ],
    [{ ...minimal, OWNER_ID: 'x'.repeat(300) }, 'OWNER_ID'],
    [{ ...minimal, ARM_ENDPOINT: 'not a url' }, 'ARM_ENDPOINT'],
    [{ ...minimal, AZURE_CLOUD: 'AzureGermanCloud' }, 'AZURE_CLOUD: must be one of AzureCloud'],
    [{ ...minimal, AZURE_CLOUD: 'azurecloud' }, 'AZURE_CLOUD'],
    [{ ...minimal, HUB_ZONE_OVERRIDES: 'privatelink.blob.core.windows.net' }, 'HUB_ZONE_OVERRIDES'],
    [{ ...minimal, HUB_ZONE_OVERRIDES: 'z=/subscriptions/nope/resourceGroups/rg' }, 'HUB_ZONE_OVERRIDES'],
    [{ ...minimal, HUB_ZONE_OVERRIDES: 'z=bad/rg/name' }, 'HUB_ZONE_OVERRIDES'],
  ])('names the setting at fault: %j', (settings, expected) => {
    const error = configError(settings);
    expect(error.message).toContain(expected);
    expect(error.settings).toContain(expected.split(':')[0]);
  });

  it('reads booleans and numbers as app settings spell them', () => {
    const config = parseAppConfig({
      ...minimal,
      ADOPT_FOREIGN_RECORDS: 'True',
      RECORD_TTL_SECONDS: '300',
      SYNC_POLICY: '',
    });
    expect(config).toMatchObject({ adoptForeignRecords: true, recordTtlSeconds: 300, policy: 'sync' });
  });
});

describe('zoneLocation', () => {
  const config = parseAppConfig({
    ...minimal,
    HUB_ZONE_OVERRIDES:
      'privatelink.blob.core.windows.net=rg-storage-dns; Privatelink.Queue.core.windows.net.=/subscriptions/00000000-0000-0000-0000-00000000C001/resourceGroups/rg-q',
  });
  it.each([
    ['privatelink.eus.backup.windowsazure.com', HUB, 'rg-hub-dns'],
    ['privatelink.blob.core.windows.net', HUB, 'rg-storage-dns'],
    ['PRIVATELINK.QUEUE.CORE.WINDOWS.NET.', '00000000-0000-0000-0000-00000000c001', 'rg-q'],
  ])('%s lives in %s/%s', (zone, subscriptionId, resourceGroup) => {
    expect(zoneLocation(config, zone)).toEqual({ subscriptionId, resourceGroup });
  });
});

describe('hubZoneGroups', () => {
  const Q = '00000000-0000-0000-0000-00000000c001';
  it.each<[string, string, { subscriptionId: string; resourceGroup: string }[]]>([
    ['no overrides: the hub default only', '', [{ subscriptionId: HUB, resourceGroup: 'rg-hub-dns' }]],
    [
      'overrides add their groups, each once',
      `privatelink.blob.core.windows.net=rg-storage-dns; privatelink.file.core.windows.net=rg-storage-dns; privatelink.queue.core.windows.net=/subscriptions/${Q}/resourceGroups/rg-q`,
      [
        { subscriptionId: HUB, resourceGroup: 'rg-hub-dns' },
        { subscriptionId: HUB, resourceGroup: 'rg-storage-dns' },
        { subscriptionId: Q, resourceGroup: 'rg-q' },
      ],
    ],
    [
      'an override naming the default group (other case) adds nothing',
      `privatelink.blob.core.windows.net=/subscriptions/${HUB.toUpperCase()}/resourceGroups/RG-HUB-DNS`,
      [{ subscriptionId: HUB, resourceGroup: 'RG-HUB-DNS' }],
    ],
  ])('%s', (_case, overrides, expected) => {
    const config = parseAppConfig({ ...minimal, HUB_ZONE_OVERRIDES: overrides });
    expect(hubZoneGroups(config)).toEqual(expected);
  });
});
