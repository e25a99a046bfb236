import type { IncomingHttpHeaders } from 'node:http';
import type { WriteContext } from './store';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

/** ARM's throttling classes: GET/HEAD are reads, PUT/PATCH/POST writes, DELETE deletes. */
export type OperationKind = 'read' | 'write' | 'delete';

export interface ArmRequest {
  method: HttpMethod;
  /** Absolute URL as the client sent it (host is the emulator). */
  url: URL;
  /** Decoded path parameters from the route template, e.g. `{ subscriptionId, resourceGroupName }`. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  apiVersion: string | undefined;
  route: Route;
  /** Claims of the bearer token (decoded without verification; empty for opaque tokens). */
  claims: Record<string, unknown>;
  /** Pre-filled write context for store writes made by this request. */
  context: WriteContext;
  /** First value of a header, lower-case name. */
  header(name: string): string | undefined;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: ArmRequest) => ArmResponse | Promise<ArmResponse>;

export interface RateLimitKey {
  /** Name of a limit defined on the throttler (`Throttler.defineLimit`). */
  limit: string;
  /** Bucket key, e.g. the lower-cased zone id. */
  key: string;
}

export interface RouteDefinition {
  method: HttpMethod;
  /** Template with `{param}` segments; matched case-insensitively, segment by segment. */
  path: string;
  /** Swagger operationId, used in counters and fault matching, e.g. `PrivateEndpoints_Get`. */
  operationId: string;
  /** Resource type the route acts on, e.g. `Microsoft.Network/privateEndpoints`. */
  resourceType: string;
  /** Accepted api-versions; `'any'` skips the check (async-operation polling URLs). Default: required and any value accepted. */
  apiVersions: readonly string[] | 'any';
  /** Throttling class; defaults from the method. */
  kind?: OperationKind;
  /** ARM operation name for events/logs, e.g. `Microsoft.Network/privateEndpoints/write`. */
  armOperation?: string;
  /** Extra rate limits beyond the subscription buckets (e.g. Private DNS per-zone writes). */
  rateLimits?: (req: ArmRequest) => RateLimitKey[];
  /** Skip subscription/resource-group existence checks (default: checked when those params are present). */
  skipScopeChecks?: boolean;
  /** Skip the subscription throttling buckets (async-operation polling is still counted unless set). */
  skipThrottling?: boolean;
  handler: RouteHandler;
}

export interface Route extends RouteDefinition {
  kind: OperationKind;
  segments: ReadonlyArray<{ literal: string } | { param: string }>;
  literalCount: number;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export function kindOf(method: string): OperationKind {
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'DELETE') return 'delete';
  return 'write';
}

/**
 * Method + path-template router. Paths compare case-insensitively (the SDKs rely on it: arm-privatedns lists
 * record sets at `/aLL`). When several templates match, the one with more literal segments wins, so
 * `.../{zone}/ALL` beats `.../{zone}/{recordType}`.
 */
export class Router {
  private readonly byLength = new Map<number, Route[]>();

  add(definition: RouteDefinition): Route {
    const segments = splitPath(definition.path).map((s) =>
      s.startsWith('{') && s.endsWith('}')
        ? { param: s.slice(1, -1).replace(/^\+/, '') }
        : { literal: s.toLowerCase() },
    );
    const route: Route = {
      ...definition,
      kind: definition.kind ?? kindOf(definition.method),
      segments,
      literalCount: segments.filter((s) => 'literal' in s).length,
    };
    const list = this.byLength.get(segments.length) ?? [];
    list.push(route);
    list.sort((a, b) => b.literalCount - a.literalCount);
    this.byLength.set(segments.length, list);
    return route;
  }

  /** Finds the route for a method and raw (still percent-encoded) path. `methodMismatch` is set when only the method differs. */
  match(method: string, rawPath: string): RouteMatch | { methodMismatch: true } | undefined {
    const parts = splitPath(rawPath);
    const candidates = this.byLength.get(parts.length);
    if (!candidates) return undefined;
    let pathMatched = false;
    for (const route of candidates) {
      const params = matchSegments(route, parts);
      if (!params) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      return { route, params };
    }
    return pathMatched ? { methodMismatch: true } : undefined;
  }

  routes(): Route[] {
    return [...this.byLength.values()].flat();
  }
}

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i];
    const part = parts[i] as string;
    if (!seg) return undefined;
    if ('literal' in seg) {
      if (seg.literal !== part.toLowerCase()) return undefined;
    } else {
      let value: string;
      try {
        value = decodeURIComponent(part);
      } catch {
        return undefined;
      }
      if (value === '') return undefined;
      params[seg.param] = value;
    }
  }
  return params;
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}
