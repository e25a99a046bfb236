import type { CliIo } from '../io';
import { processIo } from '../io';

export const OUTPUT_KINDS = ['text', 'json'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** True when progress may be drawn: the process's own stderr on a terminal (tests pass their own io). */
export function isInteractive(io: CliIo): boolean {
  return io === processIo && process.stderr.isTTY === true;
}

/** A one-line progress bar redrawn in place on stderr: `[#######-------]  120/500  24%  3.1s`. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly width = 30,
  ) {}

  update(done: number, total: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 80 && done < total) return;
    this.lastDraw = now;
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * this.width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}`;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const counter = `${String(done).padStart(String(total).length)}/${total}`;
    this.io.stderr(
      `\r${this.label} [${bar}] ${counter} ${String(Math.round(ratio * 100)).padStart(3)}% ${seconds}s`,
    );
  }

  finish(): void {
    this.io.stderr('\n');
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
