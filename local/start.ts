/**
 * `npm start`: the Functions app under Azure Functions Core Tools (`func start`), for people who have them.
 * Checks first what `func start` needs — Core Tools on PATH, a `local.settings.json`, the storage the host uses —
 * and says how to get each; then builds and hands over to `func start` (extra arguments are passed on).
 * Nothing here is needed for `npm run demo` or the tests, which run the app on `local/host`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** The first executable called `name` on PATH (with Windows' extensions there). */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  const extensions = process.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = join(dir, `${name}${ext}`);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export const NO_CORE_TOOLS = `npm start runs the app with Azure Functions Core Tools 4 (\`func\`), which is not on PATH.
Install them (https://learn.microsoft.com/azure/azure-functions/functions-run-local):
  Debian/Ubuntu: add Microsoft's package repository, then  sudo apt-get install azure-functions-core-tools-4
  macOS:         brew tap azure/functions && brew install azure-functions-core-tools@4
  Windows:       winget install Microsoft.Azure.FunctionsCoreTools
  npm:           npm install --global azure-functions-core-tools@4   (downloads the host from cdn.functions.azure.com)
Without Core Tools, run the whole app in-process instead:  npm run demo
`;

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
  });
}

/** The problems that would stop `func start`, each with what to do; empty when it can go. */
export async function startProblems(
  root = ROOT,
  path = process.env.PATH ?? '',
  answers: (port: number) => Promise<boolean> = portOpen,
): Promise<string[]> {
  if (!findOnPath('func', path)) return [NO_CORE_TOOLS];
  const settingsFile = join(root, 'local.settings.json');
  if (!existsSync(settingsFile))
    return [
      `local.settings.json is missing. Start the local emulator in another terminal (it writes one):
  npm run emulator -- --seed demo
or copy local.settings.example.json to local.settings.json and point it at your subscriptions.
`,
    ];
  let values: Record<string, string> = {};
  try {
    values =
      (
        JSON.parse(readFileSync(settingsFile, 'utf8').replace(/^\uFEFF/, '')) as {
          Values?: Record<string, string>;
        }
      ).Values ?? {};
  } catch (error) {
    return [`local.settings.json is not valid JSON (${(error as Error).message})\n`];
  }
  const problems: string[] = [];
  if (/UseDevelopmentStorage=true/i.test(values.AzureWebJobsStorage ?? '')) {
    const open = await Promise.all([10000, 10001, 10002].map((p) => answers(p)));
    if (!open.every(Boolean))
      problems.push(`AzureWebJobsStorage is UseDevelopmentStorage=true, but Azurite does not answer on 127.0.0.1:10000-10002.
Start it in another terminal:
  npx azurite --silent --location .local-state/azurite
`);
  }
  const arm = values.ARM_ENDPOINT;
  if (arm) {
    const url = new URL(arm);
    if (['127.0.0.1', 'localhost'].includes(url.hostname) && !(await answers(Number(url.port || 443))))
      problems.push(`ARM_ENDPOINT is ${arm}, where nothing answers. Start the local emulator in another terminal:
  npm run emulator -- --seed demo
`);
  }
  return problems;
}

async function main(): Promise<void> {
  const problems = await startProblems();
  if (problems.length > 0) {
    process.stderr.write(problems.join('\n'));
    process.exit(1);
  }
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const func = spawn(findOnPath('func') ?? 'func', ['start', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => func.kill(signal));
  func.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
