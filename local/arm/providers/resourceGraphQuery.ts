/**
 * The subset of the Kusto query language the emulated Resource Graph understands (see local/arm/README.md).
 * Anything outside it raises `UnsupportedQueryError` naming the construct, so the emulator answers 400
 * instead of returning rows that could be silently wrong.
 */

export class UnsupportedQueryError extends Error {
  constructor(
    message: string,
    readonly part: string,
  ) {
    super(message);
    this.name = 'UnsupportedQueryError';
  }
}

export type Row = Record<string, unknown>;

type Expr =
  | { kind: 'col'; path: (string | number)[] }
  | { kind: 'lit'; value: string | number | boolean | null }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'bin'; op: string; left: Expr; right: Expr }
  | { kind: 'in'; negate: boolean; ci: boolean; left: Expr; list: Expr[] }
  | { kind: 'not'; expr: Expr };

interface NamedExpr {
  name: string;
  expr: Expr;
}

type Op =
  | { kind: 'where'; pred: Expr }
  | { kind: 'project'; cols: NamedExpr[] }
  | { kind: 'extend'; cols: NamedExpr[] }
  | { kind: 'union'; queries: Query[] }
  | { kind: 'order'; keys: { expr: Expr; desc: boolean }[] }
  | { kind: 'limit'; n: number }
  | {
      kind: 'join';
      joinKind: 'inner' | 'innerunique' | 'leftouter';
      right: Query;
      leftKey: string;
      rightKey: string;
    };

export interface Query {
  table: string;
  ops: Op[];
}

const TABLES = new Set(['resources']);
const FUNCTIONS = new Set([
  'tostring',
  'tolower',
  'toupper',
  'isnull',
  'isnotnull',
  'isempty',
  'isnotempty',
  'strlen',
]);
const STRING_OPS = new Set([
  '==',
  '!=',
  '=~',
  '!~',
  'contains',
  '!contains',
  'contains_cs',
  'startswith',
  '!startswith',
  'endswith',
  '!endswith',
  'has',
  '!has',
]);

