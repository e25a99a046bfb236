/**
 * The Azure clouds the app runs in, selected by the `AZURE_CLOUD` setting. One row per cloud holds what differs
 * between them: where Resource Manager and Resource Graph answer, which token scope and sign-in authority the
 * credential uses, and the Backup zone family. The private DNS zone names of each cloud are the catalogue rows
 * tagged with that cloud (zoneCatalogue.ts); the Backup geo codes are the regions of that cloud (geoCodes.ts).
 *
 * Sources:
 * - Resource Manager endpoints: the `resourceManager` endpoint `az cloud show` prints for each cloud
 *   (AzureCloud `https://management.azure.com/`, AzureUSGovernment `https://management.usgovcloudapi.net/`,
 *   AzureChinaCloud `https://management.chinacloudapi.cn/`). Resource Graph is a Resource Manager provider
 *   (`Microsoft.ResourceGraph`), so it answers on the same endpoint.
 * - Token scope: `<resource manager endpoint>/.default`, the scope the `@azure/arm-*` clients ask for when none is
 *   given; Resource Manager also accepts its `activeDirectoryResourceId` (`https://management.core.…/`) audience.
 * - Authority hosts: `AzureAuthorityHosts` of `@azure/identity` (AzurePublicCloud, AzureGovernment, AzureChina).
 * - Names: the values of ARM's `environment().name` and of `az cloud list`.
 */
export const AZURE_CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type AzureCloudName = (typeof AZURE_CLOUD_NAMES)[number];

export const DEFAULT_CLOUD: AzureCloudName = 'AzureCloud';

export interface AzureCloudProfile {
  readonly name: AzureCloudName;
  /** How Microsoft's docs name the cloud. */
  readonly displayName: string;
  /** Resource Manager endpoint, no trailing slash. */
  readonly resourceManager: string;
  /** The scope the credential asks a token for. */
  readonly credentialScope: string;
  /** Token audiences Resource Manager of this cloud accepts (with and without the trailing slash). */
  readonly tokenAudiences: readonly string[];
  /** Microsoft Entra authority host for `@azure/identity`. */
  readonly authorityHost: string;
  /** Resource Graph endpoint (Resource Manager's own). */
  readonly resourceGraph: string;
  /** Storage zones every Backup vault endpoint needs besides its regional Backup zone. */
  readonly storageZones: { readonly blob: string; readonly queue: string };
  /** Suffix of the Backup zones `privatelink.<geo>.<suffix>`; undefined where Microsoft lists no Backup zone. */
  readonly backupZoneSuffix?: string;
}

const audiences = (...hosts: string[]): string[] => hosts.flatMap((h) => [h, `${h}/`]);

const PROFILES: Record<AzureCloudName, AzureCloudProfile> = {
  AzureCloud: {
    name: 'AzureCloud',
    displayName: 'Azure (public)',
    resourceManager: 'https://management.azure.com',
    credentialScope: 'https://management.azure.com/.default',
    tokenAudiences: audiences('https://management.azure.com', 'https://management.core.windows.net'),
    authorityHost: 'https://login.microsoftonline.com',
    resourceGraph: 'https://management.azure.com',
    storageZones: {
      blob: 'privatelink.blob.core.windows.net',
      queue: 'privatelink.queue.core.windows.net',
    },
    backupZoneSuffix: 'backup.windowsazure.com',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    displayName: 'Azure US Government',
    resourceManager: 'https://management.usgovcloudapi.net',
    credentialScope: 'https://management.usgovcloudapi.net/.default',
    tokenAudiences: audiences(
      'https://management.usgovcloudapi.net',
      'https://management.core.usgovcloudapi.net',
    ),
    authorityHost: 'https://login.microsoftonline.us',
    resourceGraph: 'https://management.usgovcloudapi.net',
    storageZones: {
      blob: 'privatelink.blob.core.usgovcloudapi.net',
      queue: 'privatelink.queue.core.usgovcloudapi.net',
    },
    backupZoneSuffix: 'backup.windowsazure.us',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    displayName: 'Azure operated by 21Vianet',
    resourceManager: 'https://management.chinacloudapi.cn',
    credentialScope: 'https://management.chinacloudapi.cn/.default',
    tokenAudiences: audiences(
      'https://management.chinacloudapi.cn',
      'https://management.core.chinacloudapi.cn',
    ),
    authorityHost: 'https://login.chinacloudapi.cn',
    resourceGraph: 'https://management.chinacloudapi.cn',
    storageZones: {
      blob: 'privatelink.blob.core.chinacloudapi.cn',
      queue: 'privatelink.queue.core.chinacloudapi.cn',
    },
    // Microsoft's zone table for Azure operated by 21Vianet has no Azure Backup row: Backup FQDNs stay skipped.
  },
};

export function isAzureCloudName(value: string): value is AzureCloudName {
  return (AZURE_CLOUD_NAMES as readonly string[]).includes(value);
}

/** The profile of a cloud; `undefined` and unknown names are refused by the settings schema before this. */
export function cloudProfile(name: AzureCloudName = DEFAULT_CLOUD): AzureCloudProfile {
  return PROFILES[name];
}

export function cloudProfiles(): readonly AzureCloudProfile[] {
  return AZURE_CLOUD_NAMES.map((name) => PROFILES[name]);
}
