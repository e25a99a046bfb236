/**
 * What the engine's parts (actions, timers, entities, persistence) see of the engine: its options and counters, the
 * instance map it owns, and the few operations that move an instance on.
 */
import type { RegisteredFunction, RpcTypedData } from '../functionsCore';
import type { HostClock } from '../clock';
import type { FunctionInvoker, HostLog } from '../invoker';
import type { DurableStore, HistoryEvent, InstanceRecord, RuntimeStatus } from './store';

export interface DurableEngineOptions {
  store: DurableStore;
  invoker: FunctionInvoker;
  clock: HostClock;
  functions: () => Map<string, RegisteredFunction>;
  log: HostLog;
  /** Most activities running at once (default 16). */
  maxConcurrentActivities?: number;
  /** Input bindings (e.g. `durableClient`) for activity and entity functions. */
  extraInputsFor?: (fn: RegisteredFunction) => Record<string, RpcTypedData>;
}

export interface EngineCounters {
  episodes: number;
  activityInvocations: number;
  entityOperations: number;
  nondeterminismFailures: number;
  droppedResults: number;
  /**
   * External events an instance threw away: received but never waited for when it completed, failed or
   * continued as new, or accepted while the episode that completed it ran.
   */
  discardedEvents: number;
}

export interface EngineCore {
  readonly options: DurableEngineOptions;
  readonly counters: EngineCounters;
  readonly instances: Map<string, InstanceRecord>;
  /** True once the host stops: results still arriving are discarded. */
  readonly stopped: boolean;
  /** A history event stamped with the host clock. */
  event(type: number, eventId?: number): HistoryEvent;
  findFunction(name: string, trigger: string): RegisteredFunction | undefined;
  /** Appends a completion to the instance's inbox, persists it, and runs the next episode. */
  deliver(instanceId: string, executionId: string, event: HistoryEvent): void;
  /** Counts a promise as running work until it settles (the host's stop waits for it). */
  track<T>(promise: Promise<T>): Promise<T>;
  newExecution(
    instanceId: string,
    name: string,
    inputJson: string | undefined,
    previous?: InstanceRecord,
  ): InstanceRecord;
  persist(record: InstanceRecord): void;
  /** Runs an episode of the instance (again, if one is running). */
  kick(instanceId: string): void;
  finish(record: InstanceRecord, status: RuntimeStatus, outputJson: string): void;
}
