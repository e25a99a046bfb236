/**
 * Persistence across restarts: the store (one JSON file per instance and per entity) is read back when the host
 * starts, and every unfinished instance gets the work that was scheduled but has no result re-issued — activities
 * run again (at-least-once, as on Azure), timers are re-armed, entity calls re-sent, children started or their end
 * reported again.
 */
import type { DurableActions } from './actions';
import type { EngineCore } from './core';
import type { DurableEntities } from './entities';
import { errorParts, EventType, parseJson, TERMINAL } from './history';
import type { InstanceRecord } from './store';
import type { DurableTimers } from './timers';

export class DurablePersistence {
  constructor(
    private readonly core: EngineCore,
    private readonly actions: DurableActions,
    private readonly timers: DurableTimers,
    private readonly entities: DurableEntities,
  ) {}

  /** Loads persisted instances and entities (skipping unreadable files, logged) and resumes what was in flight. */
  loadAndResume(): void {
    const { store, log } = this.core.options;
    const bad = (file: string, error: unknown) =>
      log('error', `Skipping unreadable state file ${file}: ${errorParts(error).message}`);
    for (const entity of store.loadEntities(bad)) this.entities.load(entity);
    for (const record of store.loadInstances(bad)) this.core.instances.set(record.instanceId, record);
    for (const record of this.core.instances.values()) {
      if (!TERMINAL.includes(record.runtimeStatus)) this.resume(record);
    }
  }

  /** After a restart: re-issue the work that was scheduled but has no result in history or inbox. */
  resume(record: InstanceRecord): void {
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
        this.actions.startActivity(
          record.instanceId,
          record.executionId,
          e.EventId,
          String(e.Name),
          (e.Input as string | null) ?? undefined,
        );
      } else if (e.EventType === EventType.TimerCreated && !completed.has(e.EventId)) {
        this.timers.arm(record.instanceId, record.executionId, e.EventId, String(e.FireAt));
      } else if (e.EventType === EventType.EventSent && e.EventId >= 0) {
        const request = parseJson(e.Input as string) as { id?: string; op?: string; input?: string } | null;
        if (request?.id && !raised.has(request.id)) {
          this.entities.callFrom(
            record.instanceId,
            record.executionId,
            String(e.InstanceId),
            request.id,
            request.op ?? '',
            request.input,
          );
        }
      } else if (e.EventType === EventType.SubOrchestrationInstanceCreated && !completed.has(e.EventId)) {
        const child = this.core.instances.get(String(e.InstanceId));
        if (!child) {
          this.actions.startChild(
            record,
            e.EventId,
            String(e.InstanceId),
            String(e.Name),
            (e.Input as string | null) ?? undefined,
          );
        } else if (TERMINAL.includes(child.runtimeStatus)) {
          const status = child.runtimeStatus;
          child.runtimeStatus = 'Running';
          this.core.finish(child, status, child.output ?? 'null');
        }
      }
    }
    if (record.inbox.length > 0) this.core.kick(record.instanceId);
  }
}
