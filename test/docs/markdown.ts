/**
 * The fenced blocks of a Markdown file and what the runnable-docs test does with each, from the block's info
 * string (the words after the opening fence):
 *
 * - `console` — a terminal transcript: `$ command` lines, each followed by its output (stdout and stderr as a
 *   terminal shows them) and optionally `(exit N)`. Run against the local stack, output compared. A line `...`
 *   stands for any number of lines. `console background` starts its one command in the background (a server such
 *   as `npm run emulator`), compares what it prints up to the block's last line, and stops it after the file.
 * - `bash` / `sh` / `shell` — a script run against the local stack; it must exit 0.
 * - `… azure` — needs a real Azure subscription: not run, but shell syntax is checked and every
 *   `privatelink-dns-sync` command line must parse.
 * - `bash fresh-clone` — the setup of a fresh checkout (`npm ci`, `npm test`): not run here (the test suite is
 *   what they run); the npm scripts it names must exist.
 * - `bash long` — runs for minutes (the chaos runner, benchmarks, jest itself): not run here (the test suite runs a
 *   smaller form of each); the npm scripts it names must exist.
 * - any other language (json, text, kusto, …) — not a shell example, left alone.
 */

export const SHELL_LANGUAGES = new Set([
  'bash',
  'sh',
  'shell',
  'zsh',
  'console',
  'shell-session',
  'powershell',
  'pwsh',
  'ps1',
  'azurepowershell',
  'cmd',
  'bat',
  'batch',
]);
const SCRIPT_LANGUAGES = new Set(['bash', 'sh', 'shell', 'zsh']);

export interface FencedBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly attrs: string[];
  readonly body: string;
  /** Indentation of the fence (blocks inside list items). */
  readonly indent: string;
  /** 1-based line of the closing fence. */
  readonly endLine: number;
}

/** Every fenced block (``` or ~~~, indented or not) with its body unindented. */
export function fencedBlocks(markdown: string, file: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3}|\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
      if (close && (close[1] ?? '')[0] === fence[0] && (close[1] ?? '').length >= fence.length) break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const [lang = '', ...attrs] = info
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    blocks.push({
      file,
      line: i + 1,
      lang: lang.toLowerCase(),
      attrs,
      body: body.join('\n'),
      indent,
      endLine: j + 1,
    });
    i = j;
  }
  return blocks;
}

export type BlockPlan =
  | { readonly kind: 'ignore' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'check'; readonly why: 'azure' | 'fresh-clone' | 'long' }
  | { readonly kind: 'script' }
  | { readonly kind: 'transcript'; readonly background: boolean };

