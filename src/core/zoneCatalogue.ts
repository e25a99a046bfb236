import { isKnownGeoCode } from './geoCodes';

/**
 * Where an endpoint FQDN lives in the hub: the `privatelink.*` zone and the record name inside it.
 *
 * Facts from Microsoft's private endpoint DNS zone table (azure-docs `private-link/private-endpoint-dns.md`):
 * a service reached as `<name>.<suffix>` gets its private record in `privatelink.<suffix>` (a few services use
 * another zone, e.g. Key Vault). The longest known suffix wins. Anything not in this table is skipped with a
 * reason — a guessed zone would publish records no client resolves.
 */
interface SuffixEntry {
  /** Public suffix the FQDN ends with. */
  readonly suffix: string;
  /** Zone for that suffix. */
  readonly zone: string;
  readonly service: string;
}

/**
 * Suffixes whose zone contains one extra label taken from the FQDN: Backup's region code and SQL Managed
 * Instance's DNS prefix. `<name>.<label>.<suffix>` → zone `privatelink.<label>.<suffix>`, record `<name>`.
 */
interface LabelledSuffixEntry {
  readonly suffix: string;
  readonly service: string;
  /** When set, the label must pass this check (Backup geo codes); otherwise the FQDN is skipped. */
  readonly labelIsGeoCode: boolean;
}

const plain = (suffix: string, service: string, zone = `privatelink.${suffix}`): SuffixEntry => ({
  suffix,
  zone,
  service,
});

const SUFFIXES: readonly SuffixEntry[] = [
  // Storage, public cloud
  plain('blob.core.windows.net', 'Storage blob'),
  plain('queue.core.windows.net', 'Storage queue'),
  plain('table.core.windows.net', 'Storage table'),
  plain('file.core.windows.net', 'Storage file'),
  plain('web.core.windows.net', 'Storage static website'),
  plain('dfs.core.windows.net', 'Data Lake Storage Gen2'),
  // Storage, US Government and China
  plain('blob.core.usgovcloudapi.net', 'Storage blob (US Gov)'),
  plain('queue.core.usgovcloudapi.net', 'Storage queue (US Gov)'),
  plain('table.core.usgovcloudapi.net', 'Storage table (US Gov)'),
  plain('file.core.usgovcloudapi.net', 'Storage file (US Gov)'),
  plain('blob.core.chinacloudapi.cn', 'Storage blob (China)'),
  plain('queue.core.chinacloudapi.cn', 'Storage queue (China)'),
  plain('table.core.chinacloudapi.cn', 'Storage table (China)'),
  plain('file.core.chinacloudapi.cn', 'Storage file (China)'),
  // Recovery Services
  plain('siterecovery.windowsazure.com', 'Azure Site Recovery'),
  plain('siterecovery.windowsazure.us', 'Azure Site Recovery (US Gov)'),
  // Key Vault: the public name uses vault.azure.net, the private zone is vaultcore.
  plain('vault.azure.net', 'Key Vault', 'privatelink.vaultcore.azure.net'),
  plain('vaultcore.azure.net', 'Key Vault'),
  plain('vault.usgovcloudapi.net', 'Key Vault (US Gov)', 'privatelink.vaultcore.usgovcloudapi.net'),
  plain('vaultcore.usgovcloudapi.net', 'Key Vault (US Gov)'),
  plain('vault.azure.cn', 'Key Vault (China)', 'privatelink.vaultcore.azure.cn'),
  plain('vaultcore.azure.cn', 'Key Vault (China)'),
  plain('managedhsm.azure.net', 'Key Vault Managed HSM'),
  // SQL
  plain('database.windows.net', 'Azure SQL Database'),
  plain('database.usgovcloudapi.net', 'Azure SQL Database (US Gov)'),
  plain('database.chinacloudapi.cn', 'Azure SQL Database (China)'),
  // App Service (the SCM site becomes `<app>.scm` in the same zone)
  plain('azurewebsites.net', 'Web Apps / Function Apps'),
  // Messaging
  plain('eventgrid.azure.net', 'Event Grid'),
  plain('servicebus.windows.net', 'Event Hubs / Service Bus / Relay'),
  // Azure Monitor private link scope
  plain('monitor.azure.com', 'Azure Monitor'),
  plain('oms.opinsights.azure.com', 'Log Analytics (OMS)'),
  plain('ods.opinsights.azure.com', 'Log Analytics (ODS)'),
  plain('agentsvc.azure-automation.net', 'Azure Automation agent service'),
];

