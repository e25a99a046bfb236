/**
 * Durable timers on the host clock: armed when an orchestrator's timer is scheduled (or found pending after a
 * restart), firing a TimerFired event into the instance; cancelled when the orchestrator cancels the timer or the
 * instance ends.
 */
import type { EngineCore } from './core';
import { EventType } from './history';

export class DurableTimers {
  private readonly handles = new Map<string, Map<number, number>>();

  constructor(private readonly core: EngineCore) {}

  arm(instanceId: string, executionId: string, id: number, fireAt: string): void {
    let handles = this.handles.get(instanceId);
    if (!handles) {
      handles = new Map();
      this.handles.set(instanceId, handles);
    }
    const handle = this.core.options.clock.schedule(new Date(fireAt).getTime(), () => {
      handles.delete(id);
      this.core.deliver(instanceId, executionId, {
        ...this.core.event(EventType.TimerFired),
        TimerId: id,
        FireAt: fireAt,
      });
    });
    handles.set(id, handle);
  }

  cancel(instanceId: string, id: number): void {
    const handles = this.handles.get(instanceId);
    const handle = handles?.get(id);
    if (handle !== undefined) {
      this.core.options.clock.cancel(handle);
      handles?.delete(id);
    }
  }

  cancelAll(instanceId: string): void {
    for (const handle of this.handles.get(instanceId)?.values() ?? []) this.core.options.clock.cancel(handle);
    this.handles.delete(instanceId);
  }

  /** Cancels every timer (the host stops). */
  clear(): void {
    for (const handles of this.handles.values()) {
      for (const handle of handles.values()) this.core.options.clock.cancel(handle);
    }
    this.handles.clear();
  }
}
