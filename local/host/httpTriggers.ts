/**
 * HTTP triggers: routes compiled from the registered functions (literal before parameterised), `authLevel` checked
 * against the host, function and master keys, the request handed to the function as the worker hands it, and, with
 * `app.setup({ enableHttpStream: true })`, the raw request forwarded to the library's own HTTP proxy.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './durable/api';
import {
  getProgrammingModel,
  type ProgrammingModel,
  type RegisteredFunction,
  type RpcTypedData,
} from './functionsCore';
import { fromTypedData, triggerBinding, triggerType, type TriggerHost } from './invoker';
import { compileRoute, type CompiledRoute } from './routes';
import { resolveSetting, safeEqual, keyOf, type ResolvedKeys } from './environment';

interface HttpRouteEntry {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[];
  authLevel: string;
}

export interface HttpTriggerDeps extends TriggerHost {
  readonly keys: ResolvedKeys;
  /** The library's HTTP proxy when streaming is on. */
  readonly streamingUri: string | undefined;
}

/** The handler of `/api/...` requests (`subPath` is the path after `/api`). */
export function httpTriggerHandler({
  functions,
  keys,
  invoker,
  extraInputsFor,
  streamingUri,
  log,
}: HttpTriggerDeps) {
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
  return handleHttpTrigger;
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
export function negotiateCapabilities(): Promise<string | undefined> {
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
