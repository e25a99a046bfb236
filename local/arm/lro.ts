import { randomUUID } from 'node:crypto';
import type { ArmClock } from './clock';
import { ArmError } from './errors';
import type { ArmRequest, ArmResponse, Router } from './router';

export interface StartOperationOptions {
  subscriptionId: string;
  /** Provider namespace used in the polling URLs, e.g. `Microsoft.Network`. */
  namespace: string;
  location: string;
  /** api-version echoed in the polling URLs. */
  apiVersion: string;
  /** Number of polls answered `InProgress` before the operation completes (default: emulator's `lroPolls`). */
  polls?: number;
  /**
   * Runs once, when the operation completes. Throw an `ArmError` to make it fail. The value returned is the
   * body served by the `Location` URL (use undefined for 204 No Content).
   */
  complete: () => unknown;
}

export interface StartedOperation {
  id: string;
  /** Absolute URL for the `Azure-AsyncOperation` header. */
  asyncOperationUrl: string;
  /** Absolute URL for the `Location` header. */
  locationUrl: string;
  /** Ready-made headers: `Azure-AsyncOperation`, `Location` (when asked) and `Retry-After`. */
  headers(options?: { location?: boolean; asyncOperation?: boolean }): Record<string, string>;
}

type OpState =
  { status: 'InProgress' } | { status: 'Succeeded'; result: unknown } | { status: 'Failed'; error: ArmError };

interface Operation {
  id: string;
  options: StartOperationOptions;
  pollsLeft: number;
  state: OpState;
  startTime: string;
  endTime?: string;
  timer?: NodeJS.Timeout;
}

export interface LroSettings {
  /** InProgress polls before completion (default 1). */
  polls: number;
  /** Value of `Retry-After` on accepted operations, in seconds (default 0 so tests poll at their own interval). */
  retryAfterSeconds: number;
  /** Emulated ms after which an operation nobody polls completes on its own (default 30 s). */
  autoCompleteMs: number;
}

/**
 * Long-running operations. Providers call `start()` from a PUT/DELETE handler and return 201/202 with the headers
 * it gives; clients then poll `.../operations/{id}` (Azure-AsyncOperation: `{"status":"InProgress"|"Succeeded"|"Failed"}`)
 * or `.../operationResults/{id}` (Location: 202 until done, then 200/204 or the error).
 */
export class LroManager {
  readonly settings: LroSettings;
  private readonly operations = new Map<string, Operation>();

  constructor(
    private readonly clock: ArmClock,
    private readonly endpoint: () => string,
    settings: Partial<LroSettings> = {},
  ) {
    this.settings = { polls: 1, retryAfterSeconds: 0, autoCompleteMs: 30_000, ...settings };
  }

  register(router: Router): void {
    const base = '/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}';
    router.add({
      method: 'GET',
      path: `${base}/operations/{operationId}`,
      operationId: 'AsyncOperation_Get',
      resourceType: 'Microsoft.Resources/operations',
      apiVersions: 'any',
      handler: (req) => this.pollStatus(req.params.operationId as string),
    });
    router.add({
      method: 'GET',
      path: `${base}/operationResults/{operationId}`,
      operationId: 'OperationResult_Get',
      resourceType: 'Microsoft.Resources/operationResults',
      apiVersions: 'any',
      handler: (req) => this.pollResult(req.params.operationId as string),
    });
  }

  /** `start()` for the request a handler serves: its subscription and api-version go into the polling URLs. */
  startFor(
    req: ArmRequest,
    options: Omit<StartOperationOptions, 'subscriptionId' | 'apiVersion'>,
  ): StartedOperation {
    return this.start({
      ...options,
      subscriptionId: req.params.subscriptionId ?? '',
      apiVersion: req.apiVersion ?? '',
    });
  }

  start(options: StartOperationOptions): StartedOperation {
    const id = randomUUID();
    const op: Operation = {
      id,
      options,
      pollsLeft: Math.max(0, options.polls ?? this.settings.polls),
      state: { status: 'InProgress' },
      startTime: new Date(this.clock.now()).toISOString(),
    };
    this.operations.set(id, op);
    const timer = setTimeout(() => this.finish(op), this.clock.toRealMs(this.settings.autoCompleteMs));
    timer.unref();
    op.timer = timer;
    const base = `${this.endpoint()}/subscriptions/${options.subscriptionId}/providers/${options.namespace}/locations/${encodeURIComponent(options.location)}`;
    const query = `?api-version=${encodeURIComponent(options.apiVersion)}`;
    const asyncOperationUrl = `${base}/operations/${id}${query}`;
    const locationUrl = `${base}/operationResults/${id}${query}`;
    return {
      id,
      asyncOperationUrl,
      locationUrl,
      headers: ({ location = false, asyncOperation = true } = {}) => ({
        ...(asyncOperation ? { 'azure-asyncoperation': asyncOperationUrl } : {}),
        ...(location ? { location: locationUrl } : {}),
        'retry-after': String(this.settings.retryAfterSeconds),
      }),
    };
  }

  /** Completes every pending operation now (tests that don't poll). */
  completeAll(): void {
    for (const op of this.operations.values()) this.finish(op);
  }

  pending(): number {
    let n = 0;
    for (const op of this.operations.values()) if (op.state.status === 'InProgress') n++;
    return n;
  }

  reset(): void {
    for (const op of this.operations.values()) if (op.timer) clearTimeout(op.timer);
    this.operations.clear();
  }

  private advance(id: string): Operation {
    const op = this.operations.get(id);
    if (!op) throw new ArmError(404, 'OperationNotFound', `Operation '${id}' was not found.`);
    if (op.state.status === 'InProgress') {
      if (op.pollsLeft > 0) op.pollsLeft--;
      else this.finish(op);
    }
    return op;
  }

  private finish(op: Operation): void {
    if (op.state.status !== 'InProgress') return;
    if (op.timer) clearTimeout(op.timer);
    try {
      op.state = { status: 'Succeeded', result: op.options.complete() };
    } catch (err) {
      const error =
        err instanceof ArmError
          ? err
          : new ArmError(500, 'InternalServerError', `Operation failed: ${String(err)}`);
      op.state = { status: 'Failed', error };
    }
    op.endTime = new Date(this.clock.now()).toISOString();
  }

  private pollStatus(id: string): ArmResponse {
    const op = this.advance(id);
    const body: Record<string, unknown> = {
      id: `/subscriptions/${op.options.subscriptionId}/providers/${op.options.namespace}/locations/${op.options.location}/operations/${op.id}`,
      name: op.id,
      status: op.state.status,
      startTime: op.startTime,
    };
    if (op.endTime) body.endTime = op.endTime;
    if (op.state.status === 'Failed') body.error = op.state.error.toBody().error;
    const headers: Record<string, string> =
      op.state.status === 'InProgress' ? { 'retry-after': String(this.settings.retryAfterSeconds) } : {};
    return { status: 200, body, headers };
  }

  private pollResult(id: string): ArmResponse {
    const op = this.advance(id);
    if (op.state.status === 'InProgress') {
      const locationUrl = `${this.endpoint()}/subscriptions/${op.options.subscriptionId}/providers/${op.options.namespace}/locations/${encodeURIComponent(op.options.location)}/operationResults/${op.id}?api-version=${encodeURIComponent(op.options.apiVersion)}`;
      return {
        status: 202,
        headers: { location: locationUrl, 'retry-after': String(this.settings.retryAfterSeconds) },
      };
    }
    if (op.state.status === 'Failed') throw op.state.error;
    return op.state.result === undefined ? { status: 204 } : { status: 200, body: op.state.result };
  }
}
