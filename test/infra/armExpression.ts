/**
 * A small evaluator for the subset of ARM template expressions that infra/*.json uses, so tests can
 * evaluate conditions, names, scopes and role definitions for concrete parameter values offline.
 *
 * Values only known during a real deployment (`reference()`, `listKeys()`) evaluate to `Opaque`; property
 * access on them stays opaque. Any function outside the subset throws, so a template change that needs a
 * new function fails the tests loudly instead of being evaluated wrongly.
 */
import { createHash } from 'node:crypto';

export class Opaque {
  constructor(readonly text: string) {}
  toString(): string {
    return `<${this.text}>`;
  }
}

export type ArmValue = string | number | boolean | null | Opaque | ArmValue[] | { [key: string]: ArmValue };

export type Ast =
  | { kind: 'str'; value: string }
  | { kind: 'num'; value: number }
  | { kind: 'call'; name: string; args: Ast[] }
  | { kind: 'prop'; target: Ast; name: string }
  | { kind: 'index'; target: Ast; index: Ast };

export function isExpression(value: string): boolean {
  return value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

export function parseExpression(source: string): Ast {
  if (!isExpression(source)) throw new Error(`not an ARM expression: ${source}`);
  const text = source.slice(1, -1);
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at ${pos} in ${source}`);
  };
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };
  const expect = (ch: string): void => {
    skip();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };
  const identifier = (): string => {
    skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (!m) return fail('expected identifier');
    pos += m[0].length;
    return m[0];
  };
  const primary = (): Ast => {
    skip();
    const ch = text[pos];
    if (ch === "'") {
      let value = '';
      pos++;
      for (;;) {
        if (pos >= text.length) fail('unterminated string');
        if (text[pos] === "'") {
          if (text[pos + 1] === "'") {
            value += "'";
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        value += text[pos];
        pos++;
      }
      return { kind: 'str', value };
    }
    const num = /^-?\d+/.exec(text.slice(pos));
    if (num) {
      pos += num[0].length;
      return { kind: 'num', value: Number(num[0]) };
    }
    const name = identifier();
    expect('(');
    const args: Ast[] = [];
    skip();
    if (text[pos] === ')') {
      pos++;
    } else {
      for (;;) {
        args.push(expr());
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(')');
        break;
      }
    }
    return { kind: 'call', name, args };
  };
  const expr = (): Ast => {
    let node = primary();
    for (;;) {
      skip();
      if (text[pos] === '.') {
        pos++;
        node = { kind: 'prop', target: node, name: identifier() };
      } else if (text[pos] === '[') {
        pos++;
        const index = expr();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  };
  const ast = expr();
  skip();
  if (pos !== text.length) fail('unexpected trailing text');
  return ast;
}

/** Every function name called anywhere in an expression. */
export function calledFunctions(ast: Ast): string[] {
  switch (ast.kind) {
    case 'str':
    case 'num':
      return [];
    case 'call':
      return [ast.name, ...ast.args.flatMap(calledFunctions)];
    case 'prop':
      return calledFunctions(ast.target);
    case 'index':
      return [...calledFunctions(ast.target), ...calledFunctions(ast.index)];
  }
}

/** The clouds `environment()` can describe. */
export type ArmCloud = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

/**
 * What `environment()` returns in each cloud (the fields the templates read), as `az cloud show` lists them:
 * `name`, the Resource Manager endpoint and the Key Vault and Storage suffixes.
 */
const ENVIRONMENTS: Record<ArmCloud, Record<string, ArmValue>> = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManager: 'https://management.azure.com/',
    suffixes: { keyvaultDns: '.vault.azure.net', storage: 'core.windows.net' },
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManager: 'https://management.usgovcloudapi.net/',
    suffixes: { keyvaultDns: '.vault.usgovcloudapi.net', storage: 'core.usgovcloudapi.net' },
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManager: 'https://management.chinacloudapi.cn/',
    suffixes: { keyvaultDns: '.vault.azure.cn', storage: 'core.chinacloudapi.cn' },
  },
};

export interface EvalScope {
  /** The cloud `environment()` describes. */
  readonly cloud: ArmCloud;
  readonly subscriptionId: string;
  /** Undefined at subscription scope. */
  readonly resourceGroup: string | undefined;
  readonly tenantId: string;
  readonly location: string;
  readonly parameters: Record<string, ArmValue>;
  /** Raw `variables` section of the template being evaluated. */
  readonly variables: Record<string, unknown>;
  /** copyIndex() values by loop name; '' is the innermost loop. */
  readonly copyIndex: Record<string, number>;
}

/** The evaluator's `uniqueString()`: same shape as ARM's (13 lower-case characters, stable), not the same hash. */
export function uniqueStringOf(parts: ArmValue[]): string {
  return createHash('sha256')
    .update(parts.map(argText).join('|'))
    .digest('hex')
    .replace(/[^a-z]/g, '')
    .padEnd(13, 'x')
    .slice(0, 13);
}

export function argText(value: ArmValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Opaque) return value.toString();
  return JSON.stringify(value);
}

/** Any template or evaluated value as text (strings as they are, everything else as argText renders it). */
export function text(value: unknown): string {
  if (value === undefined) return 'undefined';
  return argText(value as ArmValue);
}

function isOpaque(v: ArmValue): v is Opaque {
  return v instanceof Opaque;
}

function asArray(v: ArmValue, fn: string): ArmValue[] {
  if (!Array.isArray(v)) throw new Error(`${fn}: expected an array, got ${argText(v)}`);
  return v;
}

function asString(v: ArmValue, fn: string): string {
  if (typeof v !== 'string') throw new Error(`${fn}: expected a string, got ${argText(v)}`);
  return v;
}

function isObject(v: ArmValue): v is { [key: string]: ArmValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isOpaque(v);
}

function deepEqual(a: ArmValue, b: ArmValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Splits `Microsoft.Network/privateDnsZones/A` style types and names into an id path. */
function providerPath(type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (!namespace || types.length === 0) throw new Error(`bad resource type ${type}`);
  if (types.length !== names.length)
    throw new Error(`resource type ${type} needs ${types.length} name segments, got ${names.length}`);
  return `/providers/${namespace}` + types.map((t, i) => `/${t}/${names[i]}`).join('');
}

function resourceIdFrom(args: string[], scope: EvalScope, subscriptionLevel: boolean): string {
  const typeAt = args.findIndex((a) => /^[A-Za-z0-9]+\.[A-Za-z0-9.]+\/[A-Za-z]/.test(a));
  if (typeAt < 0) throw new Error(`resourceId: no resource type in (${args.join(', ')})`);
  const prefix = args.slice(0, typeAt);
  const type = args[typeAt] ?? '';
  const names = args.slice(typeAt + 1);
  let sub = scope.subscriptionId;
  let rg = subscriptionLevel ? undefined : scope.resourceGroup;
  if (subscriptionLevel) {
    if (prefix.length === 1) sub = prefix[0] ?? sub;
  } else if (prefix.length === 1) {
    rg = prefix[0];
  } else if (prefix.length === 2) {
    sub = prefix[0] ?? sub;
    rg = prefix[1];
  }
  const base = rg === undefined ? `/subscriptions/${sub}` : `/subscriptions/${sub}/resourceGroups/${rg}`;
  return base + providerPath(type, names);
}

function evalCall(name: string, rawArgs: Ast[], scope: EvalScope): ArmValue {
  const lazy = (i: number): ArmValue => {
    const a = rawArgs[i];
    if (!a) throw new Error(`${name}: missing argument ${i + 1}`);
    return evalAst(a, scope);
  };
  const all = (): ArmValue[] => rawArgs.map((a) => evalAst(a, scope));
  switch (name) {
    case 'parameters': {
      const key = asString(lazy(0), name);
      if (!(key in scope.parameters)) throw new Error(`parameters('${key}') has no value`);
      return scope.parameters[key] ?? null;
    }
    case 'variables':
      return evaluateVariable(asString(lazy(0), name), scope);
    case 'if':
      return lazy(0) === true ? lazy(1) : lazy(2);
    case 'equals':
      return deepEqual(lazy(0), lazy(1));
    case 'not':
      return lazy(0) !== true;
    case 'and':
      return all().every((v) => v === true);
    case 'or':
      return all().some((v) => v === true);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'empty': {
      const v = lazy(0);
      if (v === null || v === '') return true;
      if (Array.isArray(v)) return v.length === 0;
      if (isObject(v)) return Object.keys(v).length === 0;
      return false;
    }
    case 'length': {
      const v = lazy(0);
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new Error(`length: unsupported ${argText(v)}`);
    }
    case 'contains': {
      const [container, item] = all() as [ArmValue, ArmValue];
      if (typeof container === 'string') return container.includes(asString(item, name));
      if (Array.isArray(container)) return container.some((c) => deepEqual(c, item));
      if (isObject(container)) {
        // Object keys are case-insensitive in ARM; string comparisons are not.
        const key = asString(item, name).toLowerCase();
        return Object.keys(container).some((k) => k.toLowerCase() === key);
      }
      throw new Error(`contains: unsupported container ${argText(container)}`);
    }
    case 'coalesce':
      for (let i = 0; i < rawArgs.length; i++) {
        const v = lazy(i);
        if (v !== null) return v;
      }
      return null;
    case 'union': {
      const args = all();
      if (args.every(Array.isArray)) {
        const out: ArmValue[] = [];
        for (const item of args.flat()) if (!out.some((o) => deepEqual(o, item))) out.push(item);
        return out;
      }
      if (args.every(isObject)) return Object.assign({}, ...args) as ArmValue;
      throw new Error('union: arguments must all be arrays or all objects');
    }
    case 'createArray':
      return all();
    case 'createObject': {
      const args = all();
      const out: Record<string, ArmValue> = {};
      for (let i = 0; i + 1 < args.length; i += 2) out[asString(args[i] ?? null, name)] = args[i + 1] ?? null;
      return out;
    }
    case 'concat': {
      const args = all();
      if (args.every(Array.isArray)) return args.flat();
      return args.map(argText).join('');
    }
    case 'format': {
      const [fmt, ...rest] = all();
      return asString(fmt ?? null, name).replace(/\{(\d+)\}/g, (_m, i: string) => {
        const v = rest[Number(i)];
        if (v === undefined) throw new Error(`format: no argument {${i}}`);
        return argText(v);
      });
    }
    case 'join':
      return asArray(lazy(0), name)
        .map(argText)
        .join(asString(lazy(1), name));
    case 'string':
      return argText(lazy(0));
    case 'toLower':
      return asString(lazy(0), name).toLowerCase();
    case 'replace':
      return asString(lazy(0), name)
        .split(asString(lazy(1), name))
        .join(asString(lazy(2), name));
    case 'take': {
      const v = lazy(0);
      const n = lazy(1);
      if (typeof n !== 'number') throw new Error('take: count must be a number');
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(0, n);
      throw new Error('take: unsupported value');
    }
    case 'guid':
      return `guid(${all().map(argText).join('|')})`;
    case 'uniqueString':
      return uniqueStringOf(all());
    case 'copyIndex': {
      const args = all();
      const loop = typeof args[0] === 'string' ? args[0] : '';
      const offset = typeof args[0] === 'number' ? args[0] : typeof args[1] === 'number' ? args[1] : 0;
      const idx = scope.copyIndex[loop];
      if (idx === undefined) throw new Error(`copyIndex('${loop}') outside its loop`);
      return idx + offset;
    }
    case 'subscription':
      return {
        id: `/subscriptions/${scope.subscriptionId}`,
        subscriptionId: scope.subscriptionId,
        tenantId: scope.tenantId,
      };
    case 'resourceGroup':
      if (scope.resourceGroup === undefined) throw new Error('resourceGroup() used at subscription scope');
      return {
        id: `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`,
        name: scope.resourceGroup,
        location: scope.location,
      };
    case 'deployment':
      return { name: 'test-deployment', location: scope.location };
    case 'environment':
      return ENVIRONMENTS[scope.cloud];
    case 'resourceId':
      return resourceIdFrom(
        all().map((a) => asString(a, name)),
        scope,
        false,
      );
    case 'subscriptionResourceId':
      return resourceIdFrom(
        all().map((a) => asString(a, name)),
        scope,
        true,
      );
    case 'extensionResourceId': {
      const [base, type, ...names] = all().map((a) => asString(a, name));
      return `${base ?? ''}${providerPath(type ?? '', names)}`;
    }
    case 'reference':
    case 'listKeys':
      return new Opaque(`${name}(${all().map(argText).join(', ')})`);
    default:
      throw new Error(`ARM function ${name}() is not supported by the test evaluator`);
  }
}

export function evalAst(ast: Ast, scope: EvalScope): ArmValue {
  switch (ast.kind) {
    case 'str':
    case 'num':
      return ast.value;
    case 'call':
      return evalCall(ast.name, ast.args, scope);
    case 'prop': {
      const target = evalAst(ast.target, scope);
      if (isOpaque(target)) return new Opaque(`${target.text}.${ast.name}`);
      if (!isObject(target)) throw new Error(`.${ast.name} on a non-object ${argText(target)}`);
      const key = Object.keys(target).find((k) => k.toLowerCase() === ast.name.toLowerCase());
      if (key === undefined) throw new Error(`property ${ast.name} missing in ${argText(target)}`);
      return target[key] ?? null;
    }
    case 'index': {
      const target = evalAst(ast.target, scope);
      const index = evalAst(ast.index, scope);
      if (isOpaque(target)) return new Opaque(`${target.text}[${argText(index)}]`);
      if (Array.isArray(target) && typeof index === 'number') {
        if (index < 0 || index >= target.length) throw new Error(`index ${index} out of range`);
        return target[index] ?? null;
      }
      if (isObject(target) && typeof index === 'string') return target[index] ?? null;
      throw new Error(`cannot index ${argText(target)} with ${argText(index)}`);
    }
  }
}

/** Evaluates a JSON value from a template: expressions in strings (and object keys) are evaluated. */
export function evaluateValue(value: unknown, scope: EvalScope): ArmValue {
  if (typeof value === 'string') {
    if (isExpression(value)) return evalAst(parseExpression(value), scope);
    return value.startsWith('[[') ? value.slice(1) : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope));
  if (typeof value === 'object') {
    const out: Record<string, ArmValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[argText(evaluateValue(k, scope))] = evaluateValue(v, scope);
    }
    return out;
  }
  throw new Error(`unsupported JSON value ${JSON.stringify(value)}`);
}

export function evaluateVariable(name: string, scope: EvalScope): ArmValue {
  const loops = scope.variables['copy'];
  if (Array.isArray(loops)) {
    for (const loop of loops as { name: string; count: unknown; input: unknown }[]) {
      if (loop.name !== name) continue;
      const count = evaluateValue(loop.count, scope);
      if (typeof count !== 'number') throw new Error(`variable loop ${name}: count is not a number`);
      const items: ArmValue[] = [];
      for (let i = 0; i < count; i++) {
        items.push(evaluateValue(loop.input, { ...scope, copyIndex: { ...scope.copyIndex, [name]: i } }));
      }
      return items;
    }
  }
  if (!(name in scope.variables) || name === 'copy') throw new Error(`variables('${name}') is not defined`);
  return evaluateValue(scope.variables[name], scope);
}
