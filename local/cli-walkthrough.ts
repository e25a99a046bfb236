/**
 * The operator CLI against local Azure, end to end: `npx tsx local/cli-walkthrough.ts`. Starts the ARM emulator
 * (hub + spoke, three hub zones linked to the spoke VNet), a Backup v1 vault with its private endpoint after
 * discovery, and a DNS server answering for the spoke VNet; then runs each CLI command the way an operator types
 * it (environment from `npm run emulator`, hub settings in a `--config` file) and prints command, output and exit
 * code. The README's CLI examples are this script's output.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main';
import type { BackupSimulator } from './arm/backupSimulator';
import type { PrivateDnsService } from './arm/providers/privateDns';
import { startArmEmulator } from './arm/server';
import { armDnsSource } from './dns/armSource';
import { startDnsServer } from './dns/server';

const HUB = '00000000-0000-4000-8000-00000000a0b1';
const SPOKE = '00000000-0000-4000-8000-00000000c0d2';
const SPOKE_VNET = `/subscriptions/${SPOKE}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const ZONES = [
  'privatelink.eus.backup.windowsazure.com',
  'privatelink.blob.core.windows.net',
  'privatelink.queue.core.windows.net',
];

async function run(): Promise<void> {
  const emu = await startArmEmulator({
    seed: {
      subscriptions: [
        {
          subscriptionId: HUB,
          displayName: 'hub',
          resourceGroups: [
            {
              name: 'rg-hub-dns',
              location: 'eastus',
              privateDnsZones: ZONES.map((name) => ({
                name,
                links: [{ name: 'spoke', virtualNetworkId: SPOKE_VNET }],
              })),
            },
          ],
        },
        {
          subscriptionId: SPOKE,
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
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'plds-walkthrough-'));
  Object.assign(process.env, emu.env(emu.writeCaFile(join(dir, 'arm-ca.pem'))));
  const config = join(dir, 'hub.json');
  writeFileSync(
    config,
    JSON.stringify(
      { HUB_SUBSCRIPTION_ID: HUB, HUB_ZONE_RESOURCE_GROUP: 'rg-hub-dns', SPOKE_SUBSCRIPTION_IDS: SPOKE },
      null,
      2,
    ),
  );

  const backup = emu.service<BackupSimulator>('backup');
  const vault = backup.createVault({
    subscriptionId: SPOKE,
    resourceGroup: 'rg-spoke',
    name: 'rsv-app',
    location: 'eastus',
    experience: 'v1',
    publicNetworkAccess: 'Disabled',
  });
  backup.createVaultEndpoint({
    vaultId: vault.id,
    subscriptionId: SPOKE,
    resourceGroup: 'rg-spoke',
    name: 'pe-rsv-app',
    subnetId: `${SPOKE_VNET}/subnets/snet-pe`,
  });
  backup.run(vault.id, 'discover');
  const dns = await startDnsServer({
    source: armDnsSource(emu.service<PrivateDnsService>('privateDns'), SPOKE_VNET),
  });

  const show = (args: string[]): string =>
    args
      .join(' ')
      .replaceAll(config, 'hub.json')
      .replaceAll(vault.id, '$VAULT')
      .replaceAll(SPOKE_VNET, '$SPOKE_VNET')
      .replaceAll(dns.server, '127.0.0.1:$DNS_PORT');
  const step = async (...args: string[]): Promise<void> => {
    let out = '';
    const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    process.stdout.write(`$ privatelink-dns-sync ${show(args)}\n${out}(exit ${code})\n\n`);
  };

  process.stdout.write(`hub.json:\n${JSON.stringify(JSON.parse(readFileSync(config, 'utf8')), null, 2)}\n\n`);
  await step('plan', '--config', config, '--vault', vault.id);
  await step('plan', '--config', config, '--vault', vault.id, '--format', 'tsv', '--detailed-exitcode');
  await step('doctor', '--config', config, '--vault', vault.id);
  await step('sync', '--config', config, '--vault', vault.id);
  await step('sync', '--config', config, '--vault', vault.id);
  await step(
    'verify',
    '--config',
    config,
    '--vault',
    vault.id,
    '--dns-server',
    dns.server,
    '--vnet',
    SPOKE_VNET,
  );
  await step('export', '--config', config, '--vault', vault.id, '--format', 'hosts');
  await step('doctor', '--config', config, '--vault', vault.id, '--dns-server', dns.server);

  await dns.stop();
  await emu.stop();
}

run().catch((error: unknown) => {
  process.stderr.write(
    `walkthrough failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
