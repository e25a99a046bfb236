/* eslint-disable no-control-regex -- the progress bar's escape sequences are part of what is tested */
/** CLI rendering helpers that need no Azure: the progress bar, export formats and the sync summary. */
import { renderBind, renderCsv } from '../../src/cli/commands/export';
import { renderReport } from '../../src/cli/commands/sync';
import { describeWait, ProgressBar, writeProgress } from '../../src/cli/live/output';
import type { WriteProgress } from '../../src/cli/live/output';
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
    expect(frames[0]).toMatch(/^sync \[-{10}\] 0\/4 {3}0% \d+\.\ds\x1b\[K$/);
    expect(frames[1]).toMatch(/^sync \[#{5}-{5}\] 2\/4 {2}50% /);
    expect(frames[2]).toMatch(/^sync \[#{10}\] 4\/4 100% \d+\.\ds\x1b\[K\n$/);
  });

  it('shows a status (a pacing wait) after the counters, and clears it', () => {
    let err = '';
    const bar = new ProgressBar({ stdout: () => undefined, stderr: (t) => (err += t) }, 'sync', 4);
    bar.update(1, 2, true);
    bar.setStatus('waiting 41 s for privatelink.blob.core.windows.net write window');
    bar.setStatus('');
    const frames = err.split('\r').filter((f) => f !== '');
    expect(frames[1]).toMatch(
      /1\/2 {2}50% \d+\.\ds {2}waiting 41 s for privatelink\.blob\.core\.windows\.net write window\x1b\[K$/,
    );
    expect(frames[2]).toMatch(/50% \d+\.\ds\x1b\[K$/);
  });
});

describe('write progress when stderr is not a terminal', () => {
  const lines = (run: (p: WriteProgress) => void): string[] => {
    let err = '';
    const progress = writeProgress({ stdout: () => undefined, stderr: (t) => (err += t) }, 'sync', true);
    run(progress);
    progress.finish();
    return err.split('\n').filter((l) => l !== '');
  };

  it('prints one line per zone wait, however many writes queue behind it', () => {
    expect(
      lines((p) => {
        p.progress(60, 80);
        p.waiting('privatelink.blob.core.windows.net', 41_000, 'zone-window');
        p.waiting('privatelink.blob.core.windows.net', 41_500, 'zone-window');
        p.waiting('privatelink.queue.core.windows.net', 12_000, 'zone-window');
        p.waiting('privatelink.blob.core.windows.net', 400, 'subscription-bucket');
      }),
    ).toEqual([
      'sync: 60/80 done',
      'sync: 60/80 done, waiting 41 s for privatelink.blob.core.windows.net write window (Private DNS: 60 writes per zone per minute)',
      'sync: 60/80 done, waiting 12 s for privatelink.queue.core.windows.net write window (Private DNS: 60 writes per zone per minute)',
    ]);
  });

  it('prints a line at each quarter of a long run, none for a short one', () => {
    const count = (total: number): string[] =>
      lines((p) => {
        for (let done = 1; done <= total; done++) p.progress(done, total);
      });
    expect(count(80)).toEqual(['sync: 20/80 done', 'sync: 40/80 done', 'sync: 60/80 done']);
    expect(count(10)).toEqual([]);
  });

  it('prints nothing when progress is off', () => {
    let err = '';
    const progress = writeProgress({ stdout: () => undefined, stderr: (t) => (err += t) }, 'sync', false);
    progress.progress(1, 100);
    progress.waiting('z', 60_000, 'zone-window');
    expect(err).toBe('');
  });

  it.each([
    [
      'zone-window',
      'waiting 41 s for privatelink.blob.core.windows.net write window (Private DNS: 60 writes per zone per minute)',
    ],
    ['subscription-bucket', "waiting 41 s for the hub subscription's ARM write budget"],
    ['retry-after', 'waiting 41 s: Azure answered 429 for privatelink.blob.core.windows.net (Retry-After)'],
  ] as const)('describes a %s wait', (limit, text) => {
    expect(describeWait('privatelink.blob.core.windows.net', 40_200, limit)).toBe(text);
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
