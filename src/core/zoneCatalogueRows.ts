/**
 * The zone catalogue as data: one row per private link resource type and sub-resource, per cloud, each with the
 * row of the source it was read from. zoneCatalogue.ts compiles and matches it; docs/services.md is generated
 * from it (test/unit/catalogue-docs.test.ts keeps the two in step). Long because it is data: one row per service
 * and cloud, kept in one table so a reviewer compares it with Microsoft's page row by row.
 *
 * Sources (named per row in `source`):
 * - `learn`: Microsoft Learn, "Azure Private Endpoint private DNS zone values"
 *   (learn.microsoft.com/azure/private-link/private-endpoint-dns, Markdown in MicrosoftDocs/azure-docs
 *   `articles/private-link/private-endpoint-dns.md`), read as published in 2026 (the Learn render of 2026-05-07
 *   and the Markdown of the same revision with its Government and China tables). `table` is the cloud heading and
 *   the section, `row` the resource type and sub-resource as the page prints them.
 * - `alz`: the zones the Azure Landing Zones hub deploys (Azure Verified Modules pattern module
 *   `avm/ptn/network/private-link-private-dns-zones`, `main.bicep`, default of `privateLinkPrivateDnsZones`),
 *   for zones Microsoft's table no longer lists.
 * - `alz-older`: an older revision of the same module (`dnszones.json`), for zones hubs built with it still hold.
 * - `learn-2021`: the same Learn page as of 2021-01-14 (azure-docs commit 0095ac36d2562dea0378c60e0440a1de5424ce73),
 *   for zones hubs built from it still hold.
 *
 * Zone patterns use the page's placeholders: `{regionName}`/`{region}` (ARM region name, e.g. `eastus`),
 * `{regionCode}` (Backup geo code, e.g. `eus`), `{dnsPrefix}` (SQL Managed Instance DNS zone), `{partitionId}`
 * (Static Web Apps partition), `{subzone}` (AKS sub-zone). The record names a zone takes are `records`: label
 * patterns where `{name}` is one label (the resource's name), `{any}` any one label (a `*` wildcard included) and
 * placeholders as above. Most services put one label — the resource name — left of the zone; services with
 * longer names say which shapes they use, read from the page (the forwarder column shows which labels stand
 * left of the zone) or from the service's documentation. A name of any other shape is skipped, never guessed.
 */
import type { AzureCloudName } from './clouds';

export type CatalogueSourcePage = 'learn' | 'alz' | 'alz-older' | 'learn-2021';

export interface CatalogueSource {
  readonly page: CatalogueSourcePage;
  /** The table (cloud heading › section) or list the row sits in. */
  readonly table: string;
  /** The row as the source prints it. */
  readonly row: string;
}

export interface ZoneSpec {
  /** Zone name pattern, lower-case, with placeholders. */
  readonly zone: string;
  /** Record-name shapes this zone takes (default: one label). */
  readonly records?: readonly string[];
  /**
   * A zone a hub may or may not hold next to a broader one that fits the same names (ACR data endpoints, Web App
   * scm sites, AKS sub-zones, older layouts). An offline plan never assumes it; a live plan uses it when the hub
   * holds it, because the more specific zone then answers those names.
   */
  readonly optional?: boolean;
  /** Other public names the service uses for this zone (Key Vault: `vault.azure.net` next to `vaultcore`). */
  readonly aliases?: readonly string[];
  /** Why the zone is special, for the docs. */
  readonly note?: string;
}

export interface CatalogueRow {
  readonly cloud: AzureCloudName;
  /** The page's section (Storage, Databases, ...). */
  readonly section: string;
  readonly service: string;
  readonly resourceType: string;
  /** Sub-resources (group ids) as the page spells them. */
  readonly subResources: readonly string[];
  readonly zones: readonly ZoneSpec[];
  readonly source: CatalogueSource;
}

/** A public suffix Microsoft names but whose record name in a private zone is not confirmed: always skipped. */
export interface UnconfirmedSuffix {
  readonly cloud: AzureCloudName;
  readonly suffix: string;
  readonly reason: string;
}

const HEADING: Record<AzureCloudName, string> = {
  AzureCloud: 'Commercial',
  AzureUSGovernment: 'Government',
  AzureChinaCloud: 'China',
};

type Zones = readonly (string | ZoneSpec)[];

const spec = (z: string | ZoneSpec): ZoneSpec => (typeof z === 'string' ? { zone: z } : z);

/** One, two, ... up to `n` labels of any kind. */
function upTo(n: number): string[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: i + 1 }, () => '{any}').join('.'));
}

/** A row of Microsoft's table: `service (resourceType)`, sub-resources, zones, read from `section` of `cloud`. */
function learn(
  cloud: AzureCloudName,
  section: string,
  service: string,
  resourceType: string,
  subResources: readonly string[],
  zones: Zones,
): CatalogueRow {
  return {
    cloud,
    section,
    service,
    resourceType,
    subResources,
    zones: zones.map(spec),
    source: {
      page: 'learn',
      table: `${HEADING[cloud]} › ${section}`,
      row: `${service} (${resourceType}) | ${subResources.join(', ')}`,
    },
  };
}

/** A zone from a hub layout (ALZ module or an older page) rather than from Microsoft's current table. */
function layout(
  page: Exclude<CatalogueSourcePage, 'learn'>,
  row: string,
  section: string,
  service: string,
  resourceType: string,
  subResources: readonly string[],
  zones: Zones,
): CatalogueRow {
  const table: Record<Exclude<CatalogueSourcePage, 'learn'>, string> = {
    alz: 'AVM private-link-private-dns-zones, privateLinkPrivateDnsZones',
    'alz-older': 'AVM private-link-private-dns-zones, dnszones.json (older revision)',
    'learn-2021': 'private-endpoint-dns.md of 2021-01-14, Azure services DNS zone configuration',
  };
  return {
    cloud: 'AzureCloud',
    section,
    service,
    resourceType,
    subResources,
    zones: zones.map((z) => ({ ...spec(z), optional: true })),
    source: { page, table: table[page], row },
  };
}

// ---- record shapes used by several services ----------------------------------------------------------------------

/** Azure Monitor private link scope names: `api`, `global.in.ai`, `<region>.handler.control`, ... */
const MONITOR_NAMES = upTo(4);
/** Azure Machine Learning: `<workspace id>.workspace.<region>[.cert]`, `*.<workspace id>.inference.<region>`. */
const AML_NAMES = upTo(5);

// ---- Commercial ---------------------------------------------------------------------------------------------------

const C: AzureCloudName = 'AzureCloud';

