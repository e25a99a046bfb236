/**
 * The host's environment: app settings set as environment variables for the app (and put back on stop), the keys
 * the host accepts (generated when not given) and how a presented key is compared, `%SETTING%` references in
 * bindings, and WEBSITE_HOSTNAME (the durable client builds its management URLs from it).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type HostLog } from './invoker';

/** Keys the host accepts. Missing ones are generated; the handle's `keys` shows what is in force. */
export interface FunctionKeys {
  /** Host keys: accepted by every `authLevel: 'function'` trigger. */
  host?: string[];
  /** Function keys, by function name. */
  functions?: Record<string, string[]>;
  /** Master key: accepted everywhere; the only key for `authLevel: 'admin'`. */
  master?: string;
  /** System keys of the extension webhooks. */
  system?: { eventgrid_extension?: string; durabletask_extension?: string };
}

export interface ResolvedKeys {
  host: string[];
  functions: Record<string, string[]>;
  master: string;
  system: { eventgrid_extension: string; durabletask_extension: string };
}

/** Settings set as environment variables, restored by `restore()` unless something else changed them since. */
export function appEnvironment(settings: Record<string, string>) {
  const savedEnv = new Map<string, string | undefined>();
  const setValues = new Map<string, string>();
  const setEnv = (name: string, value: string) => {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    process.env[name] = value;
    setValues.set(name, value);
  };
  for (const [name, value] of Object.entries(settings)) setEnv(name, value);
  return { set: setEnv, restore: () => restoreEnv(savedEnv, setValues) };
}

/** The keys in force: the given ones, and generated ones for the rest. */
export function resolveKeys(given: FunctionKeys | undefined): ResolvedKeys {
  return {
    host: given?.host ?? [key()],
    functions: given?.functions ?? {},
    master: given?.master ?? key(),
    system: {
      eventgrid_extension: given?.system?.eventgrid_extension ?? key(),
      durabletask_extension: given?.system?.durabletask_extension ?? key(),
    },
  };
}

/** The key a request presents (`x-functions-key` header or `code` query parameter). */
export function keyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? undefined;
}

function key(): string {
  return randomBytes(24).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function resolveSetting(value: string): string {
  const m = /^%([^%]+)%$/.exec(value.trim());
  if (!m) return value;
  const resolved = process.env[m[1] ?? ''];
  if (resolved === undefined) throw new Error(`App setting '${m[1]}' used in a binding is not set.`);
  return resolved;
}

export const defaultLog: HostLog = (level, message) => {
  if (level === 'error' || level === 'warning' || level === 'critical')
    process.stderr.write(`[local-host] ${level}: ${message}\n`);
};

/** WEBSITE_HOSTNAME values this module set, so a later host in the same process may replace them. */
export const hostnamesSetByLocalHosts = new Set<string>();

/** Puts back the variables a host changed, unless something else changed them since. */
function restoreEnv(saved: Map<string, string | undefined>, setValues?: Map<string, string>): void {
  for (const [name, value] of saved) {
    if (setValues && process.env[name] !== setValues.get(name)) continue;
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
