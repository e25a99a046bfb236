/**
 * `verify`, `doctor` and `export` against local/arm + local/dns: real lookups through node:dns, real SDK clients.
 */
import { startDnsServer } from '../../local/dns/server';
import type { RunningDnsServer } from '../../local/dns/server';
import { armDnsSource } from '../../local/dns/armSource';
import {
  backupSimulator,
  BACKUP_ZONE,
  BLOB_ZONE,
  createBackupVault,
  HUB_RG,
  HUB_SUBSCRIPTION,
  QUEUE_ZONE,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  SPOKE_VNET_ID,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';
import { flagsOf, operatorEnvironment, runCli } from '../helpers/cli';
import { suggestCommand } from '../../src/cli/live/commandLine';

const OTHER_VNET = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-other`;

describe('verify, doctor and export against local/arm and local/dns', () => {
  let fx: Fixture;
  let env: ReturnType<typeof operatorEnvironment>;
  let dns: RunningDnsServer;
  let vault: { vaultId: string; endpointId: string };

  beforeAll(async () => {
    fx = await startFixture();
    env = operatorEnvironment(fx);
    dns = await startDnsServer({ source: armDnsSource(fx.emu, SPOKE_VNET_ID) });
    vault = createBackupVault(fx, 'rsv-doc', 'v1');
    backupSimulator(fx).run(vault.vaultId, 'discover');
  });
  afterAll(async () => {
    env.restore();
    await dns.stop();
    await fx.emu.stop();
  });

  const vaultFlags = (): string[] => [...env.flags, '--vault', vault.vaultId];

  it('doctor lists what is missing before the first sync, with a fix for each', async () => {
    const result = await runCli('doctor', ...vaultFlags(), '--dns-server', dns.server);
    expect(result.code).toBe(1);
    expect(result.out).toContain('✓ vault exists — rsv-doc in eastus');
    expect(result.out).toContain('✓ system-assigned identity on');
    expect(result.out).toContain('✓ public network access denied');
    expect(result.out).toMatch(/✓ private endpoint pe-rsv-doc Approved/);
    expect(result.out).toContain('i Backup v1 — storage endpoints pe-rsv-doc_ecs_blob, pe-rsv-doc_ecs_queue');
    expect(result.out).toMatch(
      /✗ required records present with the right IP — 10 of 10 record\(s\) missing or wrong\n {4}- \S+ missing \(want 10\.12\.0\.\d+\)\n/,
    );
    expect(result.out).toContain('    - … 5 more (--output json lists all)');
    // The exact command, with the scope flags of this run.
    expect(result.out).toContain(
      `fix: run: ${suggestCommand('sync', { ...flagsOf(env.flags), vault: vault.vaultId })}`,
    );
    expect(result.out).toMatch(
      /✗ names resolve through .* — 10 of 10 name\(s\) do not resolve to the endpoint IPs\n {4}- \S+: nxdomain\n/,
    );
  });

  it('verify reports NXDOMAIN before sync, OK after, and WRONG IP on drift', async () => {
    const before = await runCli('verify', ...vaultFlags(), '--dns-server', dns.server, '--output', 'json');
    expect(before.code).toBe(1);
    const parsed = JSON.parse(before.out) as { resolutions: { status: string }[] };
    expect(new Set(parsed.resolutions.map((r) => r.status))).toEqual(new Set(['nxdomain']));

    expect((await runCli('sync', ...vaultFlags())).code).toBe(0);
    const after = await runCli(
      'verify',
      ...vaultFlags(),
      '--dns-server',
      dns.server,
      '--vnet',
      SPOKE_VNET_ID,
    );
    expect(after.code).toBe(0);
    expect(after.out).toContain(
      `\n10/10 names resolve as expected through ${dns.server}, 3/3 zone links present\n`,
    );

    const fc1 = fx.dns
      .listRecordSets(fx.zoneId(BACKUP_ZONE), 'A')
      .find((r) => r.name.endsWith('-ab-pod01-fc1'))!;
    // Drift on a record we own (its ownership metadata stays).
    const metadata = (fc1.properties as { metadata: Record<string, string> }).metadata;
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), { name: fc1.name, ipv4Addresses: ['10.12.9.9'], metadata });
    const drift = await runCli('verify', ...vaultFlags(), '--dns-server', dns.server);
    expect(drift.code).toBe(1);
    expect(drift.out).toMatch(
      new RegExp(
        `WRONG IP  ${fc1.name}\\.${BACKUP_ZONE.replace(/\./g, '\\.')} -> 10\\.12\\.9\\.9 \\(expected 10\\.12\\.0\\.\\d+\\)`,
      ),
    );
    // sync repairs the drift on a record we own.
    expect((await runCli('sync', ...vaultFlags())).code).toBe(0);
    expect((await runCli('verify', ...vaultFlags(), '--dns-server', dns.server)).code).toBe(0);
  });

  it('verify flags a zone that is not linked to a given VNet', async () => {
    fx.network.createVirtualNetwork({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'vnet-other',
      addressPrefixes: ['10.30.0.0/16'],
      subnets: [{ name: 'default', addressPrefix: '10.30.0.0/24' }],
    });
    fx.dns.linkVirtualNetwork(fx.zoneId(BLOB_ZONE), 'other-link', OTHER_VNET);
    const result = await runCli('verify', ...vaultFlags(), '--dns-server', dns.server, '--vnet', OTHER_VNET);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`LINKED    ${BLOB_ZONE} -> ${OTHER_VNET.toLowerCase()}`);
    expect(result.out).toContain(
      `NOT LINKED ${BACKUP_ZONE} -> ${OTHER_VNET.toLowerCase()}: add a virtual network link`,
    );
    expect(result.out).toContain(`NOT LINKED ${QUEUE_ZONE} -> ${OTHER_VNET.toLowerCase()}`);
  });

  it('doctor passes once synced, and names a pending connection from another subscription', async () => {
    const ok = await runCli('doctor', ...vaultFlags(), '--dns-server', dns.server);
    expect(ok.out).toMatch(/all checks passed/);
    expect(ok.code).toBe(0);

    // Someone who does not own the vault connects to it: Pending in the vault's connections.
    const created = backupSimulator(fx).createVaultEndpoint({
      vaultId: vault.vaultId,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-app',
      subnetId: SPOKE_SUBNET_ID,
      byVaultOwner: false,
    });
    expect(created.status).toBe('Pending');
    const pending = await runCli('doctor', ...vaultFlags(), '--output', 'json');
    expect(pending.code).toBe(1);
    const checks = (
      JSON.parse(pending.out) as { checks: { ok: boolean; title: string; detail: string; fix?: string }[] }
    ).checks;
    const check = checks.find((c) => c.title === 'private endpoint pe-app Pending');
    expect(check).toMatchObject({ ok: false, detail: `connection ${created.connectionName}` });
    expect(check?.fix).toContain(`approve connection ${created.connectionName}`);
  });

  it('doctor explains a missing vault, public access and a missing hub zone', async () => {
    const missing = await runCli(
      'doctor',
      ...env.flags,
      '--vault',
      vault.vaultId.replace('rsv-doc', 'rsv-none'),
    );
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/✗ vault exists — .*rsv-none was not found\n {4}fix: /);

    const open = createBackupVault(fx, 'rsv-open', 'v2', { publicNetworkAccess: 'Enabled' });
    const result = await runCli(
      'doctor',
      ...env.flags,
      '--vault',
      open.vaultId,
      '--zone-override',
      `${BACKUP_ZONE}=rg-nowhere`,
    );
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /✗ public network access denied — publicNetworkAccess is Enabled\n {4}fix: deny public/,
    );
    expect(result.out).toContain(
      `✗ hub zone ${BACKUP_ZONE} exists — not found in /subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/rg-nowhere`,
    );
    expect(HUB_RG).not.toBe('rg-nowhere');
  });

  it('exports hosts, tsv, csv and bind lines for custom DNS servers without reading the hub', async () => {
    const scope = ['--arm-endpoint', fx.emu.url, '--arm-ca', env.caFile, '--vault', vault.vaultId];
    const entries = backupSimulator(fx).dnsEntries(vault.vaultId);
    const fc1 = entries.find((e) => e.recordName.endsWith('-ab-pod01-fc1'))!;
    const hosts = await runCli('export', ...scope, '--format', 'hosts');
    expect(hosts.code).toBe(0);
    expect(hosts.out).toContain(`${fc1.ip} ${fc1.recordName}.${fc1.zone}\n`);
    expect(hosts.out.trim().split('\n')).toHaveLength(entries.length);
    const tsv = await runCli('export', ...scope, '--format', 'tsv');
    expect(tsv.out.split('\n')[0]).toBe('ResourceName\tDNS\tPrivateIP');
    expect(tsv.out).toContain(`${fc1.recordName}\t${fc1.zone}\t${fc1.ip}\n`);
    const csv = await runCli('export', ...scope, '--format', 'csv');
    expect(csv.out).toContain(`${fc1.zone},${fc1.recordName},${fc1.recordName}.${fc1.zone},${fc1.ip}\n`);
    const bind = await runCli('export', ...scope, '--format', 'bind', '--ttl', '30');
    expect(bind.out).toContain(`$ORIGIN ${BACKUP_ZONE}.\n$TTL 30\n`);
    expect(bind.out).toMatch(new RegExp(`^${fc1.recordName} +IN A ${fc1.ip.replace(/\./g, '\\.')}$`, 'm'));
  });
});