const STORAGE_PUBLIC = {
  blob: 'privatelink.blob.core.windows.net',
  queue: 'privatelink.queue.core.windows.net',
  table: 'privatelink.table.core.windows.net',
  file: 'privatelink.file.core.windows.net',
  // Static websites are served as `<account>.<zone>.web.core.windows.net` (e.g. `z13`).
  web: { zone: 'privatelink.web.core.windows.net', records: ['{name}', '{name}.{any}'] },
  dfs: 'privatelink.dfs.core.windows.net',
} as const;

const COMMERCIAL: CatalogueRow[] = [
  // AI + Machine Learning
  learn(
    C,
    'AI + Machine Learning',
    'Azure Machine Learning workspace',
    'Microsoft.MachineLearningServices/workspaces',
    ['amlworkspace'],
    [
      { zone: 'privatelink.api.azureml.ms', records: AML_NAMES },
      { zone: 'privatelink.notebooks.azure.net', records: upTo(2) },
    ],
  ),
  learn(
    C,
    'AI + Machine Learning',
    'Azure Machine Learning registry',
    'Microsoft.MachineLearningServices/registries',
    ['amlregistry'],
    [{ zone: 'privatelink.api.azureml.ms', records: AML_NAMES }],
  ),
  learn(
    C,
    'AI + Machine Learning',
    'Foundry Tools',
    'Microsoft.CognitiveServices/accounts',
    ['account'],
    [
      'privatelink.cognitiveservices.azure.com',
      'privatelink.openai.azure.com',
      'privatelink.services.ai.azure.com',
    ],
  ),
  learn(
    C,
    'AI + Machine Learning',
    'Azure Bot Service',
    'Microsoft.BotService/botServices',
    ['Bot'],
    [{ zone: 'privatelink.directline.botframework.com', records: upTo(2) }],
  ),
  learn(
    C,
    'AI + Machine Learning',
    'Azure Bot Service',
    'Microsoft.BotService/botServices',
    ['Token'],
    [{ zone: 'privatelink.token.botframework.com', records: upTo(2) }],
  ),
  // Analytics
  learn(
    C,
    'Analytics',
    'Azure Synapse Analytics',
    'Microsoft.Synapse/workspaces',
    ['Sql'],
    ['privatelink.sql.azuresynapse.net'],
  ),
  learn(
    C,
    'Analytics',
    'Azure Synapse Analytics',
    'Microsoft.Synapse/workspaces',
    ['SqlOnDemand'],
    ['privatelink.sql.azuresynapse.net'],
  ),
  learn(
    C,
    'Analytics',
    'Azure Synapse Analytics',
    'Microsoft.Synapse/workspaces',
    ['Dev'],
    ['privatelink.dev.azuresynapse.net'],
  ),
  learn(
    C,
    'Analytics',
    'Azure Synapse Studio',
    'Microsoft.Synapse/privateLinkHubs',
    ['Web'],
    ['privatelink.azuresynapse.net'],
  ),
  learn(
    C,
    'Analytics',
    'Azure Event Hubs',
    'Microsoft.EventHub/namespaces',
    ['namespace'],
    ['privatelink.servicebus.windows.net'],
  ),
  learn(
    C,
    'Analytics',
    'Azure Data Factory',
    'Microsoft.DataFactory/factories',
    ['dataFactory'],
    [
      // `<factory>.<region>.datafactory.azure.net`
      { zone: 'privatelink.datafactory.azure.net', records: ['{name}', '{name}.{regionName}'] },
    ],
  ),
  learn(
    C,
    'Analytics',
    'Azure Data Factory',
    'Microsoft.DataFactory/factories',
    ['portal'],
    ['privatelink.adf.azure.com'],
  ),
  learn(
    C,
    'Analytics',
    'Azure HDInsight',
    'Microsoft.HDInsight/clusters',
    ['gateway', 'headnode'],
    ['privatelink.azurehdinsight.net'],
  ),
  learn(
    C,
    'Analytics',
    'Azure Data Explorer',
    'Microsoft.Kusto/Clusters',
    ['cluster'],
    [
      'privatelink.{regionName}.kusto.windows.net',
      STORAGE_PUBLIC.blob,
      STORAGE_PUBLIC.queue,
      STORAGE_PUBLIC.table,
    ],
  ),
  learn(
    C,
    'Analytics',
    'Microsoft Power BI',
    'Microsoft.PowerBI/privateLinkServicesForPowerBI',
    ['tenant'],
    [
      { zone: 'privatelink.analysis.windows.net', records: upTo(3) },
      { zone: 'privatelink.pbidedicated.windows.net', records: upTo(3) },
      { zone: 'privatelink.prod.powerquery.microsoft.com', records: upTo(3) },
    ],
  ),
  learn(
    C,
    'Analytics',
    'Azure Databricks',
    'Microsoft.Databricks/workspaces',
    ['databricks_ui_api', 'browser_authentication'],
    [{ zone: 'privatelink.azuredatabricks.net', records: upTo(2) }],
  ),
  learn(
    C,
    'Analytics',
    'Microsoft Fabric',
    'Microsoft.Fabric/privateLinkServicesForFabric',
    ['workspace'],
    [{ zone: 'privatelink.fabric.microsoft.com', records: upTo(3) }],
  ),
  // Compute
  learn(
    C,
    'Compute',
    'Azure Batch',
    'Microsoft.Batch/batchAccounts',
    ['batchAccount'],
    [
      // Forwarder `{regionName}.batch.azure.com`: the record is `<account>.<region>`.
      { zone: 'privatelink.batch.azure.com', records: ['{name}.{regionName}'] },
    ],
  ),
  learn(
    C,
    'Compute',
    'Azure Batch',
    'Microsoft.Batch/batchAccounts',
    ['nodeManagement'],
    [
      // Forwarder `{regionName}.service.batch.azure.com`: the record is `<account>.<region>.service`.
      { zone: 'privatelink.batch.azure.com', records: ['{name}.{regionName}.service'] },
    ],
  ),
  learn(
    C,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/workspaces',
    ['global'],
    ['privatelink-global.wvd.microsoft.com'],
  ),
  learn(
    C,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/workspaces',
    ['feed'],
    [{ zone: 'privatelink.wvd.microsoft.com', records: upTo(3) }],
  ),
  learn(
    C,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/hostpools',
    ['connection'],
    [{ zone: 'privatelink.wvd.microsoft.com', records: upTo(3) }],
  ),
  // Containers
  learn(
    C,
    'Containers',
    'Azure Kubernetes Service - Kubernetes API',
    'Microsoft.ContainerService/managedClusters',
    ['management'],
    [
      // The private FQDN is `<dns prefix>-<hash>[.<subzone>].privatelink.<region>.azmk8s.io`.
      { zone: 'privatelink.{regionName}.azmk8s.io', records: ['{name}', '{name}.{subzone}'] },
      {
        zone: '{subzone}.privatelink.{regionName}.azmk8s.io',
        optional: true,
        note: 'sub-zone: used when the hub holds it, else the record `<name>.<subzone>` goes into privatelink.<region>.azmk8s.io',
      },
    ],
  ),
  learn(
    C,
    'Containers',
    'Azure Container Apps',
    'Microsoft.App/ManagedEnvironments',
    ['managedEnvironments'],
    [{ zone: 'privatelink.{regionName}.azurecontainerapps.io', records: upTo(2) }],
  ),
  learn(
    C,
    'Containers',
    'Azure Container Registry',
    'Microsoft.ContainerRegistry/registries',
    ['registry'],
    [
      // Data endpoints are `<registry>.<region>.data.azurecr.io`.
      { zone: 'privatelink.azurecr.io', records: ['{name}', '{name}.{regionName}.data'] },
      {
        zone: '{regionName}.data.privatelink.azurecr.io',
        optional: true,
        note: 'Microsoft: do not deploy it next to privatelink.azurecr.io; used only when the hub holds it',
      },
    ],
  ),
  // Databases
  learn(
    C,
    'Databases',
    'Azure SQL Database',
    'Microsoft.Sql/servers',
    ['sqlServer'],
    ['privatelink.database.windows.net'],
  ),
  learn(
    C,
    'Databases',
    'Azure SQL Managed Instance',
    'Microsoft.Sql/managedInstances',
    ['managedInstance'],
    ['privatelink.{dnsPrefix}.database.windows.net'],
  ),
  // Cosmos DB accounts publish the account and one `<account>-<region>` name per region.
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Sql'],
    ['privatelink.documents.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['MongoDB'],
    ['privatelink.mongo.cosmos.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Cassandra'],
    ['privatelink.cassandra.cosmos.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Gremlin'],
    ['privatelink.gremlin.cosmos.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Table'],
    ['privatelink.table.cosmos.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Analytical'],
    ['privatelink.analytics.cosmos.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DBforPostgreSQL/serverGroupsv2',
    ['coordinator'],
    [
      // `c-<cluster>.<id>.postgres.cosmos.azure.com`
      { zone: 'privatelink.postgres.cosmos.azure.com', records: upTo(2) },
    ],
  ),
  learn(
    C,
    'Databases',
    'Azure Cosmos DB for MongoDB - vCore',
    'Microsoft.DocumentDB/mongoClusters',
    ['MongoCluster'],
    [{ zone: 'privatelink.mongocluster.cosmos.azure.com', records: upTo(2) }],
  ),
  learn(
    C,
    'Databases',
    'Azure Database for PostgreSQL - Single server',
    'Microsoft.DBforPostgreSQL/servers',
    ['postgresqlServer'],
    ['privatelink.postgres.database.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Database for PostgreSQL - Flexible server',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    ['postgresqlServer'],
    ['privatelink.postgres.database.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Database for MySQL - Single Server',
    'Microsoft.DBforMySQL/servers',
    ['mysqlServer'],
    ['privatelink.mysql.database.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Database for MySQL - Flexible Server',
    'Microsoft.DBforMySQL/flexibleServers',
    ['mysqlServer'],
    ['privatelink.mysql.database.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Database for MariaDB',
    'Microsoft.DBforMariaDB/servers',
    ['mariadbServer'],
    ['privatelink.mariadb.database.azure.com'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cache for Redis',
    'Microsoft.Cache/Redis',
    ['redisCache'],
    ['privatelink.redis.cache.windows.net'],
  ),
  learn(
    C,
    'Databases',
    'Azure Cache for Redis Enterprise',
    'Microsoft.Cache/RedisEnterprise',
    ['redisEnterprise'],
    [
      // Forwarder `{cachename}.{region}.redisenterprise.cache.azure.net`.
      { zone: 'privatelink.redisenterprise.cache.azure.net', records: ['{name}.{regionName}'] },
    ],
  ),
  learn(
    C,
    'Databases',
    'Azure Managed Redis',
    'Microsoft.Cache/RedisEnterprise',
    ['redisEnterprise'],
    [
      // Forwarder `{region}.redis.azure.net`.
      { zone: 'privatelink.redis.azure.net', records: ['{name}.{regionName}'] },
    ],
  ),
  // Hybrid + multicloud
  learn(
    C,
    'Hybrid + multicloud',
    'Azure Arc',
    'Microsoft.HybridCompute/privateLinkScopes',
    ['hybridcompute'],
    [
      { zone: 'privatelink.his.arc.azure.com', records: upTo(2) },
      { zone: 'privatelink.guestconfiguration.azure.com', records: upTo(2) },
      { zone: 'privatelink.dp.kubernetesconfiguration.azure.com', records: upTo(2) },
    ],
  ),
  // Integration
  learn(
    C,
    'Integration',
    'Azure Service Bus',
    'Microsoft.ServiceBus/namespaces',
    ['namespace'],
    ['privatelink.servicebus.windows.net'],
  ),
  // Event Grid topic endpoints are `<topic>.<region>-1.eventgrid.azure.net`.
  learn(
    C,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/topics',
    ['topic'],
    [{ zone: 'privatelink.eventgrid.azure.net', records: upTo(2) }],
  ),
  learn(
    C,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/domains',
    ['domain'],
    [{ zone: 'privatelink.eventgrid.azure.net', records: upTo(2) }],
  ),
  learn(
    C,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/namespaces',
    ['topic'],
    [{ zone: 'privatelink.eventgrid.azure.net', records: upTo(2) }],
  ),
  learn(
    C,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/namespaces',
    ['topicSpace'],
    [{ zone: 'privatelink.ts.eventgrid.azure.net', records: upTo(2) }],
  ),
  learn(
    C,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/partnerNamespaces',
    ['partnernamespace'],
    [{ zone: 'privatelink.eventgrid.azure.net', records: upTo(2) }],
  ),
  learn(
    C,
    'Integration',
    'Azure API Management',
    'Microsoft.ApiManagement/service',
    ['Gateway'],
    ['privatelink.azure-api.net'],
  ),
  learn(
    C,
    'Integration',
    'Azure Health Data Services',
    'Microsoft.HealthcareApis/workspaces',
    ['healthcareworkspace'],
    [
      // Forwarders `workspace.` and `fhir.azurehealthcareapis.com`: `<name>.workspace`, `<workspace>-<fhir>.fhir`.
      { zone: 'privatelink.azurehealthcareapis.com', records: ['{name}', '{name}.workspace', '{name}.fhir'] },
      'privatelink.dicom.azurehealthcareapis.com',
    ],
  ),
  // Internet of Things
  learn(
    C,
    'Internet of Things (IoT)',
    'Azure IoT Hub',
    'Microsoft.Devices/IotHubs',
    ['iotHub'],
    ['privatelink.azure-devices.net', 'privatelink.servicebus.windows.net'],
  ),
  learn(
    C,
    'Internet of Things (IoT)',
    'Azure IoT Hub Device Provisioning Service',
    'Microsoft.Devices/ProvisioningServices',
    ['iotDps'],
    ['privatelink.azure-devices-provisioning.net'],
  ),
  learn(
    C,
    'Internet of Things (IoT)',
    'Device Update for IoT Hubs',
    'Microsoft.DeviceUpdate/accounts',
    ['DeviceUpdate'],
    ['privatelink.api.adu.microsoft.com'],
  ),
  learn(
    C,
    'Internet of Things (IoT)',
    'Azure IoT Central',
    'Microsoft.IoTCentral/IoTApps',
    ['iotApp'],
    [
      'privatelink.azureiotcentral.com',
      'privatelink.azure-devices.net',
      'privatelink.servicebus.windows.net',
      'privatelink.azure-devices-provisioning.net',
    ],
  ),
  learn(
    C,
    'Internet of Things (IoT)',
    'Azure Digital Twins',
    'Microsoft.DigitalTwins/digitalTwinsInstances',
    ['API'],
    [
      // `<instance>.api.<region code>.digitaltwins.azure.net`
      { zone: 'privatelink.digitaltwins.azure.net', records: ['{name}', '{name}.api.{any}'] },
    ],
  ),
  // Media
  learn(
    C,
    'Media',
    'Azure Media Services',
    'Microsoft.Media/mediaservices',
    ['keydelivery', 'liveevent', 'streamingendpoint'],
    [{ zone: 'privatelink.media.azure.net', records: upTo(3) }],
  ),
  learn(
    C,
    'Media',
    'Azure AI Video Indexer',
    'Microsoft.VideoIndexer/accounts',
    ['account'],
    [{ zone: 'privatelink.api.videoindexer.ai', records: upTo(2) }],
  ),
  // Management and Governance
  learn(
    C,
    'Management and Governance',
    'Azure Automation',
    'Microsoft.Automation/automationAccounts',
    ['Webhook', 'DSCAndHybridWorker'],
    [
      // Forwarder `{regionCode}.azure-automation.net`: `<account id>.<service>.<region code>`.
      { zone: 'privatelink.azure-automation.net', records: upTo(3) },
    ],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Backup',
    'Microsoft.RecoveryServices/vaults',
    ['AzureBackup'],
    ['privatelink.{regionCode}.backup.windowsazure.com', STORAGE_PUBLIC.blob, STORAGE_PUBLIC.queue],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Backup',
    'Microsoft.RecoveryServices/vaults',
    ['AzureBackup_secondary'],
    ['privatelink.{regionCode}.backup.windowsazure.com', STORAGE_PUBLIC.blob, STORAGE_PUBLIC.queue],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Site Recovery',
    'Microsoft.RecoveryServices/vaults',
    ['AzureSiteRecovery'],
    [
      // Forwarder `{regionCode}.siterecovery.windowsazure.com`: `<name>.<region code>`.
      { zone: 'privatelink.siterecovery.windowsazure.com', records: ['{name}.{regionCode}'] },
    ],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Monitor',
    'Microsoft.Insights/privateLinkScopes',
    ['azuremonitor'],
    [
      { zone: 'privatelink.monitor.azure.com', records: MONITOR_NAMES },
      'privatelink.oms.opinsights.azure.com',
      'privatelink.ods.opinsights.azure.com',
      'privatelink.agentsvc.azure-automation.net',
      STORAGE_PUBLIC.blob,
    ],
  ),
  learn(
    C,
    'Management and Governance',
    'Microsoft Purview',
    'Microsoft.Purview/accounts',
    ['account'],
    [{ zone: 'privatelink.purview.azure.com', records: upTo(2) }],
  ),
  learn(
    C,
    'Management and Governance',
    'Microsoft Purview',
    'Microsoft.Purview/accounts',
    ['portal'],
    [{ zone: 'privatelink.purviewstudio.azure.com', records: upTo(2) }],
  ),
  learn(
    C,
    'Management and Governance',
    'Microsoft Purview',
    'Microsoft.Purview/accounts',
    ['platform'],
    [{ zone: 'privatelink.purview-service.microsoft.com', records: upTo(2) }],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Migrate',
    'Microsoft.Migrate/migrateProjects',
    ['Default'],
    [{ zone: 'privatelink.prod.migration.windowsazure.com', records: upTo(3) }],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Migrate',
    'Microsoft.Migrate/assessmentProjects',
    ['Default'],
    [{ zone: 'privatelink.prod.migration.windowsazure.com', records: upTo(3) }],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Resource Manager',
    'Microsoft.Authorization/resourceManagementPrivateLinks',
    ['ResourceManagement'],
    [
      // One label only: under a zone as broad as azure.com a longer name belongs to a service the catalogue lacks.
      'privatelink.azure.com',
    ],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Managed Grafana',
    'Microsoft.Dashboard/grafana',
    ['grafana'],
    [{ zone: 'privatelink.grafana.azure.com', records: upTo(2) }],
  ),
  learn(
    C,
    'Management and Governance',
    'Azure Managed Prometheus',
    'Microsoft.Monitor/accounts',
    ['prometheusMetrics'],
    ['privatelink.{region}.prometheus.monitor.azure.com'],
  ),
  // Security
  learn(
    C,
    'Security',
    'Azure Key Vault',
    'Microsoft.KeyVault/vaults',
    ['vault'],
    [{ zone: 'privatelink.vaultcore.azure.net', aliases: ['vault.azure.net'] }],
  ),
  learn(
    C,
    'Security',
    'Azure Key Vault',
    'Microsoft.KeyVault/managedHSMs',
    ['managedhsm'],
    ['privatelink.managedhsm.azure.net'],
  ),
  learn(
    C,
    'Security',
    'Azure App Configuration',
    'Microsoft.AppConfiguration/configurationStores',
    ['configurationStores'],
    ['privatelink.azconfig.io'],
  ),
  learn(
    C,
    'Security',
    'Azure Attestation',
    'Microsoft.Attestation/attestationProviders',
    ['standard'],
    [
      // `<provider>.<region code>.attest.azure.net`
      { zone: 'privatelink.attest.azure.net', records: upTo(2) },
    ],
  ),
  // Storage
  learn(
    C,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['blob', 'blob_secondary'],
    [STORAGE_PUBLIC.blob],
  ),
  learn(
    C,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['table', 'table_secondary'],
    [STORAGE_PUBLIC.table],
  ),
  learn(
    C,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['queue', 'queue_secondary'],
    [STORAGE_PUBLIC.queue],
  ),
  learn(
    C,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['file'],
    [STORAGE_PUBLIC.file],
  ),
  learn(
    C,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['web', 'web_secondary'],
    [STORAGE_PUBLIC.web],
  ),
  learn(
    C,
    'Storage',
    'Azure Data Lake File System Gen2',
    'Microsoft.Storage/storageAccounts',
    ['dfs', 'dfs_secondary'],
    [STORAGE_PUBLIC.dfs],
  ),
  learn(
    C,
    'Storage',
    'Azure File Sync',
    'Microsoft.StorageSync/storageSyncServices',
    ['afs'],
    [{ zone: 'privatelink.afs.azure.net', records: upTo(3) }],
  ),
  learn(
    C,
    'Storage',
    'Azure Managed Disks',
    'Microsoft.Compute/diskAccesses',
    ['disks'],
    [STORAGE_PUBLIC.blob],
  ),
  // The forwarder is `blob.storage.azure.net`, whose names are not confirmed to map into the zone: see UNCONFIRMED.
  learn(
    C,
    'Storage',
    'Azure Elastic SAN',
    'Microsoft.ElasticSan/elasticSans',
    ['volumegroup'],
    [STORAGE_PUBLIC.blob],
  ),
  learn(C, 'Storage', 'Azure Files', 'Microsoft.FileShares/fileShares', ['FileShare'], [STORAGE_PUBLIC.file]),
  // Web
  learn(
    C,
    'Web',
    'Azure Search',
    'Microsoft.Search/searchServices',
    ['searchService'],
    ['privatelink.search.windows.net'],
  ),
  learn(
    C,
    'Web',
    'Azure Relay',
    'Microsoft.Relay/namespaces',
    ['namespace'],
    ['privatelink.servicebus.windows.net'],
  ),
  learn(
    C,
    'Web',
    'Azure Web Apps / Azure Function Apps',
    'Microsoft.Web/sites',
    ['sites'],
    [
      // The SCM site is `<app>.scm.azurewebsites.net`: record `<app>.scm` here, or `<app>` in the scm sub-zone.
      { zone: 'privatelink.azurewebsites.net', records: ['{name}', '{name}.scm'] },
      {
        zone: 'scm.privatelink.azurewebsites.net',
        optional: true,
        note: 'Microsoft: do not deploy it next to privatelink.azurewebsites.net; used only when the hub holds it',
      },
    ],
  ),
  learn(
    C,
    'Web',
    'SignalR',
    'Microsoft.SignalRService/SignalR',
    ['signalr'],
    ['privatelink.service.signalr.net'],
  ),
  learn(
    C,
    'Web',
    'Azure Static Web Apps',
    'Microsoft.Web/staticSites',
    ['staticSites'],
    ['privatelink.azurestaticapps.net', 'privatelink.{partitionId}.azurestaticapps.net'],
  ),
  learn(
    C,
    'Web',
    'Azure Maps',
    'Microsoft.Maps/accounts',
    ['account'],
    [{ zone: 'privatelink.account.maps.azure.com', records: upTo(2) }],
  ),
  learn(
    C,
    'Web',
    'Azure Web PubSub service',
    'Microsoft.SignalRService/WebPubSub',
    ['webpubsub'],
    ['privatelink.webpubsub.azure.com'],
  ),

  // Zones hubs hold that Microsoft's current table does not list. Names of the same service at the position the
  // current table gives are never moved into them; they are used when a name fits them and the hub holds them.
  layout(
    'alz',
    'privatelink.tip1.powerquery.microsoft.com',
    'Analytics',
    'Microsoft Power BI (older Power Query zone)',
    'Microsoft.PowerBI/privateLinkServicesForPowerBI',
    ['tenant'],
    [{ zone: 'privatelink.tip1.powerquery.microsoft.com', records: upTo(3) }],
  ),
  layout(
    'alz',
    'privatelink.workspace.azurehealthcareapis.com, privatelink.fhir.azurehealthcareapis.com',
    'Integration',
    'Azure Health Data Services (per-service zones)',
    'Microsoft.HealthcareApis/workspaces',
    ['healthcareworkspace'],
    ['privatelink.workspace.azurehealthcareapis.com', 'privatelink.fhir.azurehealthcareapis.com'],
  ),
  layout(
    'alz-older',
    '{regionName}.privatelink.batch.azure.com, {regionName}.service.privatelink.batch.azure.com',
    'Compute',
    'Azure Batch (regional sub-zones)',
    'Microsoft.Batch/batchAccounts',
    ['batchAccount', 'nodeManagement'],
    ['{regionName}.privatelink.batch.azure.com', '{regionName}.service.privatelink.batch.azure.com'],
  ),
  layout(
    'learn-2021',
    'Azure Site Recovery (Microsoft.RecoveryServices/vaults) / AzureSiteRecovery | {region}.privatelink.siterecovery.windowsazure.com',
    'Management and Governance',
    'Azure Site Recovery (regional sub-zone)',
    'Microsoft.RecoveryServices/vaults',
    ['AzureSiteRecovery'],
    ['{regionCode}.privatelink.siterecovery.windowsazure.com'],
  ),
];

// ---- Government ---------------------------------------------------------------------------------------------------

const G: AzureCloudName = 'AzureUSGovernment';

const STORAGE_GOV = {
  blob: 'privatelink.blob.core.usgovcloudapi.net',
  queue: 'privatelink.queue.core.usgovcloudapi.net',
  table: 'privatelink.table.core.usgovcloudapi.net',
  file: 'privatelink.file.core.usgovcloudapi.net',
  web: { zone: 'privatelink.web.core.usgovcloudapi.net', records: ['{name}', '{name}.{any}'] },
  dfs: 'privatelink.dfs.core.usgovcloudapi.net',
} as const;
const SERVICEBUS_GOV = 'privatelink.servicebus.usgovcloudapi.net';

const GOVERNMENT: CatalogueRow[] = [
  learn(
    G,
    'AI + Machine Learning',
    'Foundry Tools',
    'Microsoft.CognitiveServices/accounts',
    ['account'],
    ['privatelink.cognitiveservices.azure.us'],
  ),
  learn(
    G,
    'AI + Machine Learning',
    'Azure Machine Learning',
    'Microsoft.MachineLearningServices/workspaces',
    ['amlworkspace'],
    [
      { zone: 'privatelink.api.ml.azure.us', records: AML_NAMES },
      { zone: 'privatelink.notebooks.usgovcloudapi.net', records: upTo(2) },
    ],
  ),
  learn(G, 'Analytics', 'Azure Event Hubs', 'Microsoft.EventHub/namespaces', ['namespace'], [SERVICEBUS_GOV]),
  learn(
    G,
    'Analytics',
    'Azure Synapse Analytics',
    'Microsoft.Synapse/workspaces',
    ['Sql'],
    ['privatelink.sql.azuresynapse.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Analytics',
    'Azure Synapse Analytics',
    'Microsoft.Synapse/workspaces',
    ['SqlOnDemand'],
    ['privatelink.sql.azuresynapse.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Analytics',
    'Azure Synapse Analytics',
    'Microsoft.Synapse/workspaces',
    ['Dev'],
    ['privatelink.dev.azuresynapse.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Analytics',
    'Azure Synapse Studio',
    'Microsoft.Synapse/privateLinkHubs',
    ['Web'],
    ['privatelink.azuresynapse.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Analytics',
    'Azure Data Factory',
    'Microsoft.DataFactory/factories',
    ['dataFactory'],
    [{ zone: 'privatelink.datafactory.azure.us', records: ['{name}', '{name}.{regionName}'] }],
  ),
  learn(
    G,
    'Analytics',
    'Azure Data Factory',
    'Microsoft.DataFactory/factories',
    ['portal'],
    ['privatelink.adf.azure.us'],
  ),
  learn(
    G,
    'Analytics',
    'Azure HDInsight',
    'Microsoft.HDInsight',
    ['gateway', 'headnode'],
    ['privatelink.azurehdinsight.us'],
  ),
  learn(
    G,
    'Analytics',
    'Azure Databricks',
    'Microsoft.Databricks/workspaces',
    ['databricks_ui_api', 'browser_authentication'],
    [{ zone: 'privatelink.databricks.azure.us', records: upTo(2) }],
  ),
  learn(
    G,
    'Compute',
    'Azure Batch',
    'Microsoft.Batch/batchAccounts',
    ['batchAccount'],
    [{ zone: 'privatelink.batch.usgovcloudapi.net', records: ['{name}.{regionName}'] }],
  ),
  learn(
    G,
    'Compute',
    'Azure Batch',
    'Microsoft.Batch/batchAccounts',
    ['nodeManagement'],
    [{ zone: 'privatelink.batch.usgovcloudapi.net', records: ['{name}.{regionName}.service'] }],
  ),
  learn(
    G,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/workspaces',
    ['global'],
    ['privatelink-global.wvd.azure.us'],
  ),
  learn(
    G,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/workspaces, Microsoft.DesktopVirtualization/hostpools',
    ['feed', 'connection'],
    [{ zone: 'privatelink.wvd.azure.us', records: upTo(3) }],
  ),
  learn(
    G,
    'Containers',
    'Azure Container Registry',
    'Microsoft.ContainerRegistry/registries',
    ['registry'],
    [
      // The Government row names `{regionName}.azurecr.us` as the data endpoint forwarder.
      { zone: 'privatelink.azurecr.us', records: ['{name}', '{name}.{regionName}'] },
      {
        zone: '{regionName}.privatelink.azurecr.us',
        optional: true,
        note: 'regional data-endpoint zone, used when the hub holds it',
      },
    ],
  ),
  learn(
    G,
    'Databases',
    'Azure SQL Database',
    'Microsoft.Sql/servers',
    ['sqlServer'],
    ['privatelink.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure SQL Managed Instance',
    'Microsoft.Sql/managedInstances',
    ['managedInstance'],
    ['privatelink.{dnsPrefix}.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Sql'],
    ['privatelink.documents.azure.us'],
  ),
  learn(
    G,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['MongoDB'],
    ['privatelink.mongo.cosmos.azure.us'],
  ),
  learn(
    G,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Cassandra'],
    ['privatelink.cassandra.cosmos.azure.us'],
  ),
  learn(
    G,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Gremlin'],
    ['privatelink.gremlin.cosmos.azure.us'],
  ),
  learn(
    G,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Table'],
    ['privatelink.table.cosmos.azure.us'],
  ),
  learn(
    G,
    'Databases',
    'Azure Database for PostgreSQL - Single server',
    'Microsoft.DBforPostgreSQL/servers',
    ['postgresqlServer'],
    ['privatelink.postgres.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure Database for PostgreSQL - Flexible server',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    ['postgresqlServer'],
    ['privatelink.postgres.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure Database for MySQL - Single Server',
    'Microsoft.DBforMySQL/servers',
    ['mysqlServer'],
    ['privatelink.mysql.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure Database for MySQL - Flexible Server',
    'Microsoft.DBforMySQL/flexibleServers',
    ['mysqlServer'],
    ['privatelink.mysql.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure Database for MariaDB',
    'Microsoft.DBforMariaDB/servers',
    ['mariadbServer'],
    ['privatelink.mariadb.database.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Databases',
    'Azure Cache for Redis',
    'Microsoft.Cache/Redis',
    ['redisCache'],
    ['privatelink.redis.cache.usgovcloudapi.net'],
  ),
  learn(
    G,
    'Integration',
    'Azure Service Bus',
    'Microsoft.ServiceBus/namespaces',
    ['namespace'],
    [SERVICEBUS_GOV],
  ),
  learn(
    G,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/topics',
    ['topic'],
    [{ zone: 'privatelink.eventgrid.azure.us', records: upTo(2) }],
  ),
  learn(
    G,
    'Integration',
    'Azure Event Grid',
    'Microsoft.EventGrid/domains',
    ['domain'],
    [{ zone: 'privatelink.eventgrid.azure.us', records: upTo(2) }],
  ),
  learn(
    G,
    'Integration',
    'Azure Health Data Services',
    'Microsoft.HealthcareApis/workspaces',
    ['healthcareworkspace'],
    [
      'privatelink.workspace.azurehealthcareapis.us',
      'privatelink.fhir.azurehealthcareapis.us',
      'privatelink.dicom.azurehealthcareapis.us',
    ],
  ),
  learn(
    G,
    'Internet of Things (IoT)',
    'Azure IoT Hub',
    'Microsoft.Devices/IotHubs',
    ['iotHub'],
    [
      'privatelink.azure-devices.us',
      {
        zone: 'privatelink.servicebus.windows.us',
        note: 'as the page prints it; its forwarder is servicebus.usgovcloudapi.net, whose names go to privatelink.servicebus.usgovcloudapi.net',
      },
    ],
  ),
  learn(
    G,
    'Internet of Things (IoT)',
    'Azure IoT Hub Device Provisioning Service',
    'Microsoft.Devices/ProvisioningServices',
    ['iotDps'],
    ['privatelink.azure-devices-provisioning.us'],
  ),
  learn(
    G,
    'Management and Governance',
    'Azure Automation',
    'Microsoft.Automation/automationAccounts',
    ['Webhook', 'DSCAndHybridWorker'],
    [{ zone: 'privatelink.azure-automation.us', records: upTo(3) }],
  ),
  learn(
    G,
    'Management and Governance',
    'Azure Backup',
    'Microsoft.RecoveryServices/vaults',
    ['AzureBackup'],
    ['privatelink.{regionCode}.backup.windowsazure.us'],
  ),
  learn(
    G,
    'Management and Governance',
    'Azure Migrate',
    'Microsoft.Migrate/migrateProjects',
    ['Default'],
    [{ zone: 'privatelink.prod.migration.windowsazure.us', records: upTo(3) }],
  ),
  learn(
    G,
    'Management and Governance',
    'Azure Migrate',
    'Microsoft.Migrate/assessmentProjects',
    ['Default'],
    [{ zone: 'privatelink.prod.migration.windowsazure.us', records: upTo(3) }],
  ),
  learn(
    G,
    'Management and Governance',
    'Azure Site Recovery',
    'Microsoft.RecoveryServices/vaults',
    ['AzureSiteRecovery'],
    [{ zone: 'privatelink.siterecovery.windowsazure.us', records: ['{name}.{regionCode}'] }],
  ),
  learn(
    G,
    'Management and Governance',
    'Azure Monitor',
    'Microsoft.Insights/privateLinkScopes',
    ['azuremonitor'],
    [
      { zone: 'privatelink.monitor.azure.us', records: MONITOR_NAMES },
      { zone: 'privatelink.adx.monitor.azure.us', records: upTo(2) },
      'privatelink.oms.opinsights.azure.us',
      'privatelink.ods.opinsights.azure.us',
      'privatelink.agentsvc.azure-automation.us',
      STORAGE_GOV.blob,
    ],
  ),
  learn(
    G,
    'Management and Governance',
    'Microsoft Purview',
    'Microsoft.Purview',
    ['account'],
    [{ zone: 'privatelink.purview.azure.us', records: upTo(2) }],
  ),
  learn(
    G,
    'Management and Governance',
    'Microsoft Purview',
    'Microsoft.Purview',
    ['portal'],
    [{ zone: 'privatelink.purviewstudio.azure.us', records: upTo(2) }],
  ),
  learn(
    G,
    'Security',
    'Azure Key Vault',
    'Microsoft.KeyVault/vaults',
    ['vault'],
    [{ zone: 'privatelink.vaultcore.usgovcloudapi.net', aliases: ['vault.usgovcloudapi.net'] }],
  ),
  learn(
    G,
    'Security',
    'Azure App Configuration',
    'Microsoft.AppConfiguration/configurationStores',
    ['configurationStores'],
    ['privatelink.azconfig.azure.us'],
  ),
  learn(
    G,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['blob', 'blob_secondary'],
    [STORAGE_GOV.blob],
  ),
  learn(
    G,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['table', 'table_secondary'],
    [STORAGE_GOV.table],
  ),
  learn(
    G,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['queue', 'queue_secondary'],
    [STORAGE_GOV.queue],
  ),
  learn(
    G,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['file', 'file_secondary'],
    [STORAGE_GOV.file],
  ),
  learn(
    G,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['web', 'web_secondary'],
    [STORAGE_GOV.web],
  ),
  learn(
    G,
    'Storage',
    'Azure Data Lake File System Gen2',
    'Microsoft.Storage/storageAccounts',
    ['dfs', 'dfs_secondary'],
    [STORAGE_GOV.dfs],
  ),
  learn(
    G,
    'Web',
    'Azure Search',
    'Microsoft.Search/searchServices',
    ['searchService'],
    ['privatelink.search.azure.us'],
  ),
  learn(G, 'Web', 'Azure Relay', 'Microsoft.Relay/namespaces', ['namespace'], [SERVICEBUS_GOV]),
  learn(
    G,
    'Web',
    'Azure Web Apps',
    'Microsoft.Web/sites',
    ['sites'],
    [
      { zone: 'privatelink.azurewebsites.us', records: ['{name}', '{name}.scm'] },
      { zone: 'scm.privatelink.azurewebsites.us', optional: true, note: 'used only when the hub holds it' },
    ],
  ),
];

// ---- China (Azure operated by 21Vianet) ---------------------------------------------------------------------------

const CN: AzureCloudName = 'AzureChinaCloud';

const STORAGE_CHINA = {
  blob: 'privatelink.blob.core.chinacloudapi.cn',
  queue: 'privatelink.queue.core.chinacloudapi.cn',
  table: 'privatelink.table.core.chinacloudapi.cn',
  file: 'privatelink.file.core.chinacloudapi.cn',
  web: { zone: 'privatelink.web.core.chinacloudapi.cn', records: ['{name}', '{name}.{any}'] },
  dfs: 'privatelink.dfs.core.chinacloudapi.cn',
} as const;
const SERVICEBUS_CHINA = 'privatelink.servicebus.chinacloudapi.cn';

const CHINA: CatalogueRow[] = [
  learn(
    CN,
    'AI + Machine Learning',
    'Azure Machine Learning',
    'Microsoft.MachineLearningServices/workspaces',
    ['amlworkspace'],
    [
      { zone: 'privatelink.api.ml.azure.cn', records: AML_NAMES },
      { zone: 'privatelink.notebooks.chinacloudapi.cn', records: upTo(2) },
    ],
  ),
  learn(
    CN,
    'Analytics',
    'Azure Data Factory',
    'Microsoft.DataFactory/factories',
    ['dataFactory'],
    [{ zone: 'privatelink.datafactory.azure.cn', records: ['{name}', '{name}.{regionName}'] }],
  ),
  learn(
    CN,
    'Analytics',
    'Azure Data Factory',
    'Microsoft.DataFactory/factories',
    ['portal'],
    ['privatelink.adf.azure.cn'],
  ),
  learn(
    CN,
    'Analytics',
    'Azure HDInsight',
    'Microsoft.HDInsight',
    ['gateway', 'headnode'],
    ['privatelink.azurehdinsight.cn'],
  ),
  learn(
    CN,
    'Analytics',
    'Azure Data Explorer',
    'Microsoft.Kusto/Clusters',
    ['cluster'],
    ['privatelink.{regionName}.kusto.windows.cn'],
  ),
  learn(
    CN,
    'Compute',
    'Azure Batch',
    'Microsoft.Batch/batchAccounts',
    ['batchAccount'],
    [{ zone: 'privatelink.batch.chinacloudapi.cn', records: ['{name}.{regionName}'] }],
  ),
  learn(
    CN,
    'Compute',
    'Azure Batch',
    'Microsoft.Batch/batchAccounts',
    ['nodeManagement'],
    [{ zone: 'privatelink.batch.chinacloudapi.cn', records: ['{name}.{regionName}.service'] }],
  ),
  learn(
    CN,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/workspaces',
    ['global'],
    ['privatelink-global.wvd.azure.cn'],
  ),
  learn(
    CN,
    'Compute',
    'Azure Virtual Desktop',
    'Microsoft.DesktopVirtualization/workspaces and Microsoft.DesktopVirtualization/hostpools',
    ['feed', 'connection'],
    [{ zone: 'privatelink.wvd.azure.cn', records: upTo(3) }],
  ),
  learn(
    CN,
    'Databases',
    'Azure SQL Database',
    'Microsoft.Sql/servers',
    ['sqlServer'],
    ['privatelink.database.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Sql'],
    ['privatelink.documents.azure.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['MongoDB'],
    ['privatelink.mongo.cosmos.azure.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Cassandra'],
    ['privatelink.cassandra.cosmos.azure.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Gremlin'],
    ['privatelink.gremlin.cosmos.azure.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Cosmos DB',
    'Microsoft.DocumentDB/databaseAccounts',
    ['Table'],
    ['privatelink.table.cosmos.azure.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Database for PostgreSQL - Single server',
    'Microsoft.DBforPostgreSQL/servers',
    ['postgresqlServer'],
    ['privatelink.postgres.database.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Database for PostgreSQL - Flexible server',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    ['postgresqlServer'],
    ['privatelink.postgres.database.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Database for MySQL - Single Server',
    'Microsoft.DBforMySQL/servers',
    ['mysqlServer'],
    ['privatelink.mysql.database.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Database for MySQL - Flexible Server',
    'Microsoft.DBforMySQL/flexibleServers',
    ['mysqlServer'],
    ['privatelink.mysql.database.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Database for MariaDB',
    'Microsoft.DBforMariaDB/servers',
    ['mariadbServer'],
    ['privatelink.mariadb.database.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Databases',
    'Azure Cache for Redis',
    'Microsoft.Cache/Redis',
    ['redisCache'],
    ['privatelink.redis.cache.chinacloudapi.cn'],
  ),
  learn(
    CN,
    'Integration',
    'Azure Service Bus',
    'Microsoft.ServiceBus/namespaces',
    ['namespace'],
    [SERVICEBUS_CHINA],
  ),
  learn(
    CN,
    'Internet of Things (IoT)',
    'Azure IoT Hub',
    'Microsoft.Devices/IotHubs',
    ['iotHub'],
    ['privatelink.azure-devices.cn', SERVICEBUS_CHINA],
  ),
  learn(
    CN,
    'Internet of Things (IoT)',
    'Azure IoT Hub Device Provisioning Service',
    'Microsoft.Devices/ProvisioningServices',
    ['iotDps'],
    ['privatelink.azure-devices-provisioning.cn'],
  ),
  learn(
    CN,
    'Management and Governance',
    'Azure Automation',
    'Microsoft.Automation/automationAccounts',
    ['Webhook', 'DSCAndHybridWorker'],
    [{ zone: 'privatelink.azure-automation.cn', records: upTo(3) }],
  ),
  learn(
    CN,
    'Security',
    'Azure Key Vault',
    'Microsoft.KeyVault/vaults',
    ['vault'],
    [
      {
        zone: 'privatelink.vaultcore.azure.cn',
        aliases: ['vault.azure.cn'],
        note: 'the row names vaultcore.azure.cn; vault.azure.cn is Key Vault’s public name in this cloud, mapped as the other clouds’ rows map vault.*',
      },
    ],
  ),
  learn(
    CN,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['blob', 'blob_secondary'],
    [STORAGE_CHINA.blob],
  ),
  learn(
    CN,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['table', 'table_secondary'],
    [STORAGE_CHINA.table],
  ),
  learn(
    CN,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['queue', 'queue_secondary'],
    [STORAGE_CHINA.queue],
  ),
  learn(
    CN,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['file', 'file_secondary'],
    [STORAGE_CHINA.file],
  ),
  learn(
    CN,
    'Storage',
    'Storage account',
    'Microsoft.Storage/storageAccounts',
    ['web', 'web_secondary'],
    [STORAGE_CHINA.web],
  ),
  learn(
    CN,
    'Storage',
    'Azure Data Lake File System Gen2',
    'Microsoft.Storage/storageAccounts',
    ['dfs', 'dfs_secondary'],
    [STORAGE_CHINA.dfs],
  ),
  learn(
    CN,
    'Storage',
    'Azure File Sync',
    'Microsoft.StorageSync/storageSyncServices',
    ['afs'],
    [{ zone: 'privatelink.afs.azure.cn', records: upTo(3) }],
  ),
  learn(CN, 'Web', 'Azure Event Hubs', 'Microsoft.EventHub/namespaces', ['namespace'], [SERVICEBUS_CHINA]),
  learn(CN, 'Web', 'Azure Relay', 'Microsoft.Relay/namespaces', ['namespace'], [SERVICEBUS_CHINA]),
  learn(
    CN,
    'Web',
    'Azure Web Apps',
    'Microsoft.Web/sites',
    ['sites'],
    [{ zone: 'privatelink.chinacloudsites.cn', records: ['{name}', '{name}.scm'] }],
  ),
  learn(
    CN,
    'Web',
    'SignalR',
    'Microsoft.SignalRService/SignalR',
    ['signalR'],
    [
      // Forwarder `service.signalr.azure.cn` under the zone `privatelink.signalr.azure.cn`: `<name>.service`.
      { zone: 'privatelink.signalr.azure.cn', records: ['{name}.service'] },
    ],
  ),
];

export const CATALOGUE_ROWS: readonly CatalogueRow[] = [...COMMERCIAL, ...GOVERNMENT, ...CHINA];

export const UNCONFIRMED_SUFFIXES: readonly UnconfirmedSuffix[] = [
  {
    cloud: 'AzureCloud',
    suffix: 'blob.storage.azure.net',
    reason:
      'partitioned storage names (`<account>.zNN.blob.storage.azure.net`, used by Backup storage accounts and Elastic SAN) ' +
      'have no confirmed record name in privatelink.blob.core.windows.net',
  },
];
