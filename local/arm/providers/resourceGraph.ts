/**
 * `POST /providers/Microsoft.ResourceGraph/resources`: the emulated Azure Resource Graph. Rows come live from the
 * emulator's store (the `Resources` table), the query runs through the documented subset in
 * `resourceGraphQuery.ts`, pages hold at most 1000 rows with `$skipToken` continuation, and every user gets
 * Resource Graph's own quota (15 queries per 5-second window) reported in `x-ms-user-quota-*` headers.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import { ArmError } from '../errors';
import { parseResourceId } from '../resourceId';
import type { ArmRequest, ArmResponse } from '../router';
import type { ArmResource } from '../store';
import {
  columnType,
  executeQuery,
  hasExplicitOrder,
  parseQuery,
  UnsupportedQueryError,
} from './resourceGraphQuery';
import type { Row } from './resourceGraphQuery';

export const RESOURCE_GRAPH_API_VERSIONS = [
  '2024-04-01',
  '2022-10-01',
  '2021-06-01-preview',
  '2021-03-01',
] as const;
export const RESOURCE_GRAPH_PAGE_SIZE = 1000;

export interface ResourceGraphQuota {
  enabled: boolean;
  /** Queries allowed per window and user. */
  limit: number;
  /** Window length in emulated ms. */
  windowMs: number;
}

/** The service published as `resourceGraph` (tests and the control API use it). */
export interface ResourceGraphService {
  readonly quota: ResourceGraphQuota;
  configureQuota(quota: Partial<ResourceGraphQuota>): void;
  /** Rows of the `Resources` table, as a query sees them (before `subscriptions` scoping). */
  rows(): Row[];
  /** Runs a query in-process (no quota), returning every matching row. */
  query(text: string, subscriptions?: string[]): Row[];
  /** Queries served and refused since start or reset. */
  readonly counters: { served: number; throttled: number; rejected: number };
}

const quotaSchema = z.object({
  enabled: z.boolean().optional(),
  limit: z.number().int().positive().optional(),
  windowMs: z.number().positive().optional(),
});

/** Child types Resource Graph lists in `Resources` (most child resources, like record sets, it does not). */
const LISTED_CHILD_TYPES = new Set(['microsoft.network/privatednszones/virtualnetworklinks']);

/** Turns a stored ARM resource into a `Resources` row, or undefined for what the table does not hold. */
export function toResourceRow(resource: ArmResource, tenantId: string): Row | undefined {
  const parsed = parseResourceId(resource.id);
  if (!parsed || parsed.resourceGroup === undefined) return undefined;
  const type = parsed.type.toLowerCase();
  if (type.startsWith('microsoft.resources/')) return undefined;
  if (type.split('/').length > 2 && !LISTED_CHILD_TYPES.has(type)) return undefined;
  const r = resource as Record<string, unknown>;
  return {
    id: resource.id,
    name: resource.name,
    type,
    tenantId,
    kind: typeof r.kind === 'string' ? r.kind : '',
    location: typeof r.location === 'string' ? r.location.toLowerCase() : '',
    resourceGroup: parsed.resourceGroup.toLowerCase(),
    subscriptionId: parsed.subscriptionId,
    managedBy: typeof r.managedBy === 'string' ? r.managedBy : '',
    sku: r.sku ?? null,
    plan: r.plan ?? null,
    properties: r.properties ?? {},
    tags: r.tags ?? null,
    identity: r.identity ?? null,
    zones: r.zones ?? null,
    extendedLocation: r.extendedLocation ?? null,
  };
}

interface SkipToken {
  /** Hash of query text + scope, so a token only continues the query it came from. */
  h: string;
  /** Offset of the next row. */
  o: number;
}

function scopeHash(query: string, subscriptions: string[] | undefined): string {
  return createHash('sha256')
    .update(query)
    .update('\u0000')
    .update((subscriptions ?? []).map((s) => s.toLowerCase()).join(','))
    .digest('base64url')
    .slice(0, 16);
}

function encodeToken(t: SkipToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64');
}

function decodeToken(token: string): SkipToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<SkipToken>;
    if (typeof parsed.h === 'string' && typeof parsed.o === 'number' && parsed.o >= 0)
      return { h: parsed.h, o: parsed.o };
  } catch {
    // fall through
  }
  return undefined;
}

function idOf(row: Row): string {
  return typeof row.id === 'string' ? row.id : '';
}

