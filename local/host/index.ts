import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { getClient, type DurableClient } from 'durable-functions';
import { HostClock, type TimeMode } from './clock';
import {
  handleDurableApi,
  linksFor,
  managementUrls,
  readBody,
  sendJson,
  type ManagementUrls,
} from './durable/api';
import {
  DurableEngine,
  type EngineCounters,
  type InstanceQuery,
  type OrchestrationStatusJson,
} from './durable/engine';
import { DurableStore } from './durable/store';
import {
  getProgrammingModel,
  installFunctionsCore,
  registry,
  setSystemLogSink,
  type ProgrammingModel,
  type RegisteredFunction,
  type RpcTypedData,
} from './functionsCore';
import { FunctionInvoker, fromTypedData, triggerBinding, triggerType, type HostLog } from './invoker';
import { parseSchedule } from './schedule';
import { compileRoute, type CompiledRoute } from './routes';
import { close, listen } from '../net';

// Importing the host is enough for later `@azure/functions` registrations to be captured, even
// when the app's modules are loaded before `startLocalHost` is called.
installFunctionsCore();

export type { TimeMode } from './clock';
export { installFunctionsCore } from './functionsCore';
export type { OrchestrationStatusJson, InstanceQuery, EngineCounters } from './durable/engine';

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

export interface LocalHostOptions {
  /** Module(s) that register the app's functions (e.g. `src/index.ts`); resolved from the cwd. */
  appEntry: string | string[];
  /** Durable state (one JSON file per orchestration instance and per entity). */
  stateDir: string;
  /** App settings, set as environment variables before the app is imported; restored on stop. */
  settings?: Record<string, string>;
  functionKeys?: FunctionKeys;
  /** Time for durable timers and timer triggers (default `'real'`). */
  timeMode?: TimeMode;
  /** Port of the main server (default 0: a free port). */
  port?: number;
  taskHubName?: string;
  /** Run timer triggers on their schedules (default true; `runTimerNow` works either way). */
  runTimerTriggers?: boolean;
  maxConcurrentActivities?: number;
  /** How long `stop()` waits for running invocations (their results are discarded); default 5000 ms. */
  stopGraceMs?: number;
  /** Log sink; default: errors and warnings to stderr. */
  log?: HostLog;
}

