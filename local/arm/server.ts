/**
 * The ARM emulator's server: `startArmEmulator` starts HTTPS (a certificate made at start) and the managed-identity
 * token endpoint on 127.0.0.1, registers the providers, and runs every request through one pipeline — route, modelled
 * latency, fault injection, bearer token, api-version, throttling, write races, the handler, the request log.
 *
 * Over ~400 lines on purpose: the pipeline is read top to bottom in the order Azure applies its checks, and its
 * steps share the request's state; the parts it calls live in their own files (router.ts, throttling.ts,
 * faults.ts, latency.ts, lro.ts, requestLog.ts, identity.ts, tls.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { ScaledClock, type ArmClock } from './clock';
import type { ArmProvider, EmulatorContext, SeedDocument, Seeder } from './context';
import { ArmError, resourceGroupNotFound, subscriptionNotFound } from './errors';
import { FaultInjector, type FaultConfig } from './faults';
import { decodeClaims, TokenIssuer, type EmulatedIdentity } from './identity';
import { LatencyModel, type LatencyOptions } from './latency';
import { LroManager, type LroSettings } from './lro';
import { defaultProviders } from './providers';
import { EMULATED_CLOUD_PROFILES, type EmulatedCloud } from './privateLinkServices';
import { CONTROL_PREFIX, registerControlApi } from './control';
import { RequestLog } from './requestLog';
import { resourceGroupId } from './resourceId';
import { Router, type ArmRequest, type ArmResponse, type HttpMethod, type RouteMatch } from './router';
import { ResourceStore, type ArmResource, type WriteContext } from './store';
import { Throttler, type RateLimitDefinition, type ThrottlingLimits } from './throttling';
import { generateCertificate } from './tls';
import { WriteLog } from './writeLog';
import { close, listen } from '../net';

export interface ArmEmulatorOptions {
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** HTTPS port (default 0 = any free port). */
  port?: number;
  /** Plain-HTTP port for the managed-identity endpoint (default 0). */
  identityPort?: number;
  /** Emulated ms per real ms (default 1). Ignored when `clock` is given. */
  timeScale?: number;
  clock?: ArmClock;
  /** Subscriptions, resource groups, VNets, zones to create at start. */
  seed?: SeedDocument;
  throttling?: {
    enabled?: boolean;
    subscription?: Partial<ThrottlingLimits>;
    extra?: Record<string, RateLimitDefinition>;
  };
  faults?: FaultConfig;
  /**
   * Azure's latency: `'azure'` (ARM p50 60 ms / p99 250 ms, Event Grid p50 1 s / p99 5 s, emulated time) or explicit
   * distributions. Default off (see local/arm/latency.ts).
   */
  latency?: LatencyOptions | 'azure' | 'off';
  lro?: Partial<LroSettings>;
  /** Secret expected in `X-IDENTITY-HEADER` (default: random). */
  identityHeader?: string;
  tenantId?: string;
  /** The identity `/msi/token` issues tokens for by default. */
  identity?: EmulatedIdentity;
  /** Require `Authorization: Bearer` on ARM routes (default true). */
  requireAuth?: boolean;
  /** Providers to register (default: `defaultProviders`). */
  providers?: readonly ArmProvider[];
  /** Request-log entries kept (default 10,000; counters are unbounded). */
  logCapacity?: number;
  /** Write-log entries kept (default 50,000). */
  writeLogCapacity?: number;
  /** Location for seeded/created resources without one (default `eastus`). */
  defaultLocation?: string;
  /**
   * The Azure cloud to play (default AzureCloud): tokens must carry its Resource Manager audience, and private
   * endpoints show its service suffixes (`*.blob.core.usgovcloudapi.net` in AzureUSGovernment).
   */
  cloud?: EmulatedCloud;
}

