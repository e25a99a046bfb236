import { isRestError } from '@azure/core-rest-pipeline';
import { TELEMETRY_COUNTERS } from '../core/telemetry';
import { AzureOperationError, PreconditionFailedError, ThrottledError } from './ports';
import { recordCount } from './telemetry';

interface HeaderBag {
  get(name: string): string | undefined;
}

/** Milliseconds from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or HTTP date). */
export function retryAfterMs(
  headers: HeaderBag | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

function errorBodyCode(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const error = (body as { error?: { code?: unknown } }).error;
    if (error && typeof error.code === 'string') return error.code;
    const code = (body as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function errorBodyMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const error = (body as { error?: { message?: unknown } }).error;
    if (error && typeof error.message === 'string') return error.message;
  }
  return undefined;
}

/**
 * Turns whatever an SDK call threw into an `AzureOperationError` that names the Azure error code and the resource.
 * 412 becomes `PreconditionFailedError`, 429 `ThrottledError`.
 */
export function toAzureError(error: unknown, resourceId: string): AzureOperationError {
  if (error instanceof AzureOperationError) return error;
  if (isRestError(error)) {
    const status = error.statusCode;
    const body = error.response?.bodyAsText ? safeJson(error.response.bodyAsText) : undefined;
    const code =
      errorBodyCode(body) ??
      errorBodyCode(error.details) ??
      (error.code && error.code !== 'RestError' ? error.code : undefined) ??
      (status === undefined ? 'RequestSendError' : `Http${status}`);
    const message = errorBodyMessage(body) ?? error.message;
    const wait = retryAfterMs(error.response?.headers);
    const text = `${code}${status !== undefined ? ` (${status})` : ''} on ${resourceId}: ${message}`;
    if (status === 412) return new PreconditionFailedError(text, resourceId);
    if (status === 429) return new ThrottledError(text, resourceId, wait);
    return new AzureOperationError(text, code, status, resourceId, wait);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as NodeJS.ErrnoException).code ?? err.name;
  return new AzureOperationError(`${code} on ${resourceId}: ${err.message}`, code, undefined, resourceId);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Why a transient failure is retried, as the `reason` of `ArmRetried`. */
export function retryReason(
  error: AzureOperationError,
): 'throttled' | 'server-error' | 'timeout' | 'connection' {
  const s = error.statusCode;
  if (s === 429) return 'throttled';
  if (s === 408) return 'timeout';
  return s === undefined ? 'connection' : 'server-error';
}

/** True for failures worth another try: throttling, 5xx, 408, and no response at all (reset, refused). */
export function isTransient(error: AzureOperationError): boolean {
  const s = error.statusCode;
  return s === undefined || s === 408 || s === 429 || s >= 500;
}

export interface RetryEvent {
  readonly error: AzureOperationError;
  readonly attempt: number;
  readonly delayMs: number;
}

export interface RetryOptions {
  /** Attempts for 5xx / connection errors (default 5). */
  readonly maxAttempts?: number;
  /** Attempts for 429s, which Azure tells us to wait out (default 30). */
  readonly maxThrottledAttempts?: number;
  /** First back-off for errors without Retry-After (default 200 ms, doubling, capped at `maxDelayMs`). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for counters and logs). */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * Called (and awaited) before every attempt, the first included: a read budget counts or paces requests here
   * (each attempt is a request the service counts).
   */
  readonly beforeAttempt?: () => void | Promise<void>;
  /** Once it fires, a failure is thrown at once: no further attempt, no back-off. */
  readonly abortSignal?: AbortSignal;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs `call`, retrying transient failures: a 429 waits exactly its `Retry-After`, other transient errors back
 * off exponentially (or by their `Retry-After`). Anything else is thrown at once as an `AzureOperationError`.
 */
export async function withRetry<T>(
  resourceId: string,
  call: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxThrottled = options.maxThrottledAttempts ?? 30;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 30_000;
  const wait = options.sleep ?? sleep;
  let failures = 0;
  let throttles = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await options.beforeAttempt?.();
      return await call();
    } catch (raw) {
      const error = toAzureError(raw, resourceId);
      if (!isTransient(error) || options.abortSignal?.aborted) throw error;
      let delayMs: number;
      if (error.statusCode === 429) {
        throttles++;
        if (throttles >= maxThrottled) throw error;
        delayMs = error.retryAfterMs ?? Math.min(cap, base * 2 ** Math.min(throttles, 10));
      } else {
        failures++;
        if (failures >= maxAttempts) throw error;
        delayMs = error.retryAfterMs ?? Math.min(cap, base * 2 ** (failures - 1));
      }
      recordCount(TELEMETRY_COUNTERS.armRetried, {
        reason: retryReason(error),
        ...(error.statusCode !== undefined ? { status: error.statusCode } : {}),
      });
      options.onRetry?.({ error, attempt, delayMs });
      await wait(delayMs);
    }
  }
}

/** A page as the SDK pagers yield it: the items plus the token for the next page. */
type Page<T> = T[] & { continuationToken?: string };

/**
 * Reads every page of a list, retrying each page on its own: a failed page is re-requested from its
 * continuation token (an SDK pager that threw is finished, so resuming it would silently drop the rest).
 */
export async function listAllPages<T>(
  resourceId: string,
  open: (continuationToken: string | undefined) => AsyncIterableIterator<Page<T>>,
  options: RetryOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await withRetry(resourceId, () => open(token).next(), options);
    if (page.done) break;
    out.push(...page.value);
    token = page.value.continuationToken;
    if (!token) break;
  }
  return out;
}
