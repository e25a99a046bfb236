/**
 * The vocabulary the engine shares with durable-functions: history event and action numbering, the shapes of the
 * library's actions and open tasks, what one episode produced, and small pure helpers over instance histories.
 */
import type { HistoryEvent, InstanceRecord, RuntimeStatus } from './store';

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
export const ActionType = {
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

export const TERMINAL: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
export const OUT_OF_PROC_LABEL = '$OutOfProcData$:';

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

export interface RawAction {
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

export interface RetryOptionsLike {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

/** The parts of durable-functions' task objects the engine reads after an episode. */
export interface LibTask {
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

export interface EpisodeOutcome {
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

export function signature(action: RawAction): string {
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

export function flattenActions(actions: unknown): RawAction[] {
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
export function inputToJson(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorParts(error: unknown): { message: string; details: string } {
  if (error instanceof Error) return { message: error.message, details: error.stack ?? error.message };
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return { message: text, details: text };
}

export function entityKeyOf(schedulerId: string): { name: string; key: string } {
  const at = schedulerId.indexOf('@', 1);
  if (!schedulerId.startsWith('@') || at < 0) throw new Error(`Malformed entity id '${schedulerId}'`);
  return { name: schedulerId.slice(1, at), key: schedulerId.slice(at + 1) };
}

/** Request ids of the entity calls an execution made: their responses arrive as `EventRaised` named by the id. */
export function entityRequestIds(record: InstanceRecord): Set<string> {
  const ids = new Set<string>();
  for (const e of record.history) {
    if (e.EventType !== EventType.EventSent || e.EventId < 0) continue;
    const request = parseJson(e.Input as string | null) as { id?: unknown } | null;
    if (request && typeof request.id === 'string') ids.add(request.id);
  }
  return ids;
}

/** The events among `events` raised from outside (through raiseEvent), not responses to the execution's own calls. */
export function externalEvents(record: InstanceRecord, events: HistoryEvent[]): HistoryEvent[] {
  const requests = entityRequestIds(record);
  return events.filter((e) => e.EventType === EventType.EventRaised && !requests.has(String(e.Name)));
}

/** Waits the replay left open, by event name (durable-functions' executor keeps them in `openEvents`). */
export function openWaitsOf(context: unknown): Map<string, number> {
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
export function unconsumedEvents(record: InstanceRecord, outcome: EpisodeOutcome): string[] {
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

/** A history event of `type` stamped with the engine clock's `now`. */
export function historyEvent(now: number, type: number, eventId = -1): HistoryEvent {
  return {
    EventType: type,
    EventId: eventId,
    IsPlayed: false,
    Timestamp: new Date(now).toISOString(),
  };
}

/** The outcome of an episode that failed (or could not run) with `error`. */
export function failedOutcome(error: string): EpisodeOutcome {
  return {
    kind: 'failed',
    error,
    actions: [],
    openTasks: new Map(),
    canceledTimerIds: [],
    openWaits: new Map(),
  };
}
