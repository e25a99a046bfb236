import type { PaceLimit } from '../../azure/pacer';
import type { CliIo } from '../io';
import { processIo } from '../io';

export const OUTPUT_KINDS = ['text', 'json'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** True when progress may be drawn: the process's own stderr on a terminal (tests pass their own io). */
export function isInteractive(io: CliIo): boolean {
  return io === processIo && process.stderr.isTTY === true;
}

/** A one-line progress bar redrawn in place on stderr: `sync [#######-------]  120/500  24%  3.1s  status`. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();
  private done = 0;
  private total = 0;
  private status = '';

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly width = 30,
  ) {}

  update(done: number, total: number, force = false): void {
    this.done = done;
    this.total = total;
    this.draw(force || done >= total);
  }

  /** Text after the counters (a pacing wait); an empty string clears it. */
  setStatus(status: string): void {
    this.status = status;
    this.draw(true);
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const { done, total } = this;
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * this.width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}`;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const counter = `${String(done).padStart(String(total).length)}/${total}`;
    // \x1b[K clears what a longer earlier line (with a status) left on the right.
    this.io.stderr(
      `\r${this.label} [${bar}] ${counter} ${String(Math.round(ratio * 100)).padStart(3)}% ${seconds}s${this.status ? `  ${this.status}` : ''}\x1b[K`,
    );
  }

  finish(): void {
    this.io.stderr('\n');
  }
}

/** Progress of a run of writes: counters, and waits for a zone's write window. */
export interface WriteProgress {
  progress(done: number, total: number): void;
  /** A write waits `waitMs` (real time) for `zone`, held back by `limit`. */
  waiting(zone: string, waitMs: number, limit: PaceLimit): void;
  finish(): void;
}

/** Waits shorter than this are not worth a line. */
const WAIT_WORTH_SHOWING_MS = 1000;
/** Plain progress lines at each quarter, for runs at least this long. */
const LINES_FROM_TOTAL = 40;

export function describeWait(zone: string, waitMs: number, limit: PaceLimit): string {
  const s = Math.ceil(waitMs / 1000);
  switch (limit) {
    case 'zone-window':
      return `waiting ${s} s for ${zone} write window (Private DNS: 60 writes per zone per minute)`;
    case 'subscription-bucket':
      return `waiting ${s} s for the hub subscription's ARM write budget`;
    case 'retry-after':
      return `waiting ${s} s: Azure answered 429 for ${zone} (Retry-After)`;
  }
}

/**
 * What a terminal shows: the bar, with the current wait counting down next to it (redrawn every second while one
 * lasts, so the bar never looks frozen).
 */
class BarProgress implements WriteProgress {
  private readonly bar: ProgressBar;
  private waitUntil = 0;
  private wait: { zone: string; limit: PaceLimit } | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(io: CliIo, label: string) {
    this.bar = new ProgressBar(io, label);
  }

  progress(done: number, total: number): void {
    this.bar.update(done, total);
  }

  waiting(zone: string, waitMs: number, limit: PaceLimit): void {
    if (waitMs < WAIT_WORTH_SHOWING_MS) return;
    const until = Date.now() + waitMs;
    if (until <= this.waitUntil) return;
    this.waitUntil = until;
    this.wait = { zone, limit };
    this.tick();
    this.ticker ??= setInterval(() => this.tick(), 1000);
    this.ticker.unref();
  }

  private tick(): void {
    const left = this.waitUntil - Date.now();
    if (!this.wait || left <= 0) {
      this.bar.setStatus('');
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    this.bar.setStatus(describeWait(this.wait.zone, left, this.wait.limit));
  }

  finish(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.bar.setStatus('');
    this.bar.finish();
  }
}

/**
 * What a log file or CI job shows: one line per wait that starts (one per zone until it is over) and a line at
 * each quarter of a long run. Nothing depends on the clock, so the same run prints the same lines.
 */
class LineProgress implements WriteProgress {
  private done = 0;
  private total = 0;
  private quarter = 0;
  private readonly announced = new Map<string, number>();

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {}

  progress(done: number, total: number): void {
    this.done = done;
    this.total = total;
    if (total < LINES_FROM_TOTAL) return;
    const reached = Math.floor((done / total) * 4);
    if (reached > this.quarter && done < total) {
      this.quarter = reached;
      this.io.stderr(`${this.label}: ${done}/${total} done\n`);
    }
  }

  waiting(zone: string, waitMs: number, limit: PaceLimit): void {
    if (waitMs < WAIT_WORTH_SHOWING_MS) return;
    const key = `${limit}|${zone}`;
    const until = Date.now() + waitMs;
    // Writes queued behind one another in the same zone wait for the same window: say it once.
    if ((this.announced.get(key) ?? 0) > Date.now()) return;
    this.announced.set(key, until);
    const counter = this.total > 0 ? ` ${this.done}/${this.total} done,` : '';
    this.io.stderr(`${this.label}:${counter} ${describeWait(zone, waitMs, limit)}\n`);
  }

  finish(): void {
    // The summary that follows says it all.
  }
}

const silent: WriteProgress = {
  progress: () => undefined,
  waiting: () => undefined,
  finish: () => undefined,
};

/** A bar on a terminal, plain lines elsewhere, nothing when asked for none. */
export function writeProgress(io: CliIo, label: string, show: boolean): WriteProgress {
  if (!show) return silent;
  return isInteractive(io) ? new BarProgress(io, label) : new LineProgress(io, label);
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
