/**
 * Durable entities: one operation at a time per entity, state kept in the store, calls from orchestrations answered
 * with an EventRaised named after the request id, signals (from clients, orchestrations or other entities) fired and
 * forgotten.
 */
import { randomUUID } from 'node:crypto';
import type { EngineCore } from './core';
import {
  ActionType,
  entityKeyOf,
  errorParts,
  EventType,
  parseJson,
  schedulerIdOf,
  type RawAction,
} from './history';
import type { EntityRecord, InstanceRecord } from './store';

export class DurableEntities {
  private readonly entities = new Map<string, EntityRecord>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly core: EngineCore) {}

  /** Takes an entity loaded from the store. */
  load(entity: EntityRecord): void {
    this.entities.set(schedulerIdOf(entity.name, entity.key), entity);
  }

  read(name: string, key: string): { exists: boolean; state: unknown } {
    const record = this.entities.get(schedulerIdOf(name, key));
    if (!record || !record.exists) return { exists: false, state: undefined };
    return { exists: true, state: parseJson(record.state ?? null) };
  }

  callFrom(
    instanceId: string,
    executionId: string,
    target: string,
    requestId: string,
    operation: string,
    inputJson: string | undefined,
  ): void {
    const run = this.run(target, operation, inputJson, false).then(
      (result) => {
        const response: { result?: string; exceptionType?: string } = {};
        if (result.result !== undefined) response.result = result.result;
        if (result.isError) response.exceptionType = 'Error';
        this.core.deliver(instanceId, executionId, {
          ...this.core.event(EventType.EventRaised),
          Name: requestId,
          Input: JSON.stringify(response),
        });
      },
      (error) => {
        const { message } = errorParts(error);
        this.core.deliver(instanceId, executionId, {
          ...this.core.event(EventType.EventRaised),
          Name: requestId,
          Input: JSON.stringify({ result: JSON.stringify(message), exceptionType: 'Error' }),
        });
      },
    );
    this.core.track(run).catch(() => undefined);
  }

  sendSignals(record: InstanceRecord, actions: RawAction[], _signatures: string[]): void {
    for (const action of actions) {
      if (action.actionType !== ActionType.SignalEntity || !action.instanceId) continue;
      const inputJson = action.input === undefined ? undefined : JSON.stringify(action.input);
      this.core
        .track(this.run(action.instanceId, action.operation ?? '', inputJson, true))
        .catch((error) =>
          this.core.options.log(
            'error',
            `Signal from '${record.instanceId}' to ${action.instanceId} failed: ${errorParts(error).message}`,
          ),
        );
    }
  }

  /** Runs one operation on an entity; operations on one entity run one at a time. */
  run(
    schedulerId: string,
    operation: string,
    inputJson: string | undefined,
    isSignal: boolean,
  ): Promise<{ isError: boolean; result?: string }> {
    const previous = this.queues.get(schedulerId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.execute(schedulerId, operation, inputJson, isSignal));
    this.queues.set(schedulerId, next);
    void next
      .finally(() => {
        if (this.queues.get(schedulerId) === next) this.queues.delete(schedulerId);
      })
      .catch(() => undefined);
    return next;
  }

  private async execute(
    schedulerId: string,
    operation: string,
    inputJson: string | undefined,
    isSignal: boolean,
  ): Promise<{ isError: boolean; result?: string }> {
    if (this.core.stopped) throw new Error('The host is stopped.');
    const { name, key } = entityKeyOf(schedulerId);
    const fn = this.core.findFunction(name, 'entitytrigger');
    if (!fn) throw new Error(`No entity function named '${name}' is registered.`);
    const current = this.entities.get(schedulerId);
    const binding = {
      self: { name, key },
      exists: current?.exists ?? false,
      state: current?.exists ? current.state : undefined,
      batch: [{ id: randomUUID(), name: operation, signal: isSignal, input: inputJson }],
    };
    this.core.counters.entityOperations++;
    const { result } = await this.core.options.invoker.invoke(
      fn,
      { string: JSON.stringify(binding) },
      this.core.options.extraInputsFor?.(fn),
    );
    const state = result as {
      entityExists: boolean;
      entityState?: string;
      results: { isError: boolean; result?: string }[];
      signals: { target: { name: string; key: string }; name: string; input?: string }[];
    };
    if (this.core.stopped) throw new Error('The host is stopped.');
    const record: EntityRecord = {
      name,
      key,
      exists: state.entityExists,
      state: state.entityExists ? state.entityState : undefined,
      lastModifiedTime: new Date(this.core.options.clock.now()).toISOString(),
    };
    this.entities.set(schedulerId, record);
    this.core.options.store.saveEntity(schedulerId, record);
    for (const signal of state.signals ?? []) {
      const target = schedulerIdOf(signal.target.name, signal.target.key);
      setImmediate(() => {
        this.core
          .track(this.run(target, signal.name, signal.input === '' ? undefined : signal.input, true))
          .catch((error) =>
            this.core.options.log('error', `Entity signal to ${target} failed: ${errorParts(error).message}`),
          );
      });
    }
    return state.results[0] ?? { isError: false };
  }
}
