/**
 * Offline validation of ARM templates against Microsoft's published deployment-template schemas, read from
 * ../shared/azure-reference/arm-schemas (never copied into the project). Follows the recipe in that folder's
 * README: crawl the https refs to local files, prune oneOf/anyOf branches that point at files we don't hold,
 * relax `oneOf[literal, expression]` unions to `anyOf`, then compile with ajv (draft-04). Each resource is
 * also validated against its own provider definition so failures read like
 * `/properties/functionAppConfig/runtime/name must be equal to one of the allowed values`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv-draft-04';

export const SCHEMA_DIR = path.resolve(__dirname, '../../../shared/azure-reference/arm-schemas');
export const schemasAvailable = fs.existsSync(path.join(SCHEMA_DIR, 'schemas/common/definitions.json'));

const HOST = 'https://schema.management.azure.com/schemas/';
const EXPRESSION_REF = `${HOST}common/definitions.json#/definitions/expression`;

export const ROOTS = {
  resourceGroup: `${HOST}2019-04-01/deploymentTemplate.json`,
  subscription: `${HOST}2018-05-01/subscriptionDeploymentTemplate.json`,
  resourceGroupParameters: `${HOST}2019-04-01/deploymentParameters.json`,
  subscriptionParameters: `${HOST}2018-05-01/subscriptionDeploymentParameters.json`,
} as const;

type SchemaNode = { [key: string]: unknown };

function fileFor(url: string): string {
  return path.join(SCHEMA_DIR, 'schemas', url.slice(HOST.length));
}

function baseOf(ref: string): string {
  return ref.split('#')[0] ?? ref;
}

function* refsIn(node: unknown): Generator<string> {
  if (Array.isArray(node)) for (const n of node) yield* refsIn(n);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as SchemaNode)) {
      if (k === '$ref' && typeof v === 'string') yield v;
      else yield* refsIn(v);
    }
  }
}

/** Removes union branches that only point at a file we don't hold; relaxes expression unions to anyOf. */
function prepare(node: unknown, isLocal: (url: string) => boolean): void {
  if (Array.isArray(node)) {
    for (const n of node) prepare(n, isLocal);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as SchemaNode;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = obj[key];
    if (!Array.isArray(branches)) continue;
    const kept = branches.filter((b: unknown) => {
      if (!b || typeof b !== 'object') return true;
      const keys = Object.keys(b);
      const ref = (b as SchemaNode)['$ref'];
      if (keys.length !== 1 || typeof ref !== 'string') return true;
      return !ref.startsWith(HOST) || isLocal(baseOf(ref));
    });
    if (kept.length === 0) {
      delete obj[key];
      obj['not'] = {};
    } else {
      obj[key] = kept;
    }
  }
  const oneOf = obj['oneOf'];
  if (
    Array.isArray(oneOf) &&
    oneOf.some((b: unknown) => (b as SchemaNode | null)?.['$ref'] === EXPRESSION_REF)
  ) {
    obj['anyOf'] = oneOf;
    delete obj['oneOf'];
  }
  for (const v of Object.values(obj)) prepare(v, isLocal);
}

/**
 * `resourceBase.tags` (common/definitions.json and the subscription root) is `{type: object}` without the expression branch every other property has, so
 * `"tags": "[parameters('tags')]"` (which ARM evaluates like any other expression) would fail. Give tags the
 * same `anyOf[literal, expression]` shape; nothing else is loosened.
 */
function allowTagExpressions(schema: SchemaNode): void {
  const base = (schema['definitions'] as SchemaNode | undefined)?.['resourceBase'] as SchemaNode | undefined;
  const parts = base?.['allOf'];
  if (!Array.isArray(parts)) return;
  for (const part of parts as SchemaNode[]) {
    const props = part['properties'] as SchemaNode | undefined;
    const tags = props?.['tags'] as SchemaNode | undefined;
    if (props && tags) props['tags'] = { anyOf: [tags, { $ref: EXPRESSION_REF }] };
  }
}

/** Keys ARM accepts on any resource, whatever its provider schema says. */
const TEMPLATE_KEYS = [
  'name',
  'type',
  'apiVersion',
  'location',
  'tags',
  'dependsOn',
  'condition',
  'copy',
  'comments',
  'scope',
];

/**
 * The README's optional "strict" transform (quirk 1): provider schemas never set `additionalProperties: false`,
 * so a misspelled property validates. Close every object schema that lists its properties; resource
 * definitions first get the template-level keys; objects with inline union branches (AdvancedFilter,
 * destinations) get their own property names copied into each branch, and the branches are closed instead.
 */
