import { readFileSync } from 'node:fs';
import { readRecordSet } from '../core/recordSets';
import { splitResources } from '../core/endpoint';
import type { ResourceSet } from '../core/endpoint';
import { canonicalId } from '../core/resourceId';
import type { CurrentRecordSet, Plan } from '../core/types';
import { UserInputError } from './io';

export interface JsonList {
  readonly items: unknown[];
  /** JSON path of the list in the file: `$`, `$.value`, `$.data`, ... */
  readonly at: string;
  /** Things the reader should know about the file (printed as warnings). */
  readonly notes: string[];
}

/**
 * The text of a file as the tools that write these files leave it: UTF-8 with or without a byte order mark
 * (PowerShell's `Out-File -Encoding utf8` writes one), or UTF-16 with a BOM (what Windows PowerShell 5.1's `>`
 * and `Out-File` write by default).
 */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads and parses a JSON file; an unreadable file or bad JSON is a user error naming the file. */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserInputError(
      `${file}: cannot read file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? 'unknown error')})`,
    );
  }
  const text = decodeText(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const first = text.trimStart()[0];
    const hint =
      first !== undefined && first !== '{' && first !== '['
        ? '; it does not start with { or [ — a CSV or table export? Save JSON instead (az … -o json, ConvertTo-Json -Depth 20)'
        : '';
    throw new UserInputError(`${file}: $: invalid JSON (${(error as Error).message})${hint}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Resource Graph's `table` result format: column names and rows of values, turned into one object per row. */
function tableRows(table: Record<string, unknown>): unknown[] | undefined {
  const { columns, rows } = table;
  if (!Array.isArray(columns) || !Array.isArray(rows)) return undefined;
  const names = columns.map((c) => (isObject(c) && typeof c.name === 'string' ? c.name : undefined));
  if (names.some((n) => n === undefined)) return undefined;
  return rows.map((row: unknown): unknown =>
    Array.isArray(row)
      ? Object.fromEntries(names.map((n, i): [string, unknown] => [n as string, (row as unknown[])[i]]))
      : row,
  );
}

/**
 * Reads a JSON file and returns the list of resources it holds, in whichever shape the usual tools write it:
 * a JSON array (`az … list`); `{ "value": [...] }` (ARM list responses, `az rest`); `{ "data": [...] }`
 * (`az graph query`, Resource Graph's REST answer) or `{ "Data": [...] }` (`Search-AzGraph | ConvertTo-Json`);
 * Resource Graph's table format (`data.columns` + `data.rows`); or one resource (`az … show`).
 */
export function readJsonList(file: string): JsonList {
  const data = readJsonFile(file);
  const notes: string[] = [];
  if (Array.isArray(data)) return { items: data as unknown[], at: '$', notes };
  if (isObject(data)) {
    if (Array.isArray(data.value)) {
      if (typeof data.nextLink === 'string' && data.nextLink !== '')
        notes.push(
          `${file} holds one page of a longer list (nextLink is set); the resources on later pages are not in it`,
        );
      return { items: data.value as unknown[], at: '$.value', notes };
    }
    for (const key of ['data', 'Data']) {
      const rows = data[key];
      const token = data.skip_token ?? data.skipToken ?? data.SkipToken ?? data['$skipToken'];
      const flag = data.resultTruncated ?? data.result_truncated;
      const truncated =
        (typeof flag === 'string' || typeof flag === 'boolean') && String(flag).toLowerCase() === 'true';
      if (Array.isArray(rows) || (isObject(rows) && tableRows(rows))) {
        if ((typeof token === 'string' && token !== '') || truncated)
          notes.push(
            `${file} holds one page of a longer Resource Graph result (${truncated ? 'resultTruncated' : 'a skip token is set'}); the rows of later pages are not in it (az graph query --first 1000 --skip-token …, or plan without --input to read live)`,
          );
        if (Array.isArray(rows)) return { items: rows as unknown[], at: `$.${key}`, notes };
        return { items: tableRows(rows) ?? [], at: `$.${key}.rows`, notes };
      }
    }
    if (typeof data.id === 'string' && typeof data.type === 'string')
      return { items: [data], at: '$', notes };
  }
  throw new UserInputError(
    `${file}: $: expected a JSON array of resources, or an object with a "value" array (ARM, az rest) or a "data" array (az graph query, Resource Graph)`,
  );
}

/** A private endpoint in the input whose network interfaces are not in the same file. */
export interface EndpointWithoutNics {
  readonly endpointId: string;
  readonly name: string;
  readonly missingNicIds: string[];
}

export interface ResourceFile {
  readonly resources: unknown[];
  readonly notes: string[];
  readonly endpointsWithoutNics: EndpointWithoutNics[];
}

/** Endpoints that reference NICs the list does not hold (their FQDNs live on those NICs). */
export function endpointsMissingNics(set: ResourceSet): EndpointWithoutNics[] {
  const nicIds = new Set(set.nics.map((n) => canonicalId(n.id)));
  const out: EndpointWithoutNics[] = [];
  for (const pe of set.endpoints) {
    const refs = (pe.properties?.networkInterfaces ?? pe.networkInterfaces ?? []).map((n) =>
      canonicalId(n.id),
    );
    const missing = refs.filter((id) => !nicIds.has(id));
    if (missing.length > 0)
      out.push({ endpointId: canonicalId(pe.id), name: pe.name, missingNicIds: missing });
  }
  return out;
}

/** Reads ARM resources (private endpoints and NICs); any malformed endpoint or NIC is a user error. */
export function readResourceFile(file: string): ResourceFile {
  const { items, at, notes } = readJsonList(file);
  const set = splitResources(items);
  const first = set.invalid[0];
  if (first) throw new UserInputError(`${file}: ${at}${first.path.slice(1)}: ${first.message}`);
  if (set.endpoints.length === 0)
    notes.push(
      `${file} holds no private endpoints (${items.length} item(s) at ${at}, none of type Microsoft.Network/privateEndpoints)`,
    );
  const endpointsWithoutNics = endpointsMissingNics(set);
  if (endpointsWithoutNics.length > 0) {
    notes.push(
      `${file}: ${endpointsWithoutNics.length} private endpoint(s) reference network interfaces the file does not hold (${endpointsWithoutNics
        .slice(0, 3)
        .map((e) => e.name)
        .join(
          ', ',
        )}${endpointsWithoutNics.length > 3 ? ', …' : ''}); their FQDNs live on those NICs — add them (az network nic show --ids …, or a Resource Graph query over networkinterfaces too)`,
    );
  }
  return { resources: items, notes, endpointsWithoutNics };
}

/**
 * A plan made from a file names the real cause when an endpoint "publishes no FQDNs": its NICs were not in the
 * file, not that Azure has not published them yet.
 */
export function explainMissingNics(plan: Plan, missing: readonly EndpointWithoutNics[], file: string): Plan {
  if (missing.length === 0) return plan;
  const byId = new Map(missing.map((m) => [m.endpointId, m]));
  return {
    ...plan,
    skips: plan.skips.map((s) => {
      const m = s.code === 'no-dns-entries' && s.endpointId ? byId.get(s.endpointId) : undefined;
      return m
        ? {
            ...s,
            message: `${m.name}: its network interface(s) ${m.missingNicIds.map((id) => id.split('/').pop()).join(', ')} are not in ${file}, so its FQDNs are unknown`,
          }
        : s;
    }),
  };
}

/** Reads A record sets in ARM list format; other record types are passed over. */
export function readRecordSetFile(file: string): { recordSets: CurrentRecordSet[]; notes: string[] } {
  const out: CurrentRecordSet[] = [];
  const { items, at, notes } = readJsonList(file);
  items.forEach((raw, index) => {
    const read = readRecordSet(raw);
    if (read.ok) out.push(read.recordSet);
    else if (!read.notA) throw new UserInputError(`${file}: ${at}[${index}]: ${read.message}`);
  });
  return { recordSets: out, notes };
}
