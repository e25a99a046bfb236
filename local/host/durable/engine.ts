/**
 * The durable engine: owns the orchestration instances, runs their episodes (replay → the actions it left open →
 * history) and answers the durable client (start, status, raise, terminate, purge, entities). Its parts live beside
 * it: replay.ts (running the real orchestrator over the history), actions.ts (what an open task becomes), timers.ts,
 * entities.ts and persistence.ts (load and resume after a restart); history.ts holds the shared vocabulary.
 *
 * Over ~400 lines on purpose: the client surface and the episode state machine both change the one instance map,
 * and keeping them in one class keeps every transition of an instance (start, episode, continue-as-new, finish,
 * terminate) readable in one place.
 */
import { randomUUID } from 'node:crypto';
import type { RegisteredFunction } from '../functionsCore';
import { triggerType } from '../invoker';
import { DurableActions } from './actions';
import type { DurableEngineOptions, EngineCore, EngineCounters } from './core';
import { DurableEntities } from './entities';
import {
  ActionType,
  DurableError,
  entityKeyOf,
  errorParts,
  EventType,
  externalEvents,
  failedOutcome,
  historyEvent,
  inputToJson,
  parseJson,
  schedulerIdOf,
  signature,
  TERMINAL,
  unconsumedEvents,
  type EpisodeOutcome,
  type InstanceQuery,
  type OrchestrationStatusJson,
} from './history';
import { DurablePersistence } from './persistence';
import { replay, scheduledIds } from './replay';
import type { HistoryEvent, InstanceRecord, RuntimeStatus } from './store';
import { DurableTimers } from './timers';

export { DurableError, EventType, schedulerIdOf } from './history';
export type { InstanceQuery, OrchestrationStatusJson } from './history';
export type { DurableEngineOptions, EngineCounters } from './core';

/**
 * Runs the registered orchestrators, activities and entities. Every episode re-invokes the real
 * orchestrator function with the whole history in the host's format, so durable-functions' own
 * replay decides what happens; the engine only carries out the tasks the replay leaves open and
 * appends their results as history events.
 */
export class DurableEngine implements EngineCore {
  readonly counters: EngineCounters = {
    episodes: 0,
    activityInvocations: 0,
    entityOperations: 0,
    nondeterminismFailures: 0,
    droppedResults: 0,
    discardedEvents: 0,
  };
  readonly instances = new Map<string, InstanceRecord>();
  private readonly episodeState = new Map<string, { running: boolean; again: boolean }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly waiters = new Set<() => void>();
  private readonly timers: DurableTimers;
  private readonly entities: DurableEntities;
  private readonly actions: DurableActions;
  private readonly persistence: DurablePersistence;
  stopped = false;

  constructor(readonly options: DurableEngineOptions) {
    this.timers = new DurableTimers(this);
    this.entities = new DurableEntities(this);
    this.actions = new DurableActions(this, this.timers, this.entities);
    this.persistence = new DurablePersistence(this, this.actions, this.timers, this.entities);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Loads persisted instances and entities and resumes whatever was in flight. */
  start(): void {
    this.persistence.loadAndResume();
  }

  /** Stops scheduling; results of work still running are discarded (like a host that went down). */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    this.options.store.close();
    this.timers.clear();
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
    if (existing) this.timers.cancelAll(id);
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
    this.track(this.entities.run(schedulerId, operation, inputJson, true)).catch(() => undefined);
  }

  readEntity(name: string, key: string): { exists: boolean; state: unknown } {
    return this.entities.read(name, key);
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

  newExecution(
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

  kick(instanceId: string): void {
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
      outcome = failedOutcome(`The orchestrator function '${record.name}' is not registered.`);
    } else {
      outcome = await replay(this.options.invoker, fn, record, episodeHistory);
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
        outcome = failedOutcome(
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
      this.entities.sendSignals(record, newActions, newSignatures);
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
      this.entities.sendSignals(record, newActions, newSignatures);
      this.timers.cancelAll(record.instanceId);
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
    const alreadyScheduled = scheduledIds(record.history);
    const work: (() => void)[] = [];
    const scheduledEvents: HistoryEvent[] = [];
    for (const [id, task] of [...outcome.openTasks].sort((a, b) => a[0] - b[0])) {
      if (alreadyScheduled.has(id)) continue;
      const planned = this.actions.plan(record, id, task);
      if (!planned) continue;
      scheduledEvents.push(planned.event);
      work.push(planned.start);
    }
    for (const id of outcome.canceledTimerIds) this.timers.cancel(record.instanceId, id);
    record.history.push(...scheduledEvents, this.event(EventType.OrchestratorCompleted));
    record.lastUpdatedTime = new Date(this.options.clock.now()).toISOString();
    this.persist(record);
    this.notifyChange();
    this.entities.sendSignals(record, newActions, newSignatures);
    for (const start of work) start();
  }

  private countDiscarded(record: InstanceRecord, names: string[], why: string): void {
    if (names.length === 0) return;
    this.counters.discardedEvents += names.length;
    this.options.log(
      'info',
      `Instance '${record.instanceId}' ${why}: discarded ${names.length} event(s) (${names.join(', ')}).`,
    );
  }

  finish(record: InstanceRecord, status: RuntimeStatus, outputJson: string): void {
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
    this.timers.cancelAll(record.instanceId);
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
  deliver(instanceId: string, executionId: string, event: HistoryEvent): void {
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

  // ---- entities --------------------------------------------------------------------------------

  // ---- helpers ---------------------------------------------------------------------------------

  findFunction(name: string, trigger: string): RegisteredFunction | undefined {
    const lower = name.toLowerCase();
    for (const fn of this.options.functions().values()) {
      if (fn.metadata.name.toLowerCase() === lower && triggerType(fn) === trigger) return fn;
    }
    return undefined;
  }

  event(type: number, eventId = -1): HistoryEvent {
    return historyEvent(this.options.clock.now(), type, eventId);
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

  persist(record: InstanceRecord): void {
    if (this.stopped) return;
    this.options.store.saveInstance(record);
  }

  track<T>(promise: Promise<T>): Promise<T> {
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
