/**
 * Replay: one episode re-invokes the real orchestrator function with the whole history in the host's format, so
 * durable-functions' own replay decides what happens; this reads back what it produced (actions, the tasks it still
 * waits for, its output or error).
 */
import type { RegisteredFunction } from '../functionsCore';
import { fromTypedData, type FunctionInvoker } from '../invoker';
import {
  ActionType,
  errorParts,
  EventType,
  failedOutcome,
  flattenActions,
  OUT_OF_PROC_LABEL,
  openWaitsOf,
  parseJson,
  type EpisodeOutcome,
  type LibTask,
} from './history';
import type { HistoryEvent, InstanceRecord } from './store';

export async function replay(
  invoker: FunctionInvoker,
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
    const invocation = await invoker.invoke(fn, { string: JSON.stringify(bindingInfo) });
    context = invocation.context;
    state = (fromTypedData(invocation.response.returnValue) ?? invocation.result) as typeof state;
  } catch (error) {
    const message = errorParts(error).message;
    const at = message.indexOf(OUT_OF_PROC_LABEL);
    if (at >= 0) {
      try {
        const failed = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as typeof state;
        const outcome = failedOutcome(failed.error ?? 'Orchestrator function failed');
        outcome.customStatus = failed.customStatus;
        outcome.actions = flattenActions(failed.actions);
        return outcome;
      } catch {
        /* fall through */
      }
    }
    return failedOutcome(message);
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
    const { openTasks, canceledTimerIds } = inspectOpenTasks(context);
    return {
      kind: 'continue',
      customStatus: state.customStatus,
      actions,
      openTasks,
      canceledTimerIds,
      openWaits: new Map(),
    };
  } catch (error) {
    return failedOutcome(errorParts(error).message);
  }
}

/**
 * Reads the tasks durable-functions' executor still waits for, keyed by their sequence id. The
 * library assigns those ids (including the extra ones a retry policy uses for its back-off timer
 * and each new attempt), so reading them keeps the engine's events in step with its replay.
 */
function inspectOpenTasks(context: unknown): {
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

/** Task ids that already have their "scheduled" event in the history. */
export function scheduledIds(history: HistoryEvent[]): Set<number> {
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
