/**
 * Event Grid event-subscription filters: event types, subject prefix/suffix and advanced filters, evaluated
 * the way the service documents them (string comparisons ignore case; several values in one filter = OR;
 * several filters = AND; a missing key fails every operator except the negative `*NotIn` ones and
 * `IsNullOrUndefined`).
 */
import type { CloudEvent, EventGridEvent } from './eventGridEvents';

export const ADVANCED_FILTER_OPERATORS = [
  'NumberIn',
  'NumberNotIn',
  'NumberLessThan',
  'NumberGreaterThan',
  'NumberLessThanOrEquals',
  'NumberGreaterThanOrEquals',
  'NumberInRange',
  'NumberNotInRange',
  'BoolEquals',
  'StringContains',
  'StringNotContains',
  'StringBeginsWith',
  'StringNotBeginsWith',
  'StringEndsWith',
  'StringNotEndsWith',
  'StringIn',
  'StringNotIn',
  'IsNullOrUndefined',
  'IsNotNull',
] as const;

export type AdvancedFilterOperator = (typeof ADVANCED_FILTER_OPERATORS)[number];

export interface AdvancedFilter {
  operatorType: AdvancedFilterOperator;
  key: string;
  /** For the `*In`, string and range operators (ranges are `[low, high]` pairs). */
  values?: (string | number | [number, number])[];
  /** For the single-value operators (`NumberLessThan`, `BoolEquals`, ...). */
  value?: number | boolean;
}

export interface EventSubscriptionFilter {
  includedEventTypes?: string[];
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
  isSubjectCaseSensitive?: boolean;
  advancedFilters?: AdvancedFilter[];
}

const EG_ENVELOPE_KEYS: Record<string, keyof EventGridEvent> = {
  id: 'id',
  topic: 'topic',
  subject: 'subject',
  eventtype: 'eventType',
  dataversion: 'dataVersion',
};

/** Checks the documented limits; returns the problems found (empty when the filter is acceptable). */
export function validateFilter(filter: EventSubscriptionFilter): string[] {
  const problems: string[] = [];
  const advanced = filter.advancedFilters ?? [];
  if (advanced.length > 25) problems.push(`${advanced.length} advanced filters (at most 25)`);
  let valueCount = 0;
  for (const f of advanced) {
    if (!(ADVANCED_FILTER_OPERATORS as readonly string[]).includes(f.operatorType)) {
      problems.push(`unknown operatorType '${String(f.operatorType)}'`);
    }
    if (typeof f.key !== 'string' || f.key === '') problems.push('advanced filter without a key');
    valueCount += f.values?.length ?? (f.value === undefined ? 0 : 1);
    for (const v of f.values ?? []) {
      if (typeof v === 'string' && v.length > 512)
        problems.push(`value longer than 512 characters in '${f.key}'`);
    }
  }
  if (valueCount > 25) problems.push(`${valueCount} advanced filter values (at most 25)`);
  return problems;
}

function lookup(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const rec = cur as Record<string, unknown>;
    if (seg in rec) {
      cur = rec[seg];
      continue;
    }
    const match = Object.keys(rec).find((k) => k.toLowerCase() === seg.toLowerCase());
    cur = match === undefined ? undefined : rec[match];
  }
  return cur;
}

/** Resolves a filter key against an event in either schema. */
export function filterKeyValue(event: EventGridEvent | CloudEvent, key: string): unknown {
  const isCloud = 'specversion' in event;
  const lower = key.toLowerCase();
  if (lower.startsWith('data.')) return lookup(event.data, key.split('.').slice(1));
  if (!isCloud) {
    const field = EG_ENVELOPE_KEYS[lower];
    return field === undefined ? undefined : event[field];
  }
  return lookup(event, [key]);
}

function asNumbers(v: unknown): number[] {
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is number => typeof x === 'number');
}

function asStrings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list
    .filter((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
    .map((x) => String(x).toLowerCase());
}

function evaluateAdvanced(f: AdvancedFilter, value: unknown): boolean {
  const missing = value === undefined || value === null;
  switch (f.operatorType) {
    case 'IsNullOrUndefined':
      return missing;
    case 'IsNotNull':
      return !missing;
    case 'StringNotIn':
    case 'NumberNotIn':
      if (missing) return true;
      break;
    default:
      if (missing) return false;
  }
  const strValues = (f.values ?? [])
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.toLowerCase());
  const numValues = (f.values ?? []).filter((x): x is number => typeof x === 'number');
  const ranges = (f.values ?? []).filter((x): x is [number, number] => Array.isArray(x));
  const strs = asStrings(value);
  const nums = asNumbers(value);
  const single = typeof f.value === 'number' ? f.value : NaN;
  switch (f.operatorType) {
    case 'StringIn':
      return strs.some((s) => strValues.includes(s));
    case 'StringNotIn':
      return strs.every((s) => !strValues.includes(s));
    case 'StringContains':
      return strs.some((s) => strValues.some((v) => s.includes(v)));
    case 'StringNotContains':
      return strs.every((s) => strValues.every((v) => !s.includes(v)));
    case 'StringBeginsWith':
      return strs.some((s) => strValues.some((v) => s.startsWith(v)));
    case 'StringNotBeginsWith':
      return strs.every((s) => strValues.every((v) => !s.startsWith(v)));
    case 'StringEndsWith':
      return strs.some((s) => strValues.some((v) => s.endsWith(v)));
    case 'StringNotEndsWith':
      return strs.every((s) => strValues.every((v) => !s.endsWith(v)));
    case 'NumberIn':
      return nums.some((n) => numValues.includes(n));
    case 'NumberNotIn':
      return nums.every((n) => !numValues.includes(n));
    case 'NumberLessThan':
      return nums.some((n) => n < single);
    case 'NumberGreaterThan':
      return nums.some((n) => n > single);
    case 'NumberLessThanOrEquals':
      return nums.some((n) => n <= single);
    case 'NumberGreaterThanOrEquals':
      return nums.some((n) => n >= single);
    case 'NumberInRange':
      return nums.some((n) => ranges.some(([lo, hi]) => n >= lo && n <= hi));
    case 'NumberNotInRange':
      return nums.every((n) => ranges.every(([lo, hi]) => n < lo || n > hi));
    case 'BoolEquals':
      return (Array.isArray(value) ? value : [value]).some((b) => b === f.value);
    default:
      return false;
  }
}

/** True when the event passes every part of the filter. */
export function matchesFilter(event: EventGridEvent | CloudEvent, filter: EventSubscriptionFilter): boolean {
  const type = 'specversion' in event ? event.type : event.eventType;
  if (filter.includedEventTypes !== undefined && filter.includedEventTypes.length > 0) {
    if (!filter.includedEventTypes.some((t) => t.toLowerCase() === type.toLowerCase())) return false;
  }
  const cs = filter.isSubjectCaseSensitive === true;
  const subject = cs ? event.subject : event.subject.toLowerCase();
  if (filter.subjectBeginsWith !== undefined && filter.subjectBeginsWith !== '') {
    const prefix = cs ? filter.subjectBeginsWith : filter.subjectBeginsWith.toLowerCase();
    if (!subject.startsWith(prefix)) return false;
  }
  if (filter.subjectEndsWith !== undefined && filter.subjectEndsWith !== '') {
    const suffix = cs ? filter.subjectEndsWith : filter.subjectEndsWith.toLowerCase();
    if (!subject.endsWith(suffix)) return false;
  }
  for (const f of filter.advancedFilters ?? []) {
    if (!evaluateAdvanced(f, filterKeyValue(event, f.key))) return false;
  }
  return true;
}
