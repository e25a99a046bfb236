/**
 * Validation of emulator responses against Microsoft's published OpenAPI (Swagger 2.0) files, read from
 * `../shared/azure-reference/specs/` (never copied into the project). Swagger 2.0 schemas are close to JSON
 * Schema draft-04, so Ajv's draft-04 build validates them once every spec file is registered under its file
 * URL: Ajv then follows the cross-file `$ref`s itself. Unknown keywords (`x-ms-*`, `readOnly`, string
 * `discriminator`) are ignored (`strict: false`).
 *
 * Usage:
 *   const specs = loadSpecs();                       // undefined when ../shared is absent
 *   describeIfSpecs('...', () => { ... specs!.assertResponse(NETWORK_2024_01_01.privateEndpoint, 'PrivateEndpoints_Get', 200, body) });
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

export const SPECS_DIR = path.resolve(__dirname, '../../../../shared/azure-reference/specs');
export const specsAvailable = fs.existsSync(path.join(SPECS_DIR, 'specification'));

/** `describe` when the shared specs are present, else `describe.skip` with a console note. */
export function describeIfSpecs(name: string, fn: () => void): void {
  if (specsAvailable) {
    describe(name, fn);
  } else {
    console.warn(
      `Skipping "${name}": ${SPECS_DIR} is absent (conformance tests need ../shared/azure-reference/specs).`,
    );
    describe.skip(name, fn);
  }
}

/** Spec files by role, relative to SPECS_DIR. */
export const SPEC_FILES = {
  privateEndpoint:
    'specification/network/resource-manager/Microsoft.Network/stable/2024-01-01/privateEndpoint.json',
  networkInterface:
    'specification/network/resource-manager/Microsoft.Network/stable/2024-01-01/networkInterface.json',
  virtualNetwork:
    'specification/network/resource-manager/Microsoft.Network/stable/2024-01-01/virtualNetwork.json',
  privateDns: 'specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/privatedns.json',
  recoveryServices:
    'specification/recoveryservices/resource-manager/Microsoft.RecoveryServices/RecoveryServices/stable/2026-07-01/openapi.json',
  recoveryServicesBackup:
    'specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/stable/2023-06-01/bms.json',
  resourceGraph:
    'specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/resourcegraph.json',
} as const;

/** Operations of ARM's own polling URLs (`Azure-AsyncOperation`, `Location`): no provider spec describes them. */
export const POLLING_OPERATIONS: ReadonlySet<string> = new Set(['AsyncOperation_Get', 'OperationResult_Get']);

/**
 * Validates what a conformance suite collected: every captured SDK response against its operation and status (a
 * success status must also be one the operation declares; polling operations are passed over), every raw error
 * response against `default`. Returns a line per body that does not conform, and how many bodies were checked.
 */
export function validateCollected<C extends { method: string; url: string; status: number; body: unknown }>(
  specs: SpecValidator,
  collected: {
    captured: readonly C[];
    raw: ReadonlyArray<{ operationId: string; status: number; body: unknown }>;
    operationOf: (c: C) => string;
    fileFor: (operationId: string) => string;
  },
): { failures: string[]; checked: number } {
  const { captured, raw, operationOf, fileFor } = collected;
  const failures: string[] = [];
  let checked = 0;
  for (const c of captured) {
    const operationId = operationOf(c);
    if (POLLING_OPERATIONS.has(operationId)) continue;
    if (c.status < 300)
      expect(specs.responseCodes(fileFor(operationId), operationId)).toContain(String(c.status));
    const result = specs.validateResponse(fileFor(operationId), operationId, c.status, c.body);
    checked++;
    if (!result.valid) failures.push(`${c.method} ${c.url} ${c.status}: ${result.errors.join('; ')}`);
  }
  for (const r of raw) {
    const result = specs.validateResponse(fileFor(r.operationId), r.operationId, 'default', r.body);
    checked++;
    if (!result.valid) failures.push(`${r.operationId} ${r.status}: ${result.errors.join('; ')}`);
  }
  return { failures, checked };
}

export interface RelaxOptions {
  /** Drop `enum` where `x-ms-enum.modelAsString` is true (extensible enums accept new values). */
  extensibleEnums?: boolean;
  /** Accept null where `x-nullable: true`. */
  nullable?: boolean;
  /** Drop `type: object` from schemas that declare nothing else (AutoRest's "any"; e.g. Resource Graph `data`). */
  bareObjects?: boolean;
}

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

interface OperationRef {
  file: string;
  pathKey: string;
  method: string;
  operation: Record<string, unknown>;
}

/** Loads (and relaxes, if asked) every spec file under SPECS_DIR/specification; undefined when absent. */
export function loadSpecs(relax: RelaxOptions = {}): SpecValidator | undefined {
  return specsAvailable ? new SpecValidator(relax) : undefined;
}

export class SpecValidator {
  private readonly ajv: InstanceType<typeof Ajv04>;
  private readonly docs = new Map<string, Record<string, unknown>>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(relax: RelaxOptions = {}) {
    this.ajv = new Ajv04({ strict: false, validateSchema: false, allErrors: true });
    addFormats(this.ajv);
    for (const file of listJson(path.join(SPECS_DIR, 'specification'))) {
      const rel = path.relative(SPECS_DIR, file).split(path.sep).join('/');
      const doc = transform(JSON.parse(fs.readFileSync(file, 'utf8')), relax) as Record<string, unknown>;
      this.docs.set(rel, doc);
      this.ajv.addSchema(doc, this.urlOf(rel));
    }
  }