export interface DurableHandle {
  startNew(orchestratorName: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(instanceId: string, options?: { showHistory?: boolean }): OrchestrationStatusJson | undefined;
  waitForCompletion(instanceId: string, timeoutMs?: number): Promise<OrchestrationStatusJson>;
  waitForStatus(
    instanceId: string,
    predicate: (status: OrchestrationStatusJson | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<OrchestrationStatusJson | undefined>;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): 'accepted' | 'notFound' | 'gone';
  terminate(instanceId: string, reason: string): 'accepted' | 'notFound' | 'gone';
  listInstances(query?: InstanceQuery): OrchestrationStatusJson[];
  signalEntity(name: string, key: string, operation: string, input?: unknown): void;
  readEntityState<T = unknown>(name: string, key: string): { exists: boolean; state: T | undefined };
  /** The `durableClient` input binding value handed to client functions. */
  clientInput(): DurableClientInput;
  /** Episodes, activities and entity operations running now (0: only timers or new input move anything). */
  activeWork(): number;
  counters: EngineCounters;
}

export interface DurableClientInput {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: ManagementUrls;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

export interface LocalHost {
  /** `http://127.0.0.1:PORT` (HTTP triggers live under `/api/`). */
  baseUrl: string;
  /** Base URL of the durable client RPC endpoint. */
  rpcBaseUrl: string;
  keys: ResolvedKeys;
  /** Registered function names. */
  functions: string[];
  /** Webhook URL of an Event Grid trigger, with its system key. */
  eventGridUrl(functionName: string): string;
  durable: DurableHandle;
  /** Runs a timer trigger now (as the admin endpoint would); resolves when the handler finished. */
  runTimerNow(functionName: string): Promise<void>;
  /** Virtual time (epoch ms) and a way to move it forward (fires due durable timers). */
  now(): number;
  advanceTime(ms: number): void;
  stop(): Promise<void>;
}

interface HttpRouteEntry {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[];
  authLevel: string;
}

function key(): string {
  return randomBytes(24).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function resolveSetting(value: string): string {
  const m = /^%([^%]+)%$/.exec(value.trim());
  if (!m) return value;
  const resolved = process.env[m[1] ?? ''];
  if (resolved === undefined) throw new Error(`App setting '${m[1]}' used in a binding is not set.`);
  return resolved;
}

const defaultLog: HostLog = (level, message) => {
  if (level === 'error' || level === 'warning' || level === 'critical')
    process.stderr.write(`[local-host] ${level}: ${message}\n`);
};

/**
 * Starts an in-process Functions host for an app written with `@azure/functions` v4 and
 * `durable-functions` v3: imports the app with registrations captured, serves HTTP triggers,
 * the Event Grid webhook and the durable APIs on 127.0.0.1, drives orchestrations through the
 * library's own replay with persisted history, and runs timer triggers.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? defaultLog;
  const savedEnv = new Map<string, string | undefined>();
  const setValues = new Map<string, string>();
  const setEnv = (name: string, value: string) => {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    process.env[name] = value;
    setValues.set(name, value);
  };
  for (const [name, value] of Object.entries(options.settings ?? {})) setEnv(name, value);

  const keys: ResolvedKeys = {
    host: options.functionKeys?.host ?? [key()],
    functions: options.functionKeys?.functions ?? {},
    master: options.functionKeys?.master ?? key(),
    system: {
      eventgrid_extension: options.functionKeys?.system?.eventgrid_extension ?? key(),
      durabletask_extension: options.functionKeys?.system?.durabletask_extension ?? key(),
    },
  };
  const taskHubName = options.taskHubName ?? process.env.DURABLE_TASK_HUB_NAME ?? 'LocalTaskHub';

  // Servers first: the durable client binding needs their URLs.
  const mainServer = http.createServer();
  const rpcServer = http.createServer();
  await listen(mainServer, options.port ?? 0);
  await listen(rpcServer, 0);
  const port = (mainServer.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const rpcBaseUrl = `http://127.0.0.1:${(rpcServer.address() as AddressInfo).port}/durabletask/`;
  // The durable client rewrites management URLs to localhost:7071 unless WEBSITE_HOSTNAME is set.
  const ownHostname = `127.0.0.1:${port}`;
  if (!process.env.WEBSITE_HOSTNAME || hostnamesSetByLocalHosts.has(process.env.WEBSITE_HOSTNAME)) {
    setEnv('WEBSITE_HOSTNAME', ownHostname);
    hostnamesSetByLocalHosts.add(ownHostname);
  }

  installFunctionsCore();
  setSystemLogSink((level, category, message) => log(level.toLowerCase(), `${category}: ${message}`));
  const entries = Array.isArray(options.appEntry) ? options.appEntry : [options.appEntry];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app is loaded at run time, like the worker does
    for (const entry of entries) require(path.resolve(entry));
  } catch (error) {
    await Promise.all([close(mainServer), close(rpcServer)]);
    hostnamesSetByLocalHosts.delete(ownHostname);
    restoreEnv(savedEnv, setValues);
    throw error;
  }
  // As the worker does after loading the app: lock `app.setup` and learn whether HTTP streaming is on.
  const streamingUri = await negotiateCapabilities();
  const functions = new Map(registry);
  if (functions.size === 0) {
    log('warning', `No functions were registered by ${entries.join(', ')}.`);
  }

  const clock = new HostClock(options.timeMode ?? 'real');
  const invoker = new FunctionInvoker(log);
  const store = new DurableStore(options.stateDir);
  const engine = new DurableEngine({
    store,
    invoker,
    clock,
    functions: () => functions,
    log,
    maxConcurrentActivities: options.maxConcurrentActivities,
    extraInputsFor: (fn) => extraInputsFor(fn),
  });

  const webhookBase = `${baseUrl}/runtime/webhooks/durabletask`;
  const urls = managementUrls(webhookBase, taskHubName, keys.system.durabletask_extension);
  const clientInput: DurableClientInput = {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?code=${keys.system.durabletask_extension}`,
      createAndWaitOnNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${keys.system.durabletask_extension}`,
    },
    managementUrls: urls,
    baseUrl: webhookBase,
    requiredQueryStringParameters: `code=${keys.system.durabletask_extension}`,
    rpcBaseUrl,
  };

  const extraInputsFor = (fn: RegisteredFunction): Record<string, RpcTypedData> => {
    const inputs: Record<string, RpcTypedData> = {};
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (
        binding.direction === 'in' &&
        (binding.type === 'durableClient' || binding.type === 'orchestrationClient')
      ) {
        inputs[name] = { string: JSON.stringify(clientInput) };
      }
    }
    return inputs;
  };

  // HTTP routes.
  const httpRoutes: HttpRouteEntry[] = [];
  for (const fn of functions.values()) {
    if (triggerType(fn) !== 'httptrigger') continue;
    const binding = triggerBinding(fn.metadata)[1];
    const route =
      typeof binding.route === 'string' && binding.route.length > 0 ? binding.route : fn.metadata.name;
    httpRoutes.push({
      fn,
      route: compileRoute(resolveSetting(route)),
      methods: Array.isArray(binding.methods)
        ? (binding.methods as string[]).map((m) => m.toUpperCase())
        : [],
      authLevel: typeof binding.authLevel === 'string' ? binding.authLevel.toLowerCase() : 'function',
    });
  }
  // Literal routes before parameterised ones, as the host's router prefers them.
  httpRoutes.sort(
    (a, b) => (a.route.template.includes('{') ? 1 : 0) - (b.route.template.includes('{') ? 1 : 0),
  );

  const keyOf = (req: IncomingMessage, url: URL): string | undefined => {
    const header = req.headers['x-functions-key'];
    return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? undefined;
  };
  const authorized = (authLevel: string, functionName: string, presented: string | undefined): boolean => {
    if (authLevel === 'anonymous') return true;
    if (!presented) return false;
    if (safeEqual(presented, keys.master)) return true;
    if (authLevel === 'admin') return false;
    const candidates = [...keys.host, ...(keys.functions[functionName] ?? [])];
    return candidates.some((k) => safeEqual(presented, k));
  };

  const handleHttpTrigger = async (req: IncomingMessage, res: ServerResponse, url: URL, subPath: string) => {
    const method = (req.method ?? 'GET').toUpperCase();
    let matched = false;
    for (const entry of httpRoutes) {
      const params = entry.route.match(subPath);
      if (!params) continue;
      matched = true;
      if (entry.methods.length > 0 && !entry.methods.includes(method)) continue;
      if (!authorized(entry.authLevel, entry.fn.metadata.name, keyOf(req, url))) {
        res.writeHead(401).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (streamingUri) {
        await invokeStreaming(entry.fn, req, res, url, headers, params);
        return;
      }
      const body = await readBody(req);
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const rpcHttp = {
        method,
        url: url.toString(),
        headers,
        query,
        params,
        body: body.length > 0 ? { bytes: body } : undefined,
      };
      const { response } = await invoker.invoke(entry.fn, { http: rpcHttp }, extraInputsFor(entry.fn));
      writeHttpResponse(res, response);
      return;
    }
    res.writeHead(matched ? 405 : 404).end();
  };

  /**
   * With `app.setup({ enableHttpStream: true })` the library reads the request from, and writes the
   * response to, its own HTTP proxy; the host forwards the raw request there, as the real host does.
   */
  const invokeStreaming = async (
    fn: RegisteredFunction,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    headers: Record<string, string>,
    params: Record<string, string>,
  ) => {
    const invocationId = randomUUID();
    const triggerMetadata: Record<string, RpcTypedData> = { Headers: { json: JSON.stringify(headers) } };
    for (const [name, value] of Object.entries(params)) triggerMetadata[name] = { string: value };
    const invocation = invoker.invoke(fn, undefined, extraInputsFor(fn), triggerMetadata, invocationId);
    const proxyReq = http.request(new URL(url.pathname + url.search, streamingUri), {
      method: req.method,
      // One connection per request: a kept-alive socket would hold the process open after stop.
      agent: false,
      headers: {
        ...headers,
        connection: 'close',
        'x-ms-invocation-id': invocationId,
        'x-forwarded-host': url.host,
        'x-forwarded-proto': 'http',
      },
    });
    const proxied = new Promise<IncomingMessage>((resolve, reject) => {
      proxyReq.on('response', resolve);
      proxyReq.on('error', reject);
    });
    req.pipe(proxyReq);
    const failed = invocation.then(
      () => undefined,
      (error: unknown) => error ?? new Error('The function failed.'),
    );
    const first = await Promise.race([
      proxied.then((r) => ({ response: r })),
      failed.then((error) => ({ error })),
    ]);
    if ('error' in first && first.error !== undefined) {
      proxyReq.destroy();
      proxied.catch(() => undefined);
      log('error', `HTTP function '${fn.metadata.name}' failed: ${describeError(first.error)}`);
      sendJson(res, 500, { message: 'The function failed.' });
      return;
    }
    const proxyRes = 'response' in first ? first.response : await proxied;
    const outHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(proxyRes.headers)) {
      if (value !== undefined && !['transfer-encoding', 'connection', 'x-ms-invocation-id'].includes(name))
        outHeaders[name] = value;
    }
    res.writeHead(proxyRes.statusCode ?? 500, outHeaders);
    proxyRes.pipe(res);
    await failed;
  };

  const handleEventGrid = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const presented = keyOf(req, url);
    const keyOk =
      presented !== undefined &&
      (safeEqual(presented, keys.system.eventgrid_extension) || safeEqual(presented, keys.master));
    if (!keyOk) {
      sendJson(res, 401, {
        message: 'A valid eventgrid_extension system key is required (code query parameter).',
      });
      return;
    }
    if (method === 'OPTIONS') {
      // CloudEvents webhook abuse protection handshake.
      const origin = req.headers['webhook-request-origin'];
      res.writeHead(200, {
        'WebHook-Allowed-Origin': (Array.isArray(origin) ? origin[0] : origin) ?? '*',
        'WebHook-Allowed-Rate': '*',
      });
      res.end();
      return;
    }
    if (method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const functionName = url.searchParams.get('functionName') ?? '';
    const fn = [...functions.values()].find(
      (f) =>
        f.metadata.name.toLowerCase() === functionName.toLowerCase() && triggerType(f) === 'eventgridtrigger',
    );
    if (!fn) {
      sendJson(res, 404, { message: `No Event Grid triggered function named '${functionName}'.` });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      sendJson(res, 400, { message: 'The body is not valid JSON.' });
      return;
    }
    const eventType = String(req.headers['aeg-event-type'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const events = Array.isArray(payload)
      ? (payload as Record<string, unknown>[])
      : [payload as Record<string, unknown>];
    const isCloudEvents =
      contentType.includes('cloudevents') ||
      events.every((e) => e && typeof e === 'object' && 'specversion' in e);
    if (eventType.toLowerCase() === 'subscriptionvalidation') {
      const validation = events.find(
        (e) => e?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent',
      );
      const code = (validation?.data as { validationCode?: string } | undefined)?.validationCode;
      if (!code) {
        sendJson(res, 400, { message: 'SubscriptionValidation without a validationCode.' });
        return;
      }
      sendJson(res, 200, { validationResponse: code });
      return;
    }
    if (eventType.toLowerCase() === 'subscriptiondeletion') {
      res.writeHead(202).end();
      return;
    }
    if (eventType.toLowerCase() !== 'notification' && !isCloudEvents) {
      sendJson(res, 400, { message: "Missing or unknown 'aeg-event-type' header." });
      return;
    }
    const failures: string[] = [];
    for (const event of events) {
      if (!event || typeof event !== 'object') {
        failures.push('an event is not a JSON object');
        continue;
      }
      try {
        await invoker.invoke(fn, { json: JSON.stringify(event) }, extraInputsFor(fn));
      } catch (error) {
        failures.push(`${idOf(event)}: ${error instanceof Error ? error.message : String(error)}`);
        log(
          'error',
          `Event Grid function '${fn.metadata.name}' failed for event ${idOf(event)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
    if (failures.length > 0) {
      sendJson(res, 500, { message: `${failures.length} of ${events.length} event(s) failed`, failures });
    } else {
      res.writeHead(202).end();
    }
  };

  mainServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const pathname = url.pathname;
    const work = async () => {
      if (pathname.toLowerCase().startsWith('/api/') || pathname.toLowerCase() === '/api') {
        await handleHttpTrigger(req, res, url, pathname.slice(4));
      } else if (pathname.toLowerCase() === '/runtime/webhooks/eventgrid') {
        await handleEventGrid(req, res, url);
      } else if (pathname.toLowerCase().startsWith('/runtime/webhooks/durabletask/')) {
        const presented = keyOf(req, url);
        if (
          !presented ||
          !(safeEqual(presented, keys.system.durabletask_extension) || safeEqual(presented, keys.master))
        ) {
          sendJson(res, 401, { message: 'A valid durabletask_extension system key is required.' });
          return;
        }
        const handled = await handleDurableApi(
          engine,
          urls,
          pathname.slice('/runtime/webhooks/durabletask/'.length),
          url,
          req,
          res,
        );
        if (!handled) res.writeHead(404).end();
      } else if (pathname === '/admin/host/status') {
        sendJson(res, 200, { state: 'Running', functions: [...functions.keys()] });
      } else {
        res.writeHead(404).end();
      }
    };
    work().catch((error) => {
      log(
        'error',
        `${req.method} ${pathname} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent)
        sendJson(res, 500, { message: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
  });

  rpcServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', rpcBaseUrl);
    const work = async () => {
      if (!url.pathname.startsWith('/durabletask/')) {
        res.writeHead(404).end();
        return;
      }
      const handled = await handleDurableApi(
        engine,
        urls,
        url.pathname.slice('/durabletask/'.length),
        url,
        req,
        res,
      );
      if (!handled) res.writeHead(404).end();
    };
    work().catch((error) => {
      if (!res.headersSent)
        sendJson(res, 500, { message: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
  });

  // Timer triggers.
  const timerFunctions = [...functions.values()].filter((f) => triggerType(f) === 'timertrigger');
  const lastRun = new Map<string, number>();
  const runTimer = async (fn: RegisteredFunction, isPastDue = false) => {
    const binding = triggerBinding(fn.metadata)[1];
    const schedule = parseSchedule(resolveSetting(scheduleOf(binding)));
    const now = clock.now();
    const last = lastRun.get(fn.metadata.name);
    lastRun.set(fn.metadata.name, now);
    const info = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: new Date(last ?? now).toISOString(),
        Next: new Date(schedule.next(now)).toISOString(),
        LastUpdated: new Date(now).toISOString(),
      },
      IsPastDue: isPastDue,
    };
    await invoker.invoke(fn, { json: JSON.stringify(info) }, extraInputsFor(fn));
  };
  const timerHandles: NodeJS.Timeout[] = [];
  let stopped = false;
  const scheduleTimer = (fn: RegisteredFunction) => {
    const binding = triggerBinding(fn.metadata)[1];
    const schedule = parseSchedule(resolveSetting(scheduleOf(binding)));
    const next = schedule.next(clock.now());
    const handle = setTimeout(
      () => {
        timerHandles.splice(timerHandles.indexOf(handle), 1);
        if (stopped) return;
        runTimer(fn)
          .catch((error) =>
            log(
              'error',
              `Timer function '${fn.metadata.name}' failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
          )
          .finally(() => {
            if (!stopped) scheduleTimer(fn);
          });
      },
      Math.min(
        2 ** 31 - 1,
        Math.max(0, Math.ceil(clock.isFast() ? next - clock.now() : clock.realDelayUntil(next))),
      ),
    );
    handle.unref?.();
    timerHandles.push(handle);
  };
  for (const fn of timerFunctions) {
    // Validate every schedule at start, as the host does.
    parseSchedule(resolveSetting(scheduleOf(triggerBinding(fn.metadata)[1])));
  }

  await invoker.runAppHook('appStart');
  engine.start();
  if (options.runTimerTriggers ?? true) {
    for (const fn of timerFunctions) {
      const binding = triggerBinding(fn.metadata)[1];
      if (binding.runOnStartup === true) {
        runTimer(fn).catch((error) =>
          log('error', `Timer function '${fn.metadata.name}' failed: ${String(error)}`),
        );
      }
      scheduleTimer(fn);
    }
  }

  const durable: DurableHandle = {
    startNew: async (name, opts) =>
      engine.startNew(
        name,
        opts?.instanceId,
        opts?.input === undefined ? undefined : JSON.stringify(opts.input),
      ).instanceId,
    getStatus: (id, opts) => engine.getStatus(id, opts?.showHistory ?? false),
    waitForCompletion: (id, timeoutMs) => engine.waitForCompletion(id, timeoutMs),
    waitForStatus: (id, predicate, timeoutMs) => engine.waitForStatus(id, predicate, timeoutMs),
    raiseEvent: (id, name, data) =>
      engine.raiseEvent(id, name, data === undefined ? undefined : JSON.stringify(data)),
    terminate: (id, reason) => engine.terminate(id, reason),
    listInstances: (query) => engine.listInstances(query),
    signalEntity: (name, k, op, input) =>
      engine.signalEntity(name, k, op, input === undefined ? undefined : JSON.stringify(input)),
    readEntityState: <T>(name: string, k: string) =>
      engine.readEntity(name, k) as { exists: boolean; state: T | undefined },
    clientInput: () => clientInput,
    activeWork: () => engine.activeWork(),
    counters: engine.counters,
  };

  return {
    baseUrl,
    rpcBaseUrl,
    keys,
    functions: [...functions.keys()],
    eventGridUrl: (functionName) =>
      `${baseUrl}/runtime/webhooks/eventgrid?functionName=${encodeURIComponent(functionName)}&code=${encodeURIComponent(keys.system.eventgrid_extension)}`,
    durable,
    runTimerNow: async (functionName) => {
      const fn = timerFunctions.find((f) => f.metadata.name.toLowerCase() === functionName.toLowerCase());
      if (!fn) throw new Error(`No timer triggered function named '${functionName}'.`);
      await runTimer(fn);
    },
    now: () => clock.now(),
    advanceTime: (ms) => clock.advance(ms),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const handle of timerHandles) clearTimeout(handle);
      await Promise.all([close(mainServer), close(rpcServer)]);
      await engine.stop(options.stopGraceMs ?? 5000);
      clock.stop();
      await invoker.runAppHook('appTerminate').catch(() => undefined);
      hostnamesSetByLocalHosts.delete(ownHostname);
      restoreEnv(savedEnv, setValues);
    },
  };
}

/**
 * A real `DurableClient` bound to the host, built the way `df.getClient(context)` builds it inside
 * a client function (the `durableClient` input binding value comes from the host).
 */
export function createDurableClient(host: LocalHost): DurableClient {
  const context = new InvocationContext({
    functionName: 'localHostClient',
    options: {
      trigger: { name: 'trigger', type: 'httpTrigger' },
      extraInputs: [{ name: 'starter', type: 'durableClient' }],
    },
  });
  context.extraInputs.set('starter', host.durable.clientInput());
  return getClient(context);
}

/** Durable management links for an instance (what `createCheckStatusResponse` returns). */
export function checkStatusLinks(host: LocalHost, instanceId: string): Record<string, string> {
  return linksFor(host.durable.clientInput().managementUrls, instanceId);
}

interface RpcHttpResponse {
  statusCode?: string | number;
  headers?: Record<string, string>;
  cookies?: { name: string; value: string }[];
  body?: RpcTypedData;
}

function writeHttpResponse(
  res: ServerResponse,
  response: { returnValue?: unknown; outputData?: { name: string; data: RpcTypedData }[] },
): void {
  let httpData = (response.returnValue as { http?: RpcHttpResponse } | undefined)?.http;
  if (!httpData) {
    for (const output of response.outputData ?? []) {
      const candidate = (output.data as { http?: RpcHttpResponse }).http;
      if (candidate) httpData = candidate;
    }
  }
  if (!httpData) {
    res.writeHead(204).end();
    return;
  }
  const headers: Record<string, string | string[]> = { ...(httpData.headers ?? {}) };
  if (httpData.cookies && httpData.cookies.length > 0) {
    headers['set-cookie'] = httpData.cookies.map((c) => `${c.name}=${c.value}`);
  }
  const body = httpData.body;
  let bytes: Buffer;
  if (body?.bytes) bytes = Buffer.from(body.bytes);
  else if (body?.string !== undefined) bytes = Buffer.from(body.string);
  else if (body) bytes = Buffer.from(JSON.stringify(fromTypedData(body) ?? null));
  else bytes = Buffer.alloc(0);
  res.writeHead(Number(httpData.statusCode ?? 200), headers);
  res.end(bytes);
}

const capabilityResults = new WeakMap<ProgrammingModel, Promise<string | undefined>>();

/**
 * Calls `getCapabilities` once per programming model. When the app enabled HTTP streaming this
 * starts the library's HTTP proxy and returns its URL; the proxy server is unref'd so it does not
 * keep the process alive.
 */
function negotiateCapabilities(): Promise<string | undefined> {
  const programmingModel = getProgrammingModel();
  if (!programmingModel?.getCapabilities) return Promise.resolve(undefined);
  let result = capabilityResults.get(programmingModel);
  if (!result) {
    const getCapabilities = programmingModel.getCapabilities.bind(programmingModel);
    result = (async () => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- restored unchanged below
      const originalListen = http.Server.prototype.listen;
      http.Server.prototype.listen = function (this: http.Server, ...args: unknown[]) {
        this.unref();
        return (originalListen as (...a: unknown[]) => http.Server).apply(this, args);
      } as typeof originalListen;
      try {
        const capabilities = await getCapabilities({});
        return capabilities.HttpUri;
      } finally {
        http.Server.prototype.listen = originalListen;
      }
    })();
    capabilityResults.set(programmingModel, result);
  }
  return result;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

function idOf(event: Record<string, unknown>): string {
  return typeof event.id === 'string' || typeof event.id === 'number' ? String(event.id) : '?';
}

function scheduleOf(binding: Record<string, unknown>): string {
  return typeof binding.schedule === 'string' ? binding.schedule : '';
}

/** WEBSITE_HOSTNAME values this module set, so a later host in the same process may replace them. */
const hostnamesSetByLocalHosts = new Set<string>();

/** Puts back the variables a host changed, unless something else changed them since. */
function restoreEnv(saved: Map<string, string | undefined>, setValues?: Map<string, string>): void {
  for (const [name, value] of saved) {
    if (setValues && process.env[name] !== setValues.get(name)) continue;
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
