import { badRequest } from './errors';
import type { ArmRequest } from './router';

export interface PageOptions {
  /** Page size when the request has no `$top` (Private DNS: 100). */
  defaultPageSize: number;
  /** Largest accepted `$top`. */
  maxPageSize?: number;
  /** When false, `$top` is ignored (operations without that parameter). Default true. */
  acceptTop?: boolean;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

/**
 * Serves one page of `items` for a list request: `$top` is the page size, `$skipToken` an opaque offset, and
 * `nextLink` an absolute URL on the emulator that repeats the query with the next token (clients follow it as-is).
 */
export function paginate<T>(
  req: ArmRequest,
  items: readonly T[],
  endpoint: string,
  options: PageOptions,
): Page<T> {
  let pageSize = options.defaultPageSize;
  const topRaw = options.acceptTop === false ? null : req.query.get('$top');
  if (topRaw !== null) {
    const top = Number(topRaw);
    if (
      !Number.isInteger(top) ||
      top < 1 ||
      (options.maxPageSize !== undefined && top > options.maxPageSize)
    ) {
      throw badRequest('InvalidParameter', `The value '${topRaw}' of query parameter '$top' is invalid.`);
    }
    pageSize = top;
  }
  const offset = decodeSkipToken(req.query.get('$skipToken') ?? req.query.get('$skiptoken'));
  const value = items.slice(offset, offset + pageSize);
  const page: Page<T> = { value };
  if (offset + pageSize < items.length) {
    const query = new URLSearchParams(req.query);
    query.delete('$skiptoken');
    query.set('$skipToken', encodeSkipToken(offset + pageSize));
    page.nextLink = `${endpoint}${req.url.pathname}?${formatQuery(query)}`;
  }
  return page;
}

/**
 * The scope a request's path names: `/subscriptions/{s}/resourceGroups/{rg}` when it has a resource group, else
 * `/subscriptions/{s}` — what a list route reads (`..._List` / `..._ListBySubscription`, `..._ListAll`).
 */
export function listScope(req: ArmRequest): string {
  const subscription = `/subscriptions/${req.params.subscriptionId ?? ''}`;
  const group = req.params.resourceGroupName;
  return group === undefined ? subscription : `${subscription}/resourceGroups/${group}`;
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeSkipToken(token: string | null): number {
  if (token === null || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw badRequest('InvalidSkipToken', `The skip token '${token}' is not valid.`);
}

/** Like URLSearchParams.toString() but keeps `$` literal in keys (`$skipToken`, `$top`), as ARM's nextLinks do. */
function formatQuery(query: URLSearchParams): string {
  const parts: string[] = [];
  for (const [key, value] of query)
    parts.push(`${encodeURIComponent(key).replace(/%24/g, '$')}=${encodeURIComponent(value)}`);
  return parts.join('&');
}
