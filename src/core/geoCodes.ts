import type { AzureCloudName } from './clouds';

/**
 * Azure Backup geo codes: the `<geo>` in `privatelink.<geo>.backup.windowsazure.com`.
 *
 * Two tables. `PUBLISHED_2022` holds the facts of Microsoft's published geo-code list (azure-docs
 * `articles/backup/scripts/geo-code-list.md`, version of 2022-03-07); the ARM location names are the display names
 * lower-cased without spaces, which is how ARM spells these regions. `NEWER_REGIONS` holds regions opened after that
 * list, each only when a Microsoft-owned source states its code, and each with those sources named. A region none of
 * them covers, or one where they disagree, stays out: a guessed zone would put records where no client looks, so
 * such endpoints are skipped with `unknown-geo` until a code is confirmed.
 */
const PUBLISHED_2022: readonly (readonly [location: string, geoCode: string])[] = [
  ['southcentralus', 'scus'], // South Central US
  ['northcentralus', 'ncus'], // North Central US
  ['eastus', 'eus'], // East US
  ['westus', 'wus'], // West US
  ['northeurope', 'ne'], // North Europe
  ['westeurope', 'we'], // West Europe
  ['eastasia', 'ea'], // East Asia
  ['southeastasia', 'sea'], // Southeast Asia
  ['centralus', 'cus'], // Central US
  ['eastus2', 'eus2'], // East US 2
  ['chinanorth', 'bjb'], // China North
  ['chinaeast', 'sha'], // China East
  ['japaneast', 'jpe'], // Japan East
  ['japanwest', 'jpw'], // Japan West
  ['brazilsouth', 'brs'], // Brazil South
  ['australiaeast', 'ae'], // Australia East
  ['australiasoutheast', 'ase'], // Australia Southeast
  ['usgoviowa', 'ugi'], // USGov Iowa
  ['usgovvirginia', 'ugv'], // USGov Virginia
  ['centralindia', 'inc'], // Central India
  ['southindia', 'ins'], // South India
  ['canadacentral', 'cnc'], // Canada Central
  ['canadaeast', 'cne'], // Canada East
  ['westcentralus', 'wcus'], // West Central US
  ['westus2', 'wus2'], // West US 2
  ['ukwest', 'ukw'], // UK West
  ['uksouth', 'uks'], // UK South
  ['centraluseuap', 'ccy'], // Central US EUAP
  ['eastus2euap', 'ecy'], // East US 2 EUAP
  ['germanycentral', 'gec'], // Germany Central
  ['germanynortheast', 'gne'], // Germany Northeast
  ['koreacentral', 'krc'], // Korea Central
  ['francecentral', 'frc'], // France Central
  ['francesouth', 'frs'], // France South
  ['koreasouth', 'krs'], // Korea South
  ['usgovtexas', 'ugt'], // USGov Texas
  ['usgovarizona', 'uga'], // USGov Arizona
  ['usdodcentral', 'udc'], // USDoD Central
  ['usdodeast', 'ude'], // USDoD East
  ['australiacentral', 'acl'], // Australia Central
  ['australiacentral2', 'acl2'], // Australia Central 2
  ['chinanorth2', 'bjb2'], // China North 2
  ['chinaeast2', 'sha2'], // China East 2
  ['uaecentral', 'uac'], // UAE Central
  ['uaenorth', 'uan'], // UAE North
  ['southafricanorth', 'san'], // South Africa North
  ['southafricawest', 'saw'], // South Africa West
  ['usseceast', 'rxe'], // USSec East
  ['ussecwest', 'rxw'], // USSec West
  ['usnateast', 'exe'], // USNat East
  ['usnatwest', 'exw'], // USNat West
  ['westindia', 'inw'], // West India
  ['germanywestcentral', 'gwc'], // Germany West Central
  ['germanynorth', 'gn'], // Germany North
  ['switzerlandnorth', 'szn'], // Switzerland North
  ['switzerlandwest', 'szw'], // Switzerland West
  ['norwaywest', 'nww'], // Norway West
  ['norwayeast', 'nwe'], // Norway East
  ['swedencentral', 'sdc'], // Sweden Central
  ['swedensouth', 'sds'], // Sweden South
  ['brazilsoutheast', 'bse'], // Brazil Southeast
  ['westus3', 'wus3'], // West US 3
  ['jioindiacentral', 'jic'], // Jio India Central
  ['jioindiawest', 'jiw'], // Jio India West
];

