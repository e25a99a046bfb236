import { randomUUID } from 'node:crypto';
import {
  getHooks,
  getProgrammingModel,
  type FunctionMetadata,
  type RegisteredFunction,
  type RpcBindingInfo,
  type RpcTypedData,
} from './functionsCore';

export type HostLog = (level: string, message: string) => void;

export interface InvocationResult {
  /** What the handler returned (before conversion). */
  result: unknown;
  /** The worker's response (`returnValue`, `outputData`) as the host would receive it. */
  response: { returnValue?: unknown; outputData?: { name: string; data: RpcTypedData }[] };
  /** The InvocationContext the library built (durable handlers hang `df` on it). */
  context: unknown;
}

export function triggerBinding(metadata: FunctionMetadata): [string, RpcBindingInfo] {
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    if (binding.direction !== 'out' && typeof binding.type === 'string' && /trigger$/i.test(binding.type)) {
      return [name, binding];
    }
  }
  throw new Error(`Function '${metadata.name}' has no trigger binding.`);
}

export function triggerType(fn: RegisteredFunction): string {
  return (triggerBinding(fn.metadata)[1].type ?? '').toLowerCase();
}

/** Decodes RPC typed data the way the host reads a worker's return value. */
export function fromTypedData(data: unknown): unknown {
  if (data === null || data === undefined || typeof data !== 'object') return undefined;
  const typed = data as RpcTypedData;
  if (typed.json !== undefined) return JSON.parse(typed.json);
  if (typed.string !== undefined) return typed.string;
  if (typed.int !== undefined) return Number(typed.int);
  if (typed.double !== undefined) return Number(typed.double);
  if (typed.bytes !== undefined) return Buffer.from(typed.bytes).toString('base64');
  return undefined;
}

/**
 * Invokes a registered function through the programming model, as the Node.js worker does:
 * `getInvocationModel` → `getArguments` → hooks → `invokeFunction` → `getResponse`. The library's own
 * conversions of trigger and input bindings run.
 */
export class FunctionInvoker {
  private readonly appHookData: Record<string, unknown> = {};

  constructor(private readonly log: HostLog) {}

  async runAppHook(name: 'appStart' | 'appTerminate'): Promise<void> {
    for (const hook of getHooks(name)) {
      await hook({ hookData: {}, appHookData: this.appHookData, functionAppDirectory: process.cwd() });
    }
  }

  async invoke(
    fn: RegisteredFunction,
    trigger: RpcTypedData | undefined,
    extraInputs: Record<string, RpcTypedData> = {},
    triggerMetadata?: Record<string, RpcTypedData>,
    invocationId: string = randomUUID(),
  ): Promise<InvocationResult> {
    const programmingModel = getProgrammingModel();
    if (!programmingModel) {
      throw new Error('No programming model was registered: did the app import @azure/functions?');
    }
    const [triggerName] = triggerBinding(fn.metadata);
    const inputData: { name: string; data?: RpcTypedData | null }[] = [
      { name: triggerName, data: trigger ?? null },
    ];
    for (const [name, data] of Object.entries(extraInputs)) inputData.push({ name, data });
    const model = programmingModel.getInvocationModel({
      invocationId,
      request: { inputData, triggerMetadata },
      metadata: fn.metadata,
      state: 'invocation',
      log: (level, category, message) => this.log(level, `[${fn.metadata.name}] ${category}: ${message}`),
    });
    const { context, inputs: initialInputs } = await model.getArguments();
    const hookData: Record<string, unknown> = {};
    const pre: Record<string, unknown> = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs: initialInputs,
      functionCallback: fn.handler,
    };
    for (const hook of getHooks('preInvocation')) await hook(pre);
    const inputs = pre.inputs as unknown[];
    const handler = pre.functionCallback as RegisteredFunction['handler'];
    let result: unknown;
    let error: unknown;
    try {
      result = await model.invokeFunction(context, inputs, handler);
    } catch (e) {
      error = e;
    }
    const post: Record<string, unknown> = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs,
      result,
      error,
    };
    for (const hook of getHooks('postInvocation')) await hook(post);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrow whatever the handler threw
    if (post.error !== undefined) throw post.error;
    result = post.result;
    const response = await model.getResponse(context, result);
    return { result, response, context };
  }
}

/** What a trigger's handler needs of the host: the functions, the invoker, the inputs it adds (the durable client) and the log. */
export interface TriggerHost {
  readonly functions: Map<string, RegisteredFunction>;
  readonly invoker: FunctionInvoker;
  readonly extraInputsFor: (fn: RegisteredFunction) => Record<string, RpcTypedData>;
  readonly log: HostLog;
}
