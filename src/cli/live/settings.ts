/**
 * Where each app setting of a CLI run comes from. Lowest first: the environment (as the Function App sees its
 * settings), then `--config FILE`, then flags; a later source wins. `--debug` prints the result with the source of
 * every value, so "why does it read that subscription?" has an answer.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { APP_SETTINGS } from '../../core/settings';
import { readJsonFile } from '../inputFiles';
import { UserInputError } from '../io';

/**
 * Settings the Functions host reads next to the app settings: the managed-identity endpoint that App Service (and
 * `npm run emulator`, for a local app) provides. The CLI hands them to its credential when `--config` has them.
 */
export const IDENTITY_SETTINGS = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'] as const;

const SECRET_SETTINGS = new Set(['APPROVAL_WEBHOOK_SECRET', 'IDENTITY_HEADER']);

export interface SettingValue {
  readonly value: string;
  /** `environment`, `--config <file>`, a flag name, or how it was derived. */
  readonly source: string;
}

export interface SettingsFile {
  readonly file: string;
  readonly values: Record<string, string>;
}

const scalar = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

/**
 * Reads `--config`: a flat object of app settings, a `local.settings.json` (`Values`), or the list
 * `az functionapp config appsettings list` prints (`[{ "name", "value" }]`). Keys the app does not know are
 * passed over; the managed-identity endpoint settings are kept for the credential.
 */
export function readSettingsFile(file: string): SettingsFile {
  const data = readJsonFile(file);
  let values: unknown = data;
  if (Array.isArray(data)) {
    const pairs = data.filter(
      (e): e is { name: string; value: unknown } =>
        e !== null && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string',
    );
    if (pairs.length !== data.length)
      throw new UserInputError(
        `${file}: $: a list of settings must hold {"name", "value"} objects (az functionapp config appsettings list)`,
      );
    values = Object.fromEntries(pairs.map((p) => [p.name, p.value]));
  } else if (data && typeof data === 'object' && 'Values' in data && typeof data.Values === 'object') {
    values = data.Values;
  }
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    throw new UserInputError(`${file}: $: expected an object of app settings`);
  }
  const known = new Set<string>([...APP_SETTINGS.map((s) => s.name as string), ...IDENTITY_SETTINGS]);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (!known.has(key)) continue;
    if (Array.isArray(value)) out[key] = value.map(scalar).join(key === 'HUB_ZONE_OVERRIDES' ? ';' : ',');
    else if (value !== null && value !== undefined) out[key] = scalar(value);
  }
  // A CA file named relative to the settings file is found from anywhere (the Functions host runs from that
  // folder, so the same file works for `npm start` and the CLI).
  const ca = out.ARM_CA_FILE;
  if (ca && !isAbsolute(ca)) out.ARM_CA_FILE = resolve(dirname(resolve(file)), ca);
  return { file, values: out };
}

/** Settings as they are layered; `set` ignores empty values so an unset flag never blanks a setting. */
export class SettingsLayers {
  private readonly values = new Map<string, SettingValue>();
  private readonly shadowed = new Map<string, SettingValue[]>();

  set(name: string, value: string | undefined, source: string): void {
    if (value === undefined || value === '') return;
    const before = this.values.get(name);
    if (before && before.value !== value)
      this.shadowed.set(name, [...(this.shadowed.get(name) ?? []), before]);
    this.values.set(name, { value, source });
  }

  /** Sets `name` only when nothing has (a value worked out from another flag). */
  default(name: string, value: string | undefined, source: string): void {
    if (!this.values.has(name)) this.set(name, value, source);
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.value;
  }

  sourceOf(name: string): string | undefined {
    return this.values.get(name)?.source;
  }

  /** Plain name → value, for the config schema. */
  record(): Record<string, string> {
    return Object.fromEntries([...this.values].map(([name, v]) => [name, v.value]));
  }

  /**
   * One line per setting: name, value (secrets masked), where it came from, and what it overrode. Settings left
   * to the app's defaults are listed as such.
   */
  describe(used: ReadonlySet<string>): string[] {
    const names = [...APP_SETTINGS.map((s) => s.name as string), ...IDENTITY_SETTINGS];
    const width = Math.max(...names.map((n) => n.length));
    return [
      'settings (lowest first: environment, --config, flags; a later source wins):',
      ...names.map((name) => {
        const v = this.values.get(name);
        const label = `  ${name.padEnd(width)}`;
        const unused = used.has(name) ? '' : '; not used by the CLI';
        if (!v) return `${label}   (not set${used.has(name) ? ': default' : ''}${unused})`;
        const value = SECRET_SETTINGS.has(name) ? '***' : v.value;
        const over = (this.shadowed.get(name) ?? []).map((s) => `, over ${s.source}`).join('');
        return `${label} = ${value}   (${v.source}${over}${unused})`;
      }),
    ];
  }
}