/** Where a code of a newer region was read. Repository copies are named with the commit that was read. */
const SOURCES = {
  /** Azure Verified Modules pattern module; `azureRegionGeoCodeShortNameAsKey` fills `{regionCode}` for Backup. */
  avmBicep:
    'Azure/bicep-registry-modules avm/ptn/network/private-link-private-dns-zones/main.bicep @ 00202101af14986ff827b97a2a2ae9b493c80276',
  /** AVM regions utility; the table is generated from Azure Backup's own geo-code mapping (see its utl/ script). */
  avmTfRegions:
    'Azure/terraform-azurerm-avm-utl-regions locals.geo.codes.tf.json @ 733a48b3aab9203f68bf569df7a129df6928d51d',
  /** Azure Landing Zones Bicep; `varAzBackupGeoCodes` builds the Backup zone of the hub. */
  alzBicep:
    'Azure/ALZ-Bicep infra-as-code/bicep/modules/privateDnsZones/privateDnsZones.bicep @ 05110fcd506a52fd1477656a36b56ec0156247fa',
  /** Azure China (21Vianet) edition of the geo-code list. */
  azureChinaDocs: 'https://docs.azure.cn/en-us/backup/scripts/geo-code-list',
} as const;

type SourceName = keyof typeof SOURCES;

/** A region newer than the 2022 list, with the sources that state its code (all of them agree). */
export interface NewerGeoCode {
  readonly location: string;
  readonly geoCode: string;
  readonly sources: readonly string[];
}

const NEWER: readonly (readonly [location: string, geoCode: string, sources: readonly SourceName[]])[] = [
  ['polandcentral', 'plc', ['avmBicep', 'avmTfRegions']],
  ['italynorth', 'itn', ['avmBicep', 'avmTfRegions']],
  ['spaincentral', 'spc', ['avmBicep', 'avmTfRegions']],
  ['mexicocentral', 'mxc', ['avmBicep', 'avmTfRegions']],
  ['israelcentral', 'ilc', ['avmBicep', 'avmTfRegions']],
  ['qatarcentral', 'qac', ['avmBicep', 'avmTfRegions', 'alzBicep']],
  ['newzealandnorth', 'nzn', ['avmBicep', 'avmTfRegions']],
  ['taiwannorth', 'twn', ['avmBicep', 'avmTfRegions']],
  ['malaysiawest', 'myw', ['avmBicep', 'avmTfRegions']],
  ['malaysiasouth', 'mys', ['avmBicep', 'avmTfRegions']],
  ['indonesiacentral', 'idc', ['avmBicep', 'avmTfRegions']],
  ['chilecentral', 'clc', ['avmBicep', 'avmTfRegions']],
  // Only the regions utility so far. A naming-abbreviation table of unknown origin spells Austria East `ate`; it is
  // not a Backup table (it also gives Spain Central `esc`, against both Backup sources), so it does not count here.
  ['austriaeast', 'aue', ['avmTfRegions']],
  ['belgiumcentral', 'bec', ['avmTfRegions']],
  ['denmarkeast', 'dke', ['avmTfRegions']],
  ['taiwannorthwest', 'tnw', ['avmTfRegions']],
  ['israelnorthwest', 'iln', ['avmTfRegions']],
  ['indiasouthcentral', 'insc', ['avmTfRegions']],
  ['eastus3', 'eus3', ['avmTfRegions']],
  ['southcentralus2', 'usc2', ['avmTfRegions']],
  ['southeastus', 'use', ['avmTfRegions']],
  ['southeastus3', 'use3', ['avmTfRegions']],
  ['southeastus5', 'use5', ['avmTfRegions']],
  ['northeastus5', 'ne5s', ['avmTfRegions']],
  ['southwestus', 'swus', ['avmTfRegions']],
  // Azure China. That page also maps "China East 2" to a second code, `bj2r`, besides `sha2`; one region with two
  // codes is not something to act on without an explanation, so `bj2r` is left out.
  ['chinanorth3', 'bjb3', ['alzBicep', 'azureChinaDocs']],
  ['chinaeast3', 'sha3', ['alzBicep', 'azureChinaDocs']],
];

