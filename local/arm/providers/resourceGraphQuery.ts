/**
 * Evaluates a Resource Graph query (parsed by resourceGraphKql.ts, the subset of the Kusto query language the
 * emulator understands) over rows: where, project, extend, summarize, order, top/take/limit, mv-expand, and the
 * functions of the subset; column types for the response.
 */
import { UnsupportedQueryError, type Expr, type Query, type Row } from './resourceGraphKql';

export { parseQuery, UnsupportedQueryError } from './resourceGraphKql';
export type { Query, Row } from './resourceGraphKql';

function lookupPath(row: Row, path: (string | number)[]): unknown {
  let cur: unknown = row;
  for (const seg of path) {
    if (cur === null || cur === undefined) return undefined;
    if (typeof seg === 'number') {
      cur = Array.isArray(cur) ? (cur[seg] as unknown) : undefined;
      continue;
    }
    if (typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    const rec = cur as Record<string, unknown>;
    // Column names and dynamic property names are matched exactly, as Kusto does.
    cur = rec[seg];
  }
  return cur;
}

function toStr(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  // Numbers and booleans print the same way; objects and arrays become JSON, as Kusto's tostring does.
  return JSON.stringify(v) ?? '';
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function hasTerm(hay: string, term: string): boolean {
  const words = hay.toLowerCase().split(/[^a-z0-9]+/);
  return words.includes(term.toLowerCase());
}

function evaluate(expr: Expr, row: Row): unknown {
  switch (expr.kind) {
    case 'lit':
      return expr.value;
    case 'col':
      return lookupPath(row, expr.path);
    case 'not':
      return !truthy(evaluate(expr.expr, row));
    case 'call': {
      const a = expr.args.map((x) => evaluate(x, row));
      switch (expr.fn) {
        case 'tostring':
          return toStr(a[0]);
        case 'tolower':
          return toStr(a[0]).toLowerCase();
        case 'toupper':
          return toStr(a[0]).toUpperCase();
        case 'isnull':
          return a[0] === undefined || a[0] === null;
        case 'isnotnull':
          return !(a[0] === undefined || a[0] === null);
        case 'isempty':
          return isEmpty(a[0]);
        case 'isnotempty':
          return !isEmpty(a[0]);
        case 'strlen':
          return toStr(a[0]).length;
        default:
          throw new UnsupportedQueryError(`function '${expr.fn}' is not supported`, expr.fn);
      }
    }
    case 'in': {
      const left = toStr(evaluate(expr.left, row));
      const values = expr.list.map((x) => toStr(evaluate(x, row)));
      const found = expr.ci
        ? values.some((v) => v.toLowerCase() === left.toLowerCase())
        : values.includes(left);
      return expr.negate ? !found : found;
    }
    case 'bin': {
      if (expr.op === 'and') return truthy(evaluate(expr.left, row)) && truthy(evaluate(expr.right, row));
      if (expr.op === 'or') return truthy(evaluate(expr.left, row)) || truthy(evaluate(expr.right, row));
      const lv = evaluate(expr.left, row);
      const rv = evaluate(expr.right, row);
      if (['<', '>', '<=', '>='].includes(expr.op)) {
        const ln = Number(lv);
        const rn = Number(rv);
        if (expr.op === '<') return ln < rn;
        if (expr.op === '>') return ln > rn;
        if (expr.op === '<=') return ln <= rn;
        return ln >= rn;
      }
      if ((expr.op === '==' || expr.op === '!=') && (typeof lv === 'number' || typeof lv === 'boolean')) {
        return expr.op === '==' ? lv === rv : lv !== rv;
      }
      const l = toStr(lv);
      const r = toStr(rv);
      const li = l.toLowerCase();
      const ri = r.toLowerCase();
      switch (expr.op) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '=~':
          return li === ri;
        case '!~':
          return li !== ri;
        case 'contains':
          return li.includes(ri);
        case '!contains':
          return !li.includes(ri);
        case 'contains_cs':
          return l.includes(r);
        case 'startswith':
          return li.startsWith(ri);
        case '!startswith':
          return !li.startsWith(ri);
        case 'endswith':
          return li.endsWith(ri);
        case '!endswith':
          return !li.endsWith(ri);
        case 'has':
          return hasTerm(l, r);
        case '!has':
          return !hasTerm(l, r);
        default:
          throw new UnsupportedQueryError(`operator '${expr.op}' is not supported`, expr.op);
      }
    }
  }
}

function truthy(v: unknown): boolean {
  return v === true;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const as = toStr(a).toLowerCase();
  const bs = toStr(b).toLowerCase();
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/** Runs a parsed query over the rows of the `Resources` table. */
export function executeQuery(query: Query, table: Row[]): Row[] {
  let rows: Row[] = table;
  for (const op of query.ops) {
    switch (op.kind) {
      case 'where':
        rows = rows.filter((r) => truthy(evaluate(op.pred, r)));
        break;
      case 'project':
        rows = rows.map((r) => {
          const out: Row = {};
          for (const c of op.cols) out[c.name] = evaluate(c.expr, r);
          return out;
        });
        break;
      case 'extend':
        rows = rows.map((r) => {
          const out: Row = { ...r };
          for (const c of op.cols) out[c.name] = evaluate(c.expr, r);
          return out;
        });
        break;
      case 'union':
        rows = [...rows, ...op.queries.flatMap((q) => executeQuery(q, table))];
        break;
      case 'order':
        rows = [...rows].sort((a, b) => {
          for (const k of op.keys) {
            const c = compareValues(evaluate(k.expr, a), evaluate(k.expr, b));
            if (c !== 0) return k.desc ? -c : c;
          }
          return 0;
        });
        break;
      case 'limit':
        rows = rows.slice(0, op.n);
        break;
      case 'join': {
        const right = executeQuery(op.right, table);
        const index = new Map<string, Row[]>();
        for (const r of right) {
          const k = toStr(r[op.rightKey]);
          const list = index.get(k) ?? [];
          // innerunique keeps the first right row per key.
          if (op.joinKind !== 'innerunique' || list.length === 0) list.push(r);
          index.set(k, list);
        }
        const out: Row[] = [];
        for (const l of rows) {
          const matches = index.get(toStr(l[op.leftKey])) ?? [];
          if (matches.length === 0 && op.joinKind === 'leftouter') out.push({ ...l });
          for (const m of matches) {
            const merged: Row = { ...l };
            // Kusto renames clashing right-side columns with a trailing 1.
            for (const [k, v] of Object.entries(m)) merged[k in l ? `${k}1` : k] = v;
            out.push(merged);
          }
        }
        rows = out;
        break;
      }
    }
  }
  return rows;
}

/** True when the query sets its own order (paging then keeps that order instead of sorting by id). */
export function hasExplicitOrder(query: Query): boolean {
  return query.ops.some((o) => o.kind === 'order');
}

/** Kusto column type of a value, for the `table` result format. */
export function columnType(values: unknown[]): string {
  const v = values.find((x) => x !== undefined && x !== null);
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (v === undefined) return 'string';
  return 'object';
}
