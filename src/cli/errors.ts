/**
 * What the CLI prints when a run stops: one line that says what went wrong and what to do, and the exit code.
 * `--debug` adds the full detail (every credential the SDK tried, stacks).
 */
import { InvalidArgumentError } from 'commander';
import { AzureOperationError } from '../azure/ports';
import { EXIT_FAILURE, EXIT_USAGE, UserInputError } from './io';
import { ScopeNotFoundError } from './live/scopeCheck';

/** Error names @azure/identity uses when no credential could get a token. */
const SIGN_IN_ERRORS = new Set([
  'AggregateAuthenticationError',
  'CredentialUnavailableError',
  'AuthenticationRequiredError',
  'AuthenticationError',
]);

export const NOT_SIGNED_IN =
  'not signed in to Azure: no credential could get a token. Run `az login` (and `az account set --subscription <id>`); ' +
  'on a VM set AZURE_CLIENT_ID for a user-assigned identity; against the local emulator pass --config local.settings.json ' +
  '(npm run emulator writes it). --debug lists every credential tried';

function isSignInError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (SIGN_IN_ERRORS.has(error.name)) return true;
  return error instanceof AzureOperationError && SIGN_IN_ERRORS.has(error.code);
}

export interface CliFailure {
  readonly code: number;
  /** One line, without the `error: ` prefix. */
  readonly message: string;
  /** What `--debug` adds. */
  readonly detail?: string;
}

/** Maps whatever a command threw to one line and an exit code. Never throws. */
export function describeFailure(error: unknown): CliFailure {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (error instanceof UserInputError || error instanceof InvalidArgumentError)
    return { code: EXIT_USAGE, message: error.message };
  if (error instanceof ScopeNotFoundError) return { code: EXIT_FAILURE, message: error.message };
  if (isSignInError(error)) {
    // A managed-identity endpoint that is set but gives no token (a restarted emulator, a stale header) is the
    // likelier cause than a missing `az login`.
    const endpoint = process.env.IDENTITY_ENDPOINT;
    const message = endpoint
      ? `${NOT_SIGNED_IN}. The managed-identity endpoint IDENTITY_ENDPOINT=${endpoint} gave none: is it running, with the IDENTITY_HEADER it expects (restart npm run emulator and use the settings it writes)?`
      : NOT_SIGNED_IN;
    return { code: EXIT_FAILURE, message, detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  // SDK errors can run to many lines; the first names the code and the resource.
  const [first = message] = message.split('\n');
  return { code: EXIT_FAILURE, message: first, detail };
}
