/**
 * Actions: turns each task an episode's replay left open into its "scheduled" history event and the work that
 * completes it — an activity run (at most `maxConcurrentActivities` at once), a durable timer, an entity call, a
 * sub-orchestration — or a failure for what the local host does not support (callHttp).
 */
import { randomUUID } from 'node:crypto';
import type { RpcTypedData } from '../functionsCore';
import { fromTypedData } from '../invoker';
import type { EngineCore } from './core';
import type { DurableEntities } from './entities';
import {
  ActionType,
  errorParts,
  EventType,
  inputToJson,
  TERMINAL,
  type LibTask,
  type RawAction,
} from './history';
import type { HistoryEvent, InstanceRecord } from './store';
import type { DurableTimers } from './timers';

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

export class DurableActions {
  private readonly activitySlots: Semaphore;

  constructor(
    private readonly core: EngineCore,
    private readonly timers: DurableTimers,
    private readonly entities: DurableEntities,
  ) {
    this.activitySlots = new Semaphore(core.options.maxConcurrentActivities ?? 16);
  }

  /** Turns one open task into its "scheduled" history event and the work that completes it. */
  plan(
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
        return this.planTimer(record, id, new Date(this.core.options.clock.now() + delay).toISOString());
      }
      action = retry.innerTask.actionObj;
    }
    if (!action) return undefined;
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        return this.planActivity(record, id, action.functionName ?? '', inputToJson(action.input));
      case ActionType.CreateTimer:
        return this.planTimer(
          record,
          id,
          new Date(action.fireAt ?? this.core.options.clock.now()).toISOString(),
        );
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
      ...this.core.event(EventType.TaskScheduled, id),
      Name: name,
      Input: inputJson ?? null,
    };
    return {
      event,
      start: () => this.startActivity(record.instanceId, record.executionId, id, name, inputJson),
    };
  }

  startActivity(
    instanceId: string,
    executionId: string,
    id: number,
    name: string,
    inputJson: string | undefined,
  ): void {
    const run = this.activitySlots.run(async () => {
      if (this.core.stopped) return;
      const fn = this.core.findFunction(name, 'activitytrigger');
      let completion: HistoryEvent;
      if (!fn) {
        completion = {
          ...this.core.event(EventType.TaskFailed),
          TaskScheduledId: id,
          Reason: `The activity function '${name}' is not registered.`,
          Details: `The activity function '${name}' is not registered.`,
        };
      } else {
        this.core.counters.activityInvocations++;
        try {
          const data: RpcTypedData | undefined = inputJson === undefined ? undefined : { string: inputJson };
          const { response, result } = await this.core.options.invoker.invoke(
            fn,
            data,
            this.core.options.extraInputsFor?.(fn),
          );
          const value = response.returnValue !== undefined ? fromTypedData(response.returnValue) : result;
          completion = {
            ...this.core.event(EventType.TaskCompleted),
            TaskScheduledId: id,
            Result: JSON.stringify(value ?? null),
          };
        } catch (error) {
          const { message, details } = errorParts(error);
          completion = {
            ...this.core.event(EventType.TaskFailed),
            TaskScheduledId: id,
            Reason: `Activity function '${name}' failed: ${message}`,
            Details: details,
          };
        }
      }
      this.core.deliver(instanceId, executionId, completion);
    });
    this.core
      .track(run)
      .catch((error) =>
        this.core.options.log('error', `Activity '${name}' crashed the host: ${errorParts(error).details}`),
      );
  }

  private planTimer(record: InstanceRecord, id: number, fireAt: string) {
    const event: HistoryEvent = { ...this.core.event(EventType.TimerCreated, id), FireAt: fireAt };
    return { event, start: () => this.timers.arm(record.instanceId, record.executionId, id, fireAt) };
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
      ...this.core.event(EventType.EventSent, id),
      InstanceId: target,
      Name: 'op',
      Input: JSON.stringify(request),
    };
    return {
      event,
      start: () =>
        this.entities.callFrom(
          record.instanceId,
          record.executionId,
          target,
          requestId,
          action.operation ?? '',
          inputJson,
        ),
    };
  }

  private planSubOrchestration(record: InstanceRecord, id: number, action: RawAction) {
    const childId =
      action.instanceId && action.instanceId.length > 0 ? action.instanceId : `${record.instanceId}:${id}`;
    const name = action.functionName ?? '';
    const inputJson = action.input === undefined ? undefined : JSON.stringify(action.input);
    const event: HistoryEvent = {
      ...this.core.event(EventType.SubOrchestrationInstanceCreated, id),
      Name: name,
      InstanceId: childId,
      Input: inputJson ?? null,
    };
    return { event, start: () => this.startChild(record, id, childId, name, inputJson) };
  }

  startChild(
    parent: InstanceRecord,
    taskId: number,
    childId: string,
    name: string,
    inputJson: string | undefined,
  ): void {
    const fail = (reason: string) =>
      this.core.deliver(parent.instanceId, parent.executionId, {
        ...this.core.event(EventType.SubOrchestrationInstanceFailed),
        TaskScheduledId: taskId,
        Reason: reason,
        Details: reason,
      });
    const fn = this.core.findFunction(name, 'orchestrationtrigger');
    if (!fn) return fail(`The orchestrator function '${name}' is not registered.`);
    const existing = this.core.instances.get(childId);
    if (existing && !TERMINAL.includes(existing.runtimeStatus)) {
      return fail(`An orchestration with instance id '${childId}' is already ${existing.runtimeStatus}.`);
    }
    const child = this.core.newExecution(childId, fn.metadata.name, inputJson);
    child.parent = { instanceId: parent.instanceId, taskScheduledId: taskId };
    this.core.instances.set(childId, child);
    this.core.persist(child);
    this.core.kick(childId);
  }

  private planUnsupported(record: InstanceRecord, id: number, action: RawAction) {
    const what = action.actionType === ActionType.CallHttp ? 'callHttp' : `action type ${action.actionType}`;
    const reason = `${what} is not supported by the local host.`;
    const event: HistoryEvent = { ...this.core.event(EventType.TaskScheduled, id), Name: what, Input: null };
    return {
      event,
      start: () =>
        this.core.deliver(record.instanceId, record.executionId, {
          ...this.core.event(EventType.TaskFailed),
          TaskScheduledId: id,
          Reason: reason,
          Details: reason,
        }),
    };
  }
}
