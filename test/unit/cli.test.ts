import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/backup-v1-eastus.json');
const CURRENT = path.join(ROOT, 'examples/current-records.json');
const VAULT = '7204918365520194733';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plds-cli-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
function write(name: string, content: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('privatelink-dns-sync plan', () => {
  it('prints the PrivateIP.ps1 columns for the v1 Backup example', async () => {
    const { code, out, err } = await run('plan', '--input', EXAMPLE, '--format', 'tsv');
    expect(err).toBe('');
    expect(code).toBe(0);
    const backup = 'privatelink.eus.backup.windowsazure.com';
    expect(out).toBe(
      [
        'ResourceName\tDNS\tPrivateIP',
        'q7kmbypod01ecs107\tprivatelink.blob.core.windows.net\t10.40.8.12',
        'q7kmbypod01prot112\tprivatelink.blob.core.windows.net\t10.40.8.14',
        `${VAULT}-ab-pod01-ecs1\t${backup}\t10.40.8.8`,
        `${VAULT}-ab-pod01-fab1\t${backup}\t10.40.8.5`,
        `${VAULT}-ab-pod01-fc1\t${backup}\t10.40.8.4`,
        `${VAULT}-ab-pod01-id1\t${backup}\t10.40.8.9`,
        `${VAULT}-ab-pod01-prot1\t${backup}\t10.40.8.6`,
        `${VAULT}-ab-pod01-rec2\t${backup}\t10.40.8.7`,
        `${VAULT}-ab-pod01-tel1\t${backup}\t10.40.8.10`,
        `${VAULT}-ab-pod01-wbcm1\t${backup}\t10.40.8.11`,
        'q7kmbypod01ecs107\tprivatelink.queue.core.windows.net\t10.40.8.13',
        '',
      ].join('\n'),
    );
  });

  it('prints host-file lines', async () => {
    const { code, out } = await run('plan', '--input', EXAMPLE, '--format', 'hosts');
    expect(code).toBe(0);
    expect(out.split('\n')).toContain(
      `10.40.8.4 ${VAULT}-ab-pod01-fc1.privatelink.eus.backup.windowsazure.com`,
    );
  });

  it('plans against current records with adoption, in json; a conflict exits 4', async () => {
    const { code, out } = await run(
      'plan',
      '--input',
      EXAMPLE,
      '--current',
      CURRENT,
      '--format',
      'json',
      '--adopt',
    );
    expect(code).toBe(4);
    const plan = JSON.parse(out);
    expect(plan.summary).toEqual({
      creates: 8,
      updates: 1,
      deletes: 1,
      adoptions: 1,
      conflicts: 1,
      unchanged: 0,
      skips: 0,
      kept: 0,
    });
    expect(plan.adoptions[0].name).toBe(`${VAULT}-ab-pod01-fc1`);
    expect(plan.deletes[0].name).toBe(`${VAULT}-ab-pod01-rec9`);
    expect(plan.conflicts[0]).toMatchObject({ code: 'foreign-record', name: 'q7kmbypod01ecs107' });
  });

  it.each([
    ['upsert-only', 0],
    ['create-only', 0],
  ])('honours --policy %s (the example holds a conflict: exit 4)', async (policy, deletes) => {
    const { code, out } = await run(
      'plan',
      '--input',
      EXAMPLE,
      '--current',
      CURRENT,
      '--format',
      'json',
      '--policy',
      policy,
      '--owner',
      'privatelink-dns-sync',
    );
    expect(code).toBe(4);
    expect(JSON.parse(out).deletes).toHaveLength(deletes);
  });

  it('accepts {"value": [...]} and prints a table', async () => {
    const input = write(
      'wrapped.json',
      JSON.stringify({ value: JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) }),
    );
    const { code, out } = await run('plan', '--input', input);
    expect(code).toBe(0);
    expect(out).toContain('11 to create');
  });

  it.each([
    [
      'a missing file',
      () => path.join(tmp, 'absent.json'),
      /absent\.json: cannot read file \(no such file\)/,
    ],
    ['invalid JSON', () => write('broken.json', '{"value": ['), /broken\.json: \$: invalid JSON/],
    [
      'the wrong shape',
      () => write('object.json', '{"items": []}'),
      /object\.json: \$: expected a JSON array of resources, or an object with a "value" array/,
    ],
    [
      'a malformed endpoint',
      () =>
        write(
          'bad-endpoint.json',
          JSON.stringify({
            value: [
              {
                id: '/subscriptions/3f6e1d2c-4b5a-4e7f-8a9b-0c1d2e3f4a5b/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe',
                name: 'pe',
                type: 'Microsoft.Network/privateEndpoints',
                properties: { customDnsConfigs: 'x' },
              },
            ],
          }),
        ),
      /bad-endpoint\.json: \$\.value\[0\]\.properties\.customDnsConfigs: /,
    ],
  ])('exits 64 with one line for %s', async (_label, file, message) => {
    const { code, out, err } = await run('plan', '--input', file());
    expect(code).toBe(64);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('exits 64 naming the current-records file and path', async () => {
    const current = write('current.json', JSON.stringify([{ id: 'nope', name: 'r' }]));
    const { code, err } = await run('plan', '--input', EXAMPLE, '--current', current);
    expect(code).toBe(64);
    expect(err).toMatch(/current\.json: \$\[0\]: nope is not a Private DNS record set id/);
  });

  it.each([
    [['plan', '--input', EXAMPLE, '--format', 'xml']],
    [['plan', '--input', EXAMPLE, '--policy', 'mirror']],
    [['plan', '--input', EXAMPLE, '--ttl', '0']],
    [['plan']],
    [['frobnicate']],
  ])('exits 64 on usage errors: %j', async (argv) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(64);
    expect(err).toMatch(/error/);
  });

  it('prints help with exit 0', async () => {
    const { code, out } = await run('plan', '--help');
    expect(code).toBe(0);
    expect(out).toContain('--input <file>');
  });

  it('runs as a process with tsx and reports exit codes', () => {
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const ok = spawnSync(
      tsx,
      ['src/cli/main.ts', 'plan', '--input', 'examples/backup-v1-eastus.json', '--format', 'tsv'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('ResourceName\tDNS\tPrivateIP');
    const bad = spawnSync(tsx, ['src/cli/main.ts', 'plan', '--input', 'examples/none.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(64);
    expect(bad.stderr.trim()).toBe('error: examples/none.json: cannot read file (no such file)');
  });
});

describe('plan --input: the files the usual tools write', () => {
  const resources = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>[];
  const tsvOf = async (file: string) => run('plan', '--input', file, '--format', 'tsv');
  let expected: string;
  beforeAll(async () => {
    expected = (await tsvOf(EXAMPLE)).out;
    expect(expected.split('\n').length).toBeGreaterThan(10);
  });

  const lowerTypes = resources.map((r) => ({ ...r, type: String(r.type).toLowerCase() }));
  const columns = ['id', 'name', 'type', 'location', 'properties'];
  it.each([
    [
      'az graph query output (data, skip_token null)',
      JSON.stringify({ count: 8, data: lowerTypes, skip_token: null, total_records: 8 }),
    ],
    [
      "Resource Graph's REST answer (objectArray)",
      JSON.stringify({ totalRecords: 8, count: 8, resultTruncated: 'false', data: lowerTypes }),
    ],
    [
      "Resource Graph's table format (columns and rows)",
      JSON.stringify({
        data: {
          columns: columns.map((name) => ({ name, type: 'string' })),
          rows: resources.map((r) => columns.map((c) => r[c])),
        },
      }),
    ],
    ['Search-AzGraph | ConvertTo-Json (Data)', JSON.stringify({ Data: resources, SkipToken: null })],
    ['UTF-8 with a byte order mark', `\uFEFF${JSON.stringify(resources)}`],
  ])('reads %s', async (_label, content) => {
    const file = write(`input-${Math.random().toString(36).slice(2)}.json`, content);
    const result = await tsvOf(file);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toBe(expected);
  });

  it.each([
    [
      'UTF-16 LE',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(resources), 'utf16le')]),
    ],
    [
      'UTF-16 BE',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(JSON.stringify(resources), 'utf16le').swap16()]),
    ],
  ])('reads %s with a byte order mark (Windows PowerShell 5.1 redirection)', async (label, bytes) => {
    const file = path.join(tmp, `${label.replace(/\W/g, '')}.json`);
    fs.writeFileSync(file, bytes);
    const result = await tsvOf(file);
    expect([result.code, result.err]).toEqual([0, '']);
    expect(result.out).toBe(expected);
  });

  it('reads one resource (az … show) and says the rest of a paged answer is missing', async () => {
    const single = write('single.json', JSON.stringify(resources[0]));
    const one = await run('plan', '--input', single);
    expect(one.code).toBe(0);
    expect(one.out).toContain('pe-rsv-payroll-eus');
    const paged = write(
      'paged.json',
      JSON.stringify({ data: resources, skip_token: 'ew0KICAiJGlkIjogIjEiLA0K' }),
    );
    const result = await tsvOf(paged);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^warning: .*paged\.json holds one page of a longer Resource Graph result/);
    const listPage = write(
      'next.json',
      JSON.stringify({ value: resources, nextLink: 'https://management.azure.com/x?page=2' }),
    );
    expect((await tsvOf(listPage)).err).toMatch(
      /next\.json holds one page of a longer list \(nextLink is set\)/,
    );
  });

  it('names the missing network interfaces of an endpoints-only file instead of "no FQDNs yet"', async () => {
    // Once a zone group exists Azure empties customDnsConfigs: the FQDNs are only on the NICs.
    const endpoints = resources
      .filter((r) => r.type === 'Microsoft.Network/privateEndpoints')
      .map((r) => ({ ...r, properties: { ...(r.properties as object), customDnsConfigs: [] } }));
    const endpointsOnly = write('endpoints-only.json', JSON.stringify(endpoints));
    const result = await run('plan', '--input', endpointsOnly);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      /^warning: .*endpoints-only\.json: 4 private endpoint\(s\) reference network interfaces the file does not hold \(pe-rsv-payroll-eus, /,
    );
    expect(result.out).toMatch(
      /\[no-dns-entries\] pe-rsv-payroll-eus: its network interface\(s\) \S+ are not in \S*endpoints-only\.json/,
    );
    expect(result.out).not.toMatch(/publishes no FQDNs yet/);
  });

  it('says a CSV export is not JSON, and a file of other resources holds no endpoints', async () => {
    const csv = write('export.csv', 'id,name,type\n/subscriptions/x,pe,microsoft.network/privateendpoints\n');
    const bad = await run('plan', '--input', csv);
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/export\.csv: \$: invalid JSON .*a CSV or table export\? Save JSON instead/);
    const vnets = write(
      'vnets.json',
      JSON.stringify([
        {
          id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v',
          name: 'v',
          type: 'Microsoft.Network/virtualNetworks',
        },
      ]),
    );
    const none = await run('plan', '--input', vnets);
    expect(none.code).toBe(0);
    expect(none.err).toMatch(/vnets\.json holds no private endpoints \(1 item\(s\) at \$/);
  });

  it('--output json is --format json; asking for both json and tsv is a usage error', async () => {
    const viaOutput = await run('plan', '--input', EXAMPLE, '--output', 'json');
    const viaFormat = await run('plan', '--input', EXAMPLE, '--format', 'json');
    expect(viaOutput.out).toBe(viaFormat.out);
    expect(JSON.parse(viaOutput.out).summary.creates).toBe(11);
    const both = await run('plan', '--input', EXAMPLE, '--output', 'json', '--format', 'tsv');
    expect(both.code).toBe(64);
    expect(both.err).toBe('error: --output json and --format tsv ask for two outputs; pick one\n');
  });
});

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = await run('--version');
    expect(result).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it.each([[[]], [['plan']], [['sync']], [['verify']], [['export']], [['doctor']]])(
    '--help of %j lists the exit codes 0, 1, 2, 4 and 64',
    async (command) => {
      const result = await run(...command, '--help');
      expect(result.code).toBe(0);
      for (const code of ['0  ', '1  ', '2  ', '4  ', '64  ']) expect(result.out).toContain(`\n  ${code}`);
      expect(result.out).toMatch(/64 +usage error/);
    },
  );

  it('every live command takes --output json and --debug', async () => {
    for (const command of ['plan', 'sync', 'verify', 'export', 'doctor']) {
      const help = (await run(command, '--help')).out;
      expect([command, help.includes('--output <kind>'), help.includes('--debug')]).toEqual([
        command,
        true,
        true,
      ]);
    }
  });

  it('ends quietly when the reader closes the pipe early', () => {
    const result = spawnSync('bash', ['-c', 'node_modules/.bin/tsx src/cli/main.ts plan --help | head -1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: privatelink-dns-sync plan/);
    expect(result.stderr).not.toMatch(/EPIPE|at /);
  });

  it('bin/ before the build says to build instead of a stack trace', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'plds-bin-'));
    fs.mkdirSync(path.join(copy, 'bin'));
    fs.copyFileSync(
      path.join(ROOT, 'bin/privatelink-dns-sync.js'),
      path.join(copy, 'bin/privatelink-dns-sync.js'),
    );
    try {
      const result = spawnSync(process.execPath, [path.join(copy, 'bin/privatelink-dns-sync.js'), 'plan'], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `error: privatelink-dns-sync is not built yet: run \`npm run build\` in ${copy} (or run it from the sources: npm run -s cli -- <command>)\n`,
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
