import {
  backupFamily,
  dnsEntries,
  jsonPath,
  readEndpoint,
  readEndpoints,
  splitResources,
} from '../../src/core/endpoint';
import type { NetworkInterfaceResource, PrivateEndpointResource } from '../../src/core/endpoint';
import { BACKUP_ROLES, RG, SUB, backupFqdn, canonicalPeId, endpointResources, peId } from './support/arm';

const vaultNic = BACKUP_ROLES.map((role, i): [string, string] => [backupFqdn(role), `10.20.0.${4 + i}`]);
const storage = (acct: string, svc: string): string => `${acct}.${svc}.core.windows.net`;

function read(resources: Record<string, unknown>[]) {
  return readEndpoints(splitResources(resources));
}

describe('readEndpoints', () => {
  it('reads a v1 Backup vault endpoint in East US with its _ecs_blob, _ecs_queue and _prot_blob siblings', () => {
    const states = read([
      ...endpointResources({ name: 'pe-vault', nic: vaultNic }),
      ...endpointResources({
        name: 'pe-vault_ecs_blob',
        group: 'blob',
        nic: [[storage('abcypod01ecs101', 'blob'), '10.20.0.12']],
      }),
      ...endpointResources({
        name: 'pe-vault_ecs_queue',
        group: 'queue',
        nic: [[storage('abcypod01ecs101', 'queue'), '10.20.0.13']],
      }),
      ...endpointResources({
        name: 'pe-vault_prot_blob',
        group: 'blob',
        nic: [[storage('abcypod01prot120', 'blob'), '10.20.0.14']],
      }),
    ]);
    expect(states.map((s) => s.name)).toEqual([
      'pe-vault',
      'pe-vault_ecs_blob',
      'pe-vault_ecs_queue',
      'pe-vault_prot_blob',
    ]);
    const [vault, ecsBlob, ecsQueue, protBlob] = states;
    expect(vault?.backup).toEqual({ kind: 'vault', secondary: false, experience: 'v1' });
    expect(vault?.entries).toHaveLength(8);
    expect(vault?.entrySource).toBe('nic');
    expect(vault?.readiness).toEqual({ ready: true });
    expect(vault?.entries[0]).toEqual({
      fqdn: backupFqdn('fc1'),
      ip: '10.20.0.4',
      endpointId: canonicalPeId('pe-vault'),
      groupId: 'AzureBackup',
    });
    for (const [state, sibling] of [
      [ecsBlob, 'ecs_blob'],
      [ecsQueue, 'ecs_queue'],
      [protBlob, 'prot_blob'],
    ] as const) {
      expect(state?.backup).toEqual({ kind: 'sibling', sibling, parentId: canonicalPeId('pe-vault') });
      expect(state?.entries).toHaveLength(1);
    }
    expect(dnsEntries(states)).toHaveLength(11);
    const family = [
      canonicalPeId('pe-vault'),
      canonicalPeId('pe-vault_ecs_blob'),
      canonicalPeId('pe-vault_ecs_queue'),
      canonicalPeId('pe-vault_prot_blob'),
    ];
    expect(backupFamily(states, peId('pe-vault_ecs_queue'))).toEqual(family);
    expect(backupFamily(states, canonicalPeId('pe-vault'))).toEqual(family);
    expect(backupFamily(states, canonicalPeId('pe-unknown'))).toEqual([canonicalPeId('pe-unknown')]);
  });

  it('marks a vault endpoint whose NIC gained storage FQDNs as v2 and publishes them', () => {
    const [vault] = read(
      endpointResources({
        name: 'pe-v2',
        nic: [
          ...vaultNic,
          [storage('xyzpod01ecs1', 'blob'), '10.20.0.30'],
          [storage('xyzpod01ecs1', 'queue'), '10.20.0.31'],
        ],
      }),
    );
    expect(vault?.backup).toEqual({ kind: 'vault', secondary: false, experience: 'v2' });
    expect(vault?.entries.map((e) => e.fqdn)).toContain('xyzpod01ecs1.queue.core.windows.net');
  });

  it('recognises an AzureBackup_Secondary endpoint (experience unknown without storage or siblings)', () => {
    const [secondary] = read(
      endpointResources({
        name: 'pe-crr',
        group: 'AzureBackup_Secondary',
        location: 'westus',
        nic: [[backupFqdn('fc1', 'wus'), '10.9.0.4']],
      }),
    );
    expect(secondary?.backup).toEqual({ kind: 'vault', secondary: true, experience: 'unknown' });
    expect(secondary?.entries).toHaveLength(1);
  });

  it('publishes nothing for a pending manual connection', () => {
    const [pending] = read(
      endpointResources({ name: 'pe-pending', manual: true, status: 'Pending', nic: vaultNic }),
    );
    expect(pending?.approved).toBe(false);
    expect(pending?.connections[0]).toMatchObject({ manual: true, status: 'Pending' });
    expect(pending?.entries).toEqual([]);
    expect(pending?.readiness).toMatchObject({ ready: false, code: 'connection-not-approved' });
    expect(pending?.skips.map((s) => s.code)).toEqual(['connection-not-approved']);
  });

  it.each([
    ['Updating', 'endpoint-not-ready'],
    ['Failed', 'endpoint-not-ready'],
  ])('reports provisioning state %s as not ready', (provisioningState, code) => {
    const [state] = read(endpointResources({ name: 'pe-x', provisioningState, nic: vaultNic }));
    expect(state?.readiness).toMatchObject({ ready: false, code });
    expect(state?.entries).toEqual([]);
  });

  it('reports an approved endpoint without FQDNs as not ready', () => {
    const [state] = read(endpointResources({ name: 'pe-empty', nic: [] }));
    expect(state?.readiness).toMatchObject({ ready: false, code: 'no-dns-entries' });
  });

  it('falls back to customDnsConfigs when the NIC is absent, using the connection group id', () => {
    const [pe] = endpointResources({
      name: 'pe-sa',
      group: 'blob',
      customDns: [
        ['sa1.blob.core.windows.net', ['10.1.0.5']],
        ['', ['10.1.0.6']],
      ],
    });
    const [state] = read([pe!]);
    expect(state?.entrySource).toBe('customDnsConfigs');
    expect(state?.entries).toEqual([
      {
        fqdn: 'sa1.blob.core.windows.net',
        ip: '10.1.0.5',
        endpointId: canonicalPeId('pe-sa'),
        groupId: 'blob',
      },
    ]);
  });

  it('prefers the NIC over customDnsConfigs', () => {
    const [state] = read(
      endpointResources({
        name: 'pe-sa',
        group: 'blob',
        nic: [['sa1.blob.core.windows.net', '10.1.0.7']],
        customDns: [['sa1.blob.core.windows.net', ['10.1.0.5']]],
      }),
    );
    expect(state?.entrySource).toBe('nic');
    expect(state?.entries.map((e) => e.ip)).toEqual(['10.1.0.7']);
  });

  it('skips non-IPv4 addresses and duplicate entries', () => {
    const [state] = read(
      endpointResources({
        name: 'pe-sa',
        group: 'blob',
        nic: [
          ['SA1.blob.core.windows.net.', '10.1.0.7'],
          ['sa1.blob.core.windows.net', '10.1.0.7'],
          ['sa2.blob.core.windows.net', 'fd00::1'],
        ],
      }),
    );
    expect(state?.entries).toHaveLength(1);
    expect(state?.entries[0]?.fqdn).toBe('sa1.blob.core.windows.net');
    expect(state?.skips).toEqual([
      expect.objectContaining({ code: 'invalid-ip', fqdn: 'sa2.blob.core.windows.net' }),
    ]);
  });

  it('accepts the SDK-flattened shape', () => {
    const pe = {
      id: peId('pe-flat'),
      name: 'pe-flat',
      type: 'Microsoft.Network/privateEndpoints',
      location: 'eastus',
      provisioningState: 'Succeeded',
      privateLinkServiceConnections: [
        { name: 'c', groupIds: ['blob'], privateLinkServiceConnectionState: { status: 'Approved' } },
      ],
      networkInterfaces: [
        {
          id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/nic-flat`,
        },
      ],
    } as PrivateEndpointResource;
    const nic = {
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/nic-flat`,
      name: 'nic-flat',
      type: 'Microsoft.Network/networkInterfaces',
      ipConfigurations: [
        {
          privateIPAddress: '10.3.0.4',
          privateLinkConnectionProperties: { groupId: 'blob', fqdns: ['flat.blob.core.windows.net'] },
        },
      ],
    } as NetworkInterfaceResource;
    const state = readEndpoint(pe, [nic]);
    expect(state.entries).toEqual([
      {
        fqdn: 'flat.blob.core.windows.net',
        ip: '10.3.0.4',
        endpointId: canonicalPeId('pe-flat'),
        groupId: 'blob',
      },
    ]);
    expect(state.backup).toBeUndefined();
  });

  it('finds a NIC through its privateEndpoint reference even when the endpoint does not list it', () => {
    const [pe, nic] = endpointResources({
      name: 'pe-b',
      group: 'blob',
      nic: [['b.blob.core.windows.net', '10.4.0.4']],
    });
    (pe as { properties: { networkInterfaces: unknown[] } }).properties.networkInterfaces = [];
    const [state] = read([nic!, pe!]);
    expect(state?.nicIds).toHaveLength(1);
    expect(state?.entries).toHaveLength(1);
  });
});

describe('splitResources', () => {
  it('ignores other resource types and reports malformed endpoints with a JSON path', () => {
    const set = splitResources([
      { id: 'x', name: 'vnet', type: 'Microsoft.Network/virtualNetworks' },
      {
        id: peId('pe-1'),
        name: 'pe-1',
        type: 'Microsoft.Network/privateEndpoints',
        properties: { networkInterfaces: 'nope' },
      },
      { name: 'no-id' },
      { id: '/not/an/id', name: 'n', type: 'Microsoft.Network/networkInterfaces' },
      { id: peId('nic'), name: 'nic', type: 'Microsoft.Network/networkInterfaces' },
      ...endpointResources({ name: 'pe-ok', nic: vaultNic }),
    ]);
    expect(set.endpoints.map((e) => e.name)).toEqual(['pe-ok']);
    expect(set.nics).toHaveLength(1);
    expect(set.invalid.map((i) => i.path)).toEqual([
      '$[1].properties.networkInterfaces',
      '$[2].id',
      '$[3].id',
      '$[4].id',
    ]);
    expect(set.skips.every((s) => s.code === 'invalid-resource')).toBe(true);
  });

  it('reports a NIC with a malformed body', () => {
    const [, nic] = endpointResources({ name: 'pe-1', nic: vaultNic });
    (nic as { properties: unknown }).properties = {
      ipConfigurations: [{ properties: { privateIPAddress: 7 } }],
    };
    expect(splitResources([nic]).invalid[0]?.path).toBe(
      '$[0].properties.ipConfigurations[0].properties.privateIPAddress',
    );
  });

  it('builds JSON paths', () => {
    expect(jsonPath(2, ['properties', 'fqdns', 0])).toBe('$[2].properties.fqdns[0]');
    expect(jsonPath(0)).toBe('$[0]');
  });
});
