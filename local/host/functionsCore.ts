/**
 * Stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker injects at
 * run time. With it in place, `@azure/functions` (and durable-functions on top of it) register
 * their functions here, with their real binding metadata, instead of switching to "test mode".
 *
 * Jest maps the module name to this file (jest.config.js `moduleNameMapper`); other runs call
 * `installFunctionsCore()` before the app is imported.
 */
import Module from 'node:module';

export interface RpcBindingInfo {
  type?: string;
  direction?: 'in' | 'out' | 'inout';
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
  [key: string]: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  handler: FunctionCallback;
}

/** Core invocation context handed to `ProgrammingModel.getInvocationModel`. */
export interface CoreInvocationContext {
  invocationId: string;
  request: {
    inputData?: { name: string; data?: RpcTypedData | null }[];
    triggerMetadata?: Record<string, RpcTypedData>;
    retryContext?: unknown;
    traceContext?: unknown;
  };
  metadata: FunctionMetadata;
  state?: string;
  log(level: string, category: string, message: string): void;
}

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: unknown;
  int?: number;
  double?: number;
  [key: string]: unknown;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(
    context: unknown,
    result: unknown,
  ): Promise<{
    invocationId?: string;
    outputData?: { name: string; data: RpcTypedData }[];
    returnValue?: unknown;
  }>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export type HookCallback = (context: Record<string, unknown>) => unknown;

export interface Disposable {
  dispose(): void;
}

/** Every function registered so far, by name. */
export const registry = new Map<string, RegisteredFunction>();
const hooks = new Map<string, Set<HookCallback>>();
let currentProgrammingModel: ProgrammingModel | undefined;
let systemLogSink: (level: string, category: string, message: string) => void = () => undefined;

export function setProgrammingModel(programmingModel: ProgrammingModel): void {
  currentProgrammingModel = programmingModel;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return currentProgrammingModel;
}

export function registerFunction(metadata: FunctionMetadata, handler: FunctionCallback): Disposable {
  if (registry.has(metadata.name)) {
    throw new Error(`A function named '${metadata.name}' is already registered.`);
  }
  registry.set(metadata.name, { metadata, handler });
  return { dispose: () => registry.delete(metadata.name) };
}

export function registerHook(hookName: string, callback: HookCallback): Disposable {
  let set = hooks.get(hookName);
  if (!set) {
    set = new Set();
    hooks.set(hookName, set);
  }
  set.add(callback);
  return { dispose: () => set.delete(callback) };
}

export function getHooks(hookName: string): HookCallback[] {
  return [...(hooks.get(hookName) ?? [])];
}

/** Worker system log (used by `@azure/functions` for its own messages). */
export function log(level: string, category: string, message: string): void {
  systemLogSink(level, category, message);
}

export function setSystemLogSink(sink: (level: string, category: string, message: string) => void): void {
  systemLogSink = sink;
}

/** Forgets every registration and hook (for tests that load several apps in one process). */
export function resetRegistrations(): void {
  registry.clear();
  hooks.clear();
}

let installed = false;

/**
 * Makes `require('@azure/functions-core')` resolve to this module, for runs outside jest
 * (e.g. `tsx demo/demo.ts`). Call it before `@azure/functions` is first loaded.
 */
export function installFunctionsCore(): void {
  if (installed) return;
  installed = true;
  const moduleWithResolver = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const original = moduleWithResolver._resolveFilename;
  const self = __filename;
  moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]): string {
    if (request === '@azure/functions-core') return self;
    return original.call(this, request, ...rest);
  };
}