const NEWER_REGIONS: readonly NewerGeoCode[] = NEWER.map(([location, geoCode, sources]) => ({
  location,
  geoCode,
  sources: sources.map((name) => SOURCES[name]),
}));

const GEO_CODE_BY_LOCATION: readonly (readonly [location: string, geoCode: string])[] = [
  ...PUBLISHED_2022,
  ...NEWER_REGIONS.map(({ location, geoCode }) => [location, geoCode] as const),
];

const byLocation = new Map(GEO_CODE_BY_LOCATION.map(([location, code]) => [location, code]));
const knownCodes = new Set(GEO_CODE_BY_LOCATION.map(([, code]) => code));

/**
 * The cloud a region belongs to. The geo-code list mixes every cloud: `USGov …`/`USDoD …` regions are Azure US
 * Government, `China …` regions Azure operated by 21Vianet, `USNat …`/`USSec …` the air-gapped clouds and
 * `Germany Central`/`Germany Northeast` the closed Microsoft Cloud Deutschland (neither of the last two is a cloud
 * this app supports); everything else is the public cloud.
 */
export function cloudOfLocation(location: string): AzureCloudName | 'unsupported' {
  const l = location.toLowerCase().replace(/\s+/g, '');
  if (l.startsWith('usgov') || l.startsWith('usdod')) return 'AzureUSGovernment';
  if (l.startsWith('china')) return 'AzureChinaCloud';
  if (l.startsWith('usnat') || l.startsWith('ussec')) return 'unsupported';
  if (l === 'germanycentral' || l === 'germanynortheast') return 'unsupported';
  return 'AzureCloud';
}

const codesByCloud = new Map<string, Set<string>>();
const locationsByCloud = new Map<string, Set<string>>();
for (const [location, code] of GEO_CODE_BY_LOCATION) {
  const cloud = cloudOfLocation(location);
  codesByCloud.set(cloud, (codesByCloud.get(cloud) ?? new Set()).add(code));
  locationsByCloud.set(cloud, (locationsByCloud.get(cloud) ?? new Set()).add(location));
}

/** Geo code of an ARM location (`eastus` → `eus`), case- and space-insensitive; undefined when unknown. */
export function geoCodeForLocation(location: string): string | undefined {
  return byLocation.get(location.toLowerCase().replace(/\s+/g, ''));
}

/**
 * True when `code` is a known Backup geo code (published in 2022, or a sourced newer one); with `cloud`, only the
 * codes of that cloud's regions count (`ugv` is a US Government code, not a public-cloud one).
 */
export function isKnownGeoCode(code: string, cloud?: AzureCloudName): boolean {
  const lower = code.toLowerCase();
  return cloud ? (codesByCloud.get(cloud)?.has(lower) ?? false) : knownCodes.has(lower);
}

/**
 * True when `location` is an ARM region name of `cloud` that the geo-code tables know (the region list the zone
 * catalogue checks `{regionName}` labels against: a label that is not a region is not a zone to guess).
 */
export function isKnownRegion(location: string, cloud: AzureCloudName): boolean {
  return locationsByCloud.get(cloud)?.has(location.toLowerCase()) ?? false;
}

/** The whole table as `[location, geoCode]` pairs, 2022 list first, then newer regions (for docs and tests). */
export function geoCodeTable(): readonly (readonly [string, string])[] {
  return GEO_CODE_BY_LOCATION;
}

/** Regions added after the 2022 list, each with the sources its code was read from. */
export function newerGeoCodeTable(): readonly NewerGeoCode[] {
  return NEWER_REGIONS;
}
