/**
 * The host's notion of time. Durable timers, `currentUtcDateTime` (through the OrchestratorStarted
 * timestamps) and timer triggers all read it, so tests can run hour-long timers without waiting.
 *
 * - `'real'`: wall-clock time.
 * - `{ scale: n }`: virtual time runs n times faster than the wall clock.
 * - `'fast'`: a durable timer fires at once; the virtual clock jumps to its due time.
 *
 * `advance(ms)` moves virtual time forward in every mode and fires what became due.
 */
export type TimeMode = 'real' | 'fast' | { scale: number };

interface PendingTimer {
  id: number;
  fireAt: number;
  callback: () => void;
}

export class HostClock {
  private offset = 0;
  private readonly realStart = Date.now();
  private readonly scale: number;
  private readonly fast: boolean;
  private readonly timers = new Map<number, PendingTimer>();
  private nextId = 1;
  private wake: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(mode: TimeMode = 'real') {
    this.fast = mode === 'fast';
    this.scale = typeof mode === 'object' ? mode.scale : 1;
    if (!(this.scale > 0))
      throw new Error(`timeMode.scale must be a positive number, got ${String(this.scale)}`);
  }

  /** Virtual now, in epoch milliseconds. */
  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.scale + this.offset;
  }

  isFast(): boolean {
    return this.fast;
  }

  /** Wall-clock milliseconds until virtual time `at` (0 in fast mode for durable timers is handled by `schedule`). */
  realDelayUntil(at: number): number {
    return Math.max(0, (at - this.now()) / this.scale);
  }

  /** Calls `callback` once virtual time reaches `fireAt`. Returns a handle for `cancel`. */
  schedule(fireAt: number, callback: () => void): number {
    const id = this.nextId++;
    this.timers.set(id, { id, fireAt, callback });
    this.arm();
    return id;
  }

  cancel(handle: number): void {
    if (this.timers.delete(handle)) this.arm();
  }

  pendingCount(): number {
    return this.timers.size;
  }

  /** Moves virtual time forward and fires every timer that became due. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('Time only moves forward.');
    this.offset += ms;
    this.fireDue();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear();
    if (this.wake) clearTimeout(this.wake);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private fireDue(): void {
    const now = this.now();
    const due = [...this.timers.values()].filter((t) => t.fireAt <= now).sort((a, b) => a.fireAt - b.fireAt);
    for (const timer of due) {
      this.timers.delete(timer.id);
      timer.callback();
    }
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    if (this.timers.size === 0) return;
    if (this.fast) {
      if (this.immediate) return;
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.fireEarliestFast();
      });
      return;
    }
    const earliest = Math.min(...[...this.timers.values()].map((t) => t.fireAt));
    const delay = Math.min(2 ** 31 - 1, Math.ceil(this.realDelayUntil(earliest)));
    this.wake = setTimeout(() => {
      this.fireDue();
      this.arm();
    }, delay);
    this.wake.unref?.();
  }

  private fireEarliestFast(): void {
    if (this.stopped) return;
    const earliest = [...this.timers.values()].sort((a, b) => a.fireAt - b.fireAt)[0];
    if (earliest) {
      const now = this.now();
      if (earliest.fireAt > now) this.offset += earliest.fireAt - now;
      this.fireDue();
    }
    this.arm();
  }
}
