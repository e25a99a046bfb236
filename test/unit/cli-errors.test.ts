/**
 * What the CLI prints when a run stops (src/cli/errors.ts `describeFailure`), table-driven: one line, the exit
 * code, and the detail `--debug` adds.
 */
import { InvalidArgumentError } from 'commander';
import { AzureOperationError } from '../../src/azure/ports';
import { NOT_SIGNED_IN, describeFailure } from '../../src/cli/errors';
import { EXIT_FAILURE, EXIT_USAGE, UserInputError } from '../../src/cli/io';
import { ScopeNotFoundError } from '../../src/cli/live/scopeCheck';

const named = (name: string, message = 'no token') => Object.assign(new Error(message), { name });

describe('describeFailure', () => {
  const saved = process.env.IDENTITY_ENDPOINT;
  afterEach(() => {
    if (saved === undefined) delete process.env.IDENTITY_ENDPOINT;
    else process.env.IDENTITY_ENDPOINT = saved;
  });

  it.each([
    ['usage error', new UserInputError('--vault is required'), EXIT_USAGE, '--vault is required'],
    ['commander argument error', new InvalidArgumentError('not a number'), EXIT_USAGE, 'not a number'],
    [
      'scope not found',
      new ScopeNotFoundError('vault x does not exist'),
      EXIT_FAILURE,
      'vault x does not exist',
    ],
    [
      'multi-line SDK error',
      new Error('ResourceNotFound on /x\n  at a\n  at b'),
      EXIT_FAILURE,
      'ResourceNotFound on /x',
    ],
    ['a thrown string', 'boom', EXIT_FAILURE, 'boom'],
  ])('%s', (_name, error, code, message) => {
    delete process.env.IDENTITY_ENDPOINT;
    const failure = describeFailure(error);
    expect(failure.code).toBe(code);
    expect(failure.message).toBe(message);
  });

  it.each([
    named('AggregateAuthenticationError'),
    named('CredentialUnavailableError'),
    named('AuthenticationRequiredError'),
    new AzureOperationError('no token', 'CredentialUnavailableError', undefined, '/subscriptions/s'),
  ])('sign-in failure %#: one line with the fix, the full error behind --debug', (error) => {
    delete process.env.IDENTITY_ENDPOINT;
    const failure = describeFailure(error);
    expect(failure).toMatchObject({ code: EXIT_FAILURE, message: NOT_SIGNED_IN });
    expect(failure.detail).toContain('no token');
  });

  it('blames the managed-identity endpoint when one is set', () => {
    process.env.IDENTITY_ENDPOINT = 'http://127.0.0.1:1/msi/token';
    const failure = describeFailure(named('CredentialUnavailableError'));
    expect(failure.message).toContain('IDENTITY_ENDPOINT=http://127.0.0.1:1/msi/token gave none');
  });

  it('an AzureOperationError with another code is not a sign-in failure', () => {
    const failure = describeFailure(
      new AzureOperationError('Forbidden on /x', 'AuthorizationFailed', 403, '/x'),
    );
    expect(failure.message).toBe('Forbidden on /x');
  });
});
