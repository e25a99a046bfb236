import { AZURE_CLOUD_NAMES, cloudProfile, cloudProfiles, isAzureCloudName } from '../../src/core/clouds';
import { renderCatalogueMarkdown, renderCloudTable, renderServiceTable } from '../../src/core/catalogueDocs';
import { cloudOfLocation, isKnownGeoCode, isKnownRegion } from '../../src/core/geoCodes';

describe('the cloud table (AZURE_CLOUD)', () => {
  it.each([
    [
      'AzureCloud',
      'https://management.azure.com',
      'https://login.microsoftonline.com',
      'backup.windowsazure.com',
    ],
    [
      'AzureUSGovernment',
      'https://management.usgovcloudapi.net',
      'https://login.microsoftonline.us',
      'backup.windowsazure.us',
    ],
    ['AzureChinaCloud', 'https://management.chinacloudapi.cn', 'https://login.chinacloudapi.cn', undefined],
  ] as const)('%s: Resource Manager %s, authority %s, Backup zones %s', (name, arm, authority, backup) => {
    const p = cloudProfile(name);
    expect(p.resourceManager).toBe(arm);
    expect(p.resourceGraph).toBe(arm);
    expect(p.credentialScope).toBe(`${arm}/.default`);
    expect(p.tokenAudiences).toContain(arm);
    expect(p.authorityHost).toBe(authority);
    expect(p.backupZoneSuffix).toBe(backup);
  });

  it('defaults to the public cloud and knows exactly three names', () => {
    expect(cloudProfile().name).toBe('AzureCloud');
    expect(cloudProfiles().map((p) => p.name)).toEqual([...AZURE_CLOUD_NAMES]);
    expect(isAzureCloudName('AzureUSGovernment')).toBe(true);
    expect(isAzureCloudName('AzureGermanCloud')).toBe(false);
  });

  it('storage zones of each cloud', () => {
    expect(cloudProfile('AzureUSGovernment').storageZones).toEqual({
      blob: 'privatelink.blob.core.usgovcloudapi.net',
      queue: 'privatelink.queue.core.usgovcloudapi.net',
    });
    expect(cloudProfile('AzureChinaCloud').storageZones.queue).toBe(
      'privatelink.queue.core.chinacloudapi.cn',
    );
  });
});

describe('regions and Backup geo codes per cloud', () => {
  it.each([
    ['eastus', 'AzureCloud'],
    ['USGov Virginia', 'AzureUSGovernment'],
    ['usdodeast', 'AzureUSGovernment'],
    ['chinanorth3', 'AzureChinaCloud'],
    ['usnateast', 'unsupported'],
    ['germanycentral', 'unsupported'],
  ] as const)('%s belongs to %s', (location, cloud) => {
    expect(cloudOfLocation(location)).toBe(cloud);
  });

  it('checks geo codes and region names against the cloud', () => {
    expect(isKnownGeoCode('ugv', 'AzureUSGovernment')).toBe(true);
    expect(isKnownGeoCode('ugv', 'AzureCloud')).toBe(false);
    expect(isKnownGeoCode('eus', 'AzureUSGovernment')).toBe(false);
    expect(isKnownGeoCode('UGV')).toBe(true);
    expect(isKnownGeoCode('sha2', 'AzureChinaCloud')).toBe(true);
    expect(isKnownRegion('usgovtexas', 'AzureUSGovernment')).toBe(true);
    expect(isKnownRegion('eastus', 'AzureUSGovernment')).toBe(false);
    expect(isKnownRegion('polandcentral', 'AzureCloud')).toBe(true);
    expect(isKnownRegion('marsnorth', 'AzureCloud')).toBe(false);
  });
});

describe('the generated service tables', () => {
  it('lists each cloud with its endpoints', () => {
    const clouds = renderCloudTable();
    expect(clouds).toContain(
      '| Azure US Government | `AzureUSGovernment` | https://management.usgovcloudapi.net |',
    );
    expect(clouds).toContain('none listed by Microsoft');
  });

  it('marks sub-zones, aliases and record shapes', () => {
    const table = renderServiceTable('AzureCloud');
    expect(table).toContain('`{regionName}.data.privatelink.azurecr.io` (used when the hub holds it)');
    expect(table).toContain('`privatelink.vaultcore.azure.net` (also `<name>.vault.azure.net`)');
    expect(table).toContain('records `{name}`, `{name}.scm`');
    expect(renderCatalogueMarkdown()).toContain('`blob.storage.azure.net`');
  });
});
