import {
  INITIAL_BACKUP_ROLES,
  backupConnectionName,
  backupGeoCode,
  backupServiceFqdn,
  backupServiceFqdns,
  backupStorageAccountName,
  newBackupVaultId,
  newStorageStamp,
  storageFqdn,
  v1StorageEndpointName,
} from '../../arm/backupFqdns';
import { seededRandom } from '../../arm/faults';
import { privateZoneFor } from '../../arm/backupSimulator';

describe('Backup simulator: Azure Backup names', () => {
  it.each([
    ['eastus', 'eus'],
    ['East US 2', 'eus2'],
    ['northeurope', 'ne'],
    ['uksouth', 'uks'],
    ['westcentralus', 'wcus'],
    ['germanywestcentral', 'gwc'],
    ['polandcentral', 'plc'],
  ])('geo code of %s is %s', (location, code) => {
    expect(backupGeoCode(location)).toBe(code);
  });

  it('refuses locations missing from the geo-code table', () => {
    expect(() => backupGeoCode('marsnorth')).toThrow(/no Azure Backup geo code/);
  });

  it('makes 19-digit vault ids without a leading zero, repeatable per seed', () => {
    const a = seededRandom(42);
    const ids = Array.from({ length: 200 }, () => newBackupVaultId(a));
    expect(ids.every((id) => /^[1-9]\d{18}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(200);
    const b = seededRandom(42);
    expect(newBackupVaultId(b)).toBe(ids[0]);
  });

  it('builds service FQDNs per role in the form with privatelink inside', () => {
    expect(backupServiceFqdn('3592346090307038890', 'eus', 'prot1')).toBe(
      '3592346090307038890-ab-pod01-prot1.privatelink.eus.backup.windowsazure.com',
    );
    const all = backupServiceFqdns('5892835050346582250', 'westeurope');
    expect(all.map((f) => f.split('.')[0]!.split('-').pop())).toEqual([
      'fc1',
      'fab1',
      'prot1',
      'rec2',
      'ecs1',
      'id1',
      'tel1',
      'wbcm1',
    ]);
    expect(all.every((f) => f.endsWith('.privatelink.we.backup.windowsazure.com'))).toBe(true);
    expect(backupServiceFqdns('5892835050346582250', 'westeurope', INITIAL_BACKUP_ROLES)).toEqual([
      '5892835050346582250-ab-pod01-rec2.privatelink.we.backup.windowsazure.com',
      '5892835050346582250-ab-pod01-id1.privatelink.we.backup.windowsazure.com',
    ]);
  });

  it('names storage accounts in Backup style and keeps them valid', () => {
    const stamp = newStorageStamp(seededRandom(1));
    expect(stamp).toMatch(/^[a-z]{6}$/);
    expect(backupStorageAccountName('abcdey', 'ecs', 114)).toBe('abcdeypod01ecs114');
    expect(backupStorageAccountName('abcdey', 'prot', 120)).toBe('abcdeypod01prot120');
    expect(() => backupStorageAccountName('averylongstampprefix', 'prot', 120)).toThrow(
      /not a valid storage account name/,
    );
    expect(storageFqdn('abcdeypod01ecs114', 'queue')).toBe('abcdeypod01ecs114.queue.core.windows.net');
  });

  it.each([
    ['pe-rsv', 'ecs', 'blob', 1, 'pe-rsv_ecs_blob'],
    ['pe-rsv', 'ecs', 'queue', 1, 'pe-rsv_ecs_queue'],
    ['pe-rsv', 'prot', 'blob', 1, 'pe-rsv_prot_blob'],
    ['pe-rsv', 'prot', 'blob', 2, 'pe-rsv_prot2_blob'],
  ] as const)('v1 storage endpoint of %s (%s %s #%d) is %s', (pe, kind, service, n, expected) => {
    expect(v1StorageEndpointName(pe, kind, service, n)).toBe(expected);
  });

  it('names connections {pe}.{vaultId}.backup.{guid}', () => {
    expect(backupConnectionName('pe1', '3592346090307038890', 'g')).toBe('pe1.3592346090307038890.backup.g');
  });

  it.each([
    [
      '3592346090307038890-ab-pod01-rec2.privatelink.we.backup.windowsazure.com',
      'privatelink.we.backup.windowsazure.com',
      '3592346090307038890-ab-pod01-rec2',
    ],
    [
      '3592346090307038890-ab-pod01-fc1.eus.backup.windowsazure.com',
      'privatelink.eus.backup.windowsazure.com',
      '3592346090307038890-ab-pod01-fc1',
    ],
    ['ABCDEYPOD01ECS114.blob.core.windows.net', 'privatelink.blob.core.windows.net', 'abcdeypod01ecs114'],
    ['abcdeypod01ecs114.queue.core.windows.net', 'privatelink.queue.core.windows.net', 'abcdeypod01ecs114'],
  ])('private zone of %s', (fqdn, zone, recordName) => {
    expect(privateZoneFor(fqdn)).toEqual({ zone, recordName });
  });

  it('has no zone for other names', () => {
    expect(() => privateZoneFor('example.com')).toThrow(/no private zone/);
  });
});
