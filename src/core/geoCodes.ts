/**
 * Azure Backup geo codes: the `<geo>` in `privatelink.<geo>.backup.windowsazure.com`.
 *
 * Facts from Microsoft's published geo-code list (azure-docs `articles/backup/scripts/geo-code-list.md`,
 * version of 2022-03-07). The ARM location names are the display names lower-cased without spaces, which is how
 * ARM spells these regions. Regions opened after that list (Poland Central, Italy North, Spain Central, …) are
 * deliberately absent: their codes are not published in a source we could check, and a guessed zone would put
 * records where no client looks. Such endpoints are skipped with `unknown-geo` until a code is confirmed.
 */
const GEO_CODE_BY_LOCATION: readonly (readonly [location: string, geoCode: string])[] = [
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

const byLocation = new Map(GEO_CODE_BY_LOCATION.map(([location, code]) => [location, code]));
const knownCodes = new Set(GEO_CODE_BY_LOCATION.map(([, code]) => code));

/** Geo code of an ARM location (`eastus` → `eus`), case- and space-insensitive; undefined when unknown. */
export function geoCodeForLocation(location: string): string | undefined {
  return byLocation.get(location.toLowerCase().replace(/\s+/g, ''));
}

/** True when `code` is a published Backup geo code. */
export function isKnownGeoCode(code: string): boolean {
  return knownCodes.has(code.toLowerCase());
}

/** The whole table as `[location, geoCode]` pairs (for docs and tests). */
export function geoCodeTable(): readonly (readonly [string, string])[] {
  return GEO_CODE_BY_LOCATION;
}
