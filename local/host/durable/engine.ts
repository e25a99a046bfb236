import { randomUUID } from 'node:crypto';
import type { RegisteredFunction, RpcTypedData } from '../functionsCore';
import type { HostClock } from '../clock';
import { fromTypedData, triggerType, type FunctionInvoker, type HostLog } from '../invoker';
import type { DurableStore } from './store';
import { type EntityRecord, type HistoryEvent, type InstanceRecord, type RuntimeStatus } from './store';

/** History event types (the host's numbering, as durable-functions reads them). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
} as const;

/** Action types the orchestrator emits (durable-functions `ActionType`). */
const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const TERMINAL: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
const OUT_OF_PROC_LABEL = '$OutOfProcData$:';

export interface OrchestrationStatusJson {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: HistoryEvent[];
}

export interface InstanceQuery {
  runtimeStatus?: string[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  instanceIdPrefix?: string;
}

export class DurableError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface RawAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  operation?: string;
  externalEventName?: string;
  fireAt?: string | Date;
  isCanceled?: boolean;
  compoundActions?: RawAction[];
  retryOptions?: RetryOptionsLike;
  httpRequest?: { method?: string; uri?: string };
}

interface RetryOptionsLike {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

/** The parts of durable-functions' task objects the engine reads after an episode. */
interface LibTask {
  id: number | string | false;
  actionObj?: RawAction;
  action?: unknown;
  parent?: LibTask & {
    isWaitingOnTimer?: boolean;
    innerTask?: LibTask;
    retryOptions?: RetryOptionsLike;
    attemptNumber?: number;
  };
}

interface EpisodeOutcome {
  kind: 'continue' | 'completed' | 'failed' | 'continuedAsNew';
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  actions: RawAction[];
  openTasks: Map<number, LibTask>;
  canceledTimerIds: number[];
  /** Waits still open at the end of the episode, by event name (read when the instance continues as new). */
  openWaits: Map<string, number>;
}

function signature(action: RawAction): string {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `CallActivity:${action.functionName ?? ''}`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `CallSubOrchestrator:${action.functionName ?? ''}`;
    case ActionType.WaitForExternalEvent:
      return `WaitForExternalEvent:${action.externalEventName ?? ''}`;
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
      return `${action.actionType === ActionType.CallEntity ? 'CallEntity' : 'SignalEntity'}:${action.instanceId ?? ''}:${action.operation ?? ''}`;
    case ActionType.CreateTimer:
      return 'CreateTimer';
    case ActionType.ContinueAsNew:
      return 'ContinueAsNew';
    case ActionType.CallHttp:
      return `CallHttp:${action.httpRequest?.method ?? ''}:${action.httpRequest?.uri ?? ''}`;
    default:
      return `Action${action.actionType}`;
  }
}

function flattenActions(actions: unknown): RawAction[] {
  const out: RawAction[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const action = value as RawAction;
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      visit(action.compoundActions ?? []);
    } else {
      out.push(action);
    }
  };
  visit(actions);
  return out;
}

