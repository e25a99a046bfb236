/**
 * Where the runnable-docs test runs the documentation's commands: a copy of the checkout (with node_modules
 * linked, as after `npm ci`), a clean environment (no Azure or app settings inherited), `npm link` installing into
 * the copy, and free ports for the local stack. The docs name the emulator's default ports (8443, 8444, 8053);
 * the session moves them to free ones through `PLDS_EMULATOR_*` and maps them in commands and output.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Ports the docs show, and the variables that move them. */
export const DOC_PORTS = {
  arm: { doc: 8443, env: 'PLDS_EMULATOR_PORT' },
  identity: { doc: 8444, env: 'PLDS_EMULATOR_IDENTITY_PORT' },
  dns: { doc: 8053, env: 'PLDS_EMULATOR_DNS_PORT' },
} as const;
type PortName = keyof typeof DOC_PORTS;

/** What is not copied into the session's checkout. */
const NOT_COPIED = new Set([
  'node_modules',
  '.git',
  'dist',
  'coverage',
  '.local-state',
  'local.settings.json',
  '.npm-global',
]);

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

async function freePorts(): Promise<Record<PortName, number>> {
  const arm = await freeTcpPort();
  const identity = await freeTcpPort();
  let dns = await freeTcpPort();
  for (let tries = 0; !(await udpFree(dns)) && tries < 20; tries++) dns = await freeTcpPort();
  return { arm, identity, dns };
}

export interface RunResult {
  readonly code: number;
  /** stdout and stderr in the order written. */
  readonly output: string;
}

const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export class DocSession {
  private readonly backgrounds: ChildProcess[] = [];
  private stateFile = '';

  private constructor(
    readonly dir: string,
    readonly ports: Record<PortName, number>,
    private readonly env: Record<string, string>,
  ) {}

  /** A fresh copy of `repoRoot` with free ports. */
  static async create(repoRoot: string): Promise<DocSession> {
    const dir = mkdtempSync(join(tmpdir(), 'plds-docs-'));
    for (const entry of readdirSync(repoRoot)) {
      if (NOT_COPIED.has(entry)) continue;
      cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const ports = await freePorts();
    const prefix = join(dir, '.npm-global');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    const env: Record<string, string> = {
      // The Node that runs the tests comes first (the project needs 22); nothing else of the caller's PATH but
      // the system tools.
      PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: process.env.HOME ?? dir,
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      NO_COLOR: '1',
      TMPDIR: tmpdir(),
      // `npm link` installs into the copy, not the machine's global prefix.
      npm_config_prefix: prefix,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      [DOC_PORTS.arm.env]: String(ports.arm),
      [DOC_PORTS.identity.env]: String(ports.identity),
      [DOC_PORTS.dns.env]: String(ports.dns),
    };
    return new DocSession(dir, ports, env);
  }

  /** A new shell state (exported variables) for the next document. */
  beginDocument(name: string): void {
    this.stateFile = join(this.dir, `.docs-state-${name.replace(/\W+/g, '-')}.sh`);
    writeFileSync(this.stateFile, '');
  }

  /** The documented ports in a command, moved to the session's. */
  command(text: string): string {
    let out = text;
    for (const name of Object.keys(DOC_PORTS) as PortName[])
      out = out.replaceAll(`127.0.0.1:${DOC_PORTS[name].doc}`, `127.0.0.1:${this.ports[name]}`);
    return out;
  }

  /**
   * Output as the docs show it: the session's ports back to the documented ones, the copy's path gone. GUIDs the
   * local stack makes up on every run (principals, connection names) and durations are masked on both sides.
   */
  normalize(text: string, actual: boolean, mask = true): string[] {
    let out = text;
    if (actual) {
      for (const name of Object.keys(DOC_PORTS) as PortName[])
        out = out.replaceAll(`127.0.0.1:${this.ports[name]}`, `127.0.0.1:${DOC_PORTS[name].doc}`);
      out = out.replaceAll(`${this.dir}/`, '');
    }
    if (mask)
      out = out
        .replace(GUID, (g) => (g.startsWith('00000000-') ? g : '<guid>'))
        .replace(/\b\d+\.\ds\b/g, '<seconds>');
    // eslint-disable-next-line no-control-regex -- progress bars redraw with escape sequences
    out = out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    const lines = out.split('\n').map((l) => l.trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  private script(body: string): string {
    return `source "${this.stateFile}"\n${body}\n__rc=$?\nexport -p > "${this.stateFile}"\nexit $__rc\n`;
  }

  /** Runs `body` with bash in the copy (stderr merged into stdout); exported variables carry to later blocks. */
  run(body: string, options: { errexit?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    const text = options.errexit ? `set -eo pipefail\n${body}` : body;
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', this.script(`{\n${text}\n} 2>&1`)], {
        cwd: this.dir,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
      // A guard against a hang, not a measure of speed.
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), output });
      });
    });
  }

  /**
   * Starts `command` in its own process group and resolves with what it printed once a line equal to `readyLine`
   * appears (or the process ends, or the guard runs out).
   */
  background(command: string, readyLine: string, timeoutMs = 120_000): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', `source "${this.stateFile}"\nexec ${command} 2>&1`], {
        cwd: this.dir,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      this.backgrounds.push(child);
      let output = '';
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ code, output });
      };
      const onData = (d: Buffer): void => {
        output += d.toString('utf8');
        if (output.split('\n').some((l) => l.trimEnd() === readyLine)) finish(0);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const timer = setTimeout(() => finish(124), timeoutMs);
      child.on('error', reject);
      child.on('exit', (code) => finish(code ?? 1));
    });
  }

  /** Stops the background processes this session started (their whole process groups), and waits for them. */
  async stopBackground(): Promise<void> {
    const running = this.backgrounds.splice(0);
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
              return resolve();
            const pid = child.pid;
            const kill = setTimeout(() => {
              try {
                process.kill(-pid, 'SIGKILL');
              } catch {
                // already gone
              }
            }, 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            try {
              process.kill(-pid, 'SIGTERM');
            } catch {
              clearTimeout(kill);
              resolve();
            }
          }),
      ),
    );
  }

  async dispose(): Promise<void> {
    await this.stopBackground();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
