/** The chaos oracle's own zone table and desired-state rules (independent of the app's catalogue). */
import type { ArmResource } from '../../local/arm/store';
import { desiredRecords, endpointApproved, zoneOf } from './oracle';

describe('chaos oracle', () => {
  it.each([
    [
      '1234567890123456789-ab-pod01-fc1.eus.backup.windowsazure.com',
      'privatelink.eus.backup.windowsazure.com',
      '1234567890123456789-ab-pod01-fc1',
    ],
    [
      '1234567890123456789-ab-pod01-rec2.privatelink.eus.backup.windowsazure.com',
      'privatelink.eus.backup.windowsazure.com',
      '1234567890123456789-ab-pod01-rec2',
    ],
    ['AbcdefPod01Ecs101.blob.core.windows.net', 'privatelink.blob.core.windows.net', 'abcdefpod01ecs101'],
    ['acct.queue.core.windows.net.', 'privatelink.queue.core.windows.net', 'acct'],
    ['kv-app.vault.azure.net', 'privatelink.vaultcore.azure.net', 'kv-app'],
  ])('%s → %s / %s', (fqdn, zone, name) => {
    expect(zoneOf(fqdn)).toEqual({ zone, name });
  });

  it.each(['acct.table.core.windows.net', 'example.com', 'a.b.backup.windowsazure.com.evil'])(
    '%s → no zone',
    (fqdn) => {
      expect(zoneOf(fqdn)).toBeUndefined();
    },
  );

  const endpoint = (id: string, status: string): ArmResource => ({
    id,
    name: id.split('/').pop() ?? '',
    type: 'Microsoft.Network/privateEndpoints',
    properties: {
      privateLinkServiceConnections: [{ properties: { privateLinkServiceConnectionState: { status } } }],
    },
  });

  it('only Approved connections publish; records merge by zone and name', () => {
    const zones = new Set(['privatelink.blob.core.windows.net']);
    const desired = desiredRecords(
      [
        {
          endpoint: endpoint('/e/1', 'Approved'),
          entries: [{ ip: '10.0.0.4', fqdns: ['a.blob.core.windows.net'] }],
        },
        {
          endpoint: endpoint('/e/2', 'Pending'),
          entries: [{ ip: '10.0.0.5', fqdns: ['b.blob.core.windows.net'] }],
        },
        {
          endpoint: endpoint('/e/3', 'Approved'),
          entries: [{ ip: '10.0.0.6', fqdns: ['a.blob.core.windows.net', 'c.queue.core.windows.net'] }],
        },
      ],
      zones,
    );
    expect([...desired.values()]).toEqual([
      {
        zone: 'privatelink.blob.core.windows.net',
        name: 'a',
        ips: ['10.0.0.4', '10.0.0.6'],
        endpointIds: ['/e/1', '/e/3'],
      },
    ]);
    expect(endpointApproved(endpoint('/e/4', 'Rejected'))).toBe(false);
    expect(endpointApproved(undefined)).toBe(false);
  });
});
