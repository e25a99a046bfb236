import { Cron } from 'croner';
import { z } from 'zod';
import { isValidName } from './armNames';
import { APP_SETTINGS } from './settings';
import type { AppSettingName } from './settings';
import { SYNC_POLICIES } from './plan';
import { MAX_METADATA_VALUE_LENGTH } from './ownership';
import { AZURE_CLOUD_NAMES, DEFAULT_CLOUD } from './clouds';
import type { AzureCloudName } from './clouds';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ARM resource group names (armNames.ts): letters, digits, `._-()`, up to 90 characters, not ending in a period.
const RESOURCE_GROUP = { test: (name: string): boolean => isValidName('resourceGroup', name) };

/** App settings are strings; an empty one counts as not set. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const guid = z
  .string()
  .trim()
  .regex(GUID, 'must be a subscription id (GUID)')
  .transform((s) => s.toLowerCase());
const resourceGroup = z
  .string()
  .trim()
  .refine((v) => RESOURCE_GROUP.test(v), 'must be a resource group name');

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((s) =>
        (s ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== ''),
      )
      .pipe(z.array(item)),
  );

const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

const boolean = z.preprocess(
  blankToUndefined,
  z
    .enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v.toLowerCase() === 'true' || v === '1'),
);

export interface ZoneLocation {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
}

/** `zone=rg` or `zone=/subscriptions/<id>/resourceGroups/<rg>`, separated by `;`. */
const zoneOverrides = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((raw, ctx): Record<string, { subscriptionId?: string; resourceGroup: string }> => {
      const out: Record<string, { subscriptionId?: string; resourceGroup: string }> = {};
      for (const part of (raw ?? '')
        .split(';')
        .map((p) => p.trim())
        .filter((p) => p !== '')) {
        const eq = part.indexOf('=');
        const zone = part.slice(0, eq).trim().toLowerCase().replace(/\.$/, '');
        const target = part.slice(eq + 1).trim();
        if (eq <= 0 || zone === '' || target === '') {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not zone=resourceGroup` });
          continue;
        }
        const scoped = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/?$/i.exec(target);
        if (scoped) {
          const [, sub = '', rg = ''] = scoped;
          if (!GUID.test(sub) || !RESOURCE_GROUP.test(rg)) {
            ctx.addIssue({
              code: 'custom',
              message: `"${target}" is not /subscriptions/<id>/resourceGroups/<rg>`,
            });
            continue;
          }
          out[zone] = { subscriptionId: sub.toLowerCase(), resourceGroup: rg };
        } else if (RESOURCE_GROUP.test(target)) {
          out[zone] = { resourceGroup: target };
        } else {
          ctx.addIssue({ code: 'custom', message: `"${target}" is not a resource group name` });
        }
      }
      return out;
    }),
);

/** Shortest approval secret accepted: the HMAC-SHA256 block output, 32 bytes (RFC 2104 section 3). */
export const APPROVAL_SECRET_MIN_BYTES = 32;

/**
 * When App Service cannot resolve a Key Vault (or App Configuration) reference it passes the reference text on
 * as the value. That text is public (it is in the template), so it must never become the HMAC key. Messages
 * never echo the value.
 */
const UNRESOLVED_REFERENCE = /^@Microsoft\.(KeyVault|AppConfiguration)\(/i;

const approvalSecret = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
  .refine(
    (v) => v === undefined || !UNRESOLVED_REFERENCE.test(v.trim()),
    'is an unresolved Key Vault reference: the app could not read the secret (check that the secret exists and the identity may read it)',
  )
  .refine(
    (v) => v === undefined || new TextEncoder().encode(v).length >= APPROVAL_SECRET_MIN_BYTES,
    `must be at least ${APPROVAL_SECRET_MIN_BYTES} bytes`,
  );

const subscriptionResourceGroup = z
  .string()
  .refine((v) => /^[^/]+\/[^/]+$/.test(v), {
    message: 'entries must be subscriptionId/resourceGroup',
    abort: true,
  })
  .refine((v) => GUID.test(v.split('/')[0] ?? ''), {
    message: 'entries must start with a subscription id',
    abort: true,
  })
  .refine((v) => RESOURCE_GROUP.test(v.split('/')[1] ?? ''), 'entries must end with a resource group name')
  .transform((v) => v.toLowerCase());

/**
 * Why `expression` is not a schedule the Functions timer trigger accepts, or undefined when it is: an NCRONTAB
 * expression of six fields `{second} {minute} {hour} {day} {month} {day-of-week}`, parsed by `croner` (UTC; a day
 * must match both day fields, as in NCRONTAB), that fires at least once.
 */
export function ncrontabProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6)
    return `must be an NCRONTAB expression with six fields ({second} {minute} {hour} {day} {month} {day-of-week}), got ${fields.length}`;
  try {
    const cron = new Cron(expression.trim(), {
      timezone: 'UTC',
      mode: '6-part',
      domAndDow: true,
      paused: true,
    });
    if (!cron.nextRun(new Date(0))) return 'never fires';
  } catch (error) {
    return `is not a valid NCRONTAB expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** An NCRONTAB expression (six fields), with its default. */
function schedule(fallback: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .superRefine((s, ctx) => {
        const problem = ncrontabProblem(s);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default(fallback),
  );
}

/** One schema key per app setting, exactly the names in `settings.ts` (a test keeps them equal). */
export const appSettingsSchema = z.object({
  HUB_SUBSCRIPTION_ID: guid,
  HUB_ZONE_RESOURCE_GROUP: resourceGroup,
  HUB_ZONE_OVERRIDES: zoneOverrides,
  SPOKE_SUBSCRIPTION_IDS: list(guid).refine((l) => l.length > 0, 'needs at least one subscription id'),
  SPOKE_RESOURCE_GROUPS: list(subscriptionResourceGroup),
  OWNER_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(MAX_METADATA_VALUE_LENGTH, `must be at most ${MAX_METADATA_VALUE_LENGTH} characters`)
      .default('privatelink-dns-sync'),
  ),
  SYNC_POLICY: z.preprocess(blankToUndefined, z.enum(SYNC_POLICIES).default('sync')),
  RECORD_TTL_SECONDS: integer(10, 1, 2_147_483_647),
  ADOPT_FOREIGN_RECORDS: boolean,
  APPROVAL_MODE: z.preprocess(blankToUndefined, z.enum(['off', 'webhook', 'auto']).default('off')),
  APPROVAL_AUTO_SUBSCRIPTIONS: list(guid),
  APPROVAL_TIMEOUT_HOURS: integer(72, 1, 24 * 30),
  APPROVAL_WEBHOOK_SECRET: approvalSecret,
  RECONCILE_SCHEDULE: schedule('0 0 */6 * * *'),
  DNS_READY_MAX_WAIT_MINUTES: integer(30, 1, 24 * 60),
  BACKUP_WATCH_SCHEDULE: schedule('0 2-59/5 * * * *'),
  HUB_DNS_READ_BUDGET: integer(500, 10, 500),
  AZURE_CLOUD: z.preprocess(
    blankToUndefined,
    z
      .enum(AZURE_CLOUD_NAMES, { error: `must be one of ${AZURE_CLOUD_NAMES.join(', ')}` })
      .default(DEFAULT_CLOUD),
  ),
  AZURE_CLIENT_ID: optionalString,
  ARM_ENDPOINT: z.preprocess(blankToUndefined, z.url({ error: 'must be an https URL' }).optional()),
  ARM_CA_FILE: optionalString,
} satisfies Record<AppSettingName, z.ZodType>);

export interface AppConfig {
  readonly hubSubscriptionId: string;
  readonly hubZoneResourceGroup: string;
  readonly hubZoneOverrides: Record<string, { subscriptionId?: string; resourceGroup: string }>;
  readonly spokeSubscriptionIds: string[];
  readonly spokeResourceGroups: string[];
  readonly ownerId: string;
  readonly policy: (typeof SYNC_POLICIES)[number];
  readonly recordTtlSeconds: number;
  readonly adoptForeignRecords: boolean;
  readonly approvalMode: 'off' | 'webhook' | 'auto';
  readonly approvalAutoSubscriptions: string[];
  readonly approvalTimeoutHours: number;
  readonly approvalWebhookSecret?: string;
  readonly reconcileSchedule: string;
  readonly dnsReadyMaxWaitMinutes: number;
  readonly backupWatchSchedule: string;
  /** Private DNS GETs per 5 minutes per hub subscription. */
  readonly hubDnsReadBudget: number;
  /** The Azure cloud: Resource Manager endpoint, sign-in authority and zone names (clouds.ts). */
  readonly cloud: AzureCloudName;
  readonly azureClientId?: string;
  readonly armEndpoint?: string;
  readonly armCaFile?: string;
}

/** A settings problem; `settings` names every setting at fault. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly settings: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates app settings once at startup. Throws `ConfigError` whose message names each bad setting. */
export function parseAppConfig(settings: Record<string, string | undefined>): AppConfig {
  const picked: Record<string, string | undefined> = {};
  for (const spec of APP_SETTINGS) picked[spec.name] = settings[spec.name];
  const result = appSettingsSchema.safeParse(picked);
  if (!result.success) {
    const names: string[] = [];
    const parts = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'settings');
      if (!names.includes(name)) names.push(name);
      const missing = picked[name] === undefined || picked[name] === '';
      return missing && issue.code === 'invalid_type' ? `${name}: is required` : `${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid app settings: ${parts.join('; ')}`, names);
  }
  const s = result.data;
  if (s.APPROVAL_MODE !== 'off' && !s.APPROVAL_WEBHOOK_SECRET) {
    throw new ConfigError(
      `Invalid app settings: APPROVAL_WEBHOOK_SECRET: is required when APPROVAL_MODE is ${s.APPROVAL_MODE}`,
      ['APPROVAL_WEBHOOK_SECRET'],
    );
  }
  return {
    hubSubscriptionId: s.HUB_SUBSCRIPTION_ID,
    hubZoneResourceGroup: s.HUB_ZONE_RESOURCE_GROUP,
    hubZoneOverrides: s.HUB_ZONE_OVERRIDES,
    spokeSubscriptionIds: s.SPOKE_SUBSCRIPTION_IDS,
    spokeResourceGroups: s.SPOKE_RESOURCE_GROUPS,
    ownerId: s.OWNER_ID,
    policy: s.SYNC_POLICY,
    recordTtlSeconds: s.RECORD_TTL_SECONDS,
    adoptForeignRecords: s.ADOPT_FOREIGN_RECORDS,
    approvalMode: s.APPROVAL_MODE,
    approvalAutoSubscriptions: s.APPROVAL_AUTO_SUBSCRIPTIONS,
    approvalTimeoutHours: s.APPROVAL_TIMEOUT_HOURS,
    reconcileSchedule: s.RECONCILE_SCHEDULE,
    dnsReadyMaxWaitMinutes: s.DNS_READY_MAX_WAIT_MINUTES,
    backupWatchSchedule: s.BACKUP_WATCH_SCHEDULE,
    hubDnsReadBudget: s.HUB_DNS_READ_BUDGET,
    cloud: s.AZURE_CLOUD,
    ...(s.APPROVAL_WEBHOOK_SECRET ? { approvalWebhookSecret: s.APPROVAL_WEBHOOK_SECRET } : {}),
    ...(s.AZURE_CLIENT_ID ? { azureClientId: s.AZURE_CLIENT_ID } : {}),
    ...(s.ARM_ENDPOINT ? { armEndpoint: s.ARM_ENDPOINT } : {}),
    ...(s.ARM_CA_FILE ? { armCaFile: s.ARM_CA_FILE } : {}),
  };
}

/** The settings that say where hub zones live. */
export type HubLayout = Pick<AppConfig, 'hubSubscriptionId' | 'hubZoneResourceGroup' | 'hubZoneOverrides'>;

/** Where a hub zone lives: its override, else the hub subscription's default resource group. */
export function zoneLocation(config: HubLayout, zone: string): ZoneLocation {
  const override = config.hubZoneOverrides[zone.toLowerCase().replace(/\.$/, '')];
  return {
    subscriptionId: override?.subscriptionId ?? config.hubSubscriptionId,
    resourceGroup: override?.resourceGroup ?? config.hubZoneResourceGroup,
  };
}

/** The resource groups that hold hub zones: the hub's default one and every override's, each once. */
export function hubZoneGroups(config: HubLayout): ZoneLocation[] {
  const groups = new Map<string, ZoneLocation>();
  const hub: ZoneLocation = {
    subscriptionId: config.hubSubscriptionId,
    resourceGroup: config.hubZoneResourceGroup,
  };
  for (const where of [
    hub,
    ...Object.keys(config.hubZoneOverrides).map((zone) => zoneLocation(config, zone)),
  ]) {
    groups.set(`${where.subscriptionId}/${where.resourceGroup}`.toLowerCase(), where);
  }
  return [...groups.values()];
}
