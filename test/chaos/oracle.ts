/**
 * The harness's own answer to "which A records should the hub hold", written from Microsoft's documentation and
 * independent of the app (no import of its planner, catalogue or endpoint parser): a private endpoint publishes
 * records only while its connection is `Approved`; each FQDN on its NIC's ip configurations
 * (`privateLinkConnectionProperties.fqdns`) becomes an A record with that configuration's IP in the private zone
 * `privatelink.<public suffix>`.
 *
 * The zone table covers the services the chaos estate creates. Source: Microsoft, "Azure Private Endpoint private
 * DNS zone values" (../shared/azure-reference/06-private-dns-zone-values.md): Recovery Services vault
 * (`AzureBackup`) → `privatelink.<geo>.backup.windowsazure.com`, Storage blob/queue →
 * `privatelink.blob|queue.core.windows.net`, Key Vault (`vault`) → `privatelink.vaultcore.azure.net` (public
 * name `<vault>.vault.azure.net`). Backup also shows its FQDNs with `.privatelink.` inside
 * (03-azure-backup-private-endpoints.md, "Observed"); both forms name the same record.
 */
import type { ArmResource } from '../../local/arm/store';

/** Owner key the app writes into record-set metadata (docs/security.md, "Ownership metadata"). */
export const OWNER_KEY = 'pldsowner';

export interface RecordKey {
  readonly zone: string;
  readonly name: string;
}

export function recordKey(zone: string, name: string): string {
  return `${zone.toLowerCase()}|${name.toLowerCase()}`;
}

/** Private zone and record name of a public FQDN, or undefined when the harness knows no zone for it. */
export function zoneOf(fqdn: string): RecordKey | undefined {
  const f = fqdn.toLowerCase().replace(/\.$/, '');
  const backup = /^([^.]+)\.(?:privatelink\.)?([a-z0-9]+)\.backup\.windowsazure\.com$/.exec(f);
  if (backup) return { zone: `privatelink.${backup[2]}.backup.windowsazure.com`, name: backup[1] as string };
  const storage = /^([^.]+)\.(?:privatelink\.)?(blob|queue)\.core\.windows\.net$/.exec(f);
  if (storage) return { zone: `privatelink.${storage[2]}.core.windows.net`, name: storage[1] as string };
  const vault = /^([^.]+)\.(?:privatelink\.)?(?:vault\.azure\.net|vaultcore\.azure\.net)$/.exec(f);
  if (vault) return { zone: 'privatelink.vaultcore.azure.net', name: vault[1] as string };
  return undefined;
}

export interface NicEntry {
  readonly ip: string;
  readonly fqdns: string[];
}

/** IPs and FQDNs of a NIC's ip configurations (wire shape). */
export function nicEntries(nic: ArmResource | undefined): NicEntry[] {
  const configs =
    ((nic?.properties as Record<string, unknown> | undefined)?.ipConfigurations as
      | {
          properties?: { privateIPAddress?: string; privateLinkConnectionProperties?: { fqdns?: string[] } };
        }[]
      | undefined) ?? [];
  return configs.map((c) => ({
    ip: c.properties?.privateIPAddress ?? '',
    fqdns: [...(c.properties?.privateLinkConnectionProperties?.fqdns ?? [])],
  }));
}

/** True when every connection of the endpoint is `Approved` (and it has one). */
export function endpointApproved(endpoint: ArmResource | undefined): boolean {
  const props = (endpoint?.properties ?? {}) as Record<string, unknown>;
  const connections = [
    ...((props.privateLinkServiceConnections as unknown[] | undefined) ?? []),
    ...((props.manualPrivateLinkServiceConnections as unknown[] | undefined) ?? []),
  ] as { properties?: { privateLinkServiceConnectionState?: { status?: string } } }[];
  return (
    connections.length > 0 &&
    connections.every((c) => c.properties?.privateLinkServiceConnectionState?.status === 'Approved')
  );
}

/** Id of the endpoint's (first) NIC. */
export function nicIdOf(endpoint: ArmResource | undefined): string | undefined {
  const nics = (endpoint?.properties as { networkInterfaces?: { id?: string }[] } | undefined)
    ?.networkInterfaces;
  return nics?.[0]?.id;
}

export interface DesiredRecord extends RecordKey {
  readonly ips: string[];
  readonly endpointIds: string[];
}

/**
 * Desired A records (`zone|name` → record) of the endpoints given with their NIC entries. `trueEntries` overrides
 * what a NIC shows for endpoints whose DNS data the harness hid on purpose.
 */
export function desiredRecords(
  endpoints: readonly { endpoint: ArmResource; entries: NicEntry[] }[],
  zones: ReadonlySet<string>,
): Map<string, DesiredRecord> {
  const out = new Map<string, { zone: string; name: string; ips: Set<string>; endpointIds: Set<string> }>();
  for (const { endpoint, entries } of endpoints) {
    if (!endpointApproved(endpoint)) continue;
    for (const entry of entries) {
      for (const fqdn of entry.fqdns) {
        const key = zoneOf(fqdn);
        if (!key || !zones.has(key.zone) || entry.ip === '') continue;
        const k = recordKey(key.zone, key.name);
        const record = out.get(k) ?? { ...key, ips: new Set<string>(), endpointIds: new Set<string>() };
        record.ips.add(entry.ip);
        record.endpointIds.add(endpoint.id.toLowerCase());
        out.set(k, record);
      }
    }
  }
  return new Map(
    [...out].map(([k, r]) => [
      k,
      { zone: r.zone, name: r.name, ips: [...r.ips].sort(), endpointIds: [...r.endpointIds].sort() },
    ]),
  );
}

export function aRecordIps(recordSet: ArmResource | undefined): string[] {
  const props = recordSet?.properties as { aRecords?: { ipv4Address?: string }[] } | undefined;
  return (props?.aRecords ?? []).flatMap((a) => (a.ipv4Address ? [a.ipv4Address] : [])).sort();
}

export function metadataOf(recordSet: ArmResource | undefined): Record<string, string> {
  return (recordSet?.properties as { metadata?: Record<string, string> | null } | undefined)?.metadata ?? {};
}

/**
 * Endpoints an owned record set names, as `<subscription>/<resource group>/<name>` (lower-case): the app lists each
 * endpoint that wants the record under `pldsep0`, `pldsep1`, … (src/core/ownership.ts, the metadata format).
 */
export function ownerEndpoints(recordSet: ArmResource | undefined): Set<string> {
  return new Set(
    Object.entries(metadataOf(recordSet))
      .filter(([k]) => /^pldsep\d+$/.test(k))
      .map(([, v]) => v.toLowerCase()),
  );
}

/** An endpoint id in the compact form `ownerEndpoints` gives. */
export function compactEndpointId(endpointId: string): string {
  const m =
    /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.network\/privateendpoints\/([^/]+)$/i.exec(
      endpointId,
    );
  return m ? `${m[1]}/${m[2]}/${m[3]}`.toLowerCase() : endpointId.toLowerCase();
}

/** True when the record set carries the app's owner id. */
export function ownedBy(recordSet: ArmResource | undefined, ownerId: string): boolean {
  return metadataOf(recordSet)[OWNER_KEY] === ownerId;
}
