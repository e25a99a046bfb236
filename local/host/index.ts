/**
 * Starts an in-process Functions host for an app written with `@azure/functions` v4 and `durable-functions` v3.
 * This file wires the host's parts: environment.ts (settings, keys, WEBSITE_HOSTNAME), httpTriggers.ts (routes,
 * auth levels, streaming), eventGridWebhook.ts, timerTriggers.ts, durableClient.ts (the client binding and the
 * handle on the engine) and durable/ (the engine running orchestrations, activities and entities).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { HostClock, type TimeMode } from './clock';
import { handleDurableApi, sendJson } from './durable/api';
import { DurableEngine } from './durable/engine';
import { DurableStore } from './durable/store';
import { durableClientInput, durableClientInputs, durableHandle, type DurableHandle } from './durableClient';
import {
  appEnvironment,
  defaultLog,
  hostnamesSetByLocalHosts,
  keyOf,
  resolveKeys,
  safeEqual,
  type FunctionKeys,
  type ResolvedKeys,
} from './environment';
import { eventGridWebhookHandler } from './eventGridWebhook';
import {
  installFunctionsCore,
  registry,
  setSystemLogSink,
  type RegisteredFunction,
  type RpcTypedData,
} from './functionsCore';
import { httpTriggerHandler, negotiateCapabilities } from './httpTriggers';
import { FunctionInvoker, type HostLog, type TriggerHost } from './invoker';
import { timerTriggers } from './timerTriggers';
import { close, listen } from '../net';

// Importing the host is enough for later `@azure/functions` registrations to be captured, even
// when the app's modules are loaded before `startLocalHost` is called.
installFunctionsCore();

export type { TimeMode } from './clock';
export { installFunctionsCore } from './functionsCore';
export type { OrchestrationStatusJson, InstanceQuery, EngineCounters } from './durable/engine';
export type { FunctionKeys, ResolvedKeys } from './environment';
export type { DurableClientInput, DurableHandle } from './durableClient';
export { checkStatusLinks, createDurableClient } from './durableClient';

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

/**
 * Starts an in-process Functions host for an app written with `@azure/functions` v4 and
 * `durable-functions` v3: imports the app with registrations captured, serves HTTP triggers,
 * the Event Grid webhook and the durable APIs on 127.0.0.1, drives orchestrations through the
 * library's own replay with persisted history, and runs timer triggers.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? defaultLog;
  const environment = appEnvironment(options.settings ?? {});
  const keys = resolveKeys(options.functionKeys);
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
    environment.set('WEBSITE_HOSTNAME', ownHostname);
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
    environment.restore();
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

  const { clientInput, urls } = durableClientInput(
    baseUrl,
    rpcBaseUrl,
    taskHubName,
    keys.system.durabletask_extension,
  );
  const extraInputsFor = (fn: RegisteredFunction): Record<string, RpcTypedData> =>
    durableClientInputs(fn, clientInput);

  const triggerHost: TriggerHost = { functions, invoker, extraInputsFor, log };
  const handleHttpTrigger = httpTriggerHandler({ ...triggerHost, keys, streamingUri });
  const handleEventGrid = eventGridWebhookHandler({ ...triggerHost, keys });

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

  const timers = timerTriggers({ ...triggerHost, clock });
  let stopped = false;

  await invoker.runAppHook('appStart');
  engine.start();
  if (options.runTimerTriggers ?? true) timers.start();

  const durable: DurableHandle = durableHandle(engine, clientInput);

  return {
    baseUrl,
    rpcBaseUrl,
    keys,
    functions: [...functions.keys()],
    eventGridUrl: (functionName) =>
      `${baseUrl}/runtime/webhooks/eventgrid?functionName=${encodeURIComponent(functionName)}&code=${encodeURIComponent(keys.system.eventgrid_extension)}`,
    durable,
    runTimerNow: (functionName) => timers.runNow(functionName),
    now: () => clock.now(),
    advanceTime: (ms) => clock.advance(ms),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      timers.stop();
      await Promise.all([close(mainServer), close(rpcServer)]);
      await engine.stop(options.stopGraceMs ?? 5000);
      clock.stop();
      await invoker.runAppHook('appTerminate').catch(() => undefined);
      hostnamesSetByLocalHosts.delete(ownHostname);
      environment.restore();
    },
  };
}
