/**
 * Names Azure Backup gives to the things behind a vault's private endpoint: the 19-digit vault id, the
 * per-pod service roles under `<geo>.backup.windowsazure.com`, and the storage accounts it allocates for
 * communication (`ecs`) and backup data (`prot`). Pure and seeded, so a scenario replays identically. Region codes
 * come from the emulator's own table (`backupGeoCodes.ts`), never from the app.
 */
import { backupGeoCodeOf } from './backupGeoCodes';

/** Service roles a vault endpoint's NIC carries once settled, in the order the documentation lists them. The real set is open. */
export const BACKUP_POD_ROLES = ['fc1', 'fab1', 'prot1', 'rec2', 'ecs1', 'id1', 'tel1', 'wbcm1'] as const;
export type BackupPodRole = (typeof BACKUP_POD_ROLES)[number];

/**
 * The roles a new vault endpoint shows first: a portal export of a West Europe vault endpoint soon after creation
 * lists only these two FQDNs (../shared/azure-reference/03-azure-backup-private-endpoints.md, "Observed"), and
 * MicrosoftDocs/azure-docs issue #114622 reports two of the ten IPs in use after creation.
 */
export const INITIAL_BACKUP_ROLES: readonly BackupPodRole[] = ['rec2', 'id1'];

/** Region code for an ARM location; throws for a location the emulator's table does not know. */
export function backupGeoCode(location: string): string {
  const code = backupGeoCodeOf(location);
  if (code === undefined) {
    throw new Error(`no Azure Backup geo code is known for location '${location}'`);
  }
  return code;
}

/** A 19-digit vault id (no leading zero), the number Backup puts in front of every service FQDN. */
export function newBackupVaultId(random: () => number): string {
  let id = String(1 + Math.floor(random() * 9));
  while (id.length < 19) id += String(Math.floor(random() * 10));
  return id;
}

/**
 * `<vaultId>-ab-<pod>-<role>.privatelink.<geo>.backup.windowsazure.com`: the form with `.privatelink.` inside that
 * a vault endpoint's DNS configuration shows today (the "Observed" export). Older portal screenshots in the v1
 * documentation show the name without `privatelink.`; clients must accept both.
 */
export function backupServiceFqdn(vaultId: string, geo: string, role: string, pod = 'pod01'): string {
  return `${vaultId}-ab-${pod}-${role}.privatelink.${geo}.backup.windowsazure.com`;
}

/** The service FQDNs of `roles` (default: every role) for a vault in `location`. */
export function backupServiceFqdns(
  vaultId: string,
  location: string,
  roles: readonly string[] = BACKUP_POD_ROLES,
  pod = 'pod01',
): string[] {
  const geo = backupGeoCode(location);
  return roles.map((role) => backupServiceFqdn(vaultId, geo, role, pod));
}

export type BackupStorageKind = 'ecs' | 'prot';

/**
 * A storage account name in Backup's style: a short stamp prefix, the pod, the purpose and a number
 * (`abcdeypod01ecs114`, `abcdeypod01prot120`). Always a valid account name (3–24 lower-case alphanumerics).
 */
export function backupStorageAccountName(
  stamp: string,
  kind: BackupStorageKind,
  ordinal: number,
  pod = 'pod01',
): string {
  const name = `${stamp}${pod}${kind}${ordinal}`.toLowerCase();
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    throw new Error(`'${name}' is not a valid storage account name`);
  }
  return name;
}

/** A 6-letter stamp prefix for a vault's storage accounts. */
export function newStorageStamp(random: () => number): string {
  let stamp = '';
  for (let i = 0; i < 6; i++) stamp += String.fromCharCode(97 + Math.floor(random() * 26));
  return stamp;
}

export type StorageService = 'blob' | 'queue';

export function storageFqdn(account: string, service: StorageService): string {
  return `${account}.${service}.core.windows.net`;
}

/** The private endpoint connection name Backup uses: `{peName}.{vaultId}.backup.{guid}`. */
export function backupConnectionName(endpointName: string, vaultId: string, guid: string): string {
  return `${endpointName}.${vaultId}.backup.${guid}`;
}

/** Names of the endpoints Backup v1 creates next to the vault endpoint. */
export function v1StorageEndpointName(
  vaultEndpointName: string,
  kind: BackupStorageKind,
  service: StorageService,
  ordinal = 1,
): string {
  const suffix = ordinal <= 1 ? kind : `${kind}${ordinal}`;
  return `${vaultEndpointName}_${suffix}_${service}`;
}
