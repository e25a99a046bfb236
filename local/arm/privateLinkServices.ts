/**
 * What a private endpoint's NIC shows for the private link services the emulator knows: one `ipConfiguration`
 * per member, each with its `requiredMemberName` and FQDNs, the way the service fills them. The emulator's own
 * tables, written from Microsoft's documentation (never from the app's catalogue, which is what they test):
 *
 * - the public DNS suffix of each service per cloud: the "Public DNS zone forwarders" of "Azure Private Endpoint
 *   private DNS zone values" (Commercial, Government, China tables) and the service docs below;
 * - Storage: one member per sub-resource, `<account>.<service>.<suffix>`, `<account>-secondary` for the
 *   `*_secondary` sub-resources, or the host of `properties.primaryEndpoints.<service>` when the account has it
 *   (static websites are served from `<account>.zNN.web.core.windows.net`);
 * - Key Vault `<vault>.vault.azure.net`; SQL `<server>.database.windows.net`; SQL Managed Instance
 *   `<instance>.<dnsZone>.database.windows.net` (the instance's `dnsZone` property);
 * - Cosmos DB: the account name and one `<account>-<region>` name per region of `properties.locations`
 *   ("Configure Azure Private Link for an Azure Cosmos DB account");
 * - Container Registry: the registry, and one `<registry>.<region>.data.azurecr.io` data endpoint per region
 *   (`properties.dataEndpointHostNames`, else the registry's location), member `registry_data_<region>`
 *   ("Connect privately to an Azure container registry");
 * - AKS: the cluster's `properties.privateFQDN`, `<dnsPrefix>-<hash>[.<subzone>].privatelink.<region>.azmk8s.io`
 *   ("Create a private AKS cluster");
 * - Web Apps: the app and its SCM site, listed with `privatelink` inside (`<app>.privatelink.azurewebsites.net`,
 *   `<app>.scm.privatelink.azurewebsites.net`), as the endpoint's DNS configuration shows them;
 * - Azure Monitor private link scope: the global endpoints (`api`, `global.in.ai`, `profiler`, `live`,
 *   `snapshot`, `diagservices-query` under `monitor.azure.com`), per linked workspace `<id>.oms`, `<id>.ods`
 *   and `<id>.agentsvc`, and the solution-pack storage account `scadvisorcontentpl` ("Configure your private link":
 *   the DNS zone mapping of Azure Monitor);
 * - Event Hubs / Service Bus / Relay `<namespace>.servicebus.windows.net`;
 * - Batch `<account>.<region>.batch.azure.com` (batchAccount) and `<account>.<region>.service.batch.azure.com`
 *   (nodeManagement).
 *
 * The emulator runs as one cloud at a time (`ArmEmulatorOptions.cloud`); a service a cloud's table does not list
 * is refused there.
 *
 * Slightly over ~400 lines: it is one table (per service, per cloud) with the few lines that read it.
 */
import { createHash } from 'node:crypto';

export const EMULATED_CLOUDS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type EmulatedCloud = (typeof EMULATED_CLOUDS)[number];

export interface EmulatedCloudProfile {
  readonly name: EmulatedCloud;
  /** Audiences Resource Manager of this cloud accepts in a token (`az cloud show`: resourceManager, management). */
  readonly armAudiences: readonly string[];
  /** The scope a client asks for. */
  readonly armScope: string;
  /** Host Resource Manager answers on, for URLs in events (`httpRequest.url`). */
  readonly armHost: string;
  readonly suffixes: {
    readonly storage: string;
    readonly keyVault: string;
    readonly sql: string;
    readonly cosmos: Record<'sql' | 'mongodb' | 'cassandra' | 'gremlin' | 'table', string>;
    readonly registry: string;
    /** AKS private clusters; absent where the cloud's table lists no AKS zone. */
    readonly aks?: string;
    readonly webApps: string;
    readonly monitor: {
      readonly monitor: string;
      readonly oms: string;
      readonly ods: string;
      readonly agentsvc: string;
    };
    readonly serviceBus: string;
    readonly batch: string;
  };
}

const withSlash = (...hosts: string[]): string[] => hosts.flatMap((h) => [h, `${h}/`]);

