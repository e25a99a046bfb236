import type { Command } from 'commander';
import { Option } from 'commander';
import { AZURE_CLOUD_NAMES } from '../../core/clouds';
import { ConfigError, hubZoneGroups, parseAppConfig, zoneLocation } from '../../core/config';
import type { AppConfig } from '../../core/config';
import type { PlanScope } from '../../core/plan';
import { checkResourceId } from '../../core/armNames';
import { canonicalId } from '../../core/resourceId';
import { APP_SETTINGS } from '../../core/settings';
import { createAzureClients } from '../../azure/clients';
import type { AzureClients } from '../../azure/clients';
import { createAzurePorts } from '../../azure';
import type { AzurePorts, EndpointScope, ZoneRef } from '../../azure/ports';
import { readJsonFile } from '../inputFiles';
import { UserInputError } from '../io';

/** Flags every live command shares (commander camel-cases them). */
export interface ScopeFlags {
  readonly subscription?: string[];
  readonly resourceGroup?: string[];
  readonly vault?: string;
  readonly endpoint?: string;
  readonly hubSubscription?: string;
  readonly zoneResourceGroup?: string;
  readonly zoneOverride?: string[];
  readonly config?: string;
  readonly armEndpoint?: string;
  readonly armCa?: string;
  /** AZURE_CLOUD. */
  readonly cloud?: string;
  readonly owner?: string;
  readonly noResourceGraph?: boolean;
  readonly resourceGraph?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export interface ScopeOptionChoices {
  /** `doctor` needs `--vault`. */
  readonly vaultRequired?: boolean;
  /** Commands that define `--owner` themselves (plan) pass false. */
  readonly owner?: boolean;
}

/** Adds the shared scope flags to a command. */
export function addScopeOptions(command: Command, choices: ScopeOptionChoices = {}): Command {
  const vaultHelp = 'only endpoints of this Recovery Services vault (and their Backup siblings)';
  if (choices.vaultRequired) command.requiredOption('--vault <id>', 'Recovery Services vault id');
  else command.option('--vault <id>', vaultHelp);
  if (choices.owner !== false)
    command.option('--owner <id>', 'owner id written into record metadata (OWNER_ID)');
  return command
    .option('--subscription <id>', 'spoke subscription to read endpoints from (repeatable)', collect)
    .option(
      '--resource-group <name>',
      'only this resource group: <rg> (in every --subscription) or <subscriptionId>/<rg> (repeatable)',
      collect,
    )
    .option('--endpoint <id>', 'only this private endpoint (and its Backup siblings)')
    .option('--hub-subscription <id>', 'subscription holding the privatelink.* zones (HUB_SUBSCRIPTION_ID)')
    .option('--zone-resource-group <rg>', 'default resource group of the hub zones (HUB_ZONE_RESOURCE_GROUP)')
    .option(
      '--zone-override <zone=rg>',
      'zone in another resource group: zone=rg or zone=/subscriptions/<id>/resourceGroups/<rg> (repeatable)',
      collect,
    )
    .option(
      '--config <file>',
      'JSON file of app settings (same keys as the Function App; {"Values": {...}} too)',
    )
    .addOption(
      new Option('--cloud <name>', 'Azure cloud: endpoints, sign-in and zone names (AZURE_CLOUD)').choices(
        AZURE_CLOUD_NAMES,
      ),
    )
    .option('--arm-endpoint <url>', 'ARM endpoint (e.g. local/arm); ARM_ENDPOINT')
    .option('--arm-ca <file>', 'PEM CA to trust for --arm-endpoint; ARM_CA_FILE')
    .addOption(new Option('--no-resource-graph', 'list endpoints with ARM calls instead of Resource Graph'));
}

const FLAG_FOR_SETTING: Record<string, string> = {
  HUB_SUBSCRIPTION_ID: '--hub-subscription',
  HUB_ZONE_RESOURCE_GROUP: '--zone-resource-group',
  HUB_ZONE_OVERRIDES: '--zone-override',
  SPOKE_SUBSCRIPTION_IDS: '--subscription',
  SPOKE_RESOURCE_GROUPS: '--resource-group',
  OWNER_ID: '--owner',
  SYNC_POLICY: '--policy',
  ADOPT_FOREIGN_RECORDS: '--adopt',
  AZURE_CLOUD: '--cloud',
  ARM_ENDPOINT: '--arm-endpoint',
  ARM_CA_FILE: '--arm-ca',
};

/** Reads `--config`: app settings as a flat object or a local.settings.json (`Values`). */
export function readSettingsFile(file: string): Record<string, string> {
  const data = readJsonFile(file);
  const values =
    data && typeof data === 'object' && 'Values' in data && typeof data.Values === 'object'
      ? data.Values
      : data;
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    throw new UserInputError(`${file}: $: expected an object of app settings`);
  }
  const known = new Set(APP_SETTINGS.map((s) => s.name as string));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (!known.has(key)) continue;
    const scalar = (v: unknown): string =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
    if (Array.isArray(value)) out[key] = value.map(scalar).join(key === 'HUB_ZONE_OVERRIDES' ? ';' : ',');
    else if (value !== null && value !== undefined) out[key] = scalar(value);
  }
  return out;
}

