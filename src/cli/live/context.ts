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
import { createAzurePorts, SlidingWindowBudget } from '../../azure';
import { HUB_READ_LIMIT, withMargin } from '../../core/slidingWindow';
import type { AzurePorts, EndpointScope, ZoneRef } from '../../azure/ports';
import { UserInputError } from '../io';
import { IDENTITY_SETTINGS, readSettingsFile, SettingsLayers } from './settings';

export { readSettingsFile } from './settings';

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
  readonly debug?: boolean;
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
      'app settings: local.settings.json, a JSON object of settings, or `az functionapp config appsettings list` output',
    )
    .addOption(
      new Option('--cloud <name>', 'Azure cloud: endpoints, sign-in and zone names (AZURE_CLOUD)').choices(
        AZURE_CLOUD_NAMES,
      ),
    )
    .option('--arm-endpoint <url>', 'ARM endpoint (e.g. local/arm); ARM_ENDPOINT')
    .option('--arm-ca <file>', 'PEM CA to trust for --arm-endpoint; ARM_CA_FILE')
    .addOption(new Option('--no-resource-graph', 'list endpoints with ARM calls instead of Resource Graph'))
    .option('--debug', 'print every setting with where it came from, and full error details');
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
  RECORD_TTL_SECONDS: '--ttl',
  ARM_ENDPOINT: '--arm-endpoint',
  ARM_CA_FILE: '--arm-ca',
};

/**
 * The settings the CLI acts on. The others (approvals, schedules, watch windows) belong to the Function App; a
 * settings file holding them is fine, and they are neither checked nor used here.
 */
const CLI_SETTINGS = new Set<string>([
  'HUB_SUBSCRIPTION_ID',
  'HUB_ZONE_RESOURCE_GROUP',
  'HUB_ZONE_OVERRIDES',
  'SPOKE_SUBSCRIPTION_IDS',
  'SPOKE_RESOURCE_GROUPS',
  'OWNER_ID',
  'SYNC_POLICY',
  'RECORD_TTL_SECONDS',
  'ADOPT_FOREIGN_RECORDS',
  'AZURE_CLIENT_ID',
  'AZURE_CLOUD',
  'ARM_ENDPOINT',
  'ARM_CA_FILE',
  'HUB_DNS_READ_BUDGET',
]);
const USED_BY_CLI = new Set<string>([...CLI_SETTINGS, ...IDENTITY_SETTINGS]);

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
  /** Every setting with its source (what `--debug` prints). */
  readonly settings: SettingsLayers;
}

export interface ContextOptions {
  /** Extra settings from command flags (`SYNC_POLICY`, `ADOPT_FOREIGN_RECORDS`, ...). */
  readonly settings?: Record<string, string | undefined>;
  /** Commands that never touch the hub (export) may run without hub settings. */
  readonly needsHub?: boolean;
  readonly env?: Record<string, string | undefined>;
  /** Injected clients (tests); otherwise built from --arm-endpoint / --arm-ca / DefaultAzureCredential. */
  readonly clients?: AzureClients;
  /** Where `--debug` writes. */
  readonly debug?: (line: string) => void;
}