export const EMULATED_CLOUD_PROFILES: Record<EmulatedCloud, EmulatedCloudProfile> = {
  AzureCloud: {
    name: 'AzureCloud',
    armAudiences: withSlash('https://management.azure.com', 'https://management.core.windows.net'),
    armScope: 'https://management.azure.com/.default',
    armHost: 'https://management.azure.com',
    suffixes: {
      storage: 'core.windows.net',
      keyVault: 'vault.azure.net',
      sql: 'database.windows.net',
      cosmos: {
        sql: 'documents.azure.com',
        mongodb: 'mongo.cosmos.azure.com',
        cassandra: 'cassandra.cosmos.azure.com',
        gremlin: 'gremlin.cosmos.azure.com',
        table: 'table.cosmos.azure.com',
      },
      registry: 'azurecr.io',
      aks: 'azmk8s.io',
      webApps: 'azurewebsites.net',
      monitor: {
        monitor: 'monitor.azure.com',
        oms: 'oms.opinsights.azure.com',
        ods: 'ods.opinsights.azure.com',
        agentsvc: 'agentsvc.azure-automation.net',
      },
      serviceBus: 'servicebus.windows.net',
      batch: 'batch.azure.com',
    },
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    armAudiences: withSlash(
      'https://management.usgovcloudapi.net',
      'https://management.core.usgovcloudapi.net',
    ),
    armScope: 'https://management.usgovcloudapi.net/.default',
    armHost: 'https://management.usgovcloudapi.net',
    suffixes: {
      storage: 'core.usgovcloudapi.net',
      keyVault: 'vault.usgovcloudapi.net',
      sql: 'database.usgovcloudapi.net',
      cosmos: {
        sql: 'documents.azure.us',
        mongodb: 'mongo.cosmos.azure.us',
        cassandra: 'cassandra.cosmos.azure.us',
        gremlin: 'gremlin.cosmos.azure.us',
        table: 'table.cosmos.azure.us',
      },
      registry: 'azurecr.us',
      webApps: 'azurewebsites.us',
      monitor: {
        monitor: 'monitor.azure.us',
        oms: 'oms.opinsights.azure.us',
        ods: 'ods.opinsights.azure.us',
        agentsvc: 'agentsvc.azure-automation.us',
      },
      serviceBus: 'servicebus.usgovcloudapi.net',
      batch: 'batch.usgovcloudapi.net',
    },
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    armAudiences: withSlash(
      'https://management.chinacloudapi.cn',
      'https://management.core.chinacloudapi.cn',
    ),
    armScope: 'https://management.chinacloudapi.cn/.default',
    armHost: 'https://management.chinacloudapi.cn',
    suffixes: {
      storage: 'core.chinacloudapi.cn',
      keyVault: 'vault.azure.cn',
      sql: 'database.chinacloudapi.cn',
      cosmos: {
        sql: 'documents.azure.cn',
        mongodb: 'mongo.cosmos.azure.cn',
        cassandra: 'cassandra.cosmos.azure.cn',
        gremlin: 'gremlin.cosmos.azure.cn',
        table: 'table.cosmos.azure.cn',
      },
      registry: 'azurecr.cn',
      webApps: 'chinacloudsites.cn',
      monitor: {
        monitor: 'monitor.azure.cn',
        oms: 'oms.opinsights.azure.cn',
        ods: 'ods.opinsights.azure.cn',
        agentsvc: 'agentsvc.azure-automation.cn',
      },
      serviceBus: 'servicebus.chinacloudapi.cn',
      batch: 'batch.chinacloudapi.cn',
    },
  },
};

/** One NIC IP configuration of a private endpoint. */
export interface ServiceMember {
  groupId: string;
  requiredMemberName: string;
  fqdns: string[];
}

/** The target resource as the service knows it (from the emulator's store, when it holds one). */
export interface TargetResource {
  readonly name: string;
  readonly location: string;
  readonly properties: Record<string, unknown>;
}

export interface PrivateLinkServiceDefinition {
  /** ARM resource type, as Azure spells it. */
  readonly resourceType: string;
  /** Sub-resources (group ids) the service accepts, as it spells them. */
  readonly groupIds: readonly string[];
  /**
   * Whether an endpoint needs the target resource to exist in the emulator. Storage accounts and key vaults are
   * served from their name alone (the older fixtures create their endpoints without the account or vault).
   */
  readonly needsResource: boolean;
  /** The NIC members of an endpoint to `group`; throws with a reason when the cloud lacks the service. */
  members(target: TargetResource, group: string, cloud: EmulatedCloudProfile): ServiceMember[];
}

