/**
 * What every trigger needs besides its input: the validated `AppConfig` and the Azure ports. The triggers
 * share the activities' dependencies (one set of ARM clients per process, rebuilt when the settings change);
 * this adds a non-throwing view for HTTP triggers, which answer a bad configuration with 503 instead of failing.
 */
import type { HttpResponseInit } from '@azure/functions';
import { ConfigError } from '../core/config';
import { getAppDeps } from './deps';
import type { AppDeps } from './deps';
import { errorResponse } from './http';

export type RuntimeResult =
  { readonly ok: true; readonly runtime: AppDeps } | { readonly ok: false; readonly error: ConfigError };

/** The runtime for the current app settings, or the configuration error that prevents it. Never throws. */
export function loadRuntime(): RuntimeResult {
  try {
    return { ok: true, runtime: getAppDeps() };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    // The client factory's only failure is an unreadable CA file.
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: new ConfigError(`Invalid app settings: ARM_CA_FILE: ${message}`, ['ARM_CA_FILE']),
    };
  }
}

/** The 503 an HTTP trigger answers when the app settings are invalid, naming the settings at fault. */
export function configurationInvalid(error: ConfigError): HttpResponseInit {
  return errorResponse(503, 'ConfigurationInvalid', error.message, { settings: error.settings });
}

/** The runtime, or throws the configuration error (for triggers where a retry is the right answer). */
export function requireRuntime(): AppDeps {
  const result = loadRuntime();
  if (!result.ok) throw result.error;
  return result.runtime;
}
