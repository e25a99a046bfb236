/**
 * Runs an app on the local host until Ctrl+C:
 *   tsx local/host/main.ts --app src/index.ts --state .local-state/host --port 7071 [--time fast|real|<scale>]
 * Settings come from the environment (and `--setting NAME=VALUE`, repeatable).
 */
import { Command } from 'commander';
import { startLocalHost, type TimeMode } from './index';

const program = new Command()
  .name('local-host')
  .requiredOption('--app <module>', 'module that registers the functions, e.g. src/index.ts')
  .option('--state <dir>', 'durable state directory', '.local-state/host')
  .option('--port <port>', 'port on 127.0.0.1', '7071')
  .option('--time <mode>', "'real', 'fast' or a speed-up factor", 'real')
  .option(
    '--setting <NAME=VALUE>',
    'app setting (repeatable)',
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  )
  .parse();

const opts = program.opts<{ app: string; state: string; port: string; time: string; setting: string[] }>();
const timeMode: TimeMode =
  opts.time === 'real' || opts.time === 'fast' ? opts.time : { scale: Number(opts.time) };
const settings: Record<string, string> = {};
for (const pair of opts.setting) {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`--setting expects NAME=VALUE, got '${pair}'`);
  settings[pair.slice(0, eq)] = pair.slice(eq + 1);
}

void (async () => {
  const host = await startLocalHost({
    appEntry: opts.app,
    stateDir: opts.state,
    port: Number(opts.port),
    timeMode,
    settings,
    log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
  });
  process.stdout.write(
    `Local host on ${host.baseUrl}\n  functions: ${host.functions.join(', ')}\n  host key: ${host.keys.host[0]}\n` +
      `  master key: ${host.keys.master}\n  durable RPC: ${host.rpcBaseUrl}\n`,
  );
  process.stdout.write(`  event grid webhook: ${host.eventGridUrl('<functionName>')}\n`);
  const shutdown = () => {
    void host.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
})();