export interface ArmEmulator extends EmulatorContext {
  /** Every completed store change, with time, before/after and actor (cleared by `reset`). */
  readonly writes: WriteLog;
  /** `https://127.0.0.1:PORT` */
  readonly endpoint: () => string;
  /** Same as `endpoint()`, as a property. */
  readonly url: string;
  /** PEM of the self-signed certificate; pass it as `tlsOptions: { ca }`. */
  readonly caPem: string;
  /** `http://127.0.0.1:PORT/msi/token` — set as `IDENTITY_ENDPOINT`. */
  readonly identityEndpoint: string;
  /** Set as `IDENTITY_HEADER`. */
  readonly identityHeader: string;
  /** Writes the CA PEM to `path` (directories created) and returns the path. */
  writeCaFile(path: string): string;
  /** Environment for a client process: ARM_ENDPOINT, IDENTITY_ENDPOINT, IDENTITY_HEADER (+ ARM_CA_FILE when given). */
  env(caFile?: string): Record<string, string>;
  /** In-process credential returning tokens from the emulator's issuer (no HTTP round trip). */
  credential(): {
    getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number }>;
  };
  /**
   * Client options for the @azure/arm-* clients: endpoint, tlsOptions.ca, and the ARM scope both as
   * `credentialScopes` (AutoRest clients) and `credentials.scopes` (TypeSpec clients such as arm-network 39).
   */
  clientOptions(): {
    endpoint: string;
    credentialScopes: string[];
    credentials: { scopes: string[] };
    tlsOptions: { ca: string };
  };
  seed(doc: SeedDocument): void;
  /** Clears resources, operations, buckets, faults and the log, then re-seeds the start-up seed. */
  reset(options?: { reseed?: boolean }): void;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Principal of the "other writer" that races conditional writes (fault injection). */
export const OTHER_WRITER_OID = '00000000-0000-4000-8000-0000000f0e1d';