/** `East US` → `eastus`: ARM location names are the display names lower-cased without spaces. */
export const locationName = (display: string): string => display.toLowerCase().replace(/\s+/g, '');

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const hostOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
};

export class ServiceNotInCloudError extends Error {}

const STORAGE_SERVICES = ['blob', 'table', 'queue', 'file', 'web', 'dfs'] as const;

const storage: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.Storage/storageAccounts',
  // `file_secondary` is listed by the Government and China tables only; the emulator takes it everywhere.
  groupIds: [...STORAGE_SERVICES, ...STORAGE_SERVICES.map((s) => `${s}_secondary`)],
  needsResource: false,
  members(target, group, cloud) {
    const secondary = group.endsWith('_secondary');
    const service = secondary ? group.slice(0, -'_secondary'.length) : group;
    const endpoints = target.properties[secondary ? 'secondaryEndpoints' : 'primaryEndpoints'] as
      Record<string, unknown> | undefined;
    const account = secondary ? `${target.name}-secondary` : target.name;
    const fqdn =
      hostOf(str(endpoints?.[service])) ?? `${account}.${service}.${cloud.suffixes.storage}`.toLowerCase();
    return [{ groupId: group, requiredMemberName: group, fqdns: [fqdn] }];
  },
};

const keyVault: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.KeyVault/vaults',
  groupIds: ['vault'],
  needsResource: false,
  members: (target, group, cloud) => [
    { groupId: group, requiredMemberName: 'default', fqdns: [`${target.name}.${cloud.suffixes.keyVault}`] },
  ],
};

const sqlServer: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.Sql/servers',
  groupIds: ['sqlServer'],
  needsResource: true,
  members: (target, group, cloud) => [
    { groupId: group, requiredMemberName: 'sqlServer', fqdns: [`${target.name}.${cloud.suffixes.sql}`] },
  ],
};

const sqlManagedInstance: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.Sql/managedInstances',
  groupIds: ['managedInstance'],
  needsResource: true,
  members(target, group, cloud) {
    const dnsZone = str(target.properties.dnsZone);
    if (!dnsZone)
      throw new ServiceNotInCloudError(`managed instance ${target.name} has no properties.dnsZone`);
    return [
      {
        groupId: group,
        requiredMemberName: 'managedInstance',
        fqdns: [`${target.name}.${dnsZone}.${cloud.suffixes.sql}`],
      },
    ];
  },
};

const COSMOS_APIS = {
  sql: 'Sql',
  mongodb: 'MongoDB',
  cassandra: 'Cassandra',
  gremlin: 'Gremlin',
  table: 'Table',
};

const cosmos: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.DocumentDB/databaseAccounts',
  groupIds: Object.values(COSMOS_APIS),
  needsResource: true,
  members(target, group, cloud) {
    const api = group.toLowerCase() as keyof typeof COSMOS_APIS;
    const suffix = cloud.suffixes.cosmos[api];
    const locations = (target.properties.locations as { locationName?: string }[] | undefined) ?? [];
    const regions = locations.map((l) => locationName(l.locationName ?? '')).filter((r) => r !== '');
    const names = [
      target.name,
      ...(regions.length > 0 ? regions : [target.location]).map((r) => `${target.name}-${r}`),
    ];
    return [...new Set(names)].map((name) => ({
      groupId: group,
      requiredMemberName: name,
      fqdns: [`${name}.${suffix}`],
    }));
  },
};

const registry: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.ContainerRegistry/registries',
  groupIds: ['registry'],
  needsResource: true,
  members(target, group, cloud) {
    const declared = (target.properties.dataEndpointHostNames as string[] | undefined) ?? [];
    const dataHosts =
      declared.length > 0
        ? declared.map((h) => h.toLowerCase())
        : [`${target.name}.${target.location}.data.${cloud.suffixes.registry}`];
    return [
      {
        groupId: group,
        requiredMemberName: 'registry',
        fqdns: [`${target.name}.${cloud.suffixes.registry}`],
      },
      ...dataHosts.map((host) => ({
        groupId: group,
        requiredMemberName: `registry_data_${host.split('.')[1] ?? target.location}`,
        fqdns: [host],
      })),
    ];
  },
};