/** Commands that would change the checkout this test runs in, or run the test suite inside itself. */
const NOT_HERE = /(^|[\s;&|(])npm\s+(ci|install|i|test|t)(\s|$)/m;
/** Commands that run for minutes: the chaos runner, the benchmarks, jest. */
const LONG = /(^|[\s;&|(])(npm\s+run\s+-?s?\s*(chaos|bench)|npx\s+jest)(\s|$)/m;

export function planBlock(block: FencedBlock): BlockPlan {
  const { lang, attrs, body } = block;
  if (lang === '')
    return {
      kind: 'invalid',
      reason:
        'fenced block without a language: label it (`console` or `bash` to run it here, `bash azure` for Azure-only commands, `text`/`json`/… otherwise)',
    };
  if (!SHELL_LANGUAGES.has(lang)) {
    const first = body.split('\n').find((l) => l.trim() !== '');
    if (first?.startsWith('$ '))
      return {
        kind: 'invalid',
        reason: `a \`${lang}\` block that looks like a terminal session: label it \`console\` (run and compared) or \`console azure\``,
      };
    return { kind: 'ignore' };
  }
  if (attrs.includes('azure')) return { kind: 'check', why: 'azure' };
  if (attrs.includes('fresh-clone')) {
    if (!SCRIPT_LANGUAGES.has(lang)) return { kind: 'invalid', reason: '`fresh-clone` is for bash blocks' };
    return { kind: 'check', why: 'fresh-clone' };
  }
  if (attrs.includes('long')) {
    if (!SCRIPT_LANGUAGES.has(lang)) return { kind: 'invalid', reason: '`long` is for bash blocks' };
    return { kind: 'check', why: 'long' };
  }
  const commands =
    lang === 'console' || lang === 'shell-session' ? transcriptCommands(body).join('\n') : body;
  if (LONG.test(commands))
    return {
      kind: 'invalid',
      reason: 'the chaos runner, benchmarks and jest run for minutes: mark the block `long` (not run here)',
    };
  if (lang === 'console' || lang === 'shell-session') {
    if (NOT_HERE.test(transcriptCommands(body).join('\n')))
      return {
        kind: 'invalid',
        reason: 'npm ci / npm install / npm test cannot run here: mark the block `fresh-clone`',
      };
    return { kind: 'transcript', background: attrs.includes('background') };
  }
  if (SCRIPT_LANGUAGES.has(lang)) {
    if (NOT_HERE.test(body))
      return {
        kind: 'invalid',
        reason: 'npm ci / npm install / npm test cannot run here: mark the block `fresh-clone`',
      };
    return { kind: 'script' };
  }
  return {
    kind: 'invalid',
    reason: `a \`${lang}\` block cannot run on this machine: mark it \`${lang} azure\` if it is for Azure, or show a bash equivalent`,
  };
}

export interface TranscriptStep {
  readonly command: string;
  readonly expected: string[];
  readonly exitCode: number;
}

/** The `$ command` lines of a transcript (continuation lines ending in `\` joined). */
export function transcriptCommands(body: string): string[] {
  return parseTranscript(body).map((s) => s.command);
}

/** A transcript as commands, each with the output shown under it and the exit code `(exit N)` names (else 0). */
export function parseTranscript(body: string): TranscriptStep[] {
  const steps: { command: string; expected: string[]; exitCode: number }[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('$ ')) {
      let command = line.slice(2);
      while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)}${lines[++i]}`;
      steps.push({ command, expected: [], exitCode: 0 });
      continue;
    }
    const step = steps[steps.length - 1];
    if (!step) continue;
    const exit = /^\(exit (\d+)\)$/.exec(line.trim());
    if (exit) step.exitCode = Number(exit[1]);
    else step.expected.push(line);
  }
  for (const step of steps) {
    while (step.expected.length > 0 && (step.expected[step.expected.length - 1] ?? '').trim() === '')
      step.expected.pop();
  }
  return steps;
}

/**
 * Whether `actual` lines match `expected` lines, where an expected line `...` matches any number of lines.
 * Lines are compared after `normalize`.
 */
export function matchLines(expected: readonly string[], actual: readonly string[]): boolean {
  const segments: string[][] = [[]];
  for (const line of expected) {
    if (line.trim() === '...') segments.push([]);
    else segments[segments.length - 1]?.push(line);
  }
  const equalAt = (segment: readonly string[], at: number): boolean =>
    segment.every((l, k) => actual[at + k] === l);
  if (segments.length === 1) return actual.length === expected.length && equalAt(expected, 0);
  const first = segments[0] ?? [];
  const last = segments[segments.length - 1] ?? [];
  if (!equalAt(first, 0)) return false;
  let at = first.length;
  for (const segment of segments.slice(1, -1)) {
    let found = -1;
    for (let k = at; k + segment.length <= actual.length; k++) {
      if (equalAt(segment, k)) {
        found = k;
        break;
      }
    }
    if (found < 0) return false;
    at = found + segment.length;
  }
  const lastAt = actual.length - last.length;
  return lastAt >= at && equalAt(last, lastAt);
}

/** Splits a shell command line into words (quotes and backslashes honoured; `$VAR` kept as written). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) words.push(word);
      word = '';
      has = false;
    } else if (ch === '#' && !has) {
      break;
    } else {
      word += ch;
      has = true;
    }
  }
  if (has) words.push(word);
  return words;
}

/** `privatelink-dns-sync …` (or `npm run -s cli -- …`) command lines of a script, as argument lists. */
export function cliInvocations(script: string): { line: string; args: string[] }[] {
  const out: { line: string; args: string[] }[] = [];
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    while (line.endsWith('\\') && i + 1 < lines.length)
      line = `${line.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    const text = line.replace(/^\$ /, '');
    const words = shellWords(text);
    if (words[0] === 'privatelink-dns-sync') out.push({ line: text, args: words.slice(1) });
    else if (words[0] === 'npm' && words[1] === 'run') {
      const dash = words.indexOf('--');
      const script = words.slice(2, dash < 0 ? undefined : dash).find((w) => !w.startsWith('-'));
      if (script === 'cli' && dash > 0) out.push({ line: text, args: words.slice(dash + 1) });
    }
  }
  return out;
}

/** `npm run <script>` names a block uses. */
export function npmScripts(script: string): string[] {
  return [...script.matchAll(/npm\s+run\s+(?:-\S+\s+)*([\w:.-]+)/g)].map((m) => m[1] ?? '');
}

/** `markdown` with the bodies of some blocks replaced (by opening line), keeping each block's indentation. */
export function replaceBlockBodies(
  markdown: string,
  blocks: readonly FencedBlock[],
  bodies: Map<number, string>,
): string {
  const lines = markdown.split('\n');
  for (const block of [...blocks].sort((a, b) => b.line - a.line)) {
    const body = bodies.get(block.line);
    if (body === undefined) continue;
    const indented = body.split('\n').map((l) => (l === '' ? '' : `${block.indent}${l}`));
    lines.splice(block.line, block.endLine - block.line - 1, ...indented);
  }
  return lines.join('\n');
}
