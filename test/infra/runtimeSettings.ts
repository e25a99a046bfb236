/**
 * The one allow-list of app settings that the Functions runtime (not the app's AppConfig) needs. Everything
 * else the hub template or local.settings.example.json sets must come from APP_SETTINGS in
 * src/core/settings.ts.
 */
export interface RuntimeSetting {
  readonly name: string;
  readonly reason: string;
  /** Set by infra/hub.json. */
  readonly hub: boolean;
  /** Set in local.settings.example.json. */
  readonly local: boolean;
}

export const RUNTIME_SETTINGS: readonly RuntimeSetting[] = [
  {
    name: 'AzureWebJobsStorage__accountName',
    reason:
      'Host and Durable Functions storage by identity: the account whose blob/queue/table endpoints are used.',
    hub: true,
    local: false,
  },
  {
    name: 'AzureWebJobsStorage__credential',
    reason: 'Selects managed-identity auth for AzureWebJobsStorage (the account allows no shared keys).',
    hub: true,
    local: false,
  },
  {
    name: 'AzureWebJobsStorage__clientId',
    reason: 'Which user-assigned identity the host uses for storage.',
    hub: true,
    local: false,
  },
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    reason: 'Where the host and worker send telemetry.',
    hub: true,
    local: false,
  },
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    reason: 'Entra ID auth for telemetry ingestion (App Insights local auth is disabled).',
    hub: true,
    local: false,
  },
  {
    name: 'DURABLE_TASK_HUB_NAME',
    reason: 'host.json reads %DURABLE_TASK_HUB_NAME% as the Durable Functions task hub name.',
    hub: true,
    local: true,
  },
  {
    name: 'FUNCTIONS_WORKER_RUNTIME',
    reason:
      'Core Tools needs the language locally; on Flex Consumption it comes from functionAppConfig.runtime and is rejected as an app setting.',
    hub: false,
    local: true,
  },
  {
    name: 'AzureWebJobsStorage',
    reason:
      'Local host storage through Azurite (UseDevelopmentStorage=true); Azure uses the identity-based __ settings instead.',
    hub: false,
    local: true,
  },
  {
    name: 'IDENTITY_ENDPOINT',
    reason:
      'Managed-identity token endpoint of the local emulator (npm run emulator), for `func start` and the CLI; App Service sets it itself in Azure.',
    hub: false,
    local: true,
  },
  {
    name: 'IDENTITY_HEADER',
    reason: 'The secret that endpoint expects; App Service sets it itself in Azure.',
    hub: false,
    local: true,
  },
];

export const HUB_RUNTIME_SETTINGS = RUNTIME_SETTINGS.filter((s) => s.hub).map((s) => s.name);
export const LOCAL_RUNTIME_SETTINGS = RUNTIME_SETTINGS.filter((s) => s.local).map((s) => s.name);