export interface LiveContext {
  readonly config: AppConfig;
  readonly clients: AzureClients;
  readonly ports: AzurePorts;
  /** What to list. */
  readonly scope: EndpointScope;
  /** What the plan is complete for (partial runs only drop owners in scope). */
  readonly planScope: PlanScope;
  /** True when the run covers every allowed subscription (no narrowing flag). */
  readonly fullScope: boolean;
  locateZone(zone: string): ZoneRef;
  /** Resource groups that hold hub zones (default + overrides). */
  readonly hubZoneGroups: { subscriptionId: string; resourceGroup: string }[];
}

export interface ContextOptions {
  /** Extra settings from command flags (`SYNC_POLICY`, `ADOPT_FOREIGN_RECORDS`, ...). */
  readonly settings?: Record<string, string | undefined>;
  /** Commands that never touch the hub (export) may run without hub settings. */
  readonly needsHub?: boolean;
  readonly env?: Record<string, string | undefined>;
  /** Injected clients (tests); otherwise built from --arm-endpoint / --arm-ca / DefaultAzureCredential. */
  readonly clients?: AzureClients;
}

/** Settings from the environment, then --config, then flags; validated with the app's own schema. */
export function resolveLiveContext(flags: ScopeFlags, options: ContextOptions = {}): LiveContext {
  const env = options.env ?? process.env;
  // Lowest first: app settings from the environment (as the Function App sees them), then --config, then flags.
  const settings: Record<string, string | undefined> = {};
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') settings[name] = value;
  };
  for (const spec of APP_SETTINGS) set(spec.name, env[spec.name]);
  if (flags.config)
    for (const [name, value] of Object.entries(readSettingsFile(flags.config))) set(name, value);
  set('HUB_SUBSCRIPTION_ID', flags.hubSubscription);
  set('HUB_ZONE_RESOURCE_GROUP', flags.zoneResourceGroup);
  if (flags.zoneOverride?.length) set('HUB_ZONE_OVERRIDES', flags.zoneOverride.join(';'));
  set('OWNER_ID', flags.owner);
  set('AZURE_CLOUD', flags.cloud);
  set('ARM_ENDPOINT', flags.armEndpoint);
  set('ARM_CA_FILE', flags.armCa);
  for (const [name, value] of Object.entries(options.settings ?? {})) set(name, value);
  // The CLI never approves anything: the approval settings of an exported Function App configuration (the secret
  // still a Key Vault reference) must not make its settings invalid.
  for (const name of ['APPROVAL_MODE', 'APPROVAL_WEBHOOK_SECRET', 'APPROVAL_AUTO_SUBSCRIPTIONS'])
    delete settings[name];

  // Subscriptions: flags, else settings, else the one a --vault / --endpoint id names.
  const narrowId = flags.endpoint ?? flags.vault;
  const narrowCheck = narrowId
    ? checkResourceId(narrowId, flags.endpoint ? 'privateEndpoint' : 'vault')
    : undefined;
  if (narrowCheck && !narrowCheck.ok) {
    throw new UserInputError(`${flags.endpoint ? '--endpoint' : '--vault'}: ${narrowCheck.message}`);
  }
  const narrowParsed = narrowCheck?.ok ? narrowCheck.id : undefined;
  if (flags.subscription?.length) set('SPOKE_SUBSCRIPTION_IDS', flags.subscription.join(','));
  else if (!settings.SPOKE_SUBSCRIPTION_IDS && narrowParsed)
    set('SPOKE_SUBSCRIPTION_IDS', narrowParsed.subscriptionId);
  if (flags.resourceGroup?.length) {
    const subs = (settings.SPOKE_SUBSCRIPTION_IDS ?? '').split(',').filter((s) => s.trim() !== '');
    const entries = flags.resourceGroup.flatMap((rg) =>
      rg.includes('/') ? [rg] : subs.map((s) => `${s.trim()}/${rg}`),
    );
    if (entries.length === 0)
      throw new UserInputError('--resource-group <rg> needs --subscription (or use <subscriptionId>/<rg>)');
    set('SPOKE_RESOURCE_GROUPS', entries.join(','));
  }
  if (options.needsHub === false) {
    settings.HUB_SUBSCRIPTION_ID ??= (settings.SPOKE_SUBSCRIPTION_IDS ?? '').split(',')[0]?.trim();
    settings.HUB_ZONE_RESOURCE_GROUP ??= 'unused';
  }

  let config: AppConfig;
  try {
    config = parseAppConfig(settings);
  } catch (error) {
    if (error instanceof ConfigError) {
      let message = error.message.replace(/^Invalid app settings: /, '');
      for (const name of error.settings) {
        const flag = FLAG_FOR_SETTING[name];
        if (flag) message = message.replace(`${name}:`, `${name} (${flag}):`);
      }
      throw new UserInputError(`invalid settings: ${message}`);
    }
    throw error;
  }

  if (narrowParsed && !config.spokeSubscriptionIds.includes(narrowParsed.subscriptionId)) {
    throw new UserInputError(
      `${narrowId} is in subscription ${narrowParsed.subscriptionId}, which is not among the spoke subscriptions`,
    );
  }

  let clients = options.clients;
  if (!clients) {
    try {
      clients = createAzureClients({
        cloud: config.cloud,
        ...(config.armEndpoint ? { armEndpoint: config.armEndpoint } : {}),
        ...(config.armCaFile ? { caFile: config.armCaFile } : {}),
        ...(config.azureClientId ? { managedIdentityClientId: config.azureClientId } : {}),
      });
    } catch (error) {
      throw new UserInputError(`--arm-ca: ${(error as Error).message}`);
    }
  }
  const ports = createAzurePorts(clients, { disableResourceGraph: flags.resourceGraph === false });

  const scope: EndpointScope = {
    subscriptionIds: config.spokeSubscriptionIds,
    ...(config.spokeResourceGroups.length ? { resourceGroups: config.spokeResourceGroups } : {}),
    ...(flags.vault ? { vaultId: canonicalId(flags.vault) } : {}),
    ...(flags.endpoint ? { endpointId: canonicalId(flags.endpoint) } : {}),
  };
  const planScope: PlanScope = {
    subscriptionIds: config.spokeSubscriptionIds,
    ...(config.spokeResourceGroups.length ? { resourceGroups: config.spokeResourceGroups } : {}),
  };
  return {
    config,
    clients,
    ports,
    scope,
    planScope,
    fullScope: !flags.vault && !flags.endpoint && config.spokeResourceGroups.length === 0,
    locateZone: (zone) => ({ ...zoneLocation(config, zone), zone: zone.toLowerCase() }),
    hubZoneGroups: hubZoneGroups(config),
  };
}
