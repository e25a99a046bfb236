import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The local package's folder. */
const ROOT = path.resolve(__dirname, '../..');

/** `npm run emulator` runs local/arm/main.ts; start it directly with node so the PID is the server's own. */
describe('ARM emulator: standalone (local/arm/main.ts)', () => {
  let child: ChildProcess;
  let output = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'arm-standalone-'));
  const caFile = path.join(dir, 'ca.pem');
  const settingsFile = path.join(dir, 'local.settings.json');

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'arm/main.ts',
        '--ca-file',
        caFile,
        '--settings-file',
        settingsFile,
        '--time-scale',
        '5',
        // Free ports: the defaults (8443, 8444, 8053) are for people, not for tests sharing a machine.
        '--port',
        '0',
        '--identity-port',
        '0',
        '--dns-port',
        '0',
      ],
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

  it('prints the endpoint, CA file and DNS server, writes the settings for them, and serves the control API', async () => {
    const endpoint = /^ARM emulator listening on (https:\/\/127\.0\.0\.1:\d+) \(seed: demo\)$/m.exec(
      output,
    )?.[1];
    expect(endpoint).toBeDefined();
    expect(output).toContain(`  CA certificate:   ${caFile}\n`);
    expect(output).toMatch(/^ {2}managed identity: http:\/\/127\.0\.0\.1:\d+\/msi\/token$/m);
    expect(output).toMatch(/^ {2}DNS for the spoke VNet vnet-backup: 127\.0\.0\.1:\d+$/m);
    expect(output).toContain(`  settings:         wrote ${settingsFile}\n`);
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { Values: Record<string, string> };
    expect(settings.Values.ARM_ENDPOINT).toBe(endpoint);
    expect(settings.Values.ARM_CA_FILE).toBe('ca.pem');
    expect(settings.Values.IDENTITY_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
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
