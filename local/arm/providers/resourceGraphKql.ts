/**
 * The subset of the Kusto query language the emulated Resource Graph understands (see local/arm/README.md).
 * Anything outside it raises `UnsupportedQueryError` naming the construct, so the emulator answers 400
 * instead of returning rows that could be silently wrong.

 *
 * This file is the language: tokens, the syntax tree and the parser. resourceGraphQuery.ts evaluates a parsed query
 * over rows. Over ~400 lines because the parser is one recursive-descent class over one grammar; splitting its
 * operators apart would separate rules that call each other.
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

export type Expr =
  | { kind: 'col'; path: (string | number)[] }
  | { kind: 'lit'; value: string | number | boolean | null }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'bin'; op: string; left: Expr; right: Expr }
  | { kind: 'in'; negate: boolean; ci: boolean; left: Expr; list: Expr[] }
  | { kind: 'not'; expr: Expr };

export interface NamedExpr {
  name: string;
  expr: Expr;
}

export type Op =
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
