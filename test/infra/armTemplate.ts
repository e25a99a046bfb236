/**
 * Loads infra/*.json and expands a template for concrete parameter values the way ARM would: parameter
 * defaults, copy loops, conditions and nested deployments (inner expression scope, their own subscription
 * and resource group). Each resulting resource instance carries its evaluated JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ArmCloud, ArmValue, EvalScope } from './armExpression';
import { evaluateValue, isExpression, parseExpression, calledFunctions, text } from './armExpression';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const INFRA_DIR = path.join(REPO_ROOT, 'infra');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Template {
  $schema: string;
  parameters?: Record<string, { type: string; defaultValue?: Json; metadata?: { description?: string } }>;
  variables?: Record<string, unknown>;
  resources: JsonObject[];
  outputs?: Record<string, { type: string; value: Json }>;
}

export function readJson<T = JsonObject>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, relative), 'utf8')) as T;
}

export function loadTemplate(name: string): Template {
  return readJson<Template>(`infra/${name}`);
}

/** Parameter values of a parameter file (`value` entries only). */
export function parameterFileValues(name: string): Record<string, ArmValue> {
  const file = readJson<{ parameters: Record<string, { value?: ArmValue }> }>(`infra/${name}`);
  const out: Record<string, ArmValue> = {};
  for (const [k, v] of Object.entries(file.parameters)) if (v.value !== undefined) out[k] = v.value;
  return out;
}

export interface Target {
  subscriptionId: string;
  resourceGroup: string | undefined;
  location?: string;
  tenantId?: string;
  /** The cloud `environment()` describes (default AzureCloud). */
  cloud?: ArmCloud;
}

export interface ResourceInstance {
  /** `hub.json` or `hub.json > plds-dns-roles-0` for nested deployments. */
  readonly origin: string;
  readonly type: string;
  readonly name: string;
  readonly condition: boolean;
  /** Deployment target the resource is deployed into. */
  readonly target: Target;
  /** The resource with every expression evaluated (nested deployment templates left raw). */
  readonly evaluated: Record<string, ArmValue>;
  readonly raw: JsonObject;
  readonly scope: EvalScope;
}

function scopeFor(template: Template, target: Target, parameters: Record<string, ArmValue>): EvalScope {
  const base: EvalScope = {
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    tenantId: target.tenantId ?? '00000000-0000-0000-0000-0000000000t1',
    location: target.location ?? 'eastus',
    cloud: target.cloud ?? 'AzureCloud',
    parameters: {},
    variables: template.variables ?? {},
    copyIndex: {},
  };
  const values: Record<string, ArmValue> = {};
  const scope: EvalScope = { ...base, parameters: values };
  for (const [name, spec] of Object.entries(template.parameters ?? {})) {
    if (name in parameters) values[name] = parameters[name] ?? null;
    else if (spec.defaultValue !== undefined) values[name] = evaluateValue(spec.defaultValue, scope);
    else throw new Error(`required parameter ${name} has no value`);
  }
  for (const name of Object.keys(parameters)) {
    if (!(name in (template.parameters ?? {}))) throw new Error(`unknown parameter ${name}`);
  }
  return scope;
}

export function expandTemplate(
  template: Template,
  target: Target,
  parameters: Record<string, ArmValue>,
  origin: string,
): ResourceInstance[] {
  const scope = scopeFor(template, target, parameters);
  const out: ResourceInstance[] = [];
  for (const raw of template.resources) {
    const copy = raw['copy'] as { name: string; count: Json } | undefined;
    const count = copy ? evaluateValue(copy.count, scope) : 1;
    if (typeof count !== 'number') throw new Error(`copy count of ${text(raw['name'])} is not a number`);
    for (let i = 0; i < count; i++) {
      const itemScope: EvalScope = copy ? { ...scope, copyIndex: { '': i, [copy.name]: i } } : scope;
      const condition =
        raw['condition'] === undefined ? true : evaluateValue(raw['condition'], itemScope) === true;
      const isNested = raw['type'] === 'Microsoft.Resources/deployments';
      const { properties, ...rest } = raw;
      const evaluated = evaluateValue(rest, itemScope) as Record<string, ArmValue>;
      if (isNested) {
        const props = properties as JsonObject;
        const { template: _inner, ...otherProps } = props;
        evaluated['properties'] = evaluateValue(otherProps, itemScope);
      } else if (properties !== undefined) {
        evaluated['properties'] = evaluateValue(properties, itemScope);
      }
      const instance: ResourceInstance = {
        origin,
        type: text(evaluated['type']),
        name: text(evaluated['name']),
        condition,
        target,
        evaluated,
        raw,
        scope: itemScope,
      };
      out.push(instance);
      if (isNested && condition) out.push(...expandNested(instance, origin));
    }
  }
  return out;
}

function expandNested(deployment: ResourceInstance, origin: string): ResourceInstance[] {
  const props = deployment.raw['properties'] as JsonObject;
  const inner = props['template'];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
    throw new Error(`nested deployment ${deployment.name} must carry an inline template object`);
  const options = props['expressionEvaluationOptions'] as { scope?: string } | undefined;
  if (options?.scope !== 'Inner')
    throw new Error(`nested deployment ${deployment.name} must use the Inner expression scope`);
  const evaluatedProps = deployment.evaluated['properties'] as Record<string, ArmValue>;
  const paramValues: Record<string, ArmValue> = {};
  const passed = (evaluatedProps['parameters'] ?? {}) as Record<string, { value: ArmValue }>;
  for (const [k, v] of Object.entries(passed)) paramValues[k] = v.value;
  const sub = deployment.evaluated['subscriptionId'];
  const rg = deployment.evaluated['resourceGroup'];
  const target: Target = {
    ...deployment.target,
    subscriptionId: typeof sub === 'string' ? sub : deployment.target.subscriptionId,
    resourceGroup: typeof rg === 'string' ? rg : deployment.target.resourceGroup,
  };
  return expandTemplate(inner as unknown as Template, target, paramValues, `${origin} > ${deployment.name}`);
}

export function targetId(target: Target): string {
  return target.resourceGroup === undefined
    ? `/subscriptions/${target.subscriptionId}`
    : `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}`;
}

/** Full id of a role assignment's scope: its `scope` property (relative or absolute) or the deployment target. */
export function assignmentScopeId(instance: ResourceInstance): string {
  const scope = instance.evaluated['scope'];
  if (scope === undefined) return targetId(instance.target);
  if (typeof scope !== 'string') throw new Error(`scope of ${instance.name} is not a string`);
  if (scope.startsWith('/')) return scope;
  return `${targetId(instance.target)}/providers/${scope}`;
}

/** Every string in a JSON document, with its JSON path. */
export function* stringsIn(value: unknown, at = '$'): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') yield { path: at, value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, `${at}[${i}]`);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      yield* stringsIn(k, `${at}{key}`);
      yield* stringsIn(v, `${at}.${k}`);
    }
}

/** Function names called by every expression in a JSON document. */
export function functionsCalledIn(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const { value: s } of stringsIn(value)) {
    if (isExpression(s)) for (const n of calledFunctions(parseExpression(s))) names.add(n);
  }
  return names;
}

export const TEMPLATE_FILES = ['hub.json', 'spoke.json', 'workbook.json', 'alerts.json'] as const;
export const PARAMETER_FILES = {
  'hub.parameters.example.json': 'hub.json',
  'spoke.parameters.example.json': 'spoke.json',
} as const;
