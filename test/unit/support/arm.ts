/** Builders for ARM JSON of private endpoints and their NICs (wire shape), for table-driven tests. */
import fs from 'node:fs';
import path from 'node:path';

export const SUB = '3f6e1d2c-4b5a-4e7f-8a9b-0c1d2e3f4a5b';
export const OTHER_SUB = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const RG = 'rg-app-backup';

export interface PeSpec {
  name: string;
  sub?: string;
  rg?: string;
  location?: string;
  group?: string;
  status?: string;
  manual?: boolean;
  provisioningState?: string;
  /** FQDN → IP on the NIC (one ipConfiguration each). */
  nic?: [string, string][];
  /** FQDN → IPs in customDnsConfigs. */
  customDns?: [string, string[]][];
  target?: string;
}

export function peId(name: string, sub = SUB, rg = RG): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/${name}`;
}

export function canonicalPeId(name: string, sub = SUB, rg = RG): string {
  return peId(name, sub, rg).toLowerCase();
}

/** The endpoint and (when `nic` is given) its NIC. */
export function endpointResources(spec: PeSpec): Record<string, unknown>[] {
  const sub = spec.sub ?? SUB;
  const rg = spec.rg ?? RG;
  const id = peId(spec.name, sub, rg);
  const nicName = `${spec.name}.nic.0a1b2c3d-0000-4000-8000-${spec.name.length.toString().padStart(12, '0')}`;
  const nicId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
  const connection = {
    name: spec.name,
    id: `${id}/privateLinkServiceConnections/${spec.name}`,
    properties: {
      privateLinkServiceId:
        spec.target ??
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/rsv-app`,
      groupIds: [spec.group ?? 'AzureBackup'],
      privateLinkServiceConnectionState: {
        status: spec.status ?? 'Approved',
        description: '',
        actionsRequired: 'None',
      },
    },
  };
  const pe = {
    id,
    name: spec.name,
    type: 'Microsoft.Network/privateEndpoints',
    location: spec.location ?? 'eastus',
    properties: {
      provisioningState: spec.provisioningState ?? 'Succeeded',
      privateLinkServiceConnections: spec.manual ? [] : [connection],
      manualPrivateLinkServiceConnections: spec.manual ? [connection] : [],
      networkInterfaces: [{ id: nicId }],
      customDnsConfigs: (spec.customDns ?? []).map(([fqdn, ipAddresses]) => ({ fqdn, ipAddresses })),
    },
  };
  if (!spec.nic) return [pe];
  const nic = {
    id: nicId,
    name: nicName,
    type: 'Microsoft.Network/networkInterfaces',
    location: spec.location ?? 'eastus',
    properties: {
      provisioningState: 'Succeeded',
      privateEndpoint: { id },
      ipConfigurations: spec.nic.map(([fqdn, ip], i) => ({
        name: `privateEndpointIpConfig.${i}`,
        properties: {
          privateIPAddress: ip,
          privateLinkConnectionProperties: {
            groupId: spec.group ?? 'AzureBackup',
            requiredMemberName: 'm',
            fqdns: [fqdn],
          },
        },
      })),
    },
  };
  return [pe, nic];
}

export const VAULT_ID = '4417203958861027345';
export const backupFqdn = (role: string, geo = 'eus'): string =>
  `${VAULT_ID}-ab-pod01-${role}.${geo}.backup.windowsazure.com`;
export const BACKUP_ROLES = ['fc1', 'fab1', 'prot1', 'rec2', 'ecs1', 'id1', 'tel1', 'wbcm1'];

/** Folder of the shared Azure reference material, present next to the project on development machines. */
export const SHARED_REFERENCE = path.resolve(__dirname, '../../../../shared/azure-reference');
export const hasSharedReference = fs.existsSync(SHARED_REFERENCE);
export function describeIfShared(name: string, fn: () => void): void {
  if (hasSharedReference) {
    describe(name, fn);
  } else {
    describe.skip(`${name} (skipped: ${SHARED_REFERENCE} is absent)`, fn);
    console.log(`Skipping "${name}": shared Azure reference folder ${SHARED_REFERENCE} not found`);
  }
}
