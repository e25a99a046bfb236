/** CLI rendering helpers that need no Azure: the progress bar, export formats and the sync summary. */
import { renderBind, renderCsv } from '../../src/cli/commands/export';
import { renderReport } from '../../src/cli/commands/sync';
import { ProgressBar } from '../../src/cli/live/output';
import type { ApplyReport } from '../../src/azure/applyPlan';

describe('ProgressBar', () => {
  it('redraws one line in place and ends it', () => {
    let err = '';
    const bar = new ProgressBar({ stdout: () => undefined, stderr: (t) => (err += t) }, 'sync', 10);
    bar.update(0, 4, true);
    bar.update(2, 4, true);
    bar.update(4, 4, true);
    bar.finish();
    const frames = err.split('\r').filter((f) => f !== '');
    expect(frames[0]).toMatch(/^sync \[-{10}\] 0\/4 {3}0% \d+\.\ds$/);
    expect(frames[1]).toMatch(/^sync \[#{5}-{5}\] 2\/4 {2}50% /);
    expect(frames[2]).toMatch(/^sync \[#{10}\] 4\/4 100% \d+\.\ds\n$/);
  });
});

describe('export renderers', () => {
  const records = [
    { zone: 'privatelink.blob.core.windows.net', name: 'acct', ips: ['10.0.0.5'], owners: [] },
    {
      zone: 'privatelink.eus.backup.windowsazure.com',
      name: '1-ab-pod01-fc1',
      ips: ['10.0.0.4', '10.0.0.9'],
      owners: [],
    },
  ];
  it('csv: one row per address', () => {
    expect(renderCsv(records)).toBe(
      'zone,record,fqdn,ip\n' +
        'privatelink.blob.core.windows.net,acct,acct.privatelink.blob.core.windows.net,10.0.0.5\n' +
        'privatelink.eus.backup.windowsazure.com,1-ab-pod01-fc1,1-ab-pod01-fc1.privatelink.eus.backup.windowsazure.com,10.0.0.4\n' +
        'privatelink.eus.backup.windowsazure.com,1-ab-pod01-fc1,1-ab-pod01-fc1.privatelink.eus.backup.windowsazure.com,10.0.0.9\n',
    );
  });
  it('bind: a block per zone', () => {
    expect(renderBind(records, 10)).toBe(
      '$ORIGIN privatelink.blob.core.windows.net.\n$TTL 10\nacct IN A 10.0.0.5\n\n' +
        '$ORIGIN privatelink.eus.backup.windowsazure.com.\n$TTL 10\n1-ab-pod01-fc1 IN A 10.0.0.4\n1-ab-pod01-fc1 IN A 10.0.0.9\n',
    );
    expect(renderBind([], 10)).toBe('');
  });
});

describe('sync summary', () => {
  it('names every failure with its Azure code and resource id', () => {
    const report: ApplyReport = {
      written: 1,
      created: 1,
      updated: 0,
      adopted: 0,
      deleted: 0,
      unchanged: 2,
      conflicts: [],
      skips: [{ code: 'unknown-geo', message: 'x.zz.backup.windowsazure.com: unknown geo zz' }],
      throttled: 3,
      retried: 1,
      replans: 1,
      failures: [
        {
          zone: 'z',
          name: 'n',
          action: 'create',
          code: 'AuthorizationFailed',
          statusCode: 403,
          resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z/A/n',
          message: 'no',
          work: {
            action: 'create',
            change: { zone: 'z', name: 'n', ips: ['10.0.0.4'], ttl: 10, metadata: {}, owners: [], etag: '' },
          },
        },
      ],
      deferred: [],
      outcomes: [],
      durationMs: 1234,
    };
    expect(renderReport(report, 'arm')).toBe(
      'written 1 (created 1, updated 0, adopted 0, deleted 0)\n' +
        'unchanged 2, conflicts 0, skipped 1, failed 1\n' +
        '429s absorbed 3, retries 1, 412 re-plans 1, time 1.2s (endpoints via arm)\n' +
        'FAILED  create n.z: AuthorizationFailed (403) on /subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateDnsZones/z/A/n\n' +
        'SKIPPED unknown-geo: x.zz.backup.windowsazure.com: unknown geo zz\n',
    );
  });
});
