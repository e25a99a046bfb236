import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run emulator` runs local/arm/main.ts; start it directly with node so the PID is the server's own. */
describe('standalone ARM emulator (local/arm/main.ts)', () => {
  let child: ChildProcess;
  let output = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'arm-standalone-'));
  const caFile = path.join(dir, 'ca.pem');

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/arm/main.ts', '--ca-file', caFile, '--time-scale', '5'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Ctrl+C')) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`emulator exited early (${code}): ${output}`));
      });
    });
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the endpoint, the CA file and the variables to export, and serves the control API', async () => {
    const endpoint = /^export ARM_ENDPOINT='(https:\/\/127\.0\.0\.1:\d+)'$/m.exec(output)?.[1];
    expect(endpoint).toBeDefined();
    expect(output).toMatch(/^export ARM_CA_FILE='.*ca\.pem'$/m);
    expect(output).toMatch(/^export IDENTITY_ENDPOINT='http:\/\/127\.0\.0\.1:\d+\/msi\/token'$/m);
    expect(output).toMatch(/^export IDENTITY_HEADER='.+'$/m);
    const health = await new Promise<{ timeScale: number; resources: number }>((resolve, reject) => {
      https
        .get(`${endpoint ?? ''}/_emulator/health`, { ca: readFileSync(caFile, 'utf8') }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve(JSON.parse(text) as { timeScale: number; resources: number }));
        })
        .on('error', reject);
    });
    expect(health.timeScale).toBe(5);
    expect(health.resources).toBeGreaterThan(0);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: stopping the ARM emulator');
  });
});
