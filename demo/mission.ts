/**
 * Steps of the demo's mission through the real SDK clients on the emulator (vaults, Backup and other private
 * endpoints), and what the mission reads back (NIC names, pending approvals, missing records).
 */
import type { promises as dnsPromises } from 'node:dns';
import type { DnsEntry } from '../local/arm/backupSimulator';
import { waitUntil } from '../local/stack';
import { LOCATION } from './estate';
import type { DemoStack } from './stack';

/** Entries whose hub record is missing or holds other IPs. */
export function missingEntries(stack: DemoStack, entries: readonly DnsEntry[]): DnsEntry[] {
  return entries.filter((e) => !(stack.hubRecord(e.zone, e.recordName) ?? []).includes(e.ip));
}

/** Creates a vault through the real Recovery Services client. */
export async function createVault(
  stack: DemoStack,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): Promise<string> {
  const vault = await stack.vaultClient(subscriptionId).vaults.createOrUpdate(resourceGroup, name, {
    location: LOCATION,
    sku: { name: 'RS0', tier: 'Standard' },
    identity: { type: 'SystemAssigned' },
    properties: { publicNetworkAccess: 'Disabled' },
  });
  if (!vault.id) throw new Error(`vault ${name} came back without an id`);
  return vault.id;
}

/** Creates a Backup private endpoint through the real Network client; `manual` asks the vault owner for approval. */
export async function createBackupEndpoint(
  stack: DemoStack,
  target: {
    subscriptionId: string;
    resourceGroup: string;
    subnetId: string;
    name: string;
    vaultId: string;
    manual?: boolean;
  },
): Promise<string> {
  const connection = [
    {
      name: target.name,
      privateLinkServiceId: target.vaultId,
      groupIds: ['AzureBackup'],
      requestMessage: 'Backup for the app team',
    },
  ];
  const endpoint = await stack
    .networkClient(target.subscriptionId)
    .privateEndpoints.beginCreateOrUpdateAndWait(
      target.resourceGroup,
      target.name,
      {
        location: LOCATION,
        subnet: { id: target.subnetId },
        ...(target.manual
          ? { manualPrivateLinkServiceConnections: connection }
          : { privateLinkServiceConnections: connection }),
      },
      { updateIntervalInMs: 10 },
    );
  if (!endpoint.id) throw new Error(`endpoint ${target.name} came back without an id`);
  return endpoint.id;
}

/** Creates a private endpoint to another service's resource through the real Network client. */
export async function createServiceEndpoint(
  stack: DemoStack,
  target: {
    subscriptionId: string;
    resourceGroup: string;
    subnetId: string;
    name: string;
    targetId: string;
    groupId: string;
  },
): Promise<string> {
  const endpoint = await stack
    .networkClient(target.subscriptionId)
    .privateEndpoints.beginCreateOrUpdateAndWait(
      target.resourceGroup,
      target.name,
      {
        location: LOCATION,
        subnet: { id: target.subnetId },
        privateLinkServiceConnections: [
          { name: target.name, privateLinkServiceId: target.targetId, groupIds: [target.groupId] },
        ],
      },
      { updateIntervalInMs: 10 },
    );
  if (!endpoint.id) throw new Error(`endpoint ${target.name} came back without an id`);
  return endpoint.id;
}

/** `fqdn → ip` of an endpoint's NIC, as the service filled it. */
export function nicNames(stack: DemoStack, endpointId: string): Map<string, string> {
  const nic = stack.network.getNetworkInterface(endpointId);
  const configs =
    (nic?.properties as { ipConfigurations?: { properties: Record<string, unknown> }[] } | undefined)
      ?.ipConfigurations ?? [];
  const out = new Map<string, string>();
  for (const c of configs) {
    const link = c.properties.privateLinkConnectionProperties as { fqdns?: string[] } | undefined;
    for (const fqdn of link?.fqdns ?? []) out.set(fqdn, String(c.properties.privateIPAddress));
  }
  return out;
}

interface PendingListItem {
  connectionId: string;
  vaultId: string;
  privateEndpointId: string;
}

/** Waits until `GET /api/approvals` lists a pending connection of the endpoint. */
export async function pendingConnectionOf(
  stack: DemoStack,
  endpointId: string,
  timeoutMs = 20_000,
): Promise<PendingListItem> {
  return waitUntil(
    `a pending approval for ${endpointId}`,
    async () => {
      const list = await stack.api('GET', 'approvals');
      const pending = (list.json as { pending?: PendingListItem[] } | undefined)?.pending ?? [];
      return pending.find((p) => p.privateEndpointId.toLowerCase() === endpointId.toLowerCase());
    },
    timeoutMs,
  );
}

/** The A record's addresses through the local DNS server, joined with commas, or the resolver's error code. */
export async function resolveA(resolver: dnsPromises.Resolver, fqdn: string): Promise<string> {
  try {
    return (await resolver.resolve4(fqdn)).join(',');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}
