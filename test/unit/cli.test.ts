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

  it('plans against current records with adoption, in json', async () => {
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
    expect(code).toBe(0);
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
  ])('honours --policy %s', async (policy, deletes) => {
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
    expect(code).toBe(0);
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
      /object\.json: \$: expected a JSON array or an object with a "value" array/,
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
  ])('exits 2 with one line for %s', async (_label, file, message) => {
    const { code, out, err } = await run('plan', '--input', file());
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the current-records file and path', async () => {
    const current = write('current.json', JSON.stringify([{ id: 'nope', name: 'r' }]));
    const { code, err } = await run('plan', '--input', EXAMPLE, '--current', current);
    expect(code).toBe(2);
    expect(err).toMatch(/current\.json: \$\[0\]: nope is not a Private DNS record set id/);
  });

  it.each([
    [['plan', '--input', EXAMPLE, '--format', 'xml']],
    [['plan', '--input', EXAMPLE, '--policy', 'mirror']],
    [['plan', '--input', EXAMPLE, '--ttl', '0']],
    [['plan']],
    [['frobnicate']],
  ])('exits 2 on usage errors: %j', async (argv) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
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
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('error: examples/none.json: cannot read file (no such file)');
  });
});
