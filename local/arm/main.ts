/**
 * Standalone ARM emulator: `npm run emulator [-- --port 8443 --time-scale 10 --seed seed.json --no-throttling]`.
 * Prints the endpoint, the CA file and the environment to export, then serves until SIGINT/SIGTERM.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SeedDocument } from './context';
import { startArmEmulator } from './server';

const DEMO_SEED: SeedDocument = {
  subscriptions: [
    {
      subscriptionId: '00000000-0000-4000-8000-00000000a0b1',
      displayName: 'hub',
      resourceGroups: [
        {
          name: 'rg-hub-dns',
          location: 'eastus',
          virtualNetworks: [
            {
              name: 'vnet-hub',
              addressPrefixes: ['10.0.0.0/16'],
              subnets: [{ name: 'snet-dns', addressPrefix: '10.0.0.0/24' }],
            },
          ],
        },
      ],
    },
    {
      subscriptionId: '00000000-0000-4000-8000-00000000c0d2',
      displayName: 'spoke',
      resourceGroups: [
        {
          name: 'rg-spoke',
          location: 'eastus',
          virtualNetworks: [
            {
              name: 'vnet-spoke',
              addressPrefixes: ['10.12.0.0/16'],
              subnets: [{ name: 'snet-pe', addressPrefix: '10.12.0.0/24' }],
            },
          ],
        },
      ],
    },
  ],
};

async function main(): Promise<void> {
  const program = new Command()
    .name('arm-emulator')
    .description('Local Azure Resource Manager emulator (HTTPS) with a managed-identity token endpoint')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--port <port>', 'HTTPS port (0 = any free port)', '0')
    .option('--identity-port <port>', 'managed-identity HTTP port (0 = any free port)', '0')
    .option('--time-scale <n>', 'emulated seconds per real second', '1')
    .option('--seed <file>', 'seed document (JSON); default: a hub and a spoke subscription')
    .option('--ca-file <path>', 'where to write the CA certificate', '.local-state/arm-emulator-ca.pem')
    .option('--identity-header <secret>', 'value expected in X-IDENTITY-HEADER (default: random)')
    .option('--no-throttling', 'turn the ARM throttling model off')
    .parse();
  const opts = program.opts<{
    host: string;
    port: string;
    identityPort: string;
    timeScale: string;
    seed?: string;
    caFile: string;
    identityHeader?: string;
    throttling: boolean;
  }>();
  const seed = opts.seed ? (JSON.parse(readFileSync(resolve(opts.seed), 'utf8')) as SeedDocument) : DEMO_SEED;
  const emulator = await startArmEmulator({
    host: opts.host,
    port: Number(opts.port),
    identityPort: Number(opts.identityPort),
    timeScale: Number(opts.timeScale),
    seed,
    throttling: { enabled: opts.throttling },
    ...(opts.identityHeader ? { identityHeader: opts.identityHeader } : {}),
  });
  const caFile = emulator.writeCaFile(resolve(opts.caFile));
  const env = { ...emulator.env(caFile), NODE_EXTRA_CA_CERTS: caFile };
  const lines = [
    `ARM emulator listening on ${emulator.url}`,
    `  managed identity: ${emulator.identityEndpoint}`,
    `  CA certificate:   ${caFile}`,
    `  control API:      ${emulator.url}/_emulator/health`,
    `  subscriptions:    ${seed.subscriptions.map((s) => s.subscriptionId).join(', ')}`,
    '',
    'Export:',
    ...Object.entries(env).map(([k, v]) => `export ${k}='${v}'`),
    '',
    'Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the ARM emulator\n`);
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`ARM emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
