/**
 * `plan --input examples/all-services-eastus.json --format tsv`: one endpoint of every service family (storage
 * sub-resources, Key Vault, SQL, SQL Managed Instance, Cosmos DB with two regions, ACR with a data endpoint, AKS
 * private cluster, Web App with its SCM site, Azure Monitor private link scope, Event Hubs, Batch) gives the
 * records of examples/all-services-eastus.tsv, checked row by row against Microsoft's zone table when written.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '../..');
const INPUT = 'examples/all-services-eastus.json';
const EXPECTED = fs.readFileSync(path.join(ROOT, 'examples/all-services-eastus.tsv'), 'utf8');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('plan over one endpoint of every service family', () => {
  it('prints the expected TSV (the README command, as a process)', () => {
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const result = spawnSync(tsx, ['src/cli/main.ts', 'plan', '--input', INPUT, '--format', 'tsv'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(EXPECTED);
    // Where several zones fit, the offline plan says which one it assumed (on stderr, so the TSV stays clean).
    expect(result.stderr).toContain(
      'acrpayroll.eastus.data.azurecr.io → acrpayroll.eastus.data in privatelink.azurecr.io (assumed',
    );
    expect(result.stderr).toContain('app-payroll.scm.privatelink.azurewebsites.net → app-payroll.scm in');
  });

  it('has a record for every family', () => {
    for (const zone of [
      'privatelink.blob.core.windows.net',
      'privatelink.file.core.windows.net',
      'privatelink.web.core.windows.net',
      'privatelink.vaultcore.azure.net',
      'privatelink.database.windows.net',
      'privatelink.767d5869f605.database.windows.net',
      'privatelink.documents.azure.com',
      'privatelink.azurecr.io',
      'privatelink.eastus.azmk8s.io',
      'privatelink.azurewebsites.net',
      'privatelink.monitor.azure.com',
      'privatelink.oms.opinsights.azure.com',
      'privatelink.ods.opinsights.azure.com',
      'privatelink.agentsvc.azure-automation.net',
      'privatelink.servicebus.windows.net',
      'privatelink.batch.azure.com',
    ]) {
      expect([zone, EXPECTED.includes(`\t${zone}\t`)]).toEqual([zone, true]);
    }
    expect(EXPECTED).toContain('cosmos-payroll-westus\tprivatelink.documents.azure.com\t10.40.9.12');
  });

  it('puts names into the sub-zones the hub holds (--hub-zone), and lists the choices in the table', async () => {
    const { code, out } = await run(
      'plan',
      '--input',
      INPUT,
      '--format',
      'tsv',
      '--hub-zone',
      'eastus.data.privatelink.azurecr.io',
      '--hub-zone',
      'scm.privatelink.azurewebsites.net',
    );
    expect(code).toBe(0);
    expect(out).toContain('acrpayroll\teastus.data.privatelink.azurecr.io\t10.40.9.14');
    expect(out).toContain('app-payroll\tscm.privatelink.azurewebsites.net\t10.40.9.16');
    expect(out).not.toContain('app-payroll.scm\t');
    const table = await run('plan', '--input', INPUT);
    expect(table.out).toContain('Zone choices (several zones fit these names):');
    const json = await run('plan', '--input', INPUT, '--format', 'json');
    const parsed = JSON.parse(json.out) as { zoneChoices: { fqdn: string; basis: string }[] };
    expect(parsed.zoneChoices.map((c) => c.basis)).toEqual(['assumed', 'assumed', 'assumed']);
  });

  it('in another cloud, skips the public names as other-cloud', async () => {
    const { code, out } = await run(
      'plan',
      '--input',
      INPUT,
      '--format',
      'json',
      '--cloud',
      'AzureUSGovernment',
    );
    expect(code).toBe(0);
    const plan = JSON.parse(out) as { creates: unknown[]; skips: { code: string }[] };
    expect(plan.creates).toEqual([]);
    expect(new Set(plan.skips.map((s) => s.code))).toEqual(new Set(['other-cloud']));
  });
});