type Token = { t: 'id' | 'str' | 'num' | 'op'; v: string; pos: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (
      c === "'" ||
      c === '"' ||
      ((c === '@' || c === 'h' || c === 'H') && (text[i + 1] === "'" || text[i + 1] === '"'))
    ) {
      const verbatim = c === '@';
      if (c !== "'" && c !== '"') i++;
      const quote = text[i] as string;
      i++;
      let value = '';
      while (i < text.length && text[i] !== quote) {
        if (!verbatim && text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1] as string;
          value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
      if (i >= text.length)
        throw new UnsupportedQueryError(
          `unterminated string literal at position ${start}`,
          text.slice(start, start + 20),
        );
      i++;
      out.push({ t: 'str', v: value, pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9.]/.test(text[i] as string)) i++;
      out.push({ t: 'num', v: text.slice(start, i), pos: start });
      continue;
    }
    if (/[A-Za-z_$!]/.test(c)) {
      if (c === '!' && !/[A-Za-z]/.test(text[i + 1] ?? '')) {
        // '!=' or '!~'
        const two = text.slice(i, i + 2);
        if (two === '!=' || two === '!~') {
          out.push({ t: 'op', v: two, pos: start });
          i += 2;
          continue;
        }
        throw new UnsupportedQueryError(`unexpected '!' at position ${start}`, '!');
      }
      i++;
      while (i < text.length && /[A-Za-z0-9_\-~]/.test(text[i] as string)) {
        // A '-' or '~' only continues a keyword such as project-away or in~, never an expression.
        if (
          (text[i] === '-' || text[i] === '~') &&
          !/^(project|mv|make|in|!in|has|!has|order|top|sort|series|summarize)$/i.test(text.slice(start, i))
        )
          break;
        i++;
      }
      out.push({ t: 'id', v: text.slice(start, i), pos: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '=~', '!~', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two, pos: start });
      i += 2;
      continue;
    }
    if ('|(),.[]=<>'.includes(c)) {
      out.push({ t: 'op', v: c, pos: start });
      i++;
      continue;
    }
    throw new UnsupportedQueryError(`unsupported character '${c}' at position ${start}`, c);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (!t) throw new UnsupportedQueryError('query ends unexpectedly', '<end of query>');
    this.i++;
    return t;
  }

  private isOp(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  private isWord(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.t === 'id' && t.v.toLowerCase() === v;
  }

  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw this.unexpected(t, `'${v}'`);
  }

  private unexpected(t: Token, wanted: string): UnsupportedQueryError {
    return new UnsupportedQueryError(`expected ${wanted} but found '${t.v}' at position ${t.pos}`, t.v);
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  parseQuery(stopAtParen: boolean): Query {
    const first = this.next();
    if (first.t !== 'id') throw this.unexpected(first, 'a table name');
    if (!TABLES.has(first.v.toLowerCase())) {
      throw new UnsupportedQueryError(`table '${first.v}' is not supported (only 'Resources')`, first.v);
    }
    const query: Query = { table: 'resources', ops: [] };
    while (!this.atEnd()) {
      if (stopAtParen && this.isOp(')')) break;
      this.expectOp('|');
      query.ops.push(this.parseOp());
    }
    return query;
  }

  private parseOp(): Op {
    const t = this.next();
    if (t.t !== 'id') throw this.unexpected(t, 'an operator after |');
    const word = t.v.toLowerCase();
    switch (word) {
      case 'where':
      case 'filter':
        return { kind: 'where', pred: this.parseOr() };
      case 'project':
        return { kind: 'project', cols: this.parseNamedList(false) };
      case 'extend':
        return { kind: 'extend', cols: this.parseNamedList(true) };
      case 'union':
        return { kind: 'union', queries: this.parseUnionArgs() };
      case 'order':
      case 'sort': {
        const by = this.next();
        if (by.t !== 'id' || by.v.toLowerCase() !== 'by') throw this.unexpected(by, "'by'");
        const keys: { expr: Expr; desc: boolean }[] = [];
        do {
          const expr = this.parseValue();
          let desc = true; // Kusto sorts descending unless told otherwise.
          if (this.isWord('asc')) {
            this.next();
            desc = false;
          } else if (this.isWord('desc')) {
            this.next();
          }
          keys.push({ expr, desc });
        } while (this.isOp(',') && this.next());
        return { kind: 'order', keys };
      }
      case 'limit':
      case 'take': {
        const n = this.next();
        if (n.t !== 'num') throw this.unexpected(n, 'a row count');
        return { kind: 'limit', n: Number(n.v) };
      }
      case 'join':
        return this.parseJoin();
      default:
        throw new UnsupportedQueryError(
          `operator '${t.v}' is not supported by the emulated Resource Graph`,
          t.v,
        );
    }
  }

  private parseJoin(): Op {
    let joinKind: 'inner' | 'innerunique' | 'leftouter' = 'innerunique';
    if (this.isWord('kind')) {
      this.next();
      this.expectOp('=');
      const k = this.next();
      const kind = k.v.toLowerCase();
      if (kind !== 'inner' && kind !== 'innerunique' && kind !== 'leftouter') {
        throw new UnsupportedQueryError(
          `join kind '${k.v}' is not supported (inner, innerunique, leftouter)`,
          `kind=${k.v}`,
        );
      }
      joinKind = kind;
    }
    this.expectOp('(');
    const right = this.parseQuery(true);
    this.expectOp(')');
    const on = this.next();
    if (on.t !== 'id' || on.v.toLowerCase() !== 'on') throw this.unexpected(on, "'on'");
    const first = this.next();
    if (first.t !== 'id') throw this.unexpected(first, 'a join key');
    if (first.v === '$left') {
      this.expectOp('.');
      const l = this.next();
      this.expectOp('==');
      const r0 = this.next();
      if (r0.v !== '$right') throw this.unexpected(r0, '$right');
      this.expectOp('.');
      const r = this.next();
      return { kind: 'join', joinKind, right, leftKey: l.v, rightKey: r.v };
    }
    if (this.isOp(',')) throw new UnsupportedQueryError('joins on more than one key are not supported', 'on');
    return { kind: 'join', joinKind, right, leftKey: first.v, rightKey: first.v };
  }

  private parseUnionArgs(): Query[] {
    if (this.isWord('kind') || this.isWord('withsource') || this.isWord('isfuzzy')) {
      throw new UnsupportedQueryError(
        `union parameter '${this.peek()?.v ?? ''}' is not supported`,
        this.peek()?.v ?? 'union',
      );
    }
    const queries: Query[] = [];
    do {
      if (this.isOp('(')) {
        this.next();
        queries.push(this.parseQuery(true));
        this.expectOp(')');
      } else {
        const t = this.next();
        if (t.t !== 'id' || !TABLES.has(t.v.toLowerCase())) throw this.unexpected(t, "'(' or 'Resources'");
        queries.push({ table: 'resources', ops: [] });
      }
    } while (this.isOp(',') && this.next());
    return queries;
  }

  private parseNamedList(requireName: boolean): NamedExpr[] {
    const cols: NamedExpr[] = [];
    do {
      const t = this.peek();
      if (t?.t === 'id' && this.isOp('=', 1)) {
        this.next();
        this.next();
        cols.push({ name: t.v, expr: this.parseValue() });
      } else {
        if (requireName)
          throw new UnsupportedQueryError('extend needs `name = expression`', t?.v ?? 'extend');
        const expr = this.parseValue();
        cols.push({ name: defaultName(expr), expr });
      }
    } while (this.isOp(',') && this.next());
    return cols;
  }

  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isWord('or') || this.isOp('||')) {
      this.next();
      left = { kind: 'bin', op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseCompare();
    while (this.isWord('and') || this.isOp('&&')) {
      this.next();
      left = { kind: 'bin', op: 'and', left, right: this.parseCompare() };
    }
    return left;
  }

  private parseCompare(): Expr {
    if (this.isWord('not')) {
      this.next();
      this.expectOp('(');
      const inner = this.parseOr();
      this.expectOp(')');
      return { kind: 'not', expr: inner };
    }
    const left = this.parseValue();
    const t = this.peek();
    if (t === undefined) return left;
    const v = t.v.toLowerCase();
    if (t.t === 'id' && (v === 'in' || v === 'in~' || v === '!in' || v === '!in~')) {
      this.next();
      this.expectOp('(');
      const list: Expr[] = [];
      if (!this.isOp(')')) {
        do list.push(this.parseValue());
        while (this.isOp(',') && this.next());
      }
      this.expectOp(')');
      return { kind: 'in', negate: v.startsWith('!'), ci: v.endsWith('~'), left, list };
    }
    if (
      (t.t === 'op' && ['==', '!=', '=~', '!~', '<', '>', '<=', '>='].includes(v)) ||
      (t.t === 'id' && STRING_OPS.has(v))
    ) {
      this.next();
      return { kind: 'bin', op: v, left, right: this.parseValue() };
    }
    if (t.t === 'id' && !['and', 'or', 'asc', 'desc', 'on'].includes(v)) {
      throw new UnsupportedQueryError(`operator '${t.v}' is not supported in a predicate`, t.v);
    }
    return left;
  }

  parseValue(): Expr {
    const t = this.next();
    if (t.t === 'str') return { kind: 'lit', value: t.v };
    if (t.t === 'num') return { kind: 'lit', value: Number(t.v) };
    if (t.t === 'op' && t.v === '(') {
      const e = this.parseOr();
      this.expectOp(')');
      return e;
    }
    if (t.t !== 'id') throw this.unexpected(t, 'a column, literal or function');
    const lower = t.v.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'lit', value: lower === 'true' };
    if (lower === 'null') return { kind: 'lit', value: null };
    if (this.isOp('(')) {
      if (!FUNCTIONS.has(lower))
        throw new UnsupportedQueryError(
          `function '${t.v}' is not supported by the emulated Resource Graph`,
          `${t.v}()`,
        );
      this.next();
      const args: Expr[] = [];
      if (!this.isOp(')')) {
        do args.push(this.parseOr());
        while (this.isOp(',') && this.next());
      }
      this.expectOp(')');
      return { kind: 'call', fn: lower, args };
    }
    const path: (string | number)[] = [t.v];
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const seg = this.next();
        if (seg.t !== 'id') throw this.unexpected(seg, 'a property name');
        path.push(seg.v);
      } else if (this.isOp('[')) {
        this.next();
        const idx = this.next();
        if (idx.t === 'num') path.push(Number(idx.v));
        else if (idx.t === 'str') path.push(idx.v);
        else throw this.unexpected(idx, 'an index');
        this.expectOp(']');
      } else break;
    }
    return { kind: 'col', path };
  }

  remainder(): string {
    const t = this.peek();
    return t === undefined ? '' : this.text.slice(t.pos);
  }
}

function defaultName(expr: Expr): string {
  if (expr.kind === 'col') return expr.path.map(String).join('_');
  throw new UnsupportedQueryError('computed columns need a name (`name = expression`)', 'project');
}

/** Parses a query; throws `UnsupportedQueryError` for anything outside the subset. */
export function parseQuery(text: string): Query {
  const parser = new Parser(tokenize(text), text);
  const query = parser.parseQuery(false);
  if (!parser.atEnd())
    throw new UnsupportedQueryError(`unexpected text: ${parser.remainder()}`, parser.remainder());
  return query;
}

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
