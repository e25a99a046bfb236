/**
 * What every benchmark scenario reports with its figures: how it was run (command, commit, Node, machine), and
 * where: bench/results/<scenario>.md and a section of docs/performance.md, each written only between its
 * generated-section markers, so hand-written text around them (the recorded "before" figures, interpretation)
 * survives every run. Charts are SVG files the bench draws itself (no plotting dependency).
 */
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

export interface RunInfo {
  command: string;
  commit: string;
  /** True when tracked files other than the benchmark results had uncommitted changes. */
  dirty: boolean;
  node: string;
  machine: string;
  loadAverage: number[];
  recordedAt: string;
}

export function runInfo(command: string): RunInfo {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  const cpus = os.cpus();
  return {
    command,
    commit: git('rev-parse', '--short=12', 'HEAD') || 'unknown',
    // The benchmarks' own output files do not make a checkout dirty.
    dirty:
      git(
        'status',
        '--porcelain',
        '--untracked-files=no',
        '--',
        '.',
        ':!docs/performance.md',
        ':!bench/results',
      ) !== '',
    node: process.version,
    machine: `${os.platform()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    recordedAt: new Date().toISOString(),
  };
}

export function runInfoLines(info: RunInfo): string[] {
  return [
    `Command: \`${info.command}\``,
    '',
    `Commit ${info.commit}${info.dirty ? ' (with uncommitted changes)' : ''}, Node ${info.node}, ${info.machine}; load average ${info.loadAverage.join(' ')} at the start; recorded ${info.recordedAt}.`,
  ];
}

const begin = (name: string): string =>
  `<!-- generated:${name}:begin (written by the benchmark; edit outside) -->`;
const end = (name: string): string => `<!-- generated:${name}:end -->`;

/**
 * Puts `markdown` between the `name` markers of `file`, keeping everything else. A file without the markers gets
 * them appended (a new file starts with `title`).
 */
export function writeGenerated(file: string, name: string, markdown: string, title?: string): void {
  const full = path.isAbsolute(file) ? file : path.join(ROOT, file);
  mkdirSync(path.dirname(full), { recursive: true });
  const block = `${begin(name)}\n${markdown.trim()}\n${end(name)}`;
  const current = existsSync(full) ? readFileSync(full, 'utf8') : title ? `# ${title}\n` : '';
  const startAt = current.indexOf(begin(name).slice(0, begin(name).indexOf(' (')));
  const endAt = current.indexOf(end(name));
  let next: string;
  if (startAt >= 0 && endAt > startAt) {
    next = `${current.slice(0, startAt)}${block}${current.slice(endAt + end(name).length)}`;
  } else {
    next = `${current.replace(/\s*$/, '')}\n\n${block}\n`;
  }
  writeFileSync(full, next);
}

/** Writes a text file under the repository (directories created). */
export function writeFile(file: string, text: string): void {
  const full = path.isAbsolute(file) ? file : path.join(ROOT, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

/** `a / b` rounded for reports (NaN when there is no minimum). */
export function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 100) / 100 : Number.NaN;
}

export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export interface ChartSeries {
  name: string;
  /** [x, y] points in increasing x. */
  points: ReadonlyArray<readonly [number, number]>;
  colour: string;
  dashed?: boolean;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A plain line chart as an SVG document (steps drawn as given; axes from 0). */
export function svgLineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const pad = { left: 64, right: 16, top: 36, bottom: 48 };
  const all = options.series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map(([x]) => x));
  const maxY = Math.max(1, ...all.map(([, y]) => y));
  const sx = (x: number): number => pad.left + (x / maxX) * (width - pad.left - pad.right);
  const sy = (y: number): number => height - pad.bottom - (y / maxY) * (height - pad.top - pad.bottom);
  const ticks = (max: number): number[] => {
    const step = 10 ** Math.floor(Math.log10(max));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 6) ?? step * 10;
    return Array.from({ length: Math.floor(max / nice) + 1 }, (_, i) => i * nice);
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
  ];
  for (const t of ticks(maxX))
    parts.push(
      `<line x1="${sx(t)}" y1="${sy(0)}" x2="${sx(t)}" y2="${pad.top}" stroke="#eee"/>`,
      `<text x="${sx(t)}" y="${sy(0) + 16}" text-anchor="middle">${t}</text>`,
    );
  for (const t of ticks(maxY))
    parts.push(
      `<line x1="${pad.left}" y1="${sy(t)}" x2="${width - pad.right}" y2="${sy(t)}" stroke="#eee"/>`,
      `<text x="${pad.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`,
    );
  parts.push(
    `<line x1="${pad.left}" y1="${sy(0)}" x2="${width - pad.right}" y2="${sy(0)}" stroke="#333"/>`,
    `<line x1="${pad.left}" y1="${sy(0)}" x2="${pad.left}" y2="${pad.top}" stroke="#333"/>`,
    `<text x="${(pad.left + width - pad.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text x="16" y="${(pad.top + height - pad.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(pad.top + height - pad.bottom) / 2})">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((s, i) => {
    if (s.points.length > 0) {
      const d = s.points
        .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join(' ');
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    const ly = pad.top + 8 + i * 16;
    parts.push(
      `<line x1="${pad.left + 10}" y1="${ly}" x2="${pad.left + 34}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${pad.left + 40}" y="${ly + 4}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Progress lines: stdout normally, stderr with `--json` (stdout then carries exactly one JSON object). */
export function progress(json: boolean): (line: string) => void {
  return (line) => void (json ? process.stderr : process.stdout).write(`${line}\n`);
}

/** Markdown table from a header row and rows. */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => (typeof c === 'number' ? fmt(c) : c)).join(' | ')} |`),
  ];
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '–';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** Adds the options every scenario takes: `--json`, and where its results are written. */
export function withResultOptions(command: Command, scenario: string): Command {
  return command
    .option('--json', 'print one JSON object to stdout')
    .option('--out <file>', 'result file', `bench/results/${scenario}.md`)
    .option(
      '--docs <file>',
      `performance page whose ${scenario} section is rewritten`,
      'docs/performance.md',
    );
}

/** The closing lines of a result: its problems, or none. */
export function problemLines(problems: readonly string[]): string[] {
  return [`Problems: ${problems.length === 0 ? 'none' : ''}`, ...problems.map((p) => `- ${p}`)];
}
