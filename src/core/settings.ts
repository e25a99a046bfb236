/**
 * Every app setting the app reads, in one table. The zod `AppConfig` (config.ts), the hub ARM template,
 * `local.settings.example.json` and the docs are all checked against this list.
 *
 * `deployed: false` marks settings that only make sense on a developer machine (pointing the SDK clients
 * at `local/arm`); the hub template must not set them.
 */
export interface SettingSpec {
  readonly name: string;
  readonly required: boolean;
  readonly deployed: boolean;
  /** Example value as it appears in local.settings.example.json (a string, as app settings are). */
  readonly example: string;
  readonly description: string;
}

export const APP_SETTINGS = [
  {
    name: 'HUB_SUBSCRIPTION_ID',
    required: true,
    deployed: true,
    example: '00000000-0000-0000-0000-00000000a001',
    description: 'Subscription that holds the hub privatelink.* Private DNS zones.',
  },
  {
    name: 'HUB_ZONE_RESOURCE_GROUP',
    required: true,
    deployed: true,
    example: 'rg-hub-dns',
    description: 'Default resource group of the hub Private DNS zones.',
  },
  {
    name: 'HUB_ZONE_OVERRIDES',
    required: false,
    deployed: true,
    example:
      'privatelink.blob.core.windows.net=rg-hub-dns-storage;privatelink.queue.core.windows.net=rg-hub-dns-storage',
    description:
      'Zones that live elsewhere: `zone=resourceGroup` or `zone=/subscriptions/<id>/resourceGroups/<rg>`, separated by `;`.',
  },
  {
    name: 'SPOKE_SUBSCRIPTION_IDS',
    required: true,
    deployed: true,
    example: '00000000-0000-0000-0000-00000000b001,00000000-0000-0000-0000-00000000b002',
    description:
      'Comma-separated spoke subscriptions whose private endpoints are synced; events from others are ignored.',
  },
  {
    name: 'SPOKE_RESOURCE_GROUPS',
    required: false,
    deployed: true,
    example: '00000000-0000-0000-0000-00000000b001/rg-backup',
    description:
      'Optional comma-separated `subscriptionId/resourceGroup` entries; when set, only endpoints in these groups are synced.',
  },
  {
    name: 'OWNER_ID',
    required: false,
    deployed: true,
    example: 'privatelink-dns-sync',
    description:
      'Owner id written into record-set metadata; records without it are foreign and never changed.',
  },
  {
    name: 'SYNC_POLICY',
    required: false,
    deployed: true,
    example: 'sync',
    description: '`sync` (create, update, delete owned records), `upsert-only` or `create-only`.',
  },
  {
    name: 'RECORD_TTL_SECONDS',
    required: false,
    deployed: true,
    example: '10',
    description: 'TTL of the A records written.',
  },
  {
    name: 'ADOPT_FOREIGN_RECORDS',
    required: false,
    deployed: true,
    example: 'false',
    description:
      'When true, a foreign record whose IPs already match becomes owned (migration from the manual scripts).',
  },
  {
    name: 'APPROVAL_MODE',
    required: false,
    deployed: true,
    example: 'webhook',
    description:
      '`off` (pending connections are left alone), `webhook` (wait for POST /api/approvals) or `auto` (approve for allow-listed subscriptions, webhook for the rest).',
  },
  {
    name: 'APPROVAL_AUTO_SUBSCRIPTIONS',
    required: false,
    deployed: true,
    example: '',
    description:
      'Comma-separated subscriptions whose pending connections are approved without a human when APPROVAL_MODE=auto.',
  },
  {
    name: 'APPROVAL_TIMEOUT_HOURS',
    required: false,
    deployed: true,
    example: '72',
    description: 'How long an orchestration waits for an approval decision before giving up.',
  },
  {
    name: 'APPROVAL_WEBHOOK_SECRET',
    required: false,
    deployed: true,
    example: 'local-dev-approval-secret-change-me',
    description:
      'HMAC-SHA256 key for approval webhook signatures, at least 32 bytes (a Key Vault reference when deployed; an unresolved reference makes the settings invalid).',
  },
  {
    name: 'RECONCILE_SCHEDULE',
    required: false,
    deployed: true,
    example: '0 0 */6 * * *',
    description: 'NCRONTAB schedule of the drift reconcile timer.',
  },
  {
    name: 'DNS_READY_MAX_WAIT_MINUTES',
    required: false,
    deployed: true,
    example: '30',
    description:
      'How long to wait, with backoff, for an endpoint to publish FQDNs before reporting it not ready.',
  },
  {
    name: 'BACKUP_WATCH_SCHEDULE',
    required: false,
    deployed: true,
    example: '0 2-59/5 * * * *',
    description:
      'NCRONTAB schedule of the Backup watch: one Resource Graph query over the Backup endpoints in scope, syncing those whose FQDNs changed since the app last synced them.',
  },
  {
    name: 'HUB_DNS_READ_BUDGET',
    required: false,
    deployed: true,
    example: '500',
    description:
      "Private DNS reads (GETs) the app allows itself per 5 minutes in each hub subscription; Azure's limit is 500 and other tools share it.",
  },
  {
    name: 'AZURE_CLOUD',
    required: false,
    deployed: true,
    example: 'AzureCloud',
    description:
      '`AzureCloud`, `AzureUSGovernment` or `AzureChinaCloud`: the Resource Manager endpoint, sign-in authority and private DNS zone names the app uses (the hub template sets it from `environment().name`).',
  },
  {
    name: 'AZURE_CLIENT_ID',
    required: false,
    deployed: true,
    example: '',
    description:
      'Client id of the user-assigned managed identity the app signs in as (ManagedIdentityCredential; empty: the system-assigned identity). The CLI hands it to DefaultAzureCredential.',
  },
  {
    name: 'ARM_ENDPOINT',
    required: false,
    deployed: false,
    example: 'https://127.0.0.1:8443',
    description:
      "Resource Manager endpoint override (local/arm); default: the endpoint of AZURE_CLOUD's cloud (https://management.azure.com for AzureCloud).",
  },
  {
    name: 'ARM_CA_FILE',
    required: false,
    deployed: false,
    example: '.local-state/arm-ca.pem',
    description: 'PEM file trusted for ARM_ENDPOINT (the local emulator certificate).',
  },
] as const satisfies readonly SettingSpec[];

export type AppSettingName = (typeof APP_SETTINGS)[number]['name'];
