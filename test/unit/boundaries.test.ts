/**
 * The layer rules of .dependency-cruiser.cjs (run by `npm run lint`): the app's own tree has no violation, and a
 * small tree that breaks each rule once (test/fixtures/boundaries) is refused rule by rule — so the rules bite.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** Cruises `target` from `cwd` with the project's rules; returns the violations (the exit code says how many). */
function cruise(cwd: string, target: string): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', 'json', target], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stdout?: string };
    if (typeof failed.stdout !== 'string' || failed.stdout === '') throw error;
    out = failed.stdout;
  }
  const result = JSON.parse(out) as { summary: { violations: Violation[] } };
  return result.summary.violations;
}

describe('layer boundaries', () => {
  it('the app keeps every rule', () => {
    expect(cruise(ROOT, 'src')).toEqual([]);
  });

  describe('a tree that breaks each rule once is refused', () => {
    const violations = cruise(path.join(ROOT, 'test/fixtures/boundaries'), 'src');
    const pairs = violations.map((v): [string, string, string] => [v.rule.name, v.from, v.to]);

    it.each([
      ['core-is-pure', 'src/core/engine.ts', 'src/azure/adapter.ts'],
      ['azure-imports-core-only', 'src/azure/adapter.ts', 'src/durable/shared.ts'],
      ['durable-serves-flows', 'src/durable/shared.ts', 'src/flows/sync/contracts.ts'],
      ['flows-keep-their-internals', 'src/flows/sync/orchestrator.ts', 'src/flows/approval/internal.ts'],
      ['cli-imports-core-and-azure', 'src/cli/main.ts', 'src/durable/shared.ts'],
      ['app-never-imports-local', 'src/cli/main.ts', 'local/emulator.ts'],
      ['no-circular', 'src/core/cycleA.ts', 'src/core/cycleB.ts'],
    ])('%s: %s → %s', (rule, from, to) => {
      expect(pairs).toContainEqual([rule, from, to]);
    });

    it('a flow may import another flow’s public contracts', () => {
      expect(
        pairs.filter(([, from, to]) => from.includes('flows/sync') && to.endsWith('approval/contracts.ts')),
      ).toEqual([]);
    });

    it('nothing else is reported', () => {
      const rules = new Set(violations.map((v) => v.rule.name));
      expect([...rules].sort()).toEqual([
        'app-never-imports-local',
        'azure-imports-core-only',
        'cli-imports-core-and-azure',
        'core-is-pure',
        'durable-serves-flows',
        'flows-keep-their-internals',
        'no-circular',
      ]);
    });
  });
});
