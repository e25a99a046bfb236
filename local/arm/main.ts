/**
 * Standalone ARM emulator for a local app and the CLI:
 * `npm run emulator [-- --seed demo|migration|empty|seed.json --port 8443 --time-scale 10 --no-throttling]`.
 *
 * Seeds the README's example estate (by default), answers DNS for the spoke VNet, writes the CA file and
 * `local.settings.json` (the example settings with this emulator's endpoints) so that `npm start` and
 * `privatelink-dns-sync … --config local.settings.json` work as they are, then serves until SIGINT/SIGTERM.
 * Ports are fixed by default so the settings stay valid across restarts; `PLDS_EMULATOR_PORT`,
 * `PLDS_EMULATOR_IDENTITY_PORT` and `PLDS_EMULATOR_DNS_PORT` (or the flags) move them, 0 picks free ones.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SeedDocument } from './context';
import { startArmEmulator } from './server';
import { armDnsSource } from '../dns/armSource';
import { startDnsServer } from '../dns/server';
import type { RunningDnsServer } from '../dns/server';
import { ESTATE_SEEDS, seedEstate, SPOKE_VNET_ID } from '../estate';
import type { EstateSeed } from '../estate';
import { displayPath, LOCAL_IDENTITY_HEADER, writeLocalSettings } from '../localSettings';

const port =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError(`${flag} must be a port number (0 = any free port), got "${value}"`);
    return n;
  };

const envPort = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : port(name)(raw);
};

function inUse(error: unknown, what: string, flag: string, env: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new Error(
      `${what} port is in use (another emulator running?): stop it, or pick another with ${flag} N (or ${env}=N)`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

async function main(): Promise<void> {
  const program = new Command()
    .name('arm-emulator')
    .description('Local Azure Resource Manager emulator (HTTPS) with a managed-identity token endpoint')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--port <port>', 'HTTPS port, PLDS_EMULATOR_PORT (0 = any free port)', port('--port'))
    .option(
      '--identity-port <port>',
      'managed-identity HTTP port, PLDS_EMULATOR_IDENTITY_PORT',
      port('--identity-port'),
    )
    .option(
      '--dns-port <port>',
      'DNS (UDP+TCP) port for the spoke VNet, PLDS_EMULATOR_DNS_PORT',
      port('--dns-port'),
    )
    .option('--no-dns', 'do not serve DNS')
    .option('--time-scale <n>', 'emulated seconds per real second', '1')
    .option(
      '--seed <name|file>',
      `${ESTATE_SEEDS.join(', ')} (the README's example estate; migration adds hand-made records), or a seed document (JSON)`,
      'demo',
    )
    .option('--ca-file <path>', 'where to write the CA certificate', '.local-state/arm-ca.pem')
    .option('--settings-file <path>', 'local.settings.json to write (never clobbered)', 'local.settings.json')
    .option('--no-settings', 'do not write a settings file')
    .option('--identity-header <secret>', 'value expected in X-IDENTITY-HEADER', LOCAL_IDENTITY_HEADER)
    .option('--no-throttling', 'turn the ARM throttling model off')
    .parse();
  const opts = program.opts<{
    host: string;
    port?: number;
    identityPort?: number;
    dnsPort?: number;
    dns: boolean;
    timeScale: string;
    seed: string;
    caFile: string;
    settingsFile: string;
    settings: boolean;
    identityHeader: string;
    throttling: boolean;
  }>();
  const estate = (ESTATE_SEEDS as readonly string[]).includes(opts.seed)
    ? (opts.seed as EstateSeed)
    : undefined;
  const seedDocument = estate
    ? undefined
    : (JSON.parse(readFileSync(resolve(opts.seed), 'utf8')) as SeedDocument);
  const httpsPort = opts.port ?? envPort('PLDS_EMULATOR_PORT', 8443);
  const identityPort = opts.identityPort ?? envPort('PLDS_EMULATOR_IDENTITY_PORT', 8444);
  const dnsPort = opts.dnsPort ?? envPort('PLDS_EMULATOR_DNS_PORT', 8053);

  const emulator = await startArmEmulator({
    host: opts.host,
    port: httpsPort,
    identityPort,
    timeScale: Number(opts.timeScale),
    ...(seedDocument ? { seed: seedDocument } : {}),
    throttling: { enabled: opts.throttling },
    identityHeader: opts.identityHeader,
  }).catch((error: unknown) => {
    throw inUse(error, `HTTPS port ${httpsPort} or identity`, '--port/--identity-port', 'PLDS_EMULATOR_PORT');
  });
  let dns: RunningDnsServer | undefined;
  try {
    const seeded = estate ? seedEstate(emulator, estate) : undefined;
    if (opts.dns && estate) {
      dns = await startDnsServer({ source: armDnsSource(emulator, SPOKE_VNET_ID), port: dnsPort }).catch(
        (error: unknown) => {
          throw inUse(error, `DNS port ${dnsPort}`, '--dns-port', 'PLDS_EMULATOR_DNS_PORT');
        },
      );
    }
    const caFile = emulator.writeCaFile(resolve(opts.caFile));
    const settingsLine = opts.settings
      ? writeLocalSettings(opts.settingsFile, {
          ARM_ENDPOINT: emulator.url,
          ARM_CA_FILE: caFile,
          IDENTITY_ENDPOINT: emulator.identityEndpoint,
          IDENTITY_HEADER: emulator.identityHeader,
        })
      : 'not written (--no-settings)';
    const lines = [
      `ARM emulator listening on ${emulator.url} (seed: ${opts.seed})`,
      `  managed identity: ${emulator.identityEndpoint}`,
      `  CA certificate:   ${displayPath(caFile)}`,
      ...(dns ? [`  DNS for the spoke VNet vnet-backup: ${dns.server}`] : []),
      ...(seeded ? seeded.describe.map((d) => `  estate:           ${d}`) : []),
      ...(seeded?.vaultId ? [`  vault:            ${seeded.vaultId}`] : []),
      `  settings:         ${settingsLine}`,
      '',
      'Ctrl+C to stop.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    await dns?.stop();
    await emulator.stop();
    throw error;
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the ARM emulator\n`);
    Promise.all([dns?.stop(), emulator.stop()]).then(
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
