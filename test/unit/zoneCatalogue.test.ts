import { knownZones, normaliseFqdn, recordFqdn, zoneForFqdn } from '../../src/core/zoneCatalogue';

describe('zoneForFqdn', () => {
  it.each([
    [
      '4417203958861027345-ab-pod01-fc1.eus.backup.windowsazure.com',
      'privatelink.eus.backup.windowsazure.com',
      '4417203958861027345-ab-pod01-fc1',
    ],
    [
      '4417203958861027345-AB-POD01-PROT1.NE.backup.windowsazure.com.',
      'privatelink.ne.backup.windowsazure.com',
      '4417203958861027345-ab-pod01-prot1',
    ],
    [
      'x-ab-pod01-id1.privatelink.uks.backup.windowsazure.com',
      'privatelink.uks.backup.windowsazure.com',
      'x-ab-pod01-id1',
    ],
    ['x-ab-pod01-id1.ugv.backup.windowsazure.us', 'privatelink.ugv.backup.windowsazure.us', 'x-ab-pod01-id1'],
    // Regions newer than the 2022 list, from the separately sourced table.
    [
      'x-ab-pod01-fc1.plc.backup.windowsazure.com',
      'privatelink.plc.backup.windowsazure.com',
      'x-ab-pod01-fc1',
    ],
    [
      'x-ab-pod01-fab1.itn.backup.windowsazure.com',
      'privatelink.itn.backup.windowsazure.com',
      'x-ab-pod01-fab1',
    ],
    [
      'x-ab-pod01-id1.spc.backup.windowsazure.com',
      'privatelink.spc.backup.windowsazure.com',
      'x-ab-pod01-id1',
    ],
    ['abcdeypod01ecs114.blob.core.windows.net', 'privatelink.blob.core.windows.net', 'abcdeypod01ecs114'],
    [
      'abcdeypod01ecs114.privatelink.blob.core.windows.net',
      'privatelink.blob.core.windows.net',
      'abcdeypod01ecs114',
    ],
    ['abcdeypod01ecs114.queue.core.windows.net', 'privatelink.queue.core.windows.net', 'abcdeypod01ecs114'],
    ['acct.table.core.windows.net', 'privatelink.table.core.windows.net', 'acct'],
    ['acct.file.core.windows.net', 'privatelink.file.core.windows.net', 'acct'],
    ['acct.dfs.core.windows.net', 'privatelink.dfs.core.windows.net', 'acct'],
    ['acct.z13.web.core.windows.net', 'privatelink.web.core.windows.net', 'acct.z13'],
    ['acct-secondary.blob.core.windows.net', 'privatelink.blob.core.windows.net', 'acct-secondary'],
    ['acct.blob.core.usgovcloudapi.net', 'privatelink.blob.core.usgovcloudapi.net', 'acct'],
    ['acct.queue.core.chinacloudapi.cn', 'privatelink.queue.core.chinacloudapi.cn', 'acct'],
    ['kv-app.vault.azure.net', 'privatelink.vaultcore.azure.net', 'kv-app'],
    ['kv-app.vaultcore.azure.net', 'privatelink.vaultcore.azure.net', 'kv-app'],
    ['hsm1.managedhsm.azure.net', 'privatelink.managedhsm.azure.net', 'hsm1'],
    ['sql-app.database.windows.net', 'privatelink.database.windows.net', 'sql-app'],
    ['mi-app.a1b2c3d4e5f6.database.windows.net', 'privatelink.a1b2c3d4e5f6.database.windows.net', 'mi-app'],
    ['app1.azurewebsites.net', 'privatelink.azurewebsites.net', 'app1'],
    ['app1.scm.azurewebsites.net', 'privatelink.azurewebsites.net', 'app1.scm'],
    ['topic1.westeurope-1.eventgrid.azure.net', 'privatelink.eventgrid.azure.net', 'topic1.westeurope-1'],
    ['ns1.servicebus.windows.net', 'privatelink.servicebus.windows.net', 'ns1'],
    ['api.monitor.azure.com', 'privatelink.monitor.azure.com', 'api'],
    ['ws1.oms.opinsights.azure.com', 'privatelink.oms.opinsights.azure.com', 'ws1'],
    ['ws1.ods.opinsights.azure.com', 'privatelink.ods.opinsights.azure.com', 'ws1'],
    ['ws1.agentsvc.azure-automation.net', 'privatelink.agentsvc.azure-automation.net', 'ws1'],
    ['vault1.eus.siterecovery.windowsazure.com', 'privatelink.siterecovery.windowsazure.com', 'vault1.eus'],
  ])('%s → %s / %s', (fqdn, zone, name) => {
    expect(zoneForFqdn(fqdn)).toMatchObject({ ok: true, zone, name });
  });

  it.each([
    ['x-ab-pod01-fc1.xyz.backup.windowsazure.com', 'unknown-geo'],
    ['x-ab-pod01-fc1.bj2r.backup.windowsazure.com', 'unknown-geo'],
    ['x-ab-pod01-fc1.zzz.backup.windowsazure.com', 'unknown-geo'],
    ['eus.backup.windowsazure.com', 'invalid-fqdn'],
    ['acct.z12.blob.storage.azure.net', 'unknown-suffix'],
    ['example.com', 'unknown-suffix'],
    ['blob.core.windows.net', 'unknown-suffix'],
    ['', 'invalid-fqdn'],
    ['bad name.blob.core.windows.net', 'invalid-fqdn'],
    ['a..blob.core.windows.net', 'invalid-fqdn'],
    [`${'a'.repeat(250)}.blob.core.windows.net`, 'invalid-fqdn'],
  ])('%s is skipped as %s', (fqdn, code) => {
    const result = zoneForFqdn(fqdn);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it('knows at least 26 zones besides Backup, all privatelink', () => {
    const zones = knownZones();
    expect(zones.length).toBeGreaterThanOrEqual(26);
    expect(zones.every((z) => z.startsWith('privatelink.'))).toBe(true);
  });

  it('normalises case, trailing dot and embedded privatelink', () => {
    expect(normaliseFqdn(' Acct.PrivateLink.Blob.core.windows.net. ')).toBe('acct.blob.core.windows.net');
    expect(recordFqdn('privatelink.blob.core.windows.net', 'acct')).toBe(
      'acct.privatelink.blob.core.windows.net',
    );
  });
});
