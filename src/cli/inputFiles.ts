import { readFileSync } from 'node:fs';
import { readRecordSet } from '../core/recordSets';
import { splitResources } from '../core/endpoint';
import type { CurrentRecordSet } from '../core/types';
import { UserInputError } from './io';

export interface JsonList {
  readonly items: unknown[];
  /** JSON path of the list in the file: `$` or `$.value`. */
  readonly at: string;
}

/** Reads and parses a JSON file; an unreadable file or bad JSON is a user error naming the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserInputError(
      `${file}: cannot read file (${code === 'ENOENT' ? 'no such file' : (code ?? 'unknown error')})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserInputError(`${file}: $: invalid JSON (${(error as Error).message})`);
  }
}

/** Reads a JSON file and returns the list it holds: a JSON array or an object with a `value` array. */
export function readJsonList(file: string): JsonList {
  const data = readJsonFile(file);
  if (Array.isArray(data)) return { items: data as unknown[], at: '$' };
  if (data !== null && typeof data === 'object' && Array.isArray((data as { value?: unknown }).value)) {
    return { items: (data as { value: unknown[] }).value, at: '$.value' };
  }
  throw new UserInputError(`${file}: $: expected a JSON array or an object with a "value" array`);
}

/** Reads ARM resources (private endpoints and NICs); any malformed endpoint or NIC is a user error. */
export function readResourceFile(file: string): unknown[] {
  const { items, at } = readJsonList(file);
  const first = splitResources(items).invalid[0];
  if (first) throw new UserInputError(`${file}: ${at}${first.path.slice(1)}: ${first.message}`);
  return items;
}

/** Reads A record sets in ARM list format; other record types are passed over. */
export function readRecordSetFile(file: string): CurrentRecordSet[] {
  const out: CurrentRecordSet[] = [];
  const { items, at } = readJsonList(file);
  items.forEach((raw, index) => {
    const read = readRecordSet(raw);
    if (read.ok) out.push(read.recordSet);
    else if (!read.notA) throw new UserInputError(`${file}: ${at}[${index}]: ${read.message}`);
  });
  return out;
}
