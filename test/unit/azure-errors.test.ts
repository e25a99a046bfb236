/**
 * The Azure error helpers (src/azure/errors.ts), table-driven: Retry-After parsing, what an SDK failure becomes,
 * which failures are retried and why, and the retry loop's limits on a scripted sequence of failures.
 */
import { RestError } from '@azure/core-rest-pipeline';
import { localTelemetry } from '../../src/azure/telemetry';
import { isTransient, retryAfterMs, retryReason, toAzureError, withRetry } from '../../src/azure/errors';
import { AzureOperationError, PreconditionFailedError, ThrottledError } from '../../src/azure/ports';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

describe('retryAfterMs', () => {
  const now = () => Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'x-ms-retry-after-ms': '40' }, 40],
    [{ 'retry-after-ms': '-1', 'retry-after': '2' }, 2000],
    [{ 'retry-after-ms': 'soon', 'retry-after': '2' }, 2000],
    [{ 'retry-after': '  ' }, undefined],
    [{ 'retry-after': '-3' }, 0],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 5000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after': 'never' }, undefined],
  ])('%j → %s', (values, expected) => {
    expect(retryAfterMs(values ? headers(values) : undefined, now)).toBe(expected);
  });
});

function restError(
  status: number | undefined,
  body?: unknown,
  extra: Record<string, string> = {},
): RestError {
  return new RestError(`status ${status}`, {
    ...(status !== undefined ? { statusCode: status } : {}),
    code: status === undefined ? 'ECONNRESET' : undefined,
    ...(status !== undefined
      ? {
          response: {
            status,
            headers: { get: (n: string) => extra[n], has: (n: string) => n in extra } as never,
            bodyAsText:
              body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
            request: {} as never,
          },
        }
      : {}),
  });
}

describe('toAzureError', () => {
  const id = '/subscriptions/s/resourceGroups/rg';
  it.each([
    [
      '412',
      restError(412, { error: { code: 'PreconditionFailed', message: 'etag' } }),
      PreconditionFailedError,
      'PreconditionFailed',
    ],
    [
      '429',
      restError(429, { error: { code: 'TooManyRequests', message: 'slow' } }, { 'retry-after': '3' }),
      ThrottledError,
      'TooManyRequests',
    ],
    [
      '404 with code',
      restError(404, { error: { code: 'ResourceNotFound', message: 'gone' } }),
      AzureOperationError,
      'ResourceNotFound',
    ],
    ['500 top-level code', restError(500, { code: 'InternalError' }), AzureOperationError, 'InternalError'],
    ['503 body not JSON', restError(503, 'oops'), AzureOperationError, 'Http503'],
    ['no response', restError(undefined), AzureOperationError, 'ECONNRESET'],
  ])('%s', (_name, error, type, code) => {
    const converted = toAzureError(error, id);
    expect(converted).toBeInstanceOf(type);
    expect(converted.code).toBe(code);
    expect(converted.message).toContain(id);
    expect(toAzureError(converted, 'other')).toBe(converted);
  });

  it('a plain error keeps its errno code, or its name', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toAzureError(reset, 'r').code).toBe('ECONNRESET');
    expect(toAzureError(new TypeError('bad'), 'r').code).toBe('TypeError');
    expect(toAzureError('text', 'r').message).toContain('text');
  });
});

describe('isTransient and retryReason', () => {
  const err = (status: number | undefined) => new AzureOperationError('x', 'c', status, 'r');
  it.each([
    [undefined, true, 'connection'],
    [408, true, 'timeout'],
    [429, true, 'throttled'],
    [500, true, 'server-error'],
    [503, true, 'server-error'],
    [400, false, 'server-error'],
    [404, false, 'server-error'],
  ])('%s → transient %s (%s)', (status, transient, reason) => {
    expect(isTransient(err(status))).toBe(transient);
    if (transient) expect(retryReason(err(status))).toBe(reason);
  });
});

describe('withRetry', () => {
  function script(failures: (number | undefined)[]) {
    let calls = 0;
    return {
      call: async () => {
        const status = failures[calls++];
        if (calls <= failures.length)
          throw new AzureOperationError('x', 'c', status, 'r', status === 429 ? 5 : undefined);
        return 'ok';
      },
      calls: () => calls,
    };
  }
  const noSleep = async () => undefined;

  it('retries transient failures, waits Retry-After for 429s, and counts each retry', async () => {
    const delays: number[] = [];
    const before = await localTelemetry()!.total('ArmRetried');
    const s = script([429, 503, undefined]);
    await expect(
      withRetry('r', s.call, { sleep: noSleep, baseDelayMs: 10, onRetry: (e) => delays.push(e.delayMs) }),
    ).resolves.toBe('ok');
    expect(s.calls()).toBe(4);
    expect(delays).toEqual([5, 10, 20]);
    expect((await localTelemetry()!.total('ArmRetried')) - before).toBe(3);
  });

  it('gives up after maxAttempts, after maxThrottledAttempts, at once on a permanent error or when aborted', async () => {
    await expect(
      withRetry('r', script([500, 500, 500]).call, { sleep: noSleep, maxAttempts: 2 }),
    ).rejects.toThrow();
    await expect(
      withRetry('r', script([429, 429]).call, { sleep: noSleep, maxThrottledAttempts: 2 }),
    ).rejects.toThrow();
    const permanent = script([400]);
    await expect(withRetry('r', permanent.call, { sleep: noSleep })).rejects.toThrow();
    expect(permanent.calls()).toBe(1);
    const aborted = script([500]);
    await expect(
      withRetry('r', aborted.call, { sleep: noSleep, abortSignal: AbortSignal.abort() }),
    ).rejects.toThrow();
    expect(aborted.calls()).toBe(1);
  });
});
