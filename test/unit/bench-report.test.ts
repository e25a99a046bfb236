/**
 * The benchmarks' own arithmetic and report writing: lower bounds from Azure's limits, generated sections that
 * leave hand-written text alone, the SVG chart. (The scenarios themselves run in test/e2e/bench-smoke.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { burstLowerBound } from '../../bench/burst';
import { improvement } from '../../bench/before';
import { zoneRecordFor } from '../../bench/estate';
import { percentile, ratio, svgLineChart, writeGenerated } from '../../bench/report';

const entries = (zone: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    fqdn: `r${i}`,
    recordName: `r${i}`,
    zone,
    ip: '10.0.0.4',
    endpointId: 'pe',
  }));

describe('burst lower bound', () => {
  it.each([
    // [case, records per zone, endpoint and NIC reads in the spoke, seconds, limit that sets it]
    ['16 records in one zone', [['z1', 16]], 4, 0, 'Private DNS writes in z1'],
    ['60 records in one zone', [['z1', 60]], 16, 0, 'Private DNS writes in z1'],
    ['61 records in one zone', [['z1', 61]], 16, 60, 'Private DNS writes in z1'],
    ['100 vault endpoints', [['z1', 800]], 200, 780, 'Private DNS writes in z1'],
    ['300 vault endpoints', [['z1', 2400]], 600, 2340, 'Private DNS writes in z1'],
    // 100 registered v1 vaults: 8 roles each in the Backup zone, one record each in the blob and queue zones.
    [
      '100 registered vaults',
      [
        ['backup', 800],
        ['blob', 100],
        ['queue', 100],
      ],
      800,
      780,
      'Private DNS writes in backup',
    ],
    // Spread over zones, the hub's ARM write bucket (200 + 10/s) is the tighter limit.
    [
      '50 zones of 60 records',
      Array.from({ length: 50 }, (_, i) => [`z${i}`, 60] as const),
      20,
      280,
      'ARM write bucket',
    ],
    // Many endpoints with one record each: reading them (250 + 25/s in the spoke) sets it.
    [
      '5000 endpoints, 20 records',
      [
        ['z1', 10],
        ['z2', 10],
      ],
      10_000,
      390,
      'ARM read bucket',
    ],
  ] as Array<[string, ReadonlyArray<readonly [string, number]>, number, number, string]>)(
    '%s',
    (_case, zones, spokeReads, seconds, by) => {
      const all = zones.flatMap(([zone, n]) => entries(zone, n));
      const bound = burstLowerBound(all, spokeReads);
      expect(bound.seconds).toBe(seconds);
      expect(bound.by).toContain(by);
    },
  );
});

describe('zone and record names the scripts use', () => {
  it.each([
    ['acct.blob.core.windows.net', 'privatelink.blob.core.windows.net', 'acct'],
    ['ACCT.queue.core.windows.net.', 'privatelink.queue.core.windows.net', 'acct'],
    ['kv1.vault.azure.net', 'privatelink.vaultcore.azure.net', 'kv1'],
    [
      '123-ab-pod01-fc1.eus.backup.windowsazure.com',
      'privatelink.eus.backup.windowsazure.com',
      '123-ab-pod01-fc1',
    ],
    // A vault endpoint's FQDNs as its DNS configuration shows them today.
    [
      '123-ab-pod01-rec2.privatelink.eus.backup.windowsazure.com',
      'privatelink.eus.backup.windowsazure.com',
      '123-ab-pod01-rec2',
    ],
    ['acct.privatelink.blob.core.windows.net', 'privatelink.blob.core.windows.net', 'acct'],
  ])('%s → %s / %s', (fqdn, zone, recordName) => {
    expect(zoneRecordFor(fqdn)).toEqual({ zone, recordName });
  });

  it('knows nothing else', () => {
    expect(zoneRecordFor('app.azurewebsites.net')).toBeUndefined();
  });
});

describe('report arithmetic and files', () => {
  it.each([
    // [before, after, reads]
    [37 / 19, 34 / 21, '1.20× better'],
    [165_356, 93, '1778× better'],
    [1.67, 2, '1.20× worse'],
    [2, 2, 'same'],
    [866, 0, 'to 0'],
    [0, 0, 'same'],
    [Number.NaN, 1, '–'],
  ])('improvement %p → %p reads "%s"', (before, after, text) => {
    expect(improvement(before, after)).toBe(text);
  });

  it('ratio and percentile', () => {
    expect(ratio(37, 19)).toBe(1.95);
    expect(ratio(5, 0)).toBeNaN();
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 0.99)).toBe(100);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('rewrites only its generated section and keeps hand-written text', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    try {
      const file = path.join(dir, 'x.md');
      writeGenerated(file, 'economy', 'first', 'economy');
      expect(readFileSync(file, 'utf8')).toContain('# economy');
      const withNotes =
        readFileSync(file, 'utf8').replace('# economy\n', '# economy\n\nBefore: 37/19.\n') +
        '\nAfter the run.\n';
      writeFileSync(file, withNotes);
      writeGenerated(file, 'economy', 'second');
      writeGenerated(file, 'burst', 'other section');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('Before: 37/19.');
      expect(text).toContain('After the run.');
      expect(text).toContain('second');
      expect(text).not.toContain('first');
      expect(text).toContain('other section');
      expect(text.match(/generated:economy:begin/g)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws an SVG with one path per series and a legend', () => {
    const svg = svgLineChart({
      title: 'records <written>',
      xLabel: 's',
      yLabel: 'records',
      series: [
        {
          name: 'app',
          points: [
            [0, 0],
            [60, 60],
            [120, 100],
          ],
          colour: '#1f77b4',
        },
        {
          name: 'limit',
          points: [
            [0, 60],
            [60, 60],
            [60, 120],
          ],
          colour: '#d62728',
          dashed: true,
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('records &lt;written&gt;');
    expect(svg).toContain('stroke-dasharray');
  });
});
