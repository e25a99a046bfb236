/**
 * Docs that run: every shell example in README.md and docs/*.md is executed against the local stack (the ARM
 * emulator, its DNS server, the CLI built and linked as the README says) in a copy of the checkout, and its output
 * is compared where the doc shows output. Examples that need Azure are marked in the fence's info string
 * (```bash azure) and are checked for shell syntax and CLI flags instead. The block grammar is in markdown.ts.
 *
 * A failure names the file, the line of the block and the command, with the expected and actual output. After a
 * deliberate change of output, `PLDS_DOCS_WRITE=1 npx jest test/docs` writes the actual transcripts into the docs
 * (review the diff before committing it).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import {
  cliInvocations,
  fencedBlocks,
  matchLines,
  npmScripts,
  parseTranscript,
  planBlock,
  replaceBlockBodies,
  SHELL_LANGUAGES,
} from './markdown';
import type { FencedBlock } from './markdown';
import { DocSession } from './session';

const REPO = resolve(__dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const blocksOf = (file: string): FencedBlock[] => fencedBlocks(readFileSync(join(REPO, file), 'utf8'), file);
const WRITE = process.env.PLDS_DOCS_WRITE === '1';
const where = (b: FencedBlock): string => `${b.file}:${b.line} (${[b.lang, ...b.attrs].join(' ')})`;

interface Problem {
  readonly where: string;
  readonly command?: string;
  readonly expected?: string[] | string;
  readonly actual: string[] | string;
}

class ParsedOnly extends Error {}

/** Parses a CLI command line the way the CLI would, without running it; returns the usage error, if any. */
async function cliParseError(args: string[]): Promise<string | undefined> {
  let err = '';
  let code = 0;
  const program = buildProgram({ stdout: () => undefined, stderr: (t) => (err += t) }, (c) => (code = c));
  for (const command of program.commands)
    command.hook('preAction', () => {
      throw new ParsedOnly();
    });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof ParsedOnly) return undefined;
    const exitCode = (error as { exitCode?: number }).exitCode;
    if (exitCode === 0) return undefined;
    return err.trim() || (error as Error).message;
  }
  return code === 0 ? undefined : err.trim();
}

async function checkOnly(block: FencedBlock, scripts: Record<string, string>): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (['bash', 'sh', 'shell', 'zsh'].includes(block.lang)) {
    const syntax = spawnSync('bash', ['-n'], { input: block.body, encoding: 'utf8' });
    if (syntax.status !== 0)
      problems.push({ where: where(block), actual: `bash -n: ${syntax.stderr.trim()}` });
  }
  for (const { line, args } of cliInvocations(block.body)) {
    const error = await cliParseError(args);
    if (error) problems.push({ where: where(block), command: line, actual: error });
  }
  for (const name of npmScripts(block.body))
    if (!scripts[name])
      problems.push({ where: where(block), actual: `npm run ${name}: no such script in package.json` });
  return problems;
}

describe('docs that run', () => {
  let session: DocSession;
  const scripts = (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;

  beforeAll(async () => {
    session = await DocSession.create(REPO);
  }, 120_000);
  afterAll(async () => {
    await session?.dispose();
  });

  it('every shell example is either runnable here or marked for Azure', () => {
    const invalid = DOCS.flatMap((file) =>
      blocksOf(file).flatMap((b) => {
        const plan = planBlock(b);
        return plan.kind === 'invalid' ? [`${where(b)}: ${plan.reason}`] : [];
      }),
    );
    expect(invalid).toEqual([]);
    // The docs do show shell examples, so the scan is not vacuous.
    expect(DOCS.flatMap(blocksOf).filter((b) => SHELL_LANGUAGES.has(b.lang)).length).toBeGreaterThan(10);
  });

  it('the README walks a newcomer through the local stack and the CLI with real output', () => {
    const readme = blocksOf('README.md');
    const commands = readme
      .filter((b) => planBlock(b).kind === 'transcript')
      .flatMap((b) => parseTranscript(b.body).map((s) => s.command));
    expect(commands).toContain('npm run emulator -- --seed demo');
    for (const verb of ['plan', 'sync', 'verify', 'doctor', 'export'])
      expect(commands.some((c) => c.startsWith(`privatelink-dns-sync ${verb} `))).toBe(true);
  });

  it.each(DOCS)(
    '%s: every example runs on the local stack as shown',
    async (file) => {
      session.beginDocument(file);
      const problems: Problem[] = [];
      /** Transcript blocks as they ran (for PLDS_DOCS_WRITE). */
      const rewrites = new Map<number, string>();
      try {
        for (const block of blocksOf(file)) {
          const plan = planBlock(block);
          if (plan.kind === 'ignore' || plan.kind === 'invalid') continue;
          if (plan.kind === 'check') {
            problems.push(...(await checkOnly(block, scripts)));
            continue;
          }
          if (plan.kind === 'script') {
            const result = await session.run(session.command(block.body), { errexit: true });
            if (result.code !== 0)
              problems.push({
                where: where(block),
                actual: `exit ${result.code}: ${session.normalize(result.output, true).slice(-15).join('\n')}`,
              });
            continue;
          }
          const steps = parseTranscript(block.body);
          if (plan.background) {
            const [step, ...rest] = steps;
            const ready = [...(step?.expected ?? [])]
              .reverse()
              .find((l) => l.trim() !== '' && l.trim() !== '...');
            if (!step || rest.length > 0 || !ready) {
              problems.push({
                where: where(block),
                actual: 'a background block holds one command and its output',
              });
              continue;
            }
            const result = await session.background(session.command(step.command), ready);
            const actual = session.normalize(result.output, true);
            const cut = actual.findIndex((l) => l === ready);
            const shown = cut < 0 ? actual : actual.slice(0, cut + 1);
            const expected = session.normalize(step.expected.join('\n'), false);
            if (cut < 0 || !matchLines(expected, shown))
              problems.push({ where: where(block), command: step.command, expected, actual: shown });
            continue;
          }
          const written: string[] = [];
          for (const step of steps) {
            const result = await session.run(session.command(step.command));
            const actual = session.normalize(result.output, true);
            const expected = session.normalize(step.expected.join('\n'), false);
            written.push(
              `$ ${step.command}`,
              ...session.normalize(result.output, true, false),
              `(exit ${result.code})`,
            );
            if (result.code !== step.exitCode || !matchLines(expected, actual))
              problems.push({
                where: where(block),
                command: step.command,
                expected: [...expected, `(exit ${step.exitCode})`],
                actual: [...actual, `(exit ${result.code})`],
              });
          }
          rewrites.set(block.line, written.join('\n'));
        }
      } finally {
        await session.stopBackground();
      }
      if (WRITE) {
        const path = join(REPO, file);
        writeFileSync(path, replaceBlockBodies(readFileSync(path, 'utf8'), blocksOf(file), rewrites));
        return;
      }
      expect(problems).toEqual([]);
    },
    600_000,
  );
});
