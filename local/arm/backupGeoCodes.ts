/**
 * Azure Backup's region codes, the `<geo>` of `<vaultId>-ab-pod01-<role>.privatelink.<geo>.backup.windowsazure.com`:
 * the emulator's own table, so the FQDNs it hands out never come from the code under test.
 *
 * `PUBLISHED` is Microsoft's geo-code list (azure-docs `articles/backup/scripts/geo-code-list.md`, version of
 * 2022-03-07, commit 78a9281147ec129bfaf657ea7d26a3674ea1d3be): one code per region display name. The keys are
 * the ARM location names, written as the display name in lower case without spaces (how ARM spells these
 * regions; the list itself names regions only by display name).
 *
 * `NEWER` holds regions opened after that list, with the Microsoft-owned source that states each code:
 * AVM = Azure Verified Modules `avm/ptn/network/private-link-private-dns-zones` (Backup zone per region) and the
 * AVM regions utility `terraform-azurerm-avm-utl-regions` (generated from Backup's own geo-code mapping);
 * "AVM regions" = only the latter so far; ALZ = Azure Landing Zones Bicep `privateDnsZones.bicep`
 * (`varAzBackupGeoCodes`); Azure China = docs.azure.cn `backup/scripts/geo-code-list`.
 */
const PUBLISHED: Readonly<Record<string, string>> = {
  southcentralus: 'scus', // South Central US
  northcentralus: 'ncus', // North Central US
  eastus: 'eus', // East US
  westus: 'wus', // West US
  northeurope: 'ne', // North Europe
  westeurope: 'we', // West Europe
  eastasia: 'ea', // East Asia
  southeastasia: 'sea', // Southeast Asia
  centralus: 'cus', // Central US
  eastus2: 'eus2', // East US 2
  chinanorth: 'bjb', // China North
  chinaeast: 'sha', // China East
  japaneast: 'jpe', // Japan East
  japanwest: 'jpw', // Japan West
  brazilsouth: 'brs', // Brazil South
  australiaeast: 'ae', // Australia East
  australiasoutheast: 'ase', // Australia Southeast
  usgoviowa: 'ugi', // USGov Iowa
  usgovvirginia: 'ugv', // USGov Virginia
  centralindia: 'inc', // Central India
  southindia: 'ins', // South India
  canadacentral: 'cnc', // Canada Central
  canadaeast: 'cne', // Canada East
  westcentralus: 'wcus', // West Central US
  westus2: 'wus2', // West US 2
  ukwest: 'ukw', // UK West
  uksouth: 'uks', // UK South
  centraluseuap: 'ccy', // Central US EUAP
  eastus2euap: 'ecy', // East US 2 EUAP
  germanycentral: 'gec', // Germany Central
  germanynortheast: 'gne', // Germany Northeast
  koreacentral: 'krc', // Korea Central
  francecentral: 'frc', // France Central
  francesouth: 'frs', // France South
  koreasouth: 'krs', // Korea South
  usgovtexas: 'ugt', // USGov Texas
  usgovarizona: 'uga', // USGov Arizona
  usdodcentral: 'udc', // USDoD Central
  usdodeast: 'ude', // USDoD East
  australiacentral: 'acl', // Australia Central
  australiacentral2: 'acl2', // Australia Central 2
  chinanorth2: 'bjb2', // China North 2
  chinaeast2: 'sha2', // China East 2
  uaecentral: 'uac', // UAE Central
  uaenorth: 'uan', // UAE North
  southafricanorth: 'san', // South Africa North
  southafricawest: 'saw', // South Africa West
  usseceast: 'rxe', // USSec East
  ussecwest: 'rxw', // USSec West
  usnateast: 'exe', // USNat East
  usnatwest: 'exw', // USNat West
  westindia: 'inw', // West India
  germanywestcentral: 'gwc', // Germany West Central
  germanynorth: 'gn', // Germany North
  switzerlandnorth: 'szn', // Switzerland North
  switzerlandwest: 'szw', // Switzerland West
  norwaywest: 'nww', // Norway West
  norwayeast: 'nwe', // Norway East
  swedencentral: 'sdc', // Sweden Central
  swedensouth: 'sds', // Sweden South
  brazilsoutheast: 'bse', // Brazil Southeast
  westus3: 'wus3', // West US 3
  jioindiacentral: 'jic', // Jio India Central
  jioindiawest: 'jiw', // Jio India West
};

const NEWER: Readonly<Record<string, string>> = {
  polandcentral: 'plc', // Poland Central (AVM)
  italynorth: 'itn', // Italy North (AVM)
  spaincentral: 'spc', // Spain Central (AVM)
  mexicocentral: 'mxc', // Mexico Central (AVM)
  israelcentral: 'ilc', // Israel Central (AVM)
  qatarcentral: 'qac', // Qatar Central (AVM, ALZ)
  newzealandnorth: 'nzn', // New Zealand North (AVM)
  taiwannorth: 'twn', // Taiwan North (AVM)
  malaysiawest: 'myw', // Malaysia West (AVM)
  malaysiasouth: 'mys', // Malaysia South (AVM)
  indonesiacentral: 'idc', // Indonesia Central (AVM)
  chilecentral: 'clc', // Chile Central (AVM)
  austriaeast: 'aue', // Austria East (AVM regions)
  belgiumcentral: 'bec', // Belgium Central (AVM regions)
  denmarkeast: 'dke', // Denmark East (AVM regions)
  taiwannorthwest: 'tnw', // Taiwan Northwest (AVM regions)
  israelnorthwest: 'iln', // Israel Northwest (AVM regions)
  indiasouthcentral: 'insc', // India South Central (AVM regions)
  eastus3: 'eus3', // East US 3 (AVM regions)
  southcentralus2: 'usc2', // South Central US 2 (AVM regions)
  southeastus: 'use', // Southeast US (AVM regions)
  southeastus3: 'use3', // Southeast US 3 (AVM regions)
  southeastus5: 'use5', // Southeast US 5 (AVM regions)
  northeastus5: 'ne5s', // Northeast US 5 (AVM regions)
  southwestus: 'swus', // Southwest US (AVM regions)
  chinanorth3: 'bjb3', // China North 3 (ALZ, Azure China)
  chinaeast3: 'sha3', // China East 3 (ALZ, Azure China)
};

const BY_LOCATION = new Map<string, string>([...Object.entries(PUBLISHED), ...Object.entries(NEWER)]);

/** The Backup geo code of an ARM location (`eastus` → `eus`; case and spaces ignored), or undefined. */
export function backupGeoCodeOf(location: string): string | undefined {
  return BY_LOCATION.get(location.toLowerCase().replace(/\s+/g, ''));
}

/** `[location, geoCode]` pairs: the published list, the newer regions, or both (published first). */
export function backupGeoCodeEntries(
  which: 'published' | 'newer' | 'all' = 'all',
): [location: string, geoCode: string][] {
  if (which === 'published') return Object.entries(PUBLISHED);
  if (which === 'newer') return Object.entries(NEWER);
  return [...BY_LOCATION.entries()];
}