function closeObjects(node: unknown, isAllOfPart = false): void {
  if (Array.isArray(node)) {
    for (const n of node) closeObjects(n);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as SchemaNode;
  const props = obj['properties'];
  const hasProps = props !== null && typeof props === 'object' && !Array.isArray(props);
  const inlineBranches = (['oneOf', 'anyOf'] as const)
    .flatMap((k) => (Array.isArray(obj[k]) ? (obj[k] as SchemaNode[]) : []))
    .filter((b) => b && typeof b === 'object' && typeof b['properties'] === 'object');
  if (inlineBranches.length > 0) {
    for (const branch of inlineBranches) {
      const branchProps = branch['properties'] as SchemaNode;
      for (const key of hasProps ? Object.keys(props) : []) branchProps[key] ??= {};
      if (branch['additionalProperties'] === undefined) branch['additionalProperties'] = false;
    }
  } else if (
    hasProps &&
    !isAllOfPart &&
    obj['additionalProperties'] === undefined &&
    obj['allOf'] === undefined
  ) {
    obj['additionalProperties'] = false;
  }
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'allOf' && Array.isArray(value)) for (const part of value) closeObjects(part, true);
    else closeObjects(value);
  }
}

function strictProviderSchema(schema: SchemaNode): void {
  for (const [section, defs] of Object.entries(schema)) {
    const isResourceSection = section.endsWith('resourceDefinitions');
    if (!defs || typeof defs !== 'object') continue;
    for (const [name, def] of Object.entries(defs as SchemaNode)) {
      if (!isResourceSection && !(section === 'definitions' && name.endsWith('_childResource'))) continue;
      const props = (def as SchemaNode)['properties'] as SchemaNode | undefined;
      if (props) for (const key of TEMPLATE_KEYS) props[key] ??= {};
      // Nested deployments target another subscription or resource group with these resource-level keys.
      if (props && name === 'deployments')
        for (const key of ['subscriptionId', 'resourceGroup']) props[key] ??= {};
    }
  }
  for (const [section, defs] of Object.entries(schema)) {
    if (section.endsWith('resourceDefinitions') || section === 'definitions') closeObjects(defs);
  }
}

export interface ResourceDefinitionRef {
  readonly url: string;
  readonly pointer: string;
}

