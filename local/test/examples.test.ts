/**
 * The example in local/README.md runs: a private endpoint to a Backup vault, created with the real Network client,
 * reaches a webhook through Event Grid, and the records the webhook writes resolve through the local DNS server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../examples/backup-endpoint-to-dns';

const EXAMPLE = path.resolve(__dirname, '../examples/backup-endpoint-to-dns.ts');
const README = path.resolve(__dirname, '../README.md');

describe('local/README.md: the example runs', () => {
  it('resolves the Backup endpoint names the webhook published, each to an address of the spoke subnet', async () => {
    const lines = await main();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^[a-z0-9-]+\.privatelink\.eus\.backup\.windowsazure\.com 10\.1\.0\.\d+$/);
    }
  });

  it('is shown in the README as it is in examples/', () => {
    const code = fs.readFileSync(EXAMPLE, 'utf8');
    const readme = fs.readFileSync(README, 'utf8');
    const body = code.slice(code.indexOf('import '), code.indexOf('\nif (require.main === module)'));
    expect(readme).toContain(body.trim());
  });
});