const LABELLED_SUFFIXES: readonly LabelledSuffixEntry[] = [
  { suffix: 'backup.windowsazure.com', service: 'Azure Backup', labelIsGeoCode: true },
  { suffix: 'backup.windowsazure.us', service: 'Azure Backup (US Gov)', labelIsGeoCode: true },
  // SQL Managed Instance: `<instance>.<dnsPrefix>.database.windows.net`; a single label is a SQL server.
  { suffix: 'database.windows.net', service: 'SQL Managed Instance', labelIsGeoCode: false },
];

export type ZoneLookup =
  | { readonly ok: true; readonly zone: string; readonly name: string; readonly service: string }
  | {
      readonly ok: false;
      readonly code: 'unknown-suffix' | 'unknown-geo' | 'invalid-fqdn';
      readonly message: string;
    };

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Lower-cases, drops a trailing dot and removes an embedded `privatelink` label. */
export function normaliseFqdn(fqdn: string): string {
  const lower = fqdn.trim().toLowerCase().replace(/\.$/, '');
  return lower
    .split('.')
    .filter((label) => label !== 'privatelink')
    .join('.');
}

/** Maps an endpoint FQDN to its hub zone and record name, or says why it cannot. */
export function zoneForFqdn(fqdn: string): ZoneLookup {
  const normalised = normaliseFqdn(fqdn);
  const labels = normalised.split('.');
  if (normalised.length === 0 || normalised.length > 253 || !labels.every((l) => LABEL.test(l))) {
    return { ok: false, code: 'invalid-fqdn', message: `"${fqdn}" is not a valid DNS name` };
  }

  for (const entry of LABELLED_SUFFIXES) {
    if (!normalised.endsWith(`.${entry.suffix}`)) continue;
    const head = normalised.slice(0, -entry.suffix.length - 1).split('.');
    const label = head.pop();
    if (!entry.labelIsGeoCode && head.length === 0) continue;
    if (label === undefined || head.length === 0) {
      return {
        ok: false,
        code: 'invalid-fqdn',
        message: `"${fqdn}" has no record name before the ${entry.service} region label`,
      };
    }
    if (entry.labelIsGeoCode && !isKnownGeoCode(label)) {
      return {
        ok: false,
        code: 'unknown-geo',
        message: `"${fqdn}": "${label}" is not a known ${entry.service} geo code; add it to geoCodes.ts once confirmed`,
      };
    }
    return {
      ok: true,
      zone: `privatelink.${label}.${entry.suffix}`,
      name: head.join('.'),
      service: entry.service,
    };
  }

  let best: SuffixEntry | undefined;
  for (const entry of SUFFIXES) {
    if (normalised.endsWith(`.${entry.suffix}`) && (!best || entry.suffix.length > best.suffix.length)) {
      best = entry;
    }
  }
  if (!best) {
    return {
      ok: false,
      code: 'unknown-suffix',
      message: `"${fqdn}" does not end with a known private link suffix`,
    };
  }
  return {
    ok: true,
    zone: best.zone,
    name: normalised.slice(0, -best.suffix.length - 1),
    service: best.service,
  };
}

/** The zones the catalogue can produce for fixed suffixes (Backup zones depend on the geo code). */
export function knownZones(): string[] {
  return [...new Set(SUFFIXES.map((s) => s.zone))].sort();
}

/** The FQDN a client resolves for a record: `<name>.<zone>`. */
export function recordFqdn(zone: string, name: string): string {
  return `${name}.${zone}`;
}