export class ArmSchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `${scopeKind}|${type}|${apiVersion}` (type lower-cased) → definition. */
  private readonly definitions = new Map<string, ResourceDefinitionRef>();
  readonly loadedFiles: string[] = [];

  /**
   * @param strict apply the "strict" transform to provider files, so unknown (misspelled) properties fail.
   */
  constructor(readonly strict = false) {
    const roots = Object.values(ROOTS);
    const local = new Map<string, SchemaNode>();
    const queue: string[] = [...roots];
    while (queue.length > 0) {
      const url = queue.pop() as string;
      if (local.has(url) || !fs.existsSync(fileFor(url))) continue;
      const schema = JSON.parse(fs.readFileSync(fileFor(url), 'utf8')) as SchemaNode;
      local.set(url, schema);
      for (const ref of refsIn(schema)) {
        if (ref.startsWith(HOST)) queue.push(baseOf(ref));
      }
    }
    for (const root of roots)
      if (!local.has(root)) throw new Error(`schema ${root} not found in ${SCHEMA_DIR}`);
    const isLocal = (url: string): boolean => local.has(url);
    this.ajv = new Ajv({ strict: false, validateFormats: false, validateSchema: false, allErrors: false });
    for (const [url, schema] of local) {
      prepare(schema, isLocal);
      allowTagExpressions(schema);
      if (strict && isProviderFile(url)) strictProviderSchema(schema);
      delete schema['$schema'];
      this.ajv.addSchema(schema, url);
      this.loadedFiles.push(url);
      this.indexDefinitions(url, schema);
    }
  }

  private indexDefinitions(url: string, schema: SchemaNode): void {
    for (const [section, defs] of Object.entries(schema)) {
      if (!section.endsWith('resourceDefinitions') || !defs || typeof defs !== 'object') continue;
      const scopeKind = section === 'resourceDefinitions' ? 'resourceGroup' : section.split('_')[0];
      for (const [name, def] of Object.entries(defs as SchemaNode)) {
        const props = (def as SchemaNode)['properties'] as SchemaNode | undefined;
        const types = ((props?.['type'] as SchemaNode | undefined)?.['enum'] ?? []) as string[];
        const versions = ((props?.['apiVersion'] as SchemaNode | undefined)?.['enum'] ?? []) as string[];
        for (const t of types)
          for (const v of versions)
            this.definitions.set(`${scopeKind}|${t.toLowerCase()}|${v}`, {
              url,
              pointer: `/${section}/${name}`,
            });
      }
    }
  }

  private compile(key: string, schema: object | string): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = typeof schema === 'string' ? this.ajv.getSchema(schema) : this.ajv.compile(schema);
      if (!fn) throw new Error(`cannot compile ${key}`);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** Validates a whole template (envelope and every resource) against the root named by its `$schema`. */
  validateTemplate(template: { $schema?: unknown }): ErrorObject[] {
    const root = rootFor(template.$schema);
    const fn = this.compile(root, root);
    return fn(template) ? [] : [...(fn.errors ?? [])];
  }

  validateParameterFile(file: { $schema?: unknown }): ErrorObject[] {
    const url = baseOf(String(file.$schema));
    if (url !== ROOTS.resourceGroupParameters && url !== ROOTS.subscriptionParameters)
      throw new Error(`unexpected parameter-file $schema ${String(file.$schema)}`);
    const fn = this.compile(url, url);
    return fn(file) ? [] : [...(fn.errors ?? [])];
  }

  /** The provider definition a resource of this type and api-version validates against, if we hold one. */
  definitionFor(scopeKind: 'resourceGroup' | 'subscription', type: string, apiVersion: string) {
    return (
      this.definitions.get(`${scopeKind}|${type.toLowerCase()}|${apiVersion}`) ??
      // Templates at subscription scope also deploy resource-group-style extension resources
      // (role definitions); those fall back to the resource-group definition.
      this.definitions.get(`resourceGroup|${type.toLowerCase()}|${apiVersion}`)
    );
  }

  /** Validates one resource against resourceBase + its own provider definition (readable errors). */
  validateResource(scopeKind: 'resourceGroup' | 'subscription', resource: SchemaNode): string[] {
    const type = String(resource['type']);
    const apiVersion = String(resource['apiVersion']);
    const def = this.definitionFor(scopeKind, type, apiVersion);
    if (!def) return [`no schema for ${type}@${apiVersion} at ${scopeKind} scope`];
    const key = `${def.url}#${def.pointer}`;
    const fn = this.compile(key, {
      allOf: [{ $ref: `${HOST}common/definitions.json#/definitions/resourceBase` }, { $ref: key }],
    });
    return fn(resource)
      ? []
      : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  }
}

function isProviderFile(url: string): boolean {
  return /\/Microsoft\.[A-Za-z.]+\.json$/.test(url);
}

export function rootFor(schemaUrl: unknown): string {
  const url = baseOf(String(schemaUrl));
  if (url === ROOTS.resourceGroup || url === ROOTS.subscription) return url;
  throw new Error(`unexpected template $schema ${String(schemaUrl)}`);
}

export interface ResourceReport {
  readonly path: string;
  readonly type: string;
  readonly errors: string[];
}

/**
 * Walks a template and its inline nested deployments; validates each template against its root and each
 * resource against its provider definition. Returns one entry per template and per resource.
 */
export function validateDeep(
  validator: ArmSchemaValidator,
  template: SchemaNode,
  at = '$',
): { templates: { path: string; errors: ErrorObject[] }[]; resources: ResourceReport[] } {
  const templates = [{ path: at, errors: validator.validateTemplate(template) }];
  const resources: ResourceReport[] = [];
  const scopeKind = rootFor(template['$schema']) === ROOTS.subscription ? 'subscription' : 'resourceGroup';
  const list = Array.isArray(template['resources']) ? (template['resources'] as SchemaNode[]) : [];
  list.forEach((resource, i) => {
    const resourcePath = `${at}.resources[${i}]`;
    resources.push({
      path: resourcePath,
      type: String(resource['type']),
      errors: validator.validateResource(scopeKind, resource),
    });
    const inner = (resource['properties'] as SchemaNode | undefined)?.['template'];
    if (resource['type'] === 'Microsoft.Resources/deployments' && inner && typeof inner === 'object') {
      const nested = validateDeep(validator, inner as SchemaNode, `${resourcePath}.properties.template`);
      templates.push(...nested.templates);
      resources.push(...nested.resources);
    }
  });
  return { templates, resources };
}
