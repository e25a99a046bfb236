/**
 * The operator's CLI against local/arm and local/dns, with the real SDK clients and credential: records made by
 * hand (as CreateDNSEntries.ps1 leaves them) found by plan, verify and doctor, taken over with --adopt and
 * --replace-foreign; exit codes 4 and 64; scopes that match nothing; export --output json; the system resolver
 * default; not being signed in; and progress lines while writes wait for a zone's window.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { runSync } from '../../src/cli/commands/sync';
import { suggestCommand } from '../../src/cli/live/commandLine';
import { decodeOwnership } from '../../src/core/ownership';
import { armDnsSource } from '../../local/dns/armSource';
import { startDnsServer } from '../../local/dns/server';
import type { RunningDnsServer } from '../../local/dns/server';
import {
  backupSimulator,
  BACKUP_ZONE,
  BLOB_ZONE,
  createBackupVault,
  createBulkEndpoints,
  HUB_RG,
  HUB_SUBSCRIPTION,
  SPOKE_SUBSCRIPTION,
  SPOKE_VNET_ID,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';
import { flagsOf, operatorEnvironment, runCli } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '../..');

describe('records made by hand, scopes and conventions', () => {
  let fx: Fixture;
  let env: ReturnType<typeof operatorEnvironment>;
  let dns: RunningDnsServer;
  let vaultId: string;
  let staleFqdn: string;
  /** What the endpoint publishes for the stale record (the simulator assigns the address). */
  let staleIp: string;

  beforeAll(async () => {
    fx = await startFixture();
    env = operatorEnvironment(fx);
    dns = await startDnsServer({ source: armDnsSource(fx.emu, SPOKE_VNET_ID) });
    vaultId = createBackupVault(fx, 'rsv-hand', 'v1').vaultId;
    backupSimulator(fx).run(vaultId, 'discover');
    // What CreateDNSEntries.ps1 leaves: every record, no metadata, TTL 3600; fc1 with an address gone stale.
    for (const entry of backupSimulator(fx).dnsEntries(vaultId)) {
      const stale = entry.recordName.endsWith('-ab-pod01-fc1');
      if (stale) {
        staleFqdn = `${entry.recordName}.${entry.zone}`;
        staleIp = entry.ip;
      }
      fx.dns.putARecordSet(fx.zoneId(entry.zone), {
        name: entry.recordName,
        ttl: 3600,
        ipv4Addresses: [stale ? '10.12.9.99' : entry.ip],
      });
    }
  });
  afterAll(async () => {
    env.restore();
    await dns.stop();
    await fx.emu.stop();
  });

  const vaultFlags = (): string[] => [...env.flags, '--vault', vaultId];
  const record = (fqdn: string) => {
    const name = fqdn.slice(0, fqdn.indexOf('.'));
    const zone = fqdn.slice(name.length + 1);
    const rs = fx.dns.getRecordSet(fx.zoneId(zone), 'A', name);
    const props = rs?.properties as {
      aRecords: { ipv4Address: string }[];
      metadata?: Record<string, string>;
      ttl: number;
    };
    return {
      ips: props.aRecords.map((a) => a.ipv4Address),
      owner: decodeOwnership(props.metadata)?.ownerId,
      ttl: props.ttl,
    };
  };
  const writes = (): number =>
    fx.emu.log.count('RecordSets_CreateOrUpdate') +
    fx.emu.log.count('RecordSets_Update') +
    fx.emu.log.count('RecordSets_Delete');

  it('plan finds them, prints the command for each kind, and exits 4', async () => {
    const result = await runCli('plan', ...vaultFlags());
    expect(result.code).toBe(4);
    const scope = { ...flagsOf(env.flags), vault: vaultId };
    expect(result.err).toContain(
      `9 record(s) made by hand (no owner) already hold the right IPs; to have privatelink-dns-sync maintain them, adopt them:\n  ${suggestCommand('sync', scope, ['--adopt'])}\n`,
    );
    expect(result.err).toContain(`  ${staleFqdn} has 10.12.9.99, the endpoint publishes ${staleIp}\n`);
    expect(result.err).toContain(`  ${suggestCommand('sync', scope, ['--replace-foreign', staleFqdn])}\n`);
  });

  it('verify reports them (and the wrong address fails the lookup: exit 1)', async () => {
    const result = await runCli('verify', ...vaultFlags(), '--dns-server', dns.server);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`WRONG IP  ${staleFqdn} -> 10.12.9.99 (expected ${staleIp})`);
    expect(result.out.match(/^HAND-MADE /gm)).toHaveLength(9);
    expect(result.out).toContain(
      `CONFLICT  ${staleFqdn} -> 10.12.9.99: made by hand (no owner); the endpoint publishes ${staleIp}\n`,
    );
    expect(result.out).toMatch(
      /^9\/10 names resolve as expected through \S+, 1 conflict\(s\), 9 record\(s\) made by hand$/m,
    );
  });

  it('doctor names the stale one with the replace command, the others with --adopt; conflicts only: exit 4', async () => {
    const result = await runCli('doctor', ...vaultFlags());
    expect(result.code).toBe(4);
    expect(result.out).toContain(
      `✗ required records present with the right IP — 1 of 10 record(s) missing or wrong\n    - ${staleFqdn} has 10.12.9.99, made by hand (want ${staleIp})\n    fix: replace the record(s) made by hand (asks first): privatelink-dns-sync sync `,
    );
    expect(result.out).toContain('i 9 record(s) made by hand (no owner) hold the right IPs');
    expect(result.out).toMatch(/ {4}fix: take them over: privatelink-dns-sync sync .* --adopt\n/);
  });

  it('sync leaves them alone and exits 4; --replace-foreign is refused without a confirmation', async () => {
    fx.emu.log.reset();
    const plain = await runCli('sync', ...vaultFlags());
    expect(plain.code).toBe(4);
    expect(plain.out).toMatch(/^written 0 /m);
    expect(plain.out).toContain(`CONFLICT ${staleFqdn} stands with 10.12.9.99 and is not ours (no owner)`);

    const unconfirmed = await runCli('sync', ...vaultFlags(), '--replace-foreign', staleFqdn);
    expect(unconfirmed).toMatchObject({
      code: 64,
      err: 'error: --replace-foreign overwrites records made by hand: confirm on a terminal, or add --yes\n',
    });
    let question = '';
    const declined = runSync(
      { ...flagsOf(env.flags), vault: vaultId, concurrency: 4, output: 'text', replaceForeign: [staleFqdn] },
      { stdout: () => undefined, stderr: () => undefined },
      {
        confirm: (q) => {
          question = q;
          return Promise.resolve(false);
        },
      },
    );
    await expect(declined).rejects.toThrow('not confirmed; nothing was written');
    expect(question).toBe(
      `Replace 1 record(s) made by hand with the endpoint IPs?\n  ${staleFqdn}: 10.12.9.99 -> ${staleIp}\nType yes to go on: `,
    );
    const policy = await runCli(
      'sync',
      ...vaultFlags(),
      '--policy',
      'create-only',
      '--replace-foreign',
      staleFqdn,
      '--yes',
    );
    expect(policy.code).toBe(64);
    expect(policy.err).toMatch(/which policy create-only does not allow/);
    expect(writes()).toBe(0);
    expect(record(staleFqdn)).toEqual({ ips: ['10.12.9.99'], owner: undefined, ttl: 3600 });
  });

  it('--replace-foreign --yes overwrites exactly the named record, says so, and takes it over', async () => {
    const wrongName = await runCli(
      'sync',
      ...vaultFlags(),
      '--replace-foreign',
      'nothing.example.com',
      '--yes',
    );
    expect(wrongName.code).toBe(4);
    expect(wrongName.err).toContain(
      'warning: --replace-foreign nothing.example.com: no record made by hand stands in the way there',
    );

    fx.emu.log.reset();
    const dry = await runCli('sync', ...vaultFlags(), '--replace-foreign', staleFqdn, '--dry-run');
    expect(dry.out).toContain(`would replace (made by hand) ${staleFqdn}: 10.12.9.99 -> ${staleIp}\n`);
    expect(writes()).toBe(0);

    const replaced = await runCli(
      'sync',
      ...vaultFlags(),
      '--replace-foreign',
      staleFqdn.toUpperCase(),
      '--yes',
    );
    expect(replaced.code).toBe(0);
    expect(replaced.out).toContain(
      `REPLACED ${staleFqdn}: 10.12.9.99 -> ${staleIp} (made by hand; now owned by privatelink-dns-sync)\n`,
    );
    expect(replaced.out).toMatch(/^written 1 \(created 0, updated 0, adopted 1, deleted 0\)$/m);
    expect(writes()).toBe(1);
    expect(record(staleFqdn)).toEqual({ ips: [staleIp], owner: 'privatelink-dns-sync', ttl: 10 });

    const adopted = await runCli('sync', ...vaultFlags(), '--adopt');
    expect(adopted.code).toBe(0);
    expect(adopted.out).toMatch(/^written 9 \(created 0, updated 0, adopted 9, deleted 0\)$/m);
    // Adoption keeps what stands (TTL 3600); the next run brings the TTL to the app's.
    expect((await runCli('sync', ...vaultFlags())).out).toMatch(/^written 9 \(created 0, updated 9, /m);
    expect((await runCli('plan', ...vaultFlags(), '--detailed-exitcode')).code).toBe(0);
    expect((await runCli('verify', ...vaultFlags(), '--dns-server', dns.server)).code).toBe(0);
  });

  it.each([
    [
      'a vault that does not exist',
      () => ['--vault', vaultId.replace('rsv-hand', 'rsv-none')],
      /^error: vault \S+rsv-none was not found; check the id/,
    ],
    [
      'a subscription that does not exist',
      () => ['--subscription', '00000000-0000-4000-8000-0000000000ff'],
      /^error: \/subscriptions\/00000000-0000-4000-8000-0000000000ff does not exist \(SubscriptionNotFound\)/,
    ],
    [
      'a resource group that does not exist',
      () => ['--resource-group', 'rg-missing'],
      /^error: \/subscriptions\/\S+\/resourceGroups\/rg-missing does not exist \(ResourceGroupNotFound\)/,
    ],
  ])('plan for %s is an error (exit 1), not an empty plan', async (_label, scope, message) => {
    const result = await runCli('plan', ...env.flags, ...scope());
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });

  it('a scope that exists but holds no endpoint is a warning', async () => {
    fx.emu.ensureResourceGroup(SPOKE_SUBSCRIPTION, 'rg-empty');
    const result = await runCli('plan', ...env.flags, '--resource-group', 'rg-empty');
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      `warning: no private endpoints in resource group ${SPOKE_SUBSCRIPTION}/rg-empty\n`,
    );
    // verify defaults to the machine's resolvers (nothing to look up here).
    const verify = await runCli('verify', ...env.flags, '--resource-group', 'rg-empty', '--output', 'json');
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.out) as { dnsServer: string }).dnsServer).toMatch(/^the system resolver \(/);
  });

  it('export --output json lists every record with its FQDN and endpoints', async () => {
    const result = await runCli('export', ...vaultFlags(), '--output', 'json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.out) as {
      ttl: number;
      records: { fqdn: string; ips: string[]; endpoints: string[] }[];
    };
    expect(body.ttl).toBe(10);
    expect(body.records).toHaveLength(10);
    expect(body.records.find((r) => r.fqdn === staleFqdn)).toMatchObject({ ips: [staleIp] });
    expect(body.records.every((r) => r.endpoints.length === 1)).toBe(true);
  });

  it('not signed in: one line with the fix, exit 1; --debug adds what each credential said', async () => {
    // Its own process (a credential caches tokens for the process), run asynchronously: the emulator answers from
    // this one. The managed-identity endpoint refuses (a stale header), and no az, azd or pwsh is on PATH.
    const cli = (...extra: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(
          path.join(ROOT, 'node_modules/.bin/tsx'),
          ['src/cli/main.ts', 'plan', ...vaultFlags(), ...extra],
          {
            cwd: ROOT,
            env: {
              PATH: path.dirname(process.execPath),
              HOME: os.tmpdir(),
              IDENTITY_ENDPOINT: fx.emu.identityEndpoint,
              IDENTITY_HEADER: 'stale',
            },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const result = await cli();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: not signed in to Azure: .*Run `az login`.*IDENTITY_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/msi\/token gave none/,
    );
    const debug = await cli('--debug');
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^settings \(lowest first/);
    expect(debug.stderr).toMatch(/ManagedIdentityCredential/);
  });

  it('hub settings come from --config with the identity endpoint, and --debug says so', async () => {
    expect(HUB_RG).toBe('rg-hub-dns');
    const result = await runCli('plan', ...vaultFlags(), '--debug', '--format', 'tsv');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      new RegExp(`HUB_SUBSCRIPTION_ID += ${HUB_SUBSCRIPTION} {3}\\(--hub-subscription\\)`),
    );
    expect(result.err).toMatch(/IDENTITY_HEADER += \*\*\* {3}\(environment\)/);
  });
});

describe('sync progress while writes wait for the zone window (time-scaled 20x)', () => {
  const RECORDS = 70;
  let fx: Fixture;
  let env: ReturnType<typeof operatorEnvironment>;

  beforeAll(async () => {
    fx = await startFixture({ timeScale: 20 });
    env = operatorEnvironment(fx);
    createBulkEndpoints(fx, RECORDS);
  });
  afterAll(async () => {
    env.restore();
    await fx.emu.stop();
  });

  it('prints plain lines for the wait and the quarters, then the summary', async () => {
    const result = await runCli('sync', ...env.flags, '--time-scale', '20');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^written ${RECORDS} \\(created ${RECORDS},`, 'm'));
    const lines = result.err.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => / waiting \d+ s for /.test(l))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^sync: \\d+/${RECORDS} done, waiting \\d+ s for ${BLOB_ZONE.replace(/\./g, '\\.')} write window \\(Private DNS: 60 writes per zone per minute\\)$`,
        ),
      ),
    ]);
    expect(lines.filter((l) => /^sync: \d+\/70 done$/.test(l)).length).toBeGreaterThanOrEqual(2);
    // No progress with --no-progress or JSON output.
    expect(BACKUP_ZONE).not.toBe(BLOB_ZONE);
  });
});