/** Activity and continue-as-new inputs are JSON-encoded by the library only when they are strings. */
function inputToJson(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorParts(error: unknown): { message: string; details: string } {
  if (error instanceof Error) return { message: error.message, details: error.stack ?? error.message };
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return { message: text, details: text };
}

function entityKeyOf(schedulerId: string): { name: string; key: string } {
  const at = schedulerId.indexOf('@', 1);
  if (!schedulerId.startsWith('@') || at < 0) throw new Error(`Malformed entity id '${schedulerId}'`);
  return { name: schedulerId.slice(1, at), key: schedulerId.slice(at + 1) };
}

/** Request ids of the entity calls an execution made: their responses arrive as `EventRaised` named by the id. */
function entityRequestIds(record: InstanceRecord): Set<string> {
  const ids = new Set<string>();
  for (const e of record.history) {
    if (e.EventType !== EventType.EventSent || e.EventId < 0) continue;
    const request = parseJson(e.Input as string | null) as { id?: unknown } | null;
    if (request && typeof request.id === 'string') ids.add(request.id);
  }
  return ids;
}

/** The events among `events` raised from outside (through raiseEvent), not responses to the execution's own calls. */
function externalEvents(record: InstanceRecord, events: HistoryEvent[]): HistoryEvent[] {
  const requests = entityRequestIds(record);
  return events.filter((e) => e.EventType === EventType.EventRaised && !requests.has(String(e.Name)));
}

/** Waits the replay left open, by event name (durable-functions' executor keeps them in `openEvents`). */
function openWaitsOf(context: unknown): Map<string, number> {
  const executor = (
    context as { df?: { taskOrchestratorExecutor?: { openEvents?: Record<string, unknown[]> } } } | undefined
  )?.df?.taskOrchestratorExecutor;
  const waits = new Map<string, number>();
  for (const [name, tasks] of Object.entries(executor?.openEvents ?? {})) {
    if (Array.isArray(tasks)) waits.set(name, tasks.length);
  }
  return waits;
}

/**
 * External events of the execution's history that no `waitForExternalEvent` took: per name, the events raised
 * beyond the waits that completed (waits the orchestrator scheduled minus those still open). The library keeps
 * such events buffered until a matching wait, or never processes those after the point where the orchestrator
 * finished.
 */
function unconsumedEvents(record: InstanceRecord, outcome: EpisodeOutcome): string[] {
  const taken = new Map<string, number>();
  for (const action of outcome.actions) {
    if (action.actionType !== ActionType.WaitForExternalEvent || !action.externalEventName) continue;
    taken.set(action.externalEventName, (taken.get(action.externalEventName) ?? 0) + 1);
  }
  for (const [name, open] of outcome.openWaits) taken.set(name, (taken.get(name) ?? 0) - open);
  const left: string[] = [];
  for (const event of externalEvents(record, record.history)) {
    const name = String(event.Name);
    const budget = taken.get(name) ?? 0;
    if (budget > 0) taken.set(name, budget - 1);
    else left.push(name);
  }
  return left;
}

export function schedulerIdOf(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

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

/**
 * Runs the registered orchestrators, activities and entities. Every episode re-invokes the real
 * orchestrator function with the whole history in the host's format, so durable-functions' own
 * replay decides what happens; the engine only carries out the tasks the replay leaves open and
 * appends their results as history events.
 */
export class DurableEngine {
  readonly counters: EngineCounters = {
    episodes: 0,
    activityInvocations: 0,
    entityOperations: 0,
    nondeterminismFailures: 0,
    droppedResults: 0,
    discardedEvents: 0,
  };
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly entities = new Map<string, EntityRecord>();
  private readonly episodeState = new Map<string, { running: boolean; again: boolean }>();
  private readonly entityQueues = new Map<string, Promise<unknown>>();
  private readonly timerHandles = new Map<string, Map<number, number>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly waiters = new Set<() => void>();
  private readonly activitySlots: Semaphore;
  private stopped = false;

  constructor(private readonly options: DurableEngineOptions) {
    this.activitySlots = new Semaphore(options.maxConcurrentActivities ?? 16);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Loads persisted instances and entities and resumes whatever was in flight. */
  start(): void {
    const bad = (file: string, error: unknown) =>
      this.options.log('error', `Skipping unreadable state file ${file}: ${errorParts(error).message}`);
    for (const entity of this.options.store.loadEntities(bad)) {
      this.entities.set(schedulerIdOf(entity.name, entity.key), entity);
    }
    for (const record of this.options.store.loadInstances(bad)) {
      this.instances.set(record.instanceId, record);
    }
    for (const record of this.instances.values()) {
      if (!TERMINAL.includes(record.runtimeStatus)) this.resume(record);
    }
  }

  /** Stops scheduling; results of work still running are discarded (like a host that went down). */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    this.options.store.close();
    for (const handles of this.timerHandles.values()) {
      for (const handle of handles.values()) this.options.clock.cancel(handle);
    }
    this.timerHandles.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
    for (const wake of this.waiters) wake();
  }

  // ---- client operations -----------------------------------------------------------------------

  startNew(name: string, instanceId: string | undefined, inputJson: string | undefined): InstanceRecord {
    this.assertRunning();
    const fn = this.findFunction(name, 'orchestrationtrigger');
    if (!fn) {
      throw new DurableError(
        400,
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const id = instanceId && instanceId.length > 0 ? instanceId : randomUUID().replace(/-/g, '');
    if (/[/\\#?]/.test(id) || id.length > 256) throw new DurableError(400, `Invalid instance id '${id}'.`);
    const existing = this.instances.get(id);
    if (existing && !TERMINAL.includes(existing.runtimeStatus)) {
      throw new DurableError(
        409,
        `An orchestration with instance id '${id}' is already ${existing.runtimeStatus}.`,
      );
    }
    if (existing) this.cancelTimers(id);
    const record = this.newExecution(id, fn.metadata.name, inputJson === '' ? undefined : inputJson);
    this.instances.set(id, record);
    this.persist(record);
    this.kick(id);
    return record;
  }

  /**
   * Episodes, activities and entity operations running right now. Zero means nothing moves until a durable timer
   * fires or an event or start request arrives.
   */
  activeWork(): number {
    return this.inFlight.size;
  }

  getStatus(instanceId: string, showHistory = false, showInput = true): OrchestrationStatusJson | undefined {
    const record = this.instances.get(instanceId);
    return record ? this.toStatus(record, showHistory, showInput) : undefined;
  }

  listInstances(query: InstanceQuery = {}): OrchestrationStatusJson[] {
    const statuses = query.runtimeStatus?.map((s) => s.toLowerCase());
    return [...this.instances.values()]
      .filter((r) => !statuses || statuses.includes(r.runtimeStatus.toLowerCase()))
      .filter((r) => !query.createdTimeFrom || new Date(r.createdTime) >= query.createdTimeFrom)
      .filter((r) => !query.createdTimeTo || new Date(r.createdTime) <= query.createdTimeTo)
      .filter((r) => !query.instanceIdPrefix || r.instanceId.startsWith(query.instanceIdPrefix))
      .sort((a, b) => a.createdTime.localeCompare(b.createdTime))
      .map((r) => this.toStatus(r, false, true));
  }

  /** 'notFound' (404), 'gone' (410: the instance has finished) or 'accepted'. */
  raiseEvent(
    instanceId: string,
    eventName: string,
    dataJson: string | undefined,
  ): 'accepted' | 'notFound' | 'gone' {
    this.assertRunning();
    const record = this.instances.get(instanceId);
    if (!record) return 'notFound';
    if (TERMINAL.includes(record.runtimeStatus)) return 'gone';
    this.deliver(record.instanceId, record.executionId, {
      ...this.event(EventType.EventRaised),
      Name: eventName,
      Input: dataJson === undefined || dataJson === '' ? null : dataJson,
    });
    return 'accepted';
  }

  terminate(instanceId: string, reason: string): 'accepted' | 'notFound' | 'gone' {
    this.assertRunning();
    const record = this.instances.get(instanceId);
    if (!record) return 'notFound';
    if (TERMINAL.includes(record.runtimeStatus)) return 'gone';
    record.history.push({ ...this.event(EventType.ExecutionTerminated), Input: JSON.stringify(reason) });
    this.finish(record, 'Terminated', JSON.stringify(reason));
    return 'accepted';
  }

  purge(instanceId: string): boolean {
    const record = this.instances.get(instanceId);
    if (!record) return false;
    if (!TERMINAL.includes(record.runtimeStatus)) {
      throw new DurableError(
        400,
        `Instance '${instanceId}' is ${record.runtimeStatus}; only finished instances can be purged.`,
      );
    }
    this.instances.delete(instanceId);
    this.options.store.deleteInstance(instanceId);
    return true;
  }

  signalEntity(name: string, key: string, operation: string, inputJson: string | undefined): void {
    this.assertRunning();
    const schedulerId = schedulerIdOf(name, key);
    if (!this.findFunction(entityKeyOf(schedulerId).name, 'entitytrigger')) {
      throw new DurableError(400, `No entity function named '${name}' is registered.`);
    }
    this.track(this.runEntityOperation(schedulerId, operation, inputJson, true)).catch(() => undefined);
  }

  readEntity(name: string, key: string): { exists: boolean; state: unknown } {
    const record = this.entities.get(schedulerIdOf(name, key));
    if (!record || !record.exists) return { exists: false, state: undefined };
    return { exists: true, state: parseJson(record.state ?? null) };
  }

  /** Resolves with the status once the instance is Completed, Failed or Terminated. */
  async waitForCompletion(instanceId: string, timeoutMs = 30000): Promise<OrchestrationStatusJson> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.getStatus(instanceId);
      if (status && TERMINAL.includes(status.runtimeStatus)) return status;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.stopped) {
        throw new Error(
          `Instance '${instanceId}' did not finish within ${timeoutMs} ms (status: ${status?.runtimeStatus ?? 'not found'}, custom status: ${JSON.stringify(status?.customStatus ?? null)}).`,
        );
      }
      await this.nextChange(remaining);
    }
  }

  /** Resolves when `predicate` holds for the instance's status (checked after every change). */
  async waitForStatus(
    instanceId: string,
    predicate: (status: OrchestrationStatusJson | undefined) => boolean,
    timeoutMs = 30000,
  ): Promise<OrchestrationStatusJson | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.getStatus(instanceId);
      if (predicate(status)) return status;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.stopped) {
        throw new Error(
          `Instance '${instanceId}' did not reach the expected state within ${timeoutMs} ms (status: ${status?.runtimeStatus ?? 'not found'}).`,
        );
      }
      // Re-check on every change, and now and then for predicates that look outside the engine.
      await this.nextChange(Math.min(remaining, 50));
    }
  }

  // ---- episodes --------------------------------------------------------------------------------

  private newExecution(
    instanceId: string,
    name: string,
    inputJson: string | undefined,
    previous?: InstanceRecord,
  ): InstanceRecord {
    const now = new Date(this.options.clock.now()).toISOString();
    const executionId = randomUUID().replace(/-/g, '');
    return {
      instanceId,
      executionId,
      name,
      runtimeStatus: 'Pending',
      input: inputJson ?? null,
      output: null,
      customStatus: previous?.customStatus ?? null,
      createdTime: previous?.createdTime ?? now,
      lastUpdatedTime: now,
      history: [],
      inbox: [
        {
          ...this.event(EventType.ExecutionStarted),
          Name: name,
          Input: inputJson ?? null,
          OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
          ParentInstance: previous?.parent
            ? { OrchestrationInstance: { InstanceId: previous.parent.instanceId } }
            : null,
        },
      ],
      actions: [],
      parent: previous?.parent,
    };
  }

  private kick(instanceId: string): void {
    if (this.stopped) return;
    let state = this.episodeState.get(instanceId);
    if (!state) {
      state = { running: false, again: false };
      this.episodeState.set(instanceId, state);
    }
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    const run = async () => {
      try {
        do {
          state.again = false;
          await this.runEpisode(instanceId);
        } while (state.again && !this.stopped);
      } finally {
        state.running = false;
      }
    };
    this.track(run()).catch((error) =>
      this.options.log('error', `Episode of '${instanceId}' crashed: ${errorParts(error).details}`),
    );
  }

  private async runEpisode(instanceId: string): Promise<void> {
    const record = this.instances.get(instanceId);
    if (!record || TERMINAL.includes(record.runtimeStatus) || this.stopped) return;
    if (record.inbox.length === 0) return;
    const fn = this.findFunction(record.name, 'orchestrationtrigger');
    const executionId = record.executionId;
    const newEvents = record.inbox;
    record.inbox = [];
    record.runtimeStatus = 'Running';
    const started: HistoryEvent = { ...this.event(EventType.OrchestratorStarted) };
    const past = record.history.map((e) => ({ ...e, IsPlayed: true }));
    const episodeHistory = [...past, started, ...newEvents.map((e) => ({ ...e, IsPlayed: false }))];
    this.counters.episodes++;

    let outcome: EpisodeOutcome;
    if (!fn) {
      outcome = this.failedOutcome(`The orchestrator function '${record.name}' is not registered.`);
    } else {
      outcome = await this.replay(fn, record, episodeHistory);
    }
    // The instance may have been terminated or restarted while the orchestrator ran.
    const current = this.instances.get(instanceId);
    if (
      this.stopped ||
      current !== record ||
      record.executionId !== executionId ||
      TERMINAL.includes(record.runtimeStatus)
    ) {
      return;
    }

    // Nondeterminism check: replayed actions must match what was recorded, by position.
    const signatures = outcome.actions.map(signature);
    const known = record.actions;
    for (let i = 0; i < Math.min(known.length, signatures.length); i++) {
      if (known[i] !== signatures[i]) {
        this.counters.nondeterminismFailures++;
        outcome = this.failedOutcome(
          `Non-deterministic workflow detected: action #${i} was '${known[i]}' in history but the orchestrator now produced '${signatures[i]}'.`,
        );
        break;
      }
    }

    record.history = [...record.history, started, ...newEvents];
    if (outcome.customStatus !== undefined) record.customStatus = JSON.stringify(outcome.customStatus);

    // This episode's new work: the actions the replay produced beyond those already recorded.
    const newSignatures = signatures.slice(known.length);
    const newActions = outcome.actions.slice(known.length);

    if (outcome.kind === 'failed' || outcome.kind === 'completed') {
      // The extension schedules the actions of the last episode before it records the end (the orchestrator's
      // fire-and-forget messages go out with the completion), so entity signals issued in the episode that
      // completes or fails the instance are still delivered.
      this.sendSignals(record, newActions, newSignatures);
      const status = outcome.kind === 'failed' ? 'Failed' : 'Completed';
      // Events it received but never waited for end with it.
      this.countDiscarded(
        record,
        unconsumedEvents(record, outcome),
        `${status.toLowerCase()} without reading them`,
      );
      const result =
        outcome.kind === 'failed' ? (outcome.error ?? null) : JSON.stringify(outcome.output ?? null);
      record.history.push(this.event(EventType.OrchestratorCompleted), {
        ...this.event(EventType.ExecutionCompleted),
        OrchestrationStatus: status,
        Result: result,
      });
      this.finish(
        record,
        status,
        outcome.kind === 'failed'
          ? JSON.stringify(outcome.error ?? 'Orchestrator failed')
          : (result ?? 'null'),
      );
      return;
    }

    record.actions = signatures.length > known.length ? signatures : known;

    if (outcome.kind === 'continuedAsNew') {
      const action = outcome.actions.find((a) => a.actionType === ActionType.ContinueAsNew);
      this.sendSignals(record, newActions, newSignatures);
      this.cancelTimers(record.instanceId);
      // Events this generation received but no waitForExternalEvent took are gone with its history:
      // durable-functions sends continueAsNew without "preserve unprocessed events".
      this.countDiscarded(record, unconsumedEvents(record, outcome), 'continued as new');
      // Events raised while this episode ran were not part of it. They target the instance, not the execution,
      // so the next generation receives them (completions of activities, timers and entity calls stay behind).
      const carried = externalEvents(record, record.inbox);
      const next = this.newExecution(record.instanceId, record.name, inputToJson(action?.input), record);
      next.runtimeStatus = 'Running';
      next.inbox.push(...carried);
      this.instances.set(record.instanceId, next);
      this.persist(next);
      this.notifyChange();
      this.kick(record.instanceId);
      return;
    }

    // Carry out the tasks the replay left open and not yet scheduled.
    const scheduledIds = this.scheduledIds(record.history);
    const work: (() => void)[] = [];
    const scheduledEvents: HistoryEvent[] = [];
    for (const [id, task] of [...outcome.openTasks].sort((a, b) => a[0] - b[0])) {
      if (scheduledIds.has(id)) continue;
      const planned = this.planTask(record, id, task);
      if (!planned) continue;
      scheduledEvents.push(planned.event);
      work.push(planned.start);
    }
    for (const id of outcome.canceledTimerIds) this.cancelTimer(record.instanceId, id);
    record.history.push(...scheduledEvents, this.event(EventType.OrchestratorCompleted));
    record.lastUpdatedTime = new Date(this.options.clock.now()).toISOString();
    this.persist(record);
    this.notifyChange();
    this.sendSignals(record, newActions, newSignatures);
    for (const start of work) start();
  }

  private failedOutcome(error: string): EpisodeOutcome {
    return {
      kind: 'failed',
      error,
      actions: [],
      openTasks: new Map(),
      canceledTimerIds: [],
      openWaits: new Map(),
    };
  }

  private countDiscarded(record: InstanceRecord, names: string[], why: string): void {
    if (names.length === 0) return;
    this.counters.discardedEvents += names.length;
    this.options.log(
      'info',
      `Instance '${record.instanceId}' ${why}: discarded ${names.length} event(s) (${names.join(', ')}).`,
    );
  }

  private async replay(
    fn: RegisteredFunction,
    record: InstanceRecord,
    history: HistoryEvent[],
  ): Promise<EpisodeOutcome> {
    const bindingInfo = {
      history,
      input: parseJson(record.input) ?? undefined,
      instanceId: record.instanceId,
      isReplaying: record.history.length > 0,
      parentInstanceId: record.parent?.instanceId,
      upperSchemaVersion: 3,
      maximumShortTimerDuration: '6.00:00:00',
      longRunningTimerIntervalDuration: '3.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    let state: {
      isDone?: boolean;
      actions?: unknown;
      output?: unknown;
      customStatus?: unknown;
      error?: string;
    };
    let context: unknown;
    try {
      const invocation = await this.options.invoker.invoke(fn, { string: JSON.stringify(bindingInfo) });
      context = invocation.context;
      state = (fromTypedData(invocation.response.returnValue) ?? invocation.result) as typeof state;
    } catch (error) {
      const message = errorParts(error).message;
      const at = message.indexOf(OUT_OF_PROC_LABEL);
      if (at >= 0) {
        try {
          const failed = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as typeof state;
          const outcome = this.failedOutcome(failed.error ?? 'Orchestrator function failed');
          outcome.customStatus = failed.customStatus;
          outcome.actions = flattenActions(failed.actions);
          return outcome;
        } catch {
          /* fall through */
        }
      }
      return this.failedOutcome(message);
    }
    const actions = flattenActions(state.actions);
    if (state.isDone) {
      const continued = actions.some((a) => a.actionType === ActionType.ContinueAsNew);
      return {
        kind: continued ? 'continuedAsNew' : 'completed',
        output: state.output,
        customStatus: state.customStatus,
        actions,
        openTasks: new Map(),
        canceledTimerIds: [],
        openWaits: openWaitsOf(context),
      };
    }
    try {
      const { openTasks, canceledTimerIds } = this.inspectOpenTasks(context);
      return {
        kind: 'continue',
        customStatus: state.customStatus,
        actions,
        openTasks,
        canceledTimerIds,
        openWaits: new Map(),
      };
    } catch (error) {
      return this.failedOutcome(errorParts(error).message);
    }
  }

  /**
   * Reads the tasks durable-functions' executor still waits for, keyed by their sequence id. The
   * library assigns those ids (including the extra ones a retry policy uses for its back-off timer
   * and each new attempt), so reading them keeps the engine's events in step with its replay.
   */
  private inspectOpenTasks(context: unknown): {
    openTasks: Map<number, LibTask>;
    canceledTimerIds: number[];
  } {
    const executor = (
      context as { df?: { taskOrchestratorExecutor?: { openTasks?: Record<string, LibTask> } } } | undefined
    )?.df?.taskOrchestratorExecutor;
    if (!executor?.openTasks) {
      throw new Error(
        'This durable-functions version does not expose the orchestration executor the local host reads.',
      );
    }
    const openTasks = new Map<number, LibTask>();
    const canceledTimerIds: number[] = [];
    for (const [key, task] of Object.entries(executor.openTasks)) {
      const id = Number(key);
      if (!Number.isInteger(id)) continue;
      if (task.actionObj?.actionType === ActionType.CreateTimer && task.actionObj.isCanceled) {
        canceledTimerIds.push(id);
        continue;
      }
      openTasks.set(id, task);
    }
    return { openTasks, canceledTimerIds };
  }

  private scheduledIds(history: HistoryEvent[]): Set<number> {
    const ids = new Set<number>();
    for (const e of history) {
      if (
        e.EventType === EventType.TaskScheduled ||
        e.EventType === EventType.TimerCreated ||
        e.EventType === EventType.SubOrchestrationInstanceCreated ||
        (e.EventType === EventType.EventSent && e.EventId >= 0)
      ) {
        ids.add(e.EventId);
      }
    }
    return ids;
  }

  /** Turns one open task into its "scheduled" history event and the work that completes it. */
  private planTask(
    record: InstanceRecord,
    id: number,
    task: LibTask,
  ): { event: HistoryEvent; start: () => void } | undefined {
    let action = task.actionObj;
    if (task.action === 'noOp') {
      const retry = task.parent;
      if (!retry?.retryOptions || !retry.innerTask?.actionObj) return undefined;
      if (retry.isWaitingOnTimer) {
        const options = retry.retryOptions;
        const failedAttempt = (retry.attemptNumber ?? 2) - 1;
        let delay =
          options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (failedAttempt - 1);
        if (options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0) {
          delay = Math.min(delay, options.maxRetryIntervalInMilliseconds);
        }
        return this.planTimer(record, id, new Date(this.options.clock.now() + delay).toISOString());
      }
      action = retry.innerTask.actionObj;
    }
    if (!action) return undefined;
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        return this.planActivity(record, id, action.functionName ?? '', inputToJson(action.input));
      case ActionType.CreateTimer:
        return this.planTimer(record, id, new Date(action.fireAt ?? this.options.clock.now()).toISOString());
      case ActionType.CallEntity:
        return this.planEntityCall(record, id, action);
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        return this.planSubOrchestration(record, id, action);
      default:
        return this.planUnsupported(record, id, action);
    }
  }

  private planActivity(record: InstanceRecord, id: number, name: string, inputJson: string | undefined) {
    const event: HistoryEvent = {
      ...this.event(EventType.TaskScheduled, id),
      Name: name,
      Input: inputJson ?? null,
    };
    return {
      event,
      start: () => this.startActivity(record.instanceId, record.executionId, id, name, inputJson),
    };
  }

  private startActivity(
    instanceId: string,
    executionId: string,
    id: number,
    name: string,
    inputJson: string | undefined,
  ): void {
    const run = this.activitySlots.run(async () => {
      if (this.stopped) return;
      const fn = this.findFunction(name, 'activitytrigger');
      let completion: HistoryEvent;
      if (!fn) {
        completion = {
          ...this.event(EventType.TaskFailed),
          TaskScheduledId: id,
          Reason: `The activity function '${name}' is not registered.`,
          Details: `The activity function '${name}' is not registered.`,
        };
      } else {
        this.counters.activityInvocations++;
        try {
          const data: RpcTypedData | undefined = inputJson === undefined ? undefined : { string: inputJson };
          const { response, result } = await this.options.invoker.invoke(
            fn,
            data,
            this.options.extraInputsFor?.(fn),
          );
          const value = response.returnValue !== undefined ? fromTypedData(response.returnValue) : result;
          completion = {
            ...this.event(EventType.TaskCompleted),
            TaskScheduledId: id,
            Result: JSON.stringify(value ?? null),
          };
        } catch (error) {
          const { message, details } = errorParts(error);
          completion = {
            ...this.event(EventType.TaskFailed),
            TaskScheduledId: id,
            Reason: `Activity function '${name}' failed: ${message}`,
            Details: details,
          };
        }
      }
      this.deliver(instanceId, executionId, completion);
    });
    this.track(run).catch((error) =>
      this.options.log('error', `Activity '${name}' crashed the host: ${errorParts(error).details}`),
    );
  }

  private planTimer(record: InstanceRecord, id: number, fireAt: string) {
    const event: HistoryEvent = { ...this.event(EventType.TimerCreated, id), FireAt: fireAt };
    return { event, start: () => this.armTimer(record.instanceId, record.executionId, id, fireAt) };
  }

  private armTimer(instanceId: string, executionId: string, id: number, fireAt: string): void {
    let handles = this.timerHandles.get(instanceId);
    if (!handles) {
      handles = new Map();
      this.timerHandles.set(instanceId, handles);
    }
    const handle = this.options.clock.schedule(new Date(fireAt).getTime(), () => {
      handles.delete(id);
      this.deliver(instanceId, executionId, {
        ...this.event(EventType.TimerFired),
        TimerId: id,
        FireAt: fireAt,
      });
    });
    handles.set(id, handle);
  }

  private cancelTimer(instanceId: string, id: number): void {
    const handles = this.timerHandles.get(instanceId);
    const handle = handles?.get(id);
    if (handle !== undefined) {
      this.options.clock.cancel(handle);
      handles?.delete(id);
    }
  }

  private cancelTimers(instanceId: string): void {
    for (const handle of this.timerHandles.get(instanceId)?.values() ?? []) this.options.clock.cancel(handle);
    this.timerHandles.delete(instanceId);
  }

  private planEntityCall(record: InstanceRecord, id: number, action: RawAction) {
    const requestId = randomUUID();
    const target = action.instanceId ?? '';
    const inputJson = action.input === undefined ? undefined : JSON.stringify(action.input);
    const request = {
      id: requestId,
      op: action.operation,
      signal: false,
      input: inputJson,
      parent: record.instanceId,
    };
    const event: HistoryEvent = {
      ...this.event(EventType.EventSent, id),
      InstanceId: target,
      Name: 'op',
      Input: JSON.stringify(request),
    };
    return {
      event,
      start: () =>
        this.startEntityCall(
          record.instanceId,
          record.executionId,
          target,
          requestId,
          action.operation ?? '',
          inputJson,
        ),
    };
  }

  private startEntityCall(
    instanceId: string,
    executionId: string,
    target: string,
    requestId: string,
    operation: string,
    inputJson: string | undefined,
  ): void {
    const run = this.runEntityOperation(target, operation, inputJson, false).then(
      (result) => {
        const response: { result?: string; exceptionType?: string } = {};
        if (result.result !== undefined) response.result = result.result;
        if (result.isError) response.exceptionType = 'Error';
        this.deliver(instanceId, executionId, {
          ...this.event(EventType.EventRaised),
          Name: requestId,
          Input: JSON.stringify(response),
        });
      },
      (error) => {
        const { message } = errorParts(error);
        this.deliver(instanceId, executionId, {
          ...this.event(EventType.EventRaised),
          Name: requestId,
          Input: JSON.stringify({ result: JSON.stringify(message), exceptionType: 'Error' }),
        });
      },
    );
    this.track(run).catch(() => undefined);
  }

  private sendSignals(record: InstanceRecord, actions: RawAction[], _signatures: string[]): void {
    for (const action of actions) {
      if (action.actionType !== ActionType.SignalEntity || !action.instanceId) continue;
      const inputJson = action.input === undefined ? undefined : JSON.stringify(action.input);
      this.track(this.runEntityOperation(action.instanceId, action.operation ?? '', inputJson, true)).catch(
        (error) =>
          this.options.log(
            'error',
            `Signal from '${record.instanceId}' to ${action.instanceId} failed: ${errorParts(error).message}`,
          ),
      );
    }
  }

  private planSubOrchestration(record: InstanceRecord, id: number, action: RawAction) {
    const childId =
      action.instanceId && action.instanceId.length > 0 ? action.instanceId : `${record.instanceId}:${id}`;
    const name = action.functionName ?? '';
    const inputJson = action.input === undefined ? undefined : JSON.stringify(action.input);
    const event: HistoryEvent = {
      ...this.event(EventType.SubOrchestrationInstanceCreated, id),
      Name: name,
      InstanceId: childId,
      Input: inputJson ?? null,
    };
    return { event, start: () => this.startChild(record, id, childId, name, inputJson) };
  }

  private startChild(
    parent: InstanceRecord,
    taskId: number,
    childId: string,
    name: string,
    inputJson: string | undefined,
  ): void {
    const fail = (reason: string) =>
      this.deliver(parent.instanceId, parent.executionId, {
        ...this.event(EventType.SubOrchestrationInstanceFailed),
        TaskScheduledId: taskId,
        Reason: reason,
        Details: reason,
      });
    const fn = this.findFunction(name, 'orchestrationtrigger');
    if (!fn) return fail(`The orchestrator function '${name}' is not registered.`);
    const existing = this.instances.get(childId);
    if (existing && !TERMINAL.includes(existing.runtimeStatus)) {
      return fail(`An orchestration with instance id '${childId}' is already ${existing.runtimeStatus}.`);
    }
    const child = this.newExecution(childId, fn.metadata.name, inputJson);
    child.parent = { instanceId: parent.instanceId, taskScheduledId: taskId };
    this.instances.set(childId, child);
    this.persist(child);
    this.kick(childId);
  }

  private planUnsupported(record: InstanceRecord, id: number, action: RawAction) {
    const what = action.actionType === ActionType.CallHttp ? 'callHttp' : `action type ${action.actionType}`;
    const reason = `${what} is not supported by the local host.`;
    const event: HistoryEvent = { ...this.event(EventType.TaskScheduled, id), Name: what, Input: null };
    return {
      event,
      start: () =>
        this.deliver(record.instanceId, record.executionId, {
          ...this.event(EventType.TaskFailed),
          TaskScheduledId: id,
          Reason: reason,
          Details: reason,
        }),
    };
  }

  private finish(record: InstanceRecord, status: RuntimeStatus, outputJson: string): void {
    // Events accepted while the last episode ran find the instance finished: the extension drops them.
    this.countDiscarded(
      record,
      externalEvents(record, record.inbox).map((e) => String(e.Name)),
      `${status.toLowerCase()} before it read them`,
    );
    record.runtimeStatus = status;
    record.output = outputJson;
    record.inbox = [];
    record.lastUpdatedTime = new Date(this.options.clock.now()).toISOString();
    this.cancelTimers(record.instanceId);
    this.persist(record);
    this.notifyChange();
    if (record.parent) {
      const parent = this.instances.get(record.parent.instanceId);
      if (parent && !TERMINAL.includes(parent.runtimeStatus)) {
        const taskId = record.parent.taskScheduledId;
        const done = this.completionOfChild(parent, taskId);
        if (!done) {
          const event: HistoryEvent =
            status === 'Completed'
              ? {
                  ...this.event(EventType.SubOrchestrationInstanceCompleted),
                  TaskScheduledId: taskId,
                  Result: outputJson,
                }
              : {
                  ...this.event(EventType.SubOrchestrationInstanceFailed),
                  TaskScheduledId: taskId,
                  Reason: `Sub-orchestration '${record.name}' (${record.instanceId}) ${status.toLowerCase()}: ${String(parseJson(outputJson))}`,
                  Details: outputJson,
                };
          this.deliver(parent.instanceId, parent.executionId, event);
        }
      }
    }
  }

  private completionOfChild(parent: InstanceRecord, taskId: number): boolean {
    return [...parent.history, ...parent.inbox].some(
      (e) =>
        (e.EventType === EventType.SubOrchestrationInstanceCompleted ||
          e.EventType === EventType.SubOrchestrationInstanceFailed) &&
        e.TaskScheduledId === taskId,
    );
  }

  /** Appends a completion to the instance's inbox, persists it, and runs the next episode. */
  private deliver(instanceId: string, executionId: string, event: HistoryEvent): void {
    const record = this.instances.get(instanceId);
    if (
      this.stopped ||
      !record ||
      record.executionId !== executionId ||
      TERMINAL.includes(record.runtimeStatus)
    ) {
      this.counters.droppedResults++;
      return;
    }
    record.inbox.push(event);
    record.lastUpdatedTime = new Date(this.options.clock.now()).toISOString();
    this.persist(record);
    this.kick(instanceId);
  }

  /** After a restart: re-issue the work that was scheduled but has no result in history or inbox. */
  private resume(record: InstanceRecord): void {
    const all = [...record.history, ...record.inbox];
    const completed = new Set<number>();
    const raised = new Set<string>();
    for (const e of all) {
      if (
        e.EventType === EventType.TaskCompleted ||
        e.EventType === EventType.TaskFailed ||
        e.EventType === EventType.SubOrchestrationInstanceCompleted ||
        e.EventType === EventType.SubOrchestrationInstanceFailed
      ) {
        completed.add(e.TaskScheduledId as number);
      }
      if (e.EventType === EventType.TimerFired) completed.add(e.TimerId as number);
      if (e.EventType === EventType.EventRaised) raised.add(String(e.Name));
    }
    for (const e of record.history) {
      if (e.EventType === EventType.TaskScheduled && !completed.has(e.EventId)) {
        this.startActivity(
          record.instanceId,
          record.executionId,
          e.EventId,
          String(e.Name),
          (e.Input as string | null) ?? undefined,
        );
      } else if (e.EventType === EventType.TimerCreated && !completed.has(e.EventId)) {
        this.armTimer(record.instanceId, record.executionId, e.EventId, String(e.FireAt));
      } else if (e.EventType === EventType.EventSent && e.EventId >= 0) {
        const request = parseJson(e.Input as string) as { id?: string; op?: string; input?: string } | null;
        if (request?.id && !raised.has(request.id)) {
          this.startEntityCall(
            record.instanceId,
            record.executionId,
            String(e.InstanceId),
            request.id,
            request.op ?? '',
            request.input,
          );
        }
      } else if (e.EventType === EventType.SubOrchestrationInstanceCreated && !completed.has(e.EventId)) {
        const child = this.instances.get(String(e.InstanceId));
        if (!child) {
          this.startChild(
            record,
            e.EventId,
            String(e.InstanceId),
            String(e.Name),
            (e.Input as string | null) ?? undefined,
          );
        } else if (TERMINAL.includes(child.runtimeStatus)) {
          const status = child.runtimeStatus;
          child.runtimeStatus = 'Running';
          this.finish(child, status, child.output ?? 'null');
        }
      }
    }
    if (record.inbox.length > 0) this.kick(record.instanceId);
  }

  // ---- entities --------------------------------------------------------------------------------

  /** Runs one operation on an entity; operations on one entity run one at a time. */
  private runEntityOperation(
    schedulerId: string,
    operation: string,
    inputJson: string | undefined,
    isSignal: boolean,
  ): Promise<{ isError: boolean; result?: string }> {
    const previous = this.entityQueues.get(schedulerId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.executeEntityOperation(schedulerId, operation, inputJson, isSignal));
    this.entityQueues.set(schedulerId, next);
    void next
      .finally(() => {
        if (this.entityQueues.get(schedulerId) === next) this.entityQueues.delete(schedulerId);
      })
      .catch(() => undefined);
    return next;
  }

  private async executeEntityOperation(
    schedulerId: string,
    operation: string,
    inputJson: string | undefined,
    isSignal: boolean,
  ): Promise<{ isError: boolean; result?: string }> {
    if (this.stopped) throw new Error('The host is stopped.');
    const { name, key } = entityKeyOf(schedulerId);
    const fn = this.findFunction(name, 'entitytrigger');
    if (!fn) throw new Error(`No entity function named '${name}' is registered.`);
    const current = this.entities.get(schedulerId);
    const binding = {
      self: { name, key },
      exists: current?.exists ?? false,
      state: current?.exists ? current.state : undefined,
      batch: [{ id: randomUUID(), name: operation, signal: isSignal, input: inputJson }],
    };
    this.counters.entityOperations++;
    const { result } = await this.options.invoker.invoke(
      fn,
      { string: JSON.stringify(binding) },
      this.options.extraInputsFor?.(fn),
    );
    const state = result as {
      entityExists: boolean;
      entityState?: string;
      results: { isError: boolean; result?: string }[];
      signals: { target: { name: string; key: string }; name: string; input?: string }[];
    };
    if (this.stopped) throw new Error('The host is stopped.');
    const record: EntityRecord = {
      name,
      key,
      exists: state.entityExists,
      state: state.entityExists ? state.entityState : undefined,
      lastModifiedTime: new Date(this.options.clock.now()).toISOString(),
    };
    this.entities.set(schedulerId, record);
    this.options.store.saveEntity(schedulerId, record);
    for (const signal of state.signals ?? []) {
      const target = schedulerIdOf(signal.target.name, signal.target.key);
      setImmediate(() => {
        this.track(
          this.runEntityOperation(target, signal.name, signal.input === '' ? undefined : signal.input, true),
        ).catch((error) =>
          this.options.log('error', `Entity signal to ${target} failed: ${errorParts(error).message}`),
        );
      });
    }
    return state.results[0] ?? { isError: false };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private findFunction(name: string, trigger: string): RegisteredFunction | undefined {
    const lower = name.toLowerCase();
    for (const fn of this.options.functions().values()) {
      if (fn.metadata.name.toLowerCase() === lower && triggerType(fn) === trigger) return fn;
    }
    return undefined;
  }

  private event(type: number, eventId = -1): HistoryEvent {
    return {
      EventType: type,
      EventId: eventId,
      IsPlayed: false,
      Timestamp: new Date(this.options.clock.now()).toISOString(),
    };
  }

  private toStatus(
    record: InstanceRecord,
    showHistory: boolean,
    showInput: boolean,
  ): OrchestrationStatusJson {
    const status: OrchestrationStatusJson = {
      name: record.name,
      instanceId: record.instanceId,
      runtimeStatus: record.runtimeStatus,
      input: showInput ? parseJson(record.input) : null,
      customStatus: parseJson(record.customStatus),
      output: parseJson(record.output),
      createdTime: record.createdTime,
      lastUpdatedTime: record.lastUpdatedTime,
    };
    if (showHistory) status.historyEvents = record.history.map((e) => ({ ...e }));
    return status;
  }

  private persist(record: InstanceRecord): void {
    if (this.stopped) return;
    this.options.store.saveInstance(record);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private notifyChange(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      const waiters = this.waiters;
      waiters.add(done);
    });
  }

  private assertRunning(): void {
    if (this.stopped) throw new DurableError(503, 'The host is stopped.');
  }
}