/** Starts the emulator: HTTPS ARM endpoint + plain-HTTP managed-identity endpoint, both on loopback. */
export async function startArmEmulator(options: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? new ScaledClock(options.timeScale ?? 1);
  const store = new ResourceStore();
  const router = new Router();
  const control = new Router();
  const log = new RequestLog(options.logCapacity ?? 10_000);
  const writes = new WriteLog(options.writeLogCapacity ?? 50_000);
  store.onChange((change) => writes.record(change, clock.now()));
  const faults = new FaultInjector();
  if (options.faults) faults.configure(options.faults);
  const throttle = new Throttler(clock);
  const latency = new LatencyModel(options.latency);
  const tokens = new TokenIssuer(clock, options.tenantId, options.identity);
  const identityHeader = options.identityHeader ?? randomUUID();
  const requireAuth = options.requireAuth ?? true;
  const defaultLocation = options.defaultLocation ?? 'eastus';
  const cloud = EMULATED_CLOUD_PROFILES[options.cloud ?? 'AzureCloud'];
  let endpoint = '';
  const lro = new LroManager(clock, () => endpoint, options.lro);
  const seeders: Seeder[] = [];
  const resetHooks: Array<() => void> = [];
  const services = new Map<string, unknown>();

  const internalContext = (operationName?: string): WriteContext => ({
    internal: true,
    correlationId: randomUUID(),
    tenantId: tokens.tenantId,
    ...(operationName ? { operationName } : {}),
  });

  /** The stored scope resource with `resource.id`, written first when it is missing. */
  const ensureScope = (resource: ArmResource): ArmResource =>
    store.get(resource.id) ?? store.put(resource, { context: internalContext() });

  const ensureSubscription = (subscriptionId: string, displayName?: string): ArmResource =>
    ensureScope({
      id: `/subscriptions/${subscriptionId}`,
      name: subscriptionId,
      type: 'Microsoft.Resources/subscriptions',
      subscriptionId,
      displayName: displayName ?? subscriptionId,
      state: 'Enabled',
      tenantId: tokens.tenantId,
    });

  const ensureResourceGroup = (
    subscriptionId: string,
    resourceGroup: string,
    location?: string,
  ): ArmResource => {
    ensureSubscription(subscriptionId);
    return ensureScope({
      id: resourceGroupId(subscriptionId, resourceGroup),
      name: resourceGroup,
      type: 'Microsoft.Resources/resourceGroups',
      location: location ?? defaultLocation,
      properties: { provisioningState: 'Succeeded' },
    });
  };

  const seed = (doc: SeedDocument): void => {
    for (const sub of doc.subscriptions ?? []) {
      if (!sub.subscriptionId)
        throw new ArmError(400, 'InvalidSeed', 'Each seeded subscription needs a subscriptionId.');
      ensureSubscription(sub.subscriptionId, sub.displayName);
      for (const group of sub.resourceGroups ?? []) {
        if (!group.name) throw new ArmError(400, 'InvalidSeed', 'Each seeded resource group needs a name.');
        const rg = ensureResourceGroup(sub.subscriptionId, group.name, group.location);
        const scope = {
          subscriptionId: sub.subscriptionId,
          resourceGroup: rg.name,
          location: (rg.location as string | undefined) ?? defaultLocation,
        };
        for (const seeder of seeders) seeder(scope, group);
      }
    }
  };

  const ctx: EmulatorContext = {
    store,
    router,
    control,
    clock,
    lro,
    throttle,
    faults,
    latency,
    log,
    tokens,
    endpoint: () => endpoint,
    defaultLocation,
    cloud,
    internalContext,
    addSeeder: (s) => void seeders.push(s),
    onReset: (hook) => void resetHooks.push(hook),
    provide: (name, service) => void services.set(name, service),
    service: <T>(name: string): T => {
      if (!services.has(name)) throw new Error(`No emulator service named '${name}' is registered.`);
      return services.get(name) as T;
    },
    ensureSubscription,
    ensureResourceGroup,
  };

  const reset = ({ reseed = true }: { reseed?: boolean } = {}): void => {
    lro.reset();
    store.clear();
    throttle.reset();
    faults.reset();
    log.reset();
    writes.clear();
    for (const hook of resetHooks) hook();
    if (reseed && options.seed) seed(options.seed);
  };

  lro.register(router);
  for (const provider of options.providers ?? defaultProviders) provider.register(ctx);
  // After the providers, so limits given here replace the defaults they define.
  if (options.throttling) throttle.configure(options.throttling);
  registerControlApi(ctx, { seed, reset, writes });

  const claimsCache = new Map<string, Record<string, unknown>>();
  const claimsOf = (token: string): Record<string, unknown> => {
    let claims = claimsCache.get(token);
    if (!claims) {
      claims = decodeClaims(token);
      if (claimsCache.size > 1000) claimsCache.clear();
      claimsCache.set(token, claims);
    }
    return claims;
  };

  const cert = generateCertificate();
  const armServer = https.createServer(
    { key: cert.keyPem, cert: cert.certPem, keepAlive: true },
    (req, res) => {
      void handleArm(req, res);
    },
  );
  const identityServer = http.createServer((req, res) => handleIdentity(req, res));
  armServer.keepAliveTimeout = 30_000;

  function handleIdentity(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.toLowerCase() !== '/msi/token') {
      return sendJson(res, 404, { error: 'not_found', error_description: `No route for ${url.pathname}` });
    }
    if (req.method !== 'GET')
      return sendJson(res, 405, { error: 'invalid_request', error_description: 'Use GET.' });
    if (req.headers['x-identity-header'] !== identityHeader) {
      return sendJson(res, 401, {
        error: 'unauthorized',
        error_description: 'Missing or wrong X-IDENTITY-HEADER.',
      });
    }
    const resource = url.searchParams.get('resource');
    if (!resource)
      return sendJson(res, 400, { error: 'invalid_request', error_description: "Missing 'resource'." });
    const identity = tokens.identityFor(url.searchParams.get('client_id') ?? undefined);
    if (!identity) {
      return sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'Unknown client_id for this app.',
      });
    }
    const issued = tokens.issue(resource, identity);
    sendJson(res, 200, {
      access_token: issued.token,
      expires_on: String(issued.expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: identity.clientId,
    });
  }

  async function handleArm(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const arrived = clock.now();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, endpoint);
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const correlationId = firstHeader(req.headers['x-ms-correlation-request-id']) ?? randomUUID();
    const baseHeaders: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': correlationId,
    };
    const clientRequestId = firstHeader(req.headers['x-ms-client-request-id']);
    if (clientRequestId) baseHeaders['x-ms-client-request-id'] = clientRequestId;

    if (path.toLowerCase() === '/msi/token') return handleIdentity(req, res);
    if (path.toLowerCase().startsWith(`${CONTROL_PREFIX}/`)) return handleControl(req, res, method, url);

    let match: RouteMatch | undefined;
    let status = 500;
    let errorCode: string | undefined;
    let injected: string | undefined;
    let subscriptionIdForLog: string | undefined;
    let latencyMs = 0;
    try {
      const found = router.match(method, path);
      if (!found) {
        throw new ArmError(
          404,
          /\/providers\//i.test(path) ? 'InvalidResourceType' : 'NotFound',
          `No emulated ARM operation matches ${method} ${path}.`,
        );
      }
      if ('methodMismatch' in found) {
        throw new ArmError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${method}'.`,
        );
      }
      match = found;
      const { route, params } = found;
      subscriptionIdForLog = params.subscriptionId;

      // Azure's own response time, before anything else looks at the request.
      latencyMs = latency.sample('arm');
      if (latencyMs > 0) await clock.sleep(latencyMs);

      // Faults come first: they model the network and the front door, before ARM looks at the request.
      if (faults.active) {
        const decision = faults.decide({
          method,
          path,
          operationId: route.operationId,
          resourceType: route.resourceType,
        });
        if (decision.latencyMs > 0) await clock.sleep(decision.latencyMs);
        if (decision.error !== undefined) {
          injected = `fault:${decision.rule}`;
          if (decision.error === 'reset') {
            status = 0;
            errorCode = 'ConnectionReset';
            req.socket.destroy();
            return;
          }
          const retryAfterSeconds = decision.retryAfterSeconds ?? 1;
          const retryHeaders: Record<string, string> = { 'retry-after': String(retryAfterSeconds) };
          if (decision.scaleRetryAfter) {
            retryHeaders['retry-after-ms'] = String(Math.ceil(clock.toRealMs(retryAfterSeconds * 1000)));
          }
          const faultError =
            decision.error === 429
              ? new ArmError(429, 'TooManyRequests', 'Injected fault: too many requests.', retryHeaders)
              : decision.error === 503
                ? new ArmError(
                    503,
                    'ServiceUnavailable',
                    'Injected fault: service unavailable.',
                    retryHeaders,
                  )
                : new ArmError(500, 'InternalServerError', 'Injected fault: internal server error.');
          throw faultError;
        }
      }

      const auth = firstHeader(req.headers.authorization);
      let claims: Record<string, unknown> = {};
      if (requireAuth) {
        if (!auth) {
          throw new ArmError(
            401,
            'AuthenticationFailed',
            "Authentication failed. The 'Authorization' header is missing.",
            {
              'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tokens.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
            },
          );
        }
        const m = /^Bearer\s+(\S+)$/i.exec(auth);
        if (!m) {
          throw new ArmError(
            401,
            'InvalidAuthenticationToken',
            "The access token is invalid: expected 'Bearer <token>'.",
          );
        }
        claims = claimsOf(m[1] as string);
        // ARM refuses a token issued for another resource (another cloud's Resource Manager, Graph, ...).
        const audience = claims.aud;
        if (typeof audience === 'string' && !cloud.armAudiences.includes(audience)) {
          throw new ArmError(
            401,
            'InvalidAuthenticationTokenAudience',
            `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences '${cloud.armAudiences.join("','")}'.`,
          );
        }
      }

      const apiVersion = url.searchParams.get('api-version') ?? undefined;
      if (route.apiVersions !== 'any') {
        if (!apiVersion) {
          throw new ArmError(
            400,
            'MissingApiVersionParameter',
            'The api-version query parameter (?api-version=) is required for all requests.',
          );
        }
        if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) {
          throw new ArmError(
            400,
            'InvalidApiVersionParameter',
            `The api-version '${apiVersion}' is invalid. The supported versions are '${route.apiVersions.join(',')}'.`,
          );
        }
        if (!route.apiVersions.includes(apiVersion)) {
          throw new ArmError(
            400,
            'NoRegisteredProviderFound',
            `No registered resource provider found for API version '${apiVersion}' and type '${route.resourceType}'. The supported api-versions are '${route.apiVersions.join(', ')}'.`,
          );
        }
      }

      if (!route.skipScopeChecks) {
        if (params.subscriptionId !== undefined && !store.has(`/subscriptions/${params.subscriptionId}`)) {
          throw subscriptionNotFound(params.subscriptionId);
        }
        if (
          params.subscriptionId !== undefined &&
          params.resourceGroupName !== undefined &&
          !store.has(resourceGroupId(params.subscriptionId, params.resourceGroupName))
        ) {
          throw resourceGroupNotFound(params.resourceGroupName);
        }
      }

      const body = method === 'GET' || method === 'HEAD' ? undefined : await readJsonBody(req);
      const context: WriteContext = {
        correlationId,
        claims,
        tenantId: (claims.tid as string | undefined) ?? tokens.tenantId,
        httpRequest: {
          method,
          url: `${endpoint}${rawUrl}`,
          clientIpAddress: req.socket.remoteAddress ?? '127.0.0.1',
        },
        ...(route.armOperation ? { operationName: route.armOperation } : {}),
        ...(clientRequestId ? { clientRequestId } : {}),
      };
      const armRequest: ArmRequest = {
        method: method as HttpMethod,
        url,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        apiVersion,
        route,
        claims,
        context,
        header: (name) => firstHeader(req.headers[name.toLowerCase()]),
      };

      let throttleHeaders: Record<string, string> = {};
      if (!route.skipThrottling) {
        const decision = throttle.check(
          params.subscriptionId,
          route.kind,
          route.rateLimits?.(armRequest) ?? [],
        );
        throttleHeaders = decision.headers;
        if (!decision.ok) {
          injected = 'throttled';
          const retryMs = Math.max(1, Math.ceil(clock.toRealMs(decision.retryAfterMs)));
          throw new ArmError(
            429,
            'TooManyRequests',
            `The request is being throttled (${decision.limitedBy ?? 'limit'}). Retry after ${Math.ceil(retryMs / 1000)} second(s).`,
            {
              ...throttleHeaders,
              'retry-after': String(Math.ceil(retryMs / 1000)),
              'retry-after-ms': String(retryMs),
            },
          );
        }
      }

      // Another writer between the caller's read and this conditional write (fault injection).
      if (
        faults.racesActive &&
        (method === 'PUT' || method === 'PATCH' || method === 'DELETE') &&
        (armRequest.header('if-match') !== undefined || armRequest.header('if-none-match') !== undefined)
      ) {
        const existing = store.get(path);
        const race = existing
          ? faults.decideRace({
              method,
              path,
              operationId: route.operationId,
              resourceType: route.resourceType,
            })
          : undefined;
        if (race && existing) {
          injected = `race:${race.rule}`;
          const raceContext: WriteContext = {
            ...internalContext(route.armOperation),
            claims: { oid: OTHER_WRITER_OID, appid: OTHER_WRITER_OID, idtyp: 'app' },
          };
          if (race.action === 'delete') store.delete(existing.id, raceContext);
          else {
            const weak = /^W\/"/.test(existing.etag ?? '');
            store.put(
              { ...existing },
              { etag: (guid) => (weak ? `W/"${guid}"` : guid), context: raceContext },
            );
          }
        }
      }

      const response: ArmResponse = await route.handler(armRequest);
      status = response.status;
      send(res, method, response.status, response.body, {
        ...baseHeaders,
        ...throttleHeaders,
        ...(response.headers ?? {}),
      });
    } catch (err) {
      const armError =
        err instanceof ArmError
          ? err
          : new ArmError(500, 'InternalServerError', `Emulator error: ${errorMessage(err)}`);
      if (!(err instanceof ArmError))
        process.emitWarning(`ARM emulator handler failed on ${method} ${path}: ${errorMessage(err)}`);
      status = armError.status;
      errorCode = armError.code;
      send(res, method, armError.status, armError.toBody(), { ...baseHeaders, ...armError.headers });
    } finally {
      log.record({
        time: arrived,
        method,
        path,
        status,
        durationMs: performance.now() - started,
        ...(url.searchParams.get('api-version')
          ? { apiVersion: url.searchParams.get('api-version') as string }
          : {}),
        ...(match ? { operationId: match.route.operationId, resourceType: match.route.resourceType } : {}),
        ...(subscriptionIdForLog ? { subscriptionId: subscriptionIdForLog } : {}),
        ...(errorCode ? { errorCode } : {}),
        ...(injected ? { injected } : {}),
        ...(latencyMs > 0 ? { latencyMs } : {}),
      });
    }
  }

  async function handleControl(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    try {
      const found = control.match(method, url.pathname);
      if (!found || 'methodMismatch' in found) {
        throw new ArmError(404, 'NotFound', `No control operation matches ${method} ${url.pathname}.`);
      }
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readJsonBody(req);
      const response = await found.route.handler({
        method: method as HttpMethod,
        url,
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        body,
        apiVersion: undefined,
        route: found.route,
        claims: {},
        context: internalContext(),
        header: (name) => firstHeader(req.headers[name.toLowerCase()]),
      });
      send(res, method, response.status, response.body, response.headers ?? {});
    } catch (err) {
      const armError =
        err instanceof ArmError
          ? err
          : new ArmError(500, 'InternalServerError', `Control API error: ${errorMessage(err)}`);
      send(res, method, armError.status, armError.toBody(), armError.headers);
    }
  }

  await listen(armServer, options.port ?? 0, host);
  await listen(identityServer, options.identityPort ?? 0, host);
  const armPort = (armServer.address() as AddressInfo).port;
  const identityPort = (identityServer.address() as AddressInfo).port;
  endpoint = `https://${host}:${armPort}`;
  const identityEndpoint = `http://${host}:${identityPort}/msi/token`;

  if (options.seed) {
    try {
      seed(options.seed);
    } catch (err) {
      // A bad seed must not leave listening servers behind.
      await Promise.all([close(armServer), close(identityServer)]);
      throw err;
    }
  }

  let stopped: Promise<void> | undefined;
  const emulator: ArmEmulator = {
    ...ctx,
    writes,
    endpoint: () => endpoint,
    url: endpoint,
    caPem: cert.certPem,
    identityEndpoint,
    identityHeader,
    writeCaFile(path: string): string {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, cert.certPem);
      return path;
    },
    env(caFile?: string): Record<string, string> {
      return {
        ARM_ENDPOINT: endpoint,
        ...(caFile ? { ARM_CA_FILE: caFile } : {}),
        IDENTITY_ENDPOINT: identityEndpoint,
        IDENTITY_HEADER: identityHeader,
      };
    },
    credential() {
      return {
        getToken: async () => {
          const issued = tokens.issue(cloud.armHost, tokens.defaultIdentity);
          return { token: issued.token, expiresOnTimestamp: issued.expiresOn * 1000 };
        },
      };
    },
    clientOptions() {
      return {
        endpoint,
        credentialScopes: [cloud.armScope],
        credentials: { scopes: [cloud.armScope] },
        tlsOptions: { ca: cert.certPem },
      };
    },
    seed,
    reset,
    stop(): Promise<void> {
      stopped ??= (async () => {
        lro.reset();
        await Promise.all([close(armServer), close(identityServer)]);
      })();
      return stopped;
    },
  };
  return emulator;
}

function send(
  res: http.ServerResponse,
  method: string,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const hasBody = body !== undefined && status !== 204 && status !== 304;
  const payload = hasBody ? JSON.stringify(body) : '';
  const out: Record<string, string | number> = { ...headers };
  if (hasBody) out['content-type'] = 'application/json; charset=utf-8';
  out['content-length'] = Buffer.byteLength(payload);
  res.writeHead(status, out);
  res.end(method === 'HEAD' ? undefined : payload);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, 'GET', status, body, {});
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new ArmError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(buf);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: ${errorMessage(err)}`,
    );
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
