/**
 * `plan` and `sync` against local/arm through the real SDK clients and DefaultAzureCredential (managed identity
 * endpoint of the emulator): a Backup v1 vault through discovery and first backup, a v2 vault, dry runs,
 * --detailed-exitcode, and a second sync that writes nothing (counted by the emulator).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startDnsServer } from '../../local/dns/server';
import type { RunningDnsServer } from '../../local/dns/server';
import { armDnsSource } from '../../local/dns/armSource';
import {
  backupSimulator,
  BACKUP_ZONE,
  BLOB_ZONE,
  createBackupVault,
  QUEUE_ZONE,
  SPOKE_VNET_ID,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';
import { operatorEnvironment, runCli } from '../helpers/cli';

describe('plan and sync against local/arm', () => {
  let fx: Fixture;
  let env: ReturnType<typeof operatorEnvironment>;
  let dns: RunningDnsServer;

  beforeAll(async () => {
    fx = await startFixture();
    env = operatorEnvironment(fx);
    dns = await startDnsServer({ source: armDnsSource(fx.emu, SPOKE_VNET_ID) });
  });
  afterAll(async () => {
    env.restore();
    await dns.stop();
    await fx.emu.stop();
  });

  const recordWrites = (): number =>
    fx.emu.log.count('RecordSets_CreateOrUpdate') +
    fx.emu.log.count('RecordSets_Update') +
    fx.emu.log.count('RecordSets_Delete');
  const names = (zone: string): string[] =>
    fx.dns
      .listRecordSets(fx.zoneId(zone), 'A')
      .map((r) => r.name)
      .sort();

  async function syncJson(...extra: string[]) {
    const result = await runCli('sync', ...env.flags, '--output', 'json', ...extra);
    expect(result.err).toBe('');
    return {
      code: result.code,
      body: JSON.parse(result.out) as { report: Record<string, unknown> & { failures: unknown[] } },
    };
  }

  it('follows a Backup v1 vault through discovery and first backup; a second sync writes nothing', async () => {
    const { vaultId } = createBackupVault(fx, 'rsv-v1', 'v1');
    const vaultFlag = ['--vault', vaultId];

    // Before anything: the plan has creates → --detailed-exitcode answers 2; a dry run writes nothing.
    const pending = await runCli('plan', ...env.flags, ...vaultFlag, '--detailed-exitcode');
    expect(pending.code).toBe(2);
    expect(pending.out).toMatch(
      /create\s+privatelink\.eus\.backup\.windowsazure\.com\s+\d{19}-ab-pod01-rec2/,
    );
    fx.emu.log.reset();
    const dry = await runCli('sync', ...env.flags, ...vaultFlag, '--dry-run', '--detailed-exitcode');
    expect(dry.code).toBe(2);
    expect(dry.out).toMatch(/would create \d{19}-ab-pod01-rec2\.privatelink\.eus\.backup\.windowsazure\.com/);
    expect(recordWrites()).toBe(0);

    // Vault endpoint only: the two Backup roles a new endpoint shows, nothing in blob/queue yet.
    let run = await syncJson(...vaultFlag);
    expect(run.code).toBe(0);
    expect(run.body.report.created).toBe(2);
    expect(names(BLOB_ZONE)).toEqual([]);

    // Discovery: the other six roles arrive; Backup creates <pe>_ecs_blob and <pe>_ecs_queue.
    const discovered = backupSimulator(fx).run(vaultId, 'discover');
    expect(discovered.createdEndpoints.map((id) => id.split('/').pop())).toEqual([
      'pe-rsv-v1_ecs_blob',
      'pe-rsv-v1_ecs_queue',
    ]);
    run = await syncJson(...vaultFlag);
    expect(run.body.report.created).toBe(6 + 2);
    expect(
      names(BACKUP_ZONE).filter((n) => discovered.fqdns.some((f) => f.startsWith(`${n}.`))),
    ).toHaveLength(6);
    expect(names(BLOB_ZONE)).toHaveLength(1);
    expect(names(QUEUE_ZONE)).toHaveLength(1);

    // First backup: <pe>_prot_blob.
    backupSimulator(fx).run(vaultId, 'firstBackup');
    run = await syncJson(...vaultFlag);
    expect(run.body.report.created).toBeGreaterThanOrEqual(1);
    expect(run.body.report.failures).toEqual([]);

    // Every name Backup needs resolves through a resolver in the spoke VNet.
    const verify = await runCli('verify', ...env.flags, ...vaultFlag, '--dns-server', dns.server);
    expect(verify.code).toBe(0);
    const entries = backupSimulator(fx).dnsEntries(vaultId);
    expect(entries.length).toBeGreaterThanOrEqual(11);
    for (const entry of entries) {
      expect(verify.out).toContain(`OK        ${entry.recordName}.${entry.zone} -> ${entry.ip}`);
    }

    // In step now: plan exits 0 with --detailed-exitcode, and sync writes nothing.
    expect((await runCli('plan', ...env.flags, ...vaultFlag, '--detailed-exitcode')).code).toBe(0);
    fx.emu.log.reset();
    run = await syncJson(...vaultFlag);
    expect(run.body.report.written).toBe(0);
    expect(recordWrites()).toBe(0);
  });

  it('follows a Backup v2 vault whose endpoint NIC grows storage FQDNs', async () => {
    const { vaultId, endpointId } = createBackupVault(fx, 'rsv-v2', 'v2');
    const vaultFlag = ['--vault', vaultId];
    let run = await syncJson(...vaultFlag);
    expect(run.body.report.created).toBe(2);
    const result = backupSimulator(fx).run(vaultId, 'discover');
    expect(result.createdEndpoints).toEqual([]);
    expect(result.updatedResources.map((id) => id.toLowerCase())).toContain(endpointId.toLowerCase());
    run = await syncJson(...vaultFlag);
    expect(run.body.report.created).toBe(6 + 2);
    backupSimulator(fx).run(vaultId, 'firstBackup');
    run = await syncJson(...vaultFlag);
    expect(run.body.report.failures).toEqual([]);
    const doctor = await runCli('doctor', ...env.flags, '--vault', vaultId, '--output', 'json');
    const checks = (JSON.parse(doctor.out) as { checks: { title: string; ok: boolean }[] }).checks;
    expect(checks.find((c) => c.title.startsWith('Backup'))?.title).toBe('Backup v2');
    expect(doctor.code).toBe(0);
  });

  it('prints the human summary and reads settings from --config and from the environment', async () => {
    const config = join(dirname(env.caFile), 'settings.json');
    const [, , , , , spoke, , hub, , rg] = env.flags;
    writeFileSync(
      config,
      JSON.stringify({
        Values: {
          HUB_SUBSCRIPTION_ID: hub,
          HUB_ZONE_RESOURCE_GROUP: rg,
          SPOKE_SUBSCRIPTION_IDS: spoke,
          ARM_ENDPOINT: fx.emu.url,
          ARM_CA_FILE: env.caFile,
        },
      }),
    );
    const human = await runCli('sync', '--config', config, '--no-resource-graph');
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^written 0 \(created 0, updated 0, adopted 0, deleted 0\)$/m);
    expect(human.out).toMatch(
      /429s absorbed 0, retries 0, 412 re-plans 0, time \d+\.\ds \(endpoints via arm\)/,
    );
    expect(names(BACKUP_ZONE).length).toBeGreaterThanOrEqual(16);

    // The same settings from the environment, as the Function App reads them; a flag still wins.
    Object.assign(process.env, {
      HUB_SUBSCRIPTION_ID: hub,
      HUB_ZONE_RESOURCE_GROUP: rg,
      SPOKE_SUBSCRIPTION_IDS: spoke,
      ARM_ENDPOINT: fx.emu.url,
      ARM_CA_FILE: env.caFile,
    });
    try {
      const fromEnv = await runCli('plan', '--detailed-exitcode');
      expect(fromEnv.code).toBe(0);
      expect(fromEnv.err).toMatch(/via Resource Graph/);
      const overridden = await runCli('plan', '--zone-resource-group', 'rg-elsewhere', '--detailed-exitcode');
      expect(overridden.code).toBe(2);
    } finally {
      for (const name of [
        'HUB_SUBSCRIPTION_ID',
        'HUB_ZONE_RESOURCE_GROUP',
        'SPOKE_SUBSCRIPTION_IDS',
        'ARM_ENDPOINT',
        'ARM_CA_FILE',
      ])
        delete process.env[name];
    }
  });

  it('fails (exit 1) when a hub zone the records need does not exist, and writes nothing there', async () => {
    fx.emu.log.reset();
    const result = await runCli('sync', ...env.flags, '--zone-override', `${BLOB_ZONE}=rg-missing`);
    const puts = fx.emu.log.list({ operationId: 'RecordSets_CreateOrUpdate' });
    expect(puts.filter((e) => e.path.toLowerCase().includes(BLOB_ZONE))).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      new RegExp(
        `SKIPPED out-of-scope: hub zone ${BLOB_ZONE.replace(/\./g, '\\.')} does not exist in /subscriptions/[^/]+/resourceGroups/rg-missing; \\d+ record\\(s\\) wait for it`,
      ),
    );
  });

  it('rejects bad settings with exit 64 and names the flag', async () => {
    const bad = await runCli('sync', '--arm-endpoint', fx.emu.url, '--subscription', 'not-a-guid');
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/HUB_SUBSCRIPTION_ID \(--hub-subscription\): is required/);
    expect(bad.err).toMatch(/SPOKE_SUBSCRIPTION_IDS \(--subscription\)/);
    const noCa = await runCli('plan', ...env.flags, '--arm-ca', '/nonexistent/ca.pem');
    expect(noCa.code).toBe(64);
    expect(noCa.err).toMatch(
      /^error: ARM_CA_FILE \(--arm-ca\): cannot read CA file \/nonexistent\/ca\.pem \(no such file\)/,
    );
  });
});
