/**
 * The durable client side of the host: the `durableClient` input binding value (creation and management URLs with
 * the durabletask_extension key, the RPC base URL), the handle tests use to drive the engine, and a real
 * `DurableClient` bound to a running host.
 */
import { InvocationContext } from '@azure/functions';
import { getClient, type DurableClient } from 'durable-functions';
import type { RegisteredFunction, RpcTypedData } from './functionsCore';
import { linksFor, managementUrls, type ManagementUrls } from './durable/api';
import type { DurableEngine, EngineCounters, InstanceQuery, OrchestrationStatusJson } from './durable/engine';
import type { LocalHost } from './index';

export interface DurableHandle {
  startNew(orchestratorName: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(instanceId: string, options?: { showHistory?: boolean }): OrchestrationStatusJson | undefined;
  waitForCompletion(instanceId: string, timeoutMs?: number): Promise<OrchestrationStatusJson>;
  waitForStatus(
    instanceId: string,
    predicate: (status: OrchestrationStatusJson | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<OrchestrationStatusJson | undefined>;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): 'accepted' | 'notFound' | 'gone';
  terminate(instanceId: string, reason: string): 'accepted' | 'notFound' | 'gone';
  listInstances(query?: InstanceQuery): OrchestrationStatusJson[];
  signalEntity(name: string, key: string, operation: string, input?: unknown): void;
  readEntityState<T = unknown>(name: string, key: string): { exists: boolean; state: T | undefined };
  /** The `durableClient` input binding value handed to client functions. */
  clientInput(): DurableClientInput;
  /** Episodes, activities and entity operations running now (0: only timers or new input move anything). */
  activeWork(): number;
  counters: EngineCounters;
}

export interface DurableClientInput {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: ManagementUrls;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/** The binding value and the management URLs of a host serving the durable webhooks under `baseUrl`. */
export function durableClientInput(
  baseUrl: string,
  rpcBaseUrl: string,
  taskHubName: string,
  durabletaskKey: string,
): { clientInput: DurableClientInput; urls: ManagementUrls } {
  const webhookBase = `${baseUrl}/runtime/webhooks/durabletask`;
  const urls = managementUrls(webhookBase, taskHubName, durabletaskKey);
  const clientInput: DurableClientInput = {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?code=${durabletaskKey}`,
      createAndWaitOnNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${durabletaskKey}`,
    },
    managementUrls: urls,
    baseUrl: webhookBase,
    requiredQueryStringParameters: `code=${durabletaskKey}`,
    rpcBaseUrl,
  };
  return { clientInput, urls };
}

/** Input bindings of a function that asks for the durable client. */
export function durableClientInputs(
  fn: RegisteredFunction,
  clientInput: DurableClientInput,
): Record<string, RpcTypedData> {
  const inputs: Record<string, RpcTypedData> = {};
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (
      binding.direction === 'in' &&
      (binding.type === 'durableClient' || binding.type === 'orchestrationClient')
    ) {
      inputs[name] = { string: JSON.stringify(clientInput) };
    }
  }
  return inputs;
}

/** The handle on the engine a host exposes (inputs and outputs as values, JSON inside). */
export function durableHandle(engine: DurableEngine, clientInput: DurableClientInput): DurableHandle {
  return {
    startNew: async (name, opts) =>
      engine.startNew(
        name,
        opts?.instanceId,
        opts?.input === undefined ? undefined : JSON.stringify(opts.input),
      ).instanceId,
    getStatus: (id, opts) => engine.getStatus(id, opts?.showHistory ?? false),
    waitForCompletion: (id, timeoutMs) => engine.waitForCompletion(id, timeoutMs),
    waitForStatus: (id, predicate, timeoutMs) => engine.waitForStatus(id, predicate, timeoutMs),
    raiseEvent: (id, name, data) =>
      engine.raiseEvent(id, name, data === undefined ? undefined : JSON.stringify(data)),
    terminate: (id, reason) => engine.terminate(id, reason),
    listInstances: (query) => engine.listInstances(query),
    signalEntity: (name, k, op, input) =>
      engine.signalEntity(name, k, op, input === undefined ? undefined : JSON.stringify(input)),
    readEntityState: <T>(name: string, k: string) =>
      engine.readEntity(name, k) as { exists: boolean; state: T | undefined },
    clientInput: () => clientInput,
    activeWork: () => engine.activeWork(),
    counters: engine.counters,
  };
}

/**
 * A real `DurableClient` bound to the host, built the way `df.getClient(context)` builds it inside
 * a client function (the `durableClient` input binding value comes from the host).
 */
export function createDurableClient(host: LocalHost): DurableClient {
  const context = new InvocationContext({
    functionName: 'localHostClient',
    options: {
      trigger: { name: 'trigger', type: 'httpTrigger' },
      extraInputs: [{ name: 'starter', type: 'durableClient' }],
    },
  });
  context.extraInputs.set('starter', host.durable.clientInput());
  return getClient(context);
}

/** Durable management links for an instance (what `createCheckStatusResponse` returns). */
export function checkStatusLinks(host: LocalHost, instanceId: string): Record<string, string> {
  return linksFor(host.durable.clientInput().managementUrls, instanceId);
}
