/**
 * `npm start` checks what `func start` needs before it builds: Core Tools on PATH, a local.settings.json, the
 * storage and the local ARM endpoint it names — and says how to get each.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, NO_CORE_TOOLS, startProblems } from '../../local/start';

const ROOT = path.resolve(__dirname, '../..');
let tmp: string;
let bin: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plds-start-'));
  bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'func'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'not-executable'), 'x', { mode: 0o644 });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const app = (values?: Record<string, string>): string => {
  const dir = fs.mkdtempSync(path.join(tmp, 'app-'));
  if (values)
    fs.writeFileSync(
      path.join(dir, 'local.settings.json'),
      JSON.stringify({ IsEncrypted: false, Values: values }),
    );
  return dir;
};

describe('npm start', () => {
  it('finds executables on PATH only', () => {
    expect(findOnPath('func', `/nonexistent:${bin}`)).toBe(path.join(bin, 'func'));
    expect(findOnPath('not-executable', bin)).toBeUndefined();
    expect(findOnPath('func', '/nonexistent')).toBeUndefined();
  });

  const storage = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    ARM_ENDPOINT: 'https://127.0.0.1:8443',
  };
  it.each([
    [
      'without func',
      undefined,
      '/nonexistent',
      true,
      [/^npm start runs the app with Azure Functions Core Tools 4/],
    ],
    [
      'without local.settings.json',
      undefined,
      'bin',
      true,
      [/^local\.settings\.json is missing\. .*\n {2}npm run emulator -- --seed demo/],
    ],
    [
      'with Azurite and the emulator down',
      storage,
      'bin',
      false,
      [
        /Azurite does not answer on 127\.0\.0\.1:10000-10002[\s\S]*npx azurite/,
        /ARM_ENDPOINT is https:\/\/127\.0\.0\.1:8443, where nothing answers/,
      ],
    ],
    ['with everything there', storage, 'bin', true, []],
  ] as const)('%s', async (_label, values, pathDirs, answers, expected) => {
    const problems = await startProblems(app(values), pathDirs === 'bin' ? bin : pathDirs, () =>
      Promise.resolve(answers),
    );
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });

  it('as a process without Core Tools: the install hint and npm run demo, exit 1, before any build', () => {
    const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['local/start.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: os.homedir() },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(NO_CORE_TOOLS);
    expect(result.stderr).toContain('npm run demo');
  });
});