  /** Finds an operation by operationId in a spec file. */
  operation(file: string, operationId: string): OperationRef {
    const doc = this.doc(file);
    const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    for (const [pathKey, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (operation && typeof operation === 'object' && operation.operationId === operationId) {
          return { file, pathKey, method, operation };
        }
      }
    }
    throw new Error(`Operation ${operationId} not found in ${file}`);
  }

  /** Status codes the operation declares (e.g. ['200', '201', 'default']). */
  responseCodes(file: string, operationId: string): string[] {
    return Object.keys(this.operation(file, operationId).operation.responses ?? {});
  }

  /** Validates a response body for an operation and status (falls back to `default` when the status is undeclared). */
  validateResponse(
    file: string,
    operationId: string,
    status: number | 'default',
    body: unknown,
  ): ValidationResult {
    const op = this.operation(file, operationId);
    const responses = (op.operation.responses ?? {}) as Record<string, { schema?: unknown }>;
    const code = responses[String(status)] ? String(status) : 'default';
    const response = responses[code];
    if (!response)
      return { valid: false, errors: [`${operationId} declares no response ${status} and no default`] };
    if (!response.schema) {
      return body === undefined || body === '' || body === null
        ? { valid: true, errors: [] }
        : { valid: false, errors: [`${operationId} ${code} declares no body, got one`] };
    }
    return this.run(`${this.pointer(op)}/responses/${code}/schema`, op.file, body);
  }

  /** Validates a request body against the operation's `in: body` parameter. */
  validateRequest(file: string, operationId: string, body: unknown): ValidationResult {
    const op = this.operation(file, operationId);
    const params = (op.operation.parameters ?? []) as Array<Record<string, unknown>>;
    const index = params.findIndex((p) => p.in === 'body');
    if (index < 0) return { valid: false, errors: [`${operationId} takes no body parameter`] };
    return this.run(`${this.pointer(op)}/parameters/${index}/schema`, op.file, body);
  }

  /** Validates data against `#/definitions/<name>` of a spec file. */
  validateDefinition(file: string, definition: string, data: unknown): ValidationResult {
    this.doc(file);
    return this.run(`#/definitions/${escapePointer(definition)}`, file, data);
  }

  /** Throws with every schema error when the body does not conform (for use inside tests). */
  assertResponse(file: string, operationId: string, status: number | 'default', body: unknown): void {
    const result = this.validateResponse(file, operationId, status, body);
    if (!result.valid) {
      throw new Error(
        `${operationId} ${status} body does not match ${file}:\n  ${result.errors.join('\n  ')}\nbody: ${JSON.stringify(body, null, 2)}`,
      );
    }
  }

  assertRequest(file: string, operationId: string, body: unknown): void {
    const result = this.validateRequest(file, operationId, body);
    if (!result.valid)
      throw new Error(`${operationId} request body does not match ${file}:\n  ${result.errors.join('\n  ')}`);
  }

  /** Reads an example file (path relative to SPECS_DIR, e.g. `examples/specification/.../RecordSetAGet.json`). */
  static example(rel: string): {
    parameters: Record<string, unknown>;
    responses: Record<string, { body?: unknown; headers?: unknown }>;
  } {
    return JSON.parse(fs.readFileSync(path.join(SPECS_DIR, rel), 'utf8'));
  }

  private doc(file: string): Record<string, unknown> {
    const doc = this.docs.get(file);
    if (!doc) throw new Error(`Spec file not loaded: ${file}`);
    return doc;
  }

  private pointer(op: OperationRef): string {
    return `#/paths/${escapePointer(op.pathKey)}/${op.method}`;
  }

  private run(fragment: string, file: string, data: unknown): ValidationResult {
    const ref = `${this.urlOf(file)}${fragment}`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    const valid = validate(data);
    return { valid, errors: valid ? [] : (validate.errors ?? []).map(formatError) };
  }

  private urlOf(rel: string): string {
    return pathToFileURL(path.join(SPECS_DIR, rel)).href;
  }
}

function formatError(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
}

/** JSON-pointer escaping, then URI-encoding so `{param}` path keys survive as a URL fragment. */
function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJson(full));
    else if (entry.name.endsWith('.json')) out.push(full);
  }
  return out;
}

/** Drops `x-ms-examples` (they point at files we don't load) and applies the chosen relaxations. */
function transform(node: unknown, relax: RelaxOptions): unknown {
  if (Array.isArray(node)) return node.map((n) => transform(n, relax));
  if (!node || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(src)) {
    if (key === 'x-ms-examples') continue;
    out[key] = transform(value, relax);
  }
  const xmsEnum = src['x-ms-enum'] as { modelAsString?: boolean } | undefined;
  if (relax.extensibleEnums && xmsEnum?.modelAsString && Array.isArray(out.enum)) delete out.enum;
  if (relax.nullable && src['x-nullable'] === true && typeof out.type === 'string')
    out.type = [out.type, 'null'];
  if (
    relax.bareObjects &&
    out.type === 'object' &&
    Object.keys(out).every((k) => ['type', 'description'].includes(k))
  ) {
    delete out.type;
  }
  return out;
}