/** Settings from the environment, then --config, then flags; validated with the app's own schema. */
export function resolveLiveContext(flags: ScopeFlags, options: ContextOptions = {}): LiveContext {
  const env = options.env ?? process.env;
  const layers = new SettingsLayers();
  for (const spec of APP_SETTINGS) layers.set(spec.name, env[spec.name], 'environment');
  for (const name of IDENTITY_SETTINGS) layers.set(name, env[name], 'environment');
  if (flags.config) {
    const file = readSettingsFile(flags.config);
    for (const [name, value] of Object.entries(file.values)) layers.set(name, value, `--config ${file.file}`);
  }
  layers.set('HUB_SUBSCRIPTION_ID', flags.hubSubscription, '--hub-subscription');
  layers.set('HUB_ZONE_RESOURCE_GROUP', flags.zoneResourceGroup, '--zone-resource-group');
  if (flags.zoneOverride?.length)
    layers.set('HUB_ZONE_OVERRIDES', flags.zoneOverride.join(';'), '--zone-override');
  layers.set('OWNER_ID', flags.owner, '--owner');
  layers.set('AZURE_CLOUD', flags.cloud, '--cloud');
  layers.set('ARM_ENDPOINT', flags.armEndpoint, '--arm-endpoint');
  layers.set('ARM_CA_FILE', flags.armCa, '--arm-ca');
  for (const [name, value] of Object.entries(options.settings ?? {}))
    layers.set(name, value, FLAG_FOR_SETTING[name] ?? 'flag');

  // Subscriptions: flags, else settings, else the one a --vault / --endpoint id names.
  const narrowFlag = flags.endpoint ? '--endpoint' : '--vault';
  const narrowId = flags.endpoint ?? flags.vault;
  const narrowCheck = narrowId
    ? checkResourceId(narrowId, flags.endpoint ? 'privateEndpoint' : 'vault')
    : undefined;
  if (narrowCheck && !narrowCheck.ok) throw new UserInputError(`${narrowFlag}: ${narrowCheck.message}`);
  const narrowParsed = narrowCheck?.ok ? narrowCheck.id : undefined;
  if (flags.subscription?.length)
    layers.set('SPOKE_SUBSCRIPTION_IDS', flags.subscription.join(','), '--subscription');
  else if (narrowParsed)
    layers.default('SPOKE_SUBSCRIPTION_IDS', narrowParsed.subscriptionId, `the ${narrowFlag} id`);
  if (flags.resourceGroup?.length) {
    const subs = (layers.get('SPOKE_SUBSCRIPTION_IDS') ?? '').split(',').filter((s) => s.trim() !== '');
    const entries = flags.resourceGroup.flatMap((rg) =>
      rg.includes('/') ? [rg] : subs.map((s) => `${s.trim()}/${rg}`),
    );
    if (entries.length === 0)
      throw new UserInputError('--resource-group <rg> needs --subscription (or use <subscriptionId>/<rg>)');
    layers.set('SPOKE_RESOURCE_GROUPS', entries.join(','), '--resource-group');
  }
  if (options.needsHub === false) {
    layers.default(
      'HUB_SUBSCRIPTION_ID',
      (layers.get('SPOKE_SUBSCRIPTION_IDS') ?? '').split(',')[0]?.trim(),
      'not needed (no hub reads)',
    );
    layers.default('HUB_ZONE_RESOURCE_GROUP', 'unused', 'not needed (no hub reads)');
  }
  if (flags.debug && options.debug)
    for (const line of layers.describe(USED_BY_CLI)) options.debug(`${line}\n`);

  const settings = layers.record();
  for (const name of Object.keys(settings)) if (!CLI_SETTINGS.has(name)) delete settings[name];
  let config: AppConfig;
  try {
    config = parseAppConfig(settings);
  } catch (error) {
    if (error instanceof ConfigError) {
      let message = error.message.replace(/^Invalid app settings: /, '');
      for (const name of error.settings) {
        const where = layers.sourceOf(name) ?? FLAG_FOR_SETTING[name];
        if (where) message = message.replace(`${name}:`, `${name} (${where}):`);
      }
      throw new UserInputError(`invalid settings: ${message}`);
    }
    throw error;
  }

  if (narrowParsed && !config.spokeSubscriptionIds.includes(narrowParsed.subscriptionId)) {
    throw new UserInputError(
      `${narrowId} is in subscription ${narrowParsed.subscriptionId}, which is not among the spoke subscriptions (SPOKE_SUBSCRIPTION_IDS, from ${layers.sourceOf('SPOKE_SUBSCRIPTION_IDS') ?? 'nowhere'})`,
    );
  }

  let clients = options.clients;
  if (!clients) {
    // The Functions host gives the app these from local.settings.json; the CLI does the same for its credential.
    for (const name of IDENTITY_SETTINGS) {
      const value = layers.get(name);
      if (value !== undefined && !process.env[name] && layers.sourceOf(name)?.startsWith('--config'))
        process.env[name] = value;
    }
    try {
      clients = createAzureClients({
        identity: 'default',
        cloud: config.cloud,
        ...(config.armEndpoint ? { armEndpoint: config.armEndpoint } : {}),
        ...(config.armCaFile ? { caFile: config.armCaFile } : {}),
        ...(config.azureClientId ? { managedIdentityClientId: config.azureClientId } : {}),
      });
    } catch (error) {
      throw new UserInputError(
        `ARM_CA_FILE (${layers.sourceOf('ARM_CA_FILE') ?? 'setting'}): ${(error as Error).message}; start the local emulator (npm run emulator) or fix the path`,
      );
    }
  }
  // The hub's Private DNS reads stay inside HUB_DNS_READ_BUDGET per five minutes, as the app's do: the budget is
  // the hub subscription's, shared with every other tool (one window for all hub subscriptions: conservative).
  const readBudget = new SlidingWindowBudget(config.hubDnsReadBudget, withMargin(HUB_READ_LIMIT).windowMs);
  const ports = createAzurePorts(clients, {
    disableResourceGraph: flags.resourceGraph === false,
    hubReadGate: () => readBudget.acquire(),
  });

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
    settings: layers,
  };
}
