/**
 * Example: the local Azure as another project would use it for Private DNS work. An ARM emulator with a hub
 * (a Private DNS zone linked to its VNet) and a spoke; an Event Grid subscription on the spoke delivering to a
 * webhook; a Recovery Services vault from the Backup simulator; a private endpoint to it created with the real
 * `@azure/arm-network` client. The webhook reads the endpoint's NIC and writes its FQDNs into the hub zone with
 * `@azure/arm-privatedns`; a lookup through the local DNS server finds them.
 *
 * Run it with `npx tsx examples/backup-endpoint-to-dns.ts` in local/ (it prints the names it resolved).
 */
import { promises as dnsPromises } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { startArmEmulator } from '@privatelink-dns-sync/local/arm';
import type { BackupSimulator } from '@privatelink-dns-sync/local/arm/backupSimulator';
import type { EventGridService } from '@privatelink-dns-sync/local/arm/eventGridProvider';
import { armDnsSource } from '@privatelink-dns-sync/local/dns/armSource';
import { startDnsServer } from '@privatelink-dns-sync/local/dns';
import { waitUntil } from '@privatelink-dns-sync/local/stack';

const HUB = '00000000-0000-4000-8000-00000000e001';
const SPOKE = '00000000-0000-4000-8000-00000000e002';
const ZONE = 'privatelink.eus.backup.windowsazure.com';
const HUB_VNET = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const SUBNET = `/subscriptions/${SPOKE}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/pe`;

export async function main(): Promise<string[]> {
  const emu = await startArmEmulator({
    lro: { polls: 1, retryAfterSeconds: 0 },
    seed: {
      subscriptions: [
        {
          subscriptionId: HUB,
          resourceGroups: [
            {
              name: 'rg-dns',
              location: 'eastus',
              virtualNetworks: [{ name: 'vnet-hub', addressPrefixes: ['10.0.0.0/16'] }],
              privateDnsZones: [{ name: ZONE, links: [{ name: 'hub', virtualNetworkId: HUB_VNET }] }],
            },
          ],
        },
        {
          subscriptionId: SPOKE,
          resourceGroups: [
            {
              name: 'rg-app',
              location: 'eastus',
              virtualNetworks: [
                {
                  name: 'vnet-app',
                  addressPrefixes: ['10.1.0.0/16'],
                  subnets: [{ name: 'pe', addressPrefix: '10.1.0.0/24' }],
                },
              ],
            },
          ],
        },
      ],
    },
  });
  const network = new NetworkManagementClient(emu.credential(), SPOKE, emu.clientOptions());
  const zones = new PrivateDnsManagementClient(emu.credential(), HUB, emu.clientOptions());
  const written: string[] = [];
  const publishing: Promise<void>[] = [];

  // The webhook: answers Event Grid's validation handshake, then writes the FQDNs of each changed endpoint's NIC.
  const webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const events = JSON.parse(body) as {
        eventType: string;
        data: { validationCode?: string; resourceUri?: string };
      }[];
      const validation = events.find(
        (e) => e.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent',
      );
      if (validation)
        return void res.end(JSON.stringify({ validationResponse: validation.data.validationCode }));
      res.writeHead(200).end();
      for (const event of events) publishing.push(publish(event.data.resourceUri ?? ''));
    });
  });
  const publish = async (endpointId: string) => {
    const [, , , , group, , , , name] = endpointId.split('/');
    if (!group || !name || !endpointId.includes('/privateEndpoints/')) return;
    const endpoint = await network.privateEndpoints.get(group, name);
    for (const nicRef of endpoint.networkInterfaces ?? []) {
      const nic = await network.networkInterfaces.get(group, nicRef.id?.split('/').pop() ?? '');
      for (const config of nic.ipConfigurations ?? []) {
        for (const fqdn of config.privateLinkConnectionProperties?.fqdns ?? []) {
          if (!fqdn.endsWith(`.${ZONE}`)) continue;
          const label = fqdn.slice(0, -ZONE.length - 1);
          await zones.recordSets.createOrUpdate('rg-dns', ZONE, 'A', label, {
            ttl: 10,
            aRecords: [{ ipv4Address: config.privateIPAddress ?? '' }],
          });
          written.push(`${label}.${ZONE}`);
        }
      }
    }
  };
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const dns = await startDnsServer({ source: armDnsSource(emu, HUB_VNET) });
  try {
    await emu.service<EventGridService>('eventGrid').subscribe({
      name: 'endpoints',
      subscriptionId: SPOKE,
      endpointUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/`,
      filter: {
        includedEventTypes: ['Microsoft.Resources.ResourceWriteSuccess'],
        advancedFilters: [
          {
            operatorType: 'StringIn',
            key: 'data.operationName',
            values: ['Microsoft.Network/privateEndpoints/write'],
          },
        ],
      },
    });
    const vault = emu.service<BackupSimulator>('backup').createVault({
      subscriptionId: SPOKE,
      resourceGroup: 'rg-app',
      name: 'rsv-app',
    });
    await network.privateEndpoints.beginCreateOrUpdateAndWait(
      'rg-app',
      'pe-rsv-app',
      {
        location: 'eastus',
        subnet: { id: SUBNET },
        privateLinkServiceConnections: [
          { name: 'backup', privateLinkServiceId: vault.id, groupIds: ['AzureBackup'] },
        ],
      },
      { updateIntervalInMs: 10 },
    );
    // Event Grid delivers after the write; the webhook publishes after it answered.
    await waitUntil('a delivery to the webhook', () => publishing.length > 0, 30_000);
    await emu.service<EventGridService>('eventGrid').idle();
    await Promise.all(publishing);
    const resolver = new dnsPromises.Resolver();
    resolver.setServers([dns.server]);
    const resolved: string[] = [];
    for (const fqdn of written) resolved.push(`${fqdn} ${(await resolver.resolve4(fqdn)).join(',')}`);
    return resolved;
  } finally {
    await dns.stop();
    await new Promise((resolve) => webhook.close(resolve));
    await emu.stop();
  }
}

if (require.main === module) {
  main().then(
    (lines) => lines.forEach((line) => console.log(line)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
