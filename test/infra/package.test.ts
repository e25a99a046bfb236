/**
 * `npm run package` (scripts/package.sh): the zip holds host.json at its root, the compiled app that package.json's
 * `main` names, the production dependencies from the lock file and nothing else — no source maps, no TypeScript, no
 * dev dependency — and the app loads from it with only those dependencies.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface LockEntry {
  readonly dev?: boolean;
}

let work: string;
let zipFile: string;
let entries: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'plds-package-'));
  zipFile = path.join(work, 'app.zip');
  execFileSync('bash', [path.join(ROOT, 'scripts/package.sh'), zipFile], { cwd: ROOT, stdio: 'pipe' });
  entries = execFileSync('unzip', ['-Z1', zipFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean);
}, 300_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('has host.json, package.json and the app entry that main names at the root', () => {
    const main = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string })
      .main;
    expect(entries).toEqual(expect.arrayContaining(['host.json', 'package.json', main]));
    expect(main).toBe('dist/src/index.js');
    // Only the app: no tests, emulator, benchmarks or CLI launcher.
    const topLevel = new Set(entries.map((e) => e.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['dist', 'host.json', 'node_modules', 'package.json']);
    expect(
      entries.filter((e) => e.startsWith('dist/') && !e.startsWith('dist/src') && e !== 'dist/'),
    ).toEqual([]);
  });

  it('holds no source maps and no TypeScript', () => {
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(entries.filter((e) => /\.(ts|mts|cts)$/.test(e))).toEqual([]);
  });

  it('holds production dependencies only', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const packages = new Set<string>();
    for (const entry of entries) {
      const m = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)package\.json$/.exec(entry);
      if (m?.[1]) packages.add(m[1].slice(0, -1));
    }
    expect(packages.size).toBeGreaterThan(50);
    const devOnly = [...packages].filter((p) => lock.packages[p]?.dev === true);
    expect(devOnly).toEqual([]);
    for (const name of [
      'jest',
      'typescript',
      'ts-jest',
      'eslint',
      'prettier',
      'tsx',
      '@azure/eventgrid',
      'dns2',
    ])
      expect(packages.has(`node_modules/${name}`)).toBe(false);
    for (const name of [
      '@azure/functions',
      'durable-functions',
      '@azure/monitor-opentelemetry',
      'croner',
      'zod',
    ])
      expect(packages.has(`node_modules/${name}`)).toBe(true);
  });

  it('loads the app from the unpacked zip with those dependencies alone', () => {
    const unpacked = path.join(work, 'unpacked');
    execFileSync('unzip', ['-q', zipFile, '-d', unpacked]);
    const out = execFileSync(
      process.execPath,
      ['-e', "require('./dist/src/index.js'); process.stdout.write('loaded')"],
      {
        cwd: unpacked,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(out).toBe('loaded');
  });
});
