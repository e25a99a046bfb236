/**
 * `npm run demo` in-process: the whole mission must pass (records with the right IPs, rejected and deleted
 * endpoints without records, foreign record untouched, lookups through the local DNS server).
 */
import { runDemo } from '../../demo/demo';

describe('npm run demo', () => {
  it('plays the mission and finds every record where it belongs', async () => {
    const lines: string[] = [];
    const result = await runDemo({ print: (line) => lines.push(line) });
    if (!result.ok) console.log(lines.join('\n'));
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.timeline.map((t) => t.step)).toHaveLength(9);
    // Not only Backup: the Cosmos DB account's names resolve through the DNS server.
    expect(
      result.verify
        .filter((v) => v.fqdn.endsWith('.privatelink.documents.azure.com'))
        .map((v) => v.fqdn)
        .sort(),
    ).toEqual([
      'cosmos-orders-eastus.privatelink.documents.azure.com',
      'cosmos-orders-westus.privatelink.documents.azure.com',
      'cosmos-orders.privatelink.documents.azure.com',
    ]);
    // Every step was driven by delivered events; the delete removed records.
    expect(result.timeline.every((t) => t.events > 0)).toBe(true);
    expect(result.timeline[result.timeline.length - 1]?.recordDeletes).toBeGreaterThan(0);
    expect(result.table.split('\n')[0]).toBe('ResourceName\tDNS\tPrivateIP');
    expect(result.verify.filter((v) => v.expected === 'NXDOMAIN').length).toBeGreaterThan(0);
    expect(result.verify.every((v) => v.ok)).toBe(true);
    expect(result.armCalls.total).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('PASS:'))).toBe(true);
  });
});
