/**
 * `local.settings.json` for a local app and the CLI, written by `npm run emulator`: the example file
 * (`local.settings.example.json`) with the emulator's endpoint, CA file and managed-identity endpoint filled in.
 * With the default ports the result is the example file itself.
 *
 * A file that is already there is never clobbered: one that points at a local emulator has just those four values
 * refreshed; one that points elsewhere (a real subscription) is left alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

export interface LocalSettingsFile {
  IsEncrypted: boolean;
  Values: Record<string, string>;
  [key: string]: unknown;
}

/** The values the emulator owns in the file. */
export interface EmulatorValues {
  readonly ARM_ENDPOINT: string;
  readonly ARM_CA_FILE: string;
  readonly IDENTITY_ENDPOINT: string;
  readonly IDENTITY_HEADER: string;
}

/**
 * The secret the emulator's managed-identity endpoint expects (`X-IDENTITY-HEADER`). Fixed, so the settings stay
 * valid across restarts; the endpoint listens on loopback only.
 */
export const LOCAL_IDENTITY_HEADER = 'plds-local-emulator';

/** What the emulator writes with its default ports: the example file, exactly. */
export const DEFAULT_EMULATOR_VALUES: EmulatorValues = {
  ARM_ENDPOINT: 'https://127.0.0.1:8443',
  ARM_CA_FILE: '.local-state/arm-ca.pem',
  IDENTITY_ENDPOINT: 'http://127.0.0.1:8444/msi/token',
  IDENTITY_HEADER: LOCAL_IDENTITY_HEADER,
};

export const EXAMPLE_FILE = join(__dirname, '..', 'local.settings.example.json');

export function readExample(file = EXAMPLE_FILE): LocalSettingsFile {
  return JSON.parse(readFileSync(file, 'utf8')) as LocalSettingsFile;
}

/** The example with the emulator's values. */
export function settingsFor(example: LocalSettingsFile, values: EmulatorValues): LocalSettingsFile {
  return { ...example, Values: { ...example.Values, ...values } };
}

const isLoopback = (url: string | undefined): boolean => {
  if (!url) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

export type SettingsAction =
  | { readonly kind: 'write'; readonly content: LocalSettingsFile }
  | { readonly kind: 'update'; readonly content: LocalSettingsFile; readonly changed: string[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'keep'; readonly reason: string };

/** What to do with `existing` (the parsed file, `undefined` when absent, `null` when unreadable JSON). */
export function decideSettings(
  existing: LocalSettingsFile | undefined | null,
  wanted: LocalSettingsFile,
  values: EmulatorValues,
): SettingsAction {
  if (existing === undefined) return { kind: 'write', content: wanted };
  if (existing === null || typeof existing.Values !== 'object' || existing.Values === null)
    return { kind: 'keep', reason: 'it is not a settings file this tool can read' };
  if (existing.Values.ARM_ENDPOINT && !isLoopback(existing.Values.ARM_ENDPOINT))
    return { kind: 'keep', reason: `it points at ${existing.Values.ARM_ENDPOINT}` };
  if (!existing.Values.ARM_ENDPOINT && existing.Values.HUB_SUBSCRIPTION_ID)
    return { kind: 'keep', reason: 'it points at Azure (no ARM_ENDPOINT)' };
  const changed = (Object.keys(values) as (keyof EmulatorValues)[]).filter(
    (k) => existing.Values[k] !== values[k],
  );
  if (changed.length === 0) return { kind: 'unchanged' };
  return { kind: 'update', content: { ...existing, Values: { ...existing.Values, ...values } }, changed };
}

/** Path as written in settings and banners: relative to `base` when inside it. */
export function displayPath(path: string, base = process.cwd()): string {
  const rel = relative(base, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Applies the decision to `file`; returns one line saying what happened. */
export function writeLocalSettings(file: string, values: EmulatorValues, example = readExample()): string {
  const path = resolve(file);
  let existing: LocalSettingsFile | undefined | null;
  if (existsSync(path)) {
    try {
      existing = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as LocalSettingsFile;
    } catch {
      existing = null;
    }
  }
  // The CA file is named relative to the settings file's folder, where the Functions host runs.
  const local: EmulatorValues = {
    ...values,
    ARM_CA_FILE: displayPath(resolve(values.ARM_CA_FILE), dirname(path)),
  };
  const action = decideSettings(existing, settingsFor(example, local), local);
  const shown = displayPath(path);
  switch (action.kind) {
    case 'write':
      writeFileSync(path, `${JSON.stringify(action.content, null, 2)}\n`);
      return `wrote ${shown}`;
    case 'update':
      writeFileSync(path, `${JSON.stringify(action.content, null, 2)}\n`);
      return `updated ${action.changed.join(', ')} in ${shown}`;
    case 'unchanged':
      return `${shown} is up to date`;
    case 'keep':
      return `left ${shown} as it is (${action.reason}); write the emulator's settings elsewhere with --settings-file FILE`;
  }
}