const managedCluster: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.ContainerService/managedClusters',
  groupIds: ['management'],
  needsResource: true,
  members(target, group, cloud) {
    if (!cloud.suffixes.aks)
      throw new ServiceNotInCloudError(`AKS private clusters are not emulated in ${cloud.name}`);
    const hash = createHash('sha256').update(target.name).digest('hex').slice(0, 8);
    const prefix = str(target.properties.dnsPrefix) ?? `${target.name}-dns`;
    const fqdn =
      str(target.properties.privateFQDN)?.toLowerCase() ??
      `${prefix}-${hash}.privatelink.${target.location}.${cloud.suffixes.aks}`.toLowerCase();
    return [{ groupId: group, requiredMemberName: 'management', fqdns: [fqdn] }];
  },
};

const webApp: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.Web/sites',
  groupIds: ['sites'],
  needsResource: true,
  members: (target, group, cloud) => [
    {
      groupId: group,
      requiredMemberName: 'sites',
      fqdns: [
        `${target.name}.privatelink.${cloud.suffixes.webApps}`,
        `${target.name}.scm.privatelink.${cloud.suffixes.webApps}`,
      ],
    },
  ],
};

const MONITOR_GLOBAL = ['api', 'global.in.ai', 'profiler', 'live', 'snapshot', 'diagservices-query'];

const monitorScope: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.Insights/privateLinkScopes',
  groupIds: ['azuremonitor'],
  needsResource: true,
  members(target, group, cloud) {
    const m = cloud.suffixes.monitor;
    // The workspaces the scope is linked to (in Azure, its scopedResources); seeded as `linkedWorkspaceIds`.
    const workspaces = (target.properties.linkedWorkspaceIds as string[] | undefined) ?? [];
    const fqdns = [
      ...MONITOR_GLOBAL.map((name) => `${name}.${m.monitor}`),
      ...workspaces.flatMap((id) => [`${id}.${m.oms}`, `${id}.${m.ods}`, `${id}.${m.agentsvc}`]),
      `scadvisorcontentpl.blob.${cloud.suffixes.storage}`,
    ].map((f) => f.toLowerCase());
    return fqdns.map((fqdn) => ({
      groupId: group,
      requiredMemberName: fqdn.split('.')[0] ?? group,
      fqdns: [fqdn],
    }));
  },
};

const namespace = (resourceType: string): PrivateLinkServiceDefinition => ({
  resourceType,
  groupIds: ['namespace'],
  needsResource: true,
  members: (target, group, cloud) => [
    {
      groupId: group,
      requiredMemberName: 'namespace',
      fqdns: [`${target.name}.${cloud.suffixes.serviceBus}`],
    },
  ],
});

const batch: PrivateLinkServiceDefinition = {
  resourceType: 'Microsoft.Batch/batchAccounts',
  groupIds: ['batchAccount', 'nodeManagement'],
  needsResource: true,
  members(target, group, cloud) {
    const service = group.toLowerCase() === 'nodemanagement' ? '.service' : '';
    return [
      {
        groupId: group,
        requiredMemberName: group,
        fqdns: [`${target.name}.${target.location}${service}.${cloud.suffixes.batch}`.toLowerCase()],
      },
    ];
  },
};

export const PRIVATE_LINK_SERVICES: readonly PrivateLinkServiceDefinition[] = [
  storage,
  keyVault,
  sqlServer,
  sqlManagedInstance,
  cosmos,
  registry,
  managedCluster,
  webApp,
  monitorScope,
  namespace('Microsoft.EventHub/namespaces'),
  namespace('Microsoft.ServiceBus/namespaces'),
  namespace('Microsoft.Relay/namespaces'),
  batch,
];

export function privateLinkService(resourceType: string): PrivateLinkServiceDefinition | undefined {
  const type = resourceType.toLowerCase();
  return PRIVATE_LINK_SERVICES.find((s) => s.resourceType.toLowerCase() === type);
}
