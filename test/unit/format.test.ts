import { readEndpoints, splitResources } from '../../src/core/endpoint';
import { renderEndpointTable, renderHosts, renderJson, renderTable, renderTsv } from '../../src/core/format';
import { planChanges } from '../../src/core/plan';
import type { DesiredRecord } from '../../src/core/types';
import { backupFqdn, endpointResources } from './support/arm';

const records: DesiredRecord[] = [
  { zone: 'privatelink.queue.core.windows.net', name: 'acct1', ips: ['10.0.0.9'], owners: ['a'] },
  { zone: 'privatelink.blob.core.windows.net', name: 'acct2', ips: ['10.0.0.3', '10.0.0.4'], owners: ['a'] },
  { zone: 'privatelink.blob.core.windows.net', name: 'acct1', ips: ['10.0.0.2'], owners: ['a'] },
];

describe('renderers', () => {
  it('tsv has the PrivateIP.ps1 header and one row per IP sorted by zone then name', () => {
    expect(renderTsv(records)).toBe(
      [
        'ResourceName\tDNS\tPrivateIP',
        'acct1\tprivatelink.blob.core.windows.net\t10.0.0.2',
        'acct2\tprivatelink.blob.core.windows.net\t10.0.0.3',
        'acct2\tprivatelink.blob.core.windows.net\t10.0.0.4',
        'acct1\tprivatelink.queue.core.windows.net\t10.0.0.9',
        '',
      ].join('\n'),
    );
    expect(renderTsv([])).toBe('ResourceName\tDNS\tPrivateIP\n');
  });

  it('hosts prints <ip> <fqdn with privatelink>', () => {
    expect(renderHosts(records).split('\n')[0]).toBe('10.0.0.2 acct1.privatelink.blob.core.windows.net');
    expect(renderHosts([])).toBe('');
  });

  it('table lists actions, conflicts, skips and totals', () => {
    const plan = planChanges(records, [], {
      ownerId: 'me',
      ttl: 10,
      conflicts: [
        {
          code: 'endpoints-disagree',
          zone: 'z',
          name: 'n',
          message: 'two endpoints disagree',
          keptIps: [],
          claims: [],
        },
      ],
      skips: [{ code: 'unknown-suffix', message: 'x.example.org is unknown' }],
    });
    const table = renderTable(plan);
    expect(table).toMatch(/^ACTION\s+ZONE\s+RECORD\s+IPS\s+OWNERS$/m);
    expect(table).toMatch(
      /^create\s+privatelink\.blob\.core\.windows\.net\s+acct2\s+10\.0\.0\.3,10\.0\.0\.4\s+1$/m,
    );
    expect(table).toContain('[endpoints-disagree] two endpoints disagree');
    expect(table).toContain('[unknown-suffix] x.example.org is unknown');
    expect(table).toContain('3 to create');
    const empty = renderTable(planChanges([], [], { ownerId: 'me', ttl: 10 }));
    expect(empty).toContain('No records.');
    expect(empty).toContain('Nothing to do.');
  });

  it('json is the full plan', () => {
    const plan = planChanges(records, [], { ownerId: 'me', ttl: 10 });
    expect(JSON.parse(renderJson(plan))).toEqual(plan);
  });
});

describe('renderEndpointTable', () => {
  it('names each endpoint with its role, state and entry count', () => {
    const states = readEndpoints(
      splitResources([
        ...endpointResources({
          name: 'pe-v',
          nic: [
            [backupFqdn('fc1'), '10.0.1.4'],
            ['st1.blob.core.windows.net', '10.0.1.5'],
          ],
        }),
        ...endpointResources({
          name: 'pe-v_ecs_blob',
          group: 'blob',
          nic: [['st2.blob.core.windows.net', '10.0.1.6']],
        }),
        ...endpointResources({
          name: 'pe-crr',
          group: 'AzureBackup_Secondary',
          nic: [[backupFqdn('fc1', 'wus'), '10.0.1.7']],
        }),
        ...endpointResources({ name: 'pe-wait', group: 'queue', manual: true, status: 'Pending' }),
      ]),
    );
    const lines = renderEndpointTable(states).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ENDPOINT\s+ROLE\s+STATE\s+ENTRIES$/);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pe-crr\s+Backup vault \(secondary\)\s+ready\s+1$/),
        expect.stringMatching(/^pe-v\s+Backup vault v1\s+ready\s+2$/),
        expect.stringMatching(/^pe-v_ecs_blob\s+Backup ecs_blob of pe-v\s+ready\s+1$/),
        expect.stringMatching(/^pe-wait\s+queue\s+connection-not-approved\s+0$/),
      ]),
    );
    expect(renderEndpointTable([])).toBe('No private endpoints.\n');
    expect(renderTable(planChanges([], [], { ownerId: 'me', ttl: 10 }), states)).toContain('pe-v_ecs_blob');
  });
});