function hms(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Resource Graph answers bad queries with `BadRequest` and the parser's complaint in `details`. */
function invalidQuery(message: string, detailCode = 'InvalidQuery'): ArmError {
  return new ArmError(400, 'BadRequest', message, {}, [{ code: detailCode, message }]);
}

export const resourceGraphProvider: ArmProvider = {
  name: 'resourceGraph',
  register(ctx: EmulatorContext): void {
    const quota: ResourceGraphQuota = { enabled: true, limit: 15, windowMs: 5000 };
    const windows = new Map<string, { start: number; used: number }>();
    const counters = { served: 0, throttled: 0, rejected: 0 };

    const rows = (): Row[] => {
      const out: Row[] = [];
      for (const r of ctx.store.all()) {
        const row = toResourceRow(r, ctx.tokens.tenantId);
        if (row) out.push(row);
      }
      return out;
    };

    const scoped = (subscriptions: string[] | undefined): Row[] => {
      const all = rows();
      if (subscriptions === undefined) return all;
      const wanted = new Set(subscriptions.map((s) => s.toLowerCase()));
      return all.filter((r) => wanted.has(String(r.subscriptionId).toLowerCase()));
    };

    const run = (text: string, subscriptions: string[] | undefined): Row[] => {
      const parsed = parseQuery(text);
      const result = executeQuery(parsed, scoped(subscriptions));
      if (!hasExplicitOrder(parsed)) {
        // Resource Graph pages in a stable order keyed on id.
        result.sort((a, b) => idOf(a).toLowerCase().localeCompare(idOf(b).toLowerCase()));
      }
      return result;
    };

    const service: ResourceGraphService = {
      quota,
      configureQuota(update) {
        Object.assign(quota, update);
        windows.clear();
      },
      rows,
      query: (text, subscriptions) => run(text, subscriptions),
      counters,
    };
    ctx.provide('resourceGraph', service);
    ctx.onReset(() => {
      windows.clear();
      counters.served = 0;
      counters.throttled = 0;
      counters.rejected = 0;
    });

    /** Takes one query from the caller's window; returns the quota headers, or throws 429. */
    const takeQuota = (req: ArmRequest): Record<string, string> => {
      if (!quota.enabled) return {};
      const claim = req.claims.oid ?? req.claims.appid;
      const user = typeof claim === 'string' ? claim : (req.header('authorization') ?? 'anonymous');
      const now = ctx.clock.now();
      let w = windows.get(user);
      if (!w || now - w.start >= quota.windowMs) {
        w = { start: now, used: 0 };
        windows.set(user, w);
      }
      const resetsInMs = w.start + quota.windowMs - now;
      if (w.used >= quota.limit) {
        counters.throttled++;
        const realMs = ctx.clock.toRealMs(resetsInMs);
        throw new ArmError(
          429,
          'RateLimiting',
          `Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. The quota of ${quota.limit} queries per ${quota.windowMs / 1000} seconds is used up.`,
          {
            'x-ms-user-quota-remaining': '0',
            'x-ms-user-quota-resets-after': hms(resetsInMs),
            'retry-after': String(Math.max(1, Math.ceil(realMs / 1000))),
          },
        );
      }
      w.used++;
      return {
        'x-ms-user-quota-remaining': String(quota.limit - w.used),
        'x-ms-user-quota-resets-after': hms(resetsInMs),
      };
    };

    const handle = (req: ArmRequest): ArmResponse => {
      const quotaHeaders = takeQuota(req);
      try {
        return { ...answer(req), headers: quotaHeaders };
      } catch (err) {
        counters.rejected++;
        if (err instanceof ArmError)
          throw new ArmError(
            err.status,
            err.code,
            err.message,
            { ...err.headers, ...quotaHeaders },
            err.details,
          );
        throw err;
      }
    };

    const answer = (req: ArmRequest): ArmResponse => {
      const body = req.body as Record<string, unknown> | undefined;
      if (body === undefined || typeof body !== 'object' || Array.isArray(body)) {
        throw invalidQuery('The request body must be a JSON object with a `query`.', 'InvalidRequestContent');
      }
      const text = body.query;
      if (typeof text !== 'string' || text.trim() === '')
        throw invalidQuery('The request needs a non-empty `query` string.', 'InvalidRequestContent');
      let subscriptions: string[] | undefined;
      if (body.subscriptions !== undefined && body.subscriptions !== null) {
        if (!Array.isArray(body.subscriptions) || body.subscriptions.some((s) => typeof s !== 'string')) {
          throw invalidQuery(
            '`subscriptions` must be an array of subscription ids.',
            'InvalidRequestContent',
          );
        }
        subscriptions = body.subscriptions as string[];
      }
      if (Array.isArray(body.managementGroups) && body.managementGroups.length > 0) {
        throw invalidQuery(
          'Unsupported by the emulator: `managementGroups` scopes (pass `subscriptions`).',
          'UnsupportedScope',
        );
      }
      if (Array.isArray(body.facets) && body.facets.length > 0) {
        throw invalidQuery('Unsupported by the emulator: `facets`.', 'UnsupportedFacet');
      }
      const options = (body.options ?? {}) as Record<string, unknown>;
      const top = options.$top;
      if (
        top !== undefined &&
        top !== null &&
        (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > RESOURCE_GRAPH_PAGE_SIZE)
      ) {
        throw invalidQuery(
          `options.$top must be an integer from 1 to ${RESOURCE_GRAPH_PAGE_SIZE}.`,
          'InvalidRequestContent',
        );
      }
      const skip = options.$skip;
      if (
        skip !== undefined &&
        skip !== null &&
        (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0)
      ) {
        throw invalidQuery('options.$skip must be a non-negative integer.', 'InvalidRequestContent');
      }
      const format = options.resultFormat ?? 'objectArray';
      if (format !== 'objectArray' && format !== 'table') {
        throw invalidQuery(
          `options.resultFormat must be 'table' or 'objectArray', not '${JSON.stringify(format)}'.`,
          'InvalidRequestContent',
        );
      }

      let result: Row[];
      try {
        result = run(text, subscriptions);
      } catch (err) {
        if (err instanceof UnsupportedQueryError) {
          throw invalidQuery(
            `Query is invalid or not supported by the emulated Resource Graph (unsupported part: ${err.part}): ${err.message}`,
          );
        }
        throw err;
      }

      const hash = scopeHash(text, subscriptions);
      let offset = typeof skip === 'number' ? skip : 0;
      const tokenText = options.$skipToken;
      if (typeof tokenText === 'string' && tokenText !== '') {
        const token = decodeToken(tokenText);
        if (!token || token.h !== hash) {
          throw invalidQuery(
            'The $skipToken is invalid or belongs to a different query or scope.',
            'InvalidSkipToken',
          );
        }
        offset = token.o;
      }
      const pageSize = typeof top === 'number' ? top : RESOURCE_GRAPH_PAGE_SIZE;
      const page = result.slice(offset, offset + pageSize);
      const more = offset + page.length < result.length;
      // Paging needs `id` in the output; without it Resource Graph truncates instead of handing out a token.
      const pageable = page.every((r) => typeof r.id === 'string');
      const response: Record<string, unknown> = {
        totalRecords: result.length,
        count: page.length,
        resultTruncated: more && !pageable ? 'true' : 'false',
      };
      if (more && pageable) response.$skipToken = encodeToken({ h: hash, o: offset + page.length });
      if (format === 'table') {
        const names: string[] = [];
        for (const r of page) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
        response.data = {
          columns: names.map((name) => ({ name, type: columnType(page.map((r) => r[name])) })),
          rows: page.map((r) => names.map((n) => r[n] ?? null)),
        };
      } else {
        response.data = page.map((r) => {
          const out: Row = {};
          for (const [k, v] of Object.entries(r)) out[k] = v === undefined ? null : v;
          return out;
        });
      }
      response.facets = [];
      counters.served++;
      return { status: 200, body: response };
    };

    ctx.router.add({
      method: 'POST',
      path: '/providers/Microsoft.ResourceGraph/resources',
      operationId: 'Resources',
      resourceType: 'Microsoft.ResourceGraph/resources',
      apiVersions: RESOURCE_GRAPH_API_VERSIONS,
      kind: 'read',
      armOperation: 'Microsoft.ResourceGraph/resources/read',
      skipScopeChecks: true,
      // Resource Graph has its own per-user quota instead of the subscription buckets.
      skipThrottling: true,
      handler: handle,
    });

    addControlRoute(ctx, 'GET', '/resourceGraph', () => ({ status: 200, body: { quota, counters } }));
    addControlRoute(ctx, 'PUT', '/resourceGraph/quota', (req) => {
      const b = parseBody(quotaSchema, req);
      service.configureQuota({
        ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
        ...(b.limit !== undefined ? { limit: b.limit } : {}),
        ...(b.windowMs !== undefined ? { windowMs: b.windowMs } : {}),
      });
      return { status: 200, body: { quota } };
    });
  },
};
