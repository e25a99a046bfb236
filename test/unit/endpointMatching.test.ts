/**
 * Endpoint ↔ NIC matching in one pass (`indexNics` + `readEndpoint`), the cheap `canonicalId`, and the engine's
 * steps (`sortSteps`, the `*Steps` forms of the pipeline) against the plain rules they replace.
 */
import {
  indexNics,
  readEndpoint,
  readEndpoints,
  readEndpointsSteps,
  splitResources,
  splitResourcesSteps,
} from '../../src/core/endpoint';
import type { NetworkInterfaceResource, PrivateEndpointResource } from '../../src/core/endpoint';
import { desiredRecords, desiredRecordsSteps, desiredZonesSteps } from '../../src/core/desiredState';
import { encodeOwnership } from '../../src/core/ownership';
import { planEndpoints, planEndpointsSteps } from '../../src/core/pipeline';
import { canonicalId } from '../../src/core/resourceId';
import { mapSteps, runSteps, sortSteps } from '../../src/core/steps';
import type { CurrentRecordSet } from '../../src/core/types';
import { canonicalPeId, endpointResources, peId, RG, SUB } from './support/arm';

const nicId = (name: string, rgSegment = 'resourceGroups'): string =>
  `/subscriptions/${SUB}/${rgSegment}/${RG}/providers/Microsoft.Network/networkInterfaces/${name}`;

function endpoint(name: string, listed: string[]): PrivateEndpointResource {
  const [pe] = endpointResources({ name, group: 'blob' });
  const props = (pe as { properties: { networkInterfaces: { id: string }[] } }).properties;
  props.networkInterfaces = listed.map((id) => ({ id }));
  return pe as PrivateEndpointResource;
}

function nic(
  id: string,
  owner: string | null | undefined,
  fqdns: [string, string][],
): NetworkInterfaceResource {
  return {
    id,
    name: id.split('/').at(-1) ?? 'nic',
    type: 'Microsoft.Network/networkInterfaces',
    properties: {
      ...(owner !== undefined ? { privateEndpoint: owner === null ? null : { id: owner } } : {}),
      ipConfigurations: fqdns.map(([fqdn, ip]) => ({
        properties: {
          privateIPAddress: ip,
          privateLinkConnectionProperties: { groupId: 'blob', fqdns: [fqdn] },
        },
      })),
    },
  };
}

const PE = peId('pe-m');
const fqdn = (n: string): string => `${n}.blob.core.windows.net`;

describe('endpoint ↔ NIC matching', () => {
  it.each<{
    name: string;
    listed: string[];
    nics: NetworkInterfaceResource[];
    nicIds: string[];
    entries: string[];
  }>([
    {
      name: 'a NIC the endpoint lists',
      listed: [nicId('n1')],
      nics: [nic(nicId('n1'), undefined, [[fqdn('a'), '10.0.0.4']])],
      nicIds: [nicId('n1').toLowerCase()],
      entries: ['a=10.0.0.4'],
    },
    {
      name: 'a NIC found through privateEndpoint.id but not listed in networkInterfaces',
      listed: [],
      nics: [nic(nicId('n1'), PE, [[fqdn('a'), '10.0.0.4']])],
      nicIds: [nicId('n1').toLowerCase()],
      entries: ['a=10.0.0.4'],
    },
    {
      name: 'mixed-case ids on both sides',
      listed: [nicId('N1').toUpperCase()],
      nics: [
        nic(nicId('n1'), undefined, [[fqdn('a'), '10.0.0.4']]),
        nic(nicId('N2'), PE.toUpperCase(), [[fqdn('b'), '10.0.0.5']]),
      ],
      nicIds: [nicId('n1').toLowerCase(), nicId('n2').toLowerCase()],
      entries: ['a=10.0.0.4', 'b=10.0.0.5'],
    },
    {
      name: '`resourcegroups` in the reference, `resourceGroups` on the NIC',
      listed: [nicId('n1', 'resourcegroups')],
      nics: [nic(nicId('n1'), undefined, [[fqdn('a'), '10.0.0.4']])],
      nicIds: [nicId('n1', 'resourcegroups').toLowerCase()],
      entries: ['a=10.0.0.4'],
    },
    {
      name: '`resourcegroups` in the NIC’s privateEndpoint.id, and a trailing slash',
      listed: [],
      nics: [
        nic(nicId('n1'), `${PE.replace('resourceGroups', 'resourcegroups')}/`, [[fqdn('a'), '10.0.0.4']]),
      ],
      nicIds: [nicId('n1').toLowerCase()],
      entries: ['a=10.0.0.4'],
    },
    {
      name: 'the same NIC listed twice in the listing (and twice by the endpoint)',
      listed: [nicId('n1'), nicId('n1')],
      nics: [
        nic(nicId('n1'), PE, [[fqdn('a'), '10.0.0.4']]),
        nic(nicId('n1'), PE, [[fqdn('a'), '10.0.0.4']]),
      ],
      nicIds: [nicId('n1').toLowerCase(), nicId('n1').toLowerCase()],
      entries: ['a=10.0.0.4'],
    },
    {
      name: 'listed NICs first, then NICs naming the endpoint, entries in listing order',
      listed: [nicId('n2')],
      nics: [
        nic(nicId('n1'), PE, [[fqdn('a'), '10.0.0.4']]),
        nic(nicId('n2'), undefined, [[fqdn('b'), '10.0.0.5']]),
      ],
      nicIds: [nicId('n2').toLowerCase(), nicId('n1').toLowerCase()],
      entries: ['a=10.0.0.4', 'b=10.0.0.5'],
    },
    {
      name: 'NICs of other endpoints, and a NIC with a null privateEndpoint, are not matched',
      listed: [nicId('n1')],
      nics: [
        nic(nicId('n1'), PE, [[fqdn('a'), '10.0.0.4']]),
        nic(nicId('n9'), peId('pe-other'), [[fqdn('z'), '10.0.0.9']]),
        nic(nicId('n8'), null, [[fqdn('y'), '10.0.0.8']]),
      ],
      nicIds: [nicId('n1').toLowerCase()],
      entries: ['a=10.0.0.4'],
    },
    {
      name: 'a listed NIC missing from the listing',
      listed: [nicId('gone')],
      nics: [nic(nicId('n9'), peId('pe-other'), [[fqdn('z'), '10.0.0.9']])],
      nicIds: [nicId('gone').toLowerCase()],
      entries: [],
    },
  ])('$name', ({ listed, nics, nicIds, entries }) => {
    const pe = endpoint('pe-m', listed);
    const fromList = readEndpoint(pe, nics);
    const fromIndex = readEndpoint(pe, indexNics(nics));
    for (const state of [fromList, fromIndex]) {
      expect(state.nicIds).toEqual(nicIds);
      expect(state.entries.map((e) => `${e.fqdn.split('.')[0]}=${e.ip}`)).toEqual(entries);
      expect(state.readiness.ready).toBe(entries.length > 0);
    }
    expect(fromIndex).toEqual(fromList);
  });

  /** The rule as it stood: every NIC of the list that the endpoint names, or that names the endpoint. */
  function ownNicsByScan(
    pe: PrivateEndpointResource,
    nics: NetworkInterfaceResource[],
  ): NetworkInterfaceResource[] {
    const id = canonicalId(pe.id);
    const listed = (pe.properties?.networkInterfaces ?? []).map((n) => canonicalId(n.id));
    return nics.filter((n) => {
      const owner = n.properties?.privateEndpoint;
      return listed.includes(canonicalId(n.id)) || (!!owner && canonicalId(owner.id) === id);
    });
  }

  it('reads a mixed estate exactly as a scan of every NIC per endpoint would', () => {
    // Endpoints that list their NIC, that do not (found through the NIC), with a NIC listed twice, sharing a
    // listing with NICs of nobody; ids in every spelling.
    const resources: unknown[] = [];
    for (let i = 0; i < 60; i++) {
      const name = `pe-${i}`;
      const id = i % 3 === 0 ? peId(name).toUpperCase() : peId(name);
      const own = nicId(`nic-${i}`, i % 2 === 0 ? 'resourcegroups' : 'resourceGroups');
      const pe = endpoint(name, i % 4 === 1 ? [] : [i % 5 === 0 ? own.toUpperCase() : own]);
      resources.push({ ...pe, id });
      const n = nic(nicId(`nic-${i}`), i % 4 === 1 || i % 7 === 0 ? peId(name).toLowerCase() : undefined, [
        [fqdn(`acct${i}`), `10.1.${i}.4`],
      ]);
      resources.push(n);
      if (i % 9 === 0) resources.push(n);
      if (i % 11 === 0)
        resources.push(nic(nicId(`stray-${i}`), undefined, [[fqdn(`stray${i}`), '10.9.0.4']]));
    }
    const set = splitResources(resources);
    const states = readEndpoints(set);
    expect(states).toHaveLength(60);
    const byId = new Map(states.map((s) => [s.id, s]));
    for (const pe of set.endpoints) {
      const own = ownNicsByScan(pe, set.nics);
      const listed = (pe.properties?.networkInterfaces ?? []).map((n) => canonicalId(n.id));
      const nicIds = [...listed];
      for (const n of own) if (!nicIds.includes(canonicalId(n.id))) nicIds.push(canonicalId(n.id));
      const entries = [
        ...new Set(
          own.flatMap((n) =>
            (n.properties?.ipConfigurations ?? []).flatMap((ipc) =>
              (ipc.properties?.privateLinkConnectionProperties?.fqdns ?? []).map(
                (f) => `${f}=${ipc.properties?.privateIPAddress ?? ''}`,
              ),
            ),
          ),
        ),
      ];
      const state = byId.get(canonicalId(pe.id));
      expect(state?.nicIds).toEqual(nicIds);
      expect(state?.entries.map((e) => `${e.fqdn}=${e.ip}`)).toEqual(entries);
      expect(state).toEqual(readEndpoint(pe, own));
    }
    expect(runSteps(readEndpointsSteps(runSteps(splitResourcesSteps(resources))))).toEqual(states);
  });
});

describe('canonicalId', () => {
  const id = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe-1`;
  it.each([
    [id, id.toLowerCase()],
    [id.toLowerCase(), id.toLowerCase()],
    [`${id}/`, id.toLowerCase()],
    [`${id}///`, id.toLowerCase()],
    [`  ${id} `, id.toLowerCase()],
    [`\t${id}/\n`, id.toLowerCase()],
    [`\u00a0${id}\u00a0`, id.toLowerCase()],
    [`${id}\u2028`, id.toLowerCase()],
    ['/', ''],
    ['', ''],
    ['  ', ''],
    ['PE-É', 'pe-é'],
  ])('canonicalId(%j) = %j', (raw, expected) => {
    expect(canonicalId(raw)).toBe(expected);
    expect(canonicalId(raw)).toBe(raw.trim().replace(/\/+$/, '').toLowerCase());
  });
});

describe('steps', () => {
  it('sortSteps orders like Array.prototype.sort, ties in input order', () => {
    const byKey = (a: { k: number }, b: { k: number }): number => a.k - b.k;
    for (const n of [0, 1, 2, 3, 7, 8, 9, 31, 64, 100, 257]) {
      const items = Array.from({ length: n }, (_, i) => ({ k: (i * 7919) % 5, i }));
      expect(runSteps(sortSteps(items, byKey))).toEqual([...items].sort(byKey));
    }
    const words = ['b', 'a', 'B', 'ab', '', 'a'];
    expect(runSteps(sortSteps(words, (a, b) => (a < b ? -1 : a > b ? 1 : 0)))).toEqual([...words].sort());
  });

  it('sortSteps leaves its input as it was', () => {
    const items = [3, 1, 2];
    expect(runSteps(sortSteps(items, (a, b) => a - b))).toEqual([1, 2, 3]);
    expect(items).toEqual([3, 1, 2]);
  });

  it('mapSteps steps once per item', () => {
    const steps = mapSteps(['a', 'b', 'c'], (s, i) => `${s}${i}`);
    let pauses = 0;
    for (let next = steps.next(); ; next = steps.next()) {
      if (next.done) {
        expect(next.value).toEqual(['a0', 'b1', 'c2']);
        break;
      }
      pauses++;
    }
    expect(pauses).toBe(3);
  });

  it('the pipeline in steps plans exactly as in one go', () => {
    const resources = [
      ...endpointResources({ name: 'pe-a', group: 'blob', nic: [[fqdn('a'), '10.0.0.4']] }),
      ...endpointResources({ name: 'pe-b', group: 'blob', nic: [[fqdn('b'), '10.0.0.5']] }),
      ...endpointResources({ name: 'pe-c', group: 'blob', provisioningState: 'Updating', nic: [] }),
      ...endpointResources({ name: 'pe-d', group: 'blob', nic: [[fqdn('a'), '10.0.0.6']] }),
    ];
    const states = readEndpoints(splitResources(resources));
    const current: CurrentRecordSet[] = [
      {
        id: '',
        zone: 'privatelink.blob.core.windows.net',
        name: 'c',
        ips: ['10.0.0.7'],
        ttl: 10,
        etag: 'e1',
        metadata: encodeOwnership('me', [canonicalPeId('pe-c')]),
      },
      {
        id: '',
        zone: 'privatelink.blob.core.windows.net',
        name: 'orphan',
        ips: ['10.0.0.8'],
        ttl: 10,
        etag: 'e2',
        metadata: encodeOwnership('me', [canonicalPeId('pe-gone')]),
      },
    ];
    const options = { ownerId: 'me', ttl: 10 };
    const planned = planEndpoints(states, current, options);
    expect(planned.plan.summary).toMatchObject({ creates: 2, deletes: 1, kept: 1, conflicts: 1 });
    expect(runSteps(planEndpointsSteps(states, current, options))).toEqual(planned);
    const entries = states.flatMap((s) => s.entries);
    expect(runSteps(desiredRecordsSteps(entries, current))).toEqual(desiredRecords(entries, current));
    expect(runSteps(desiredZonesSteps(entries))).toEqual([
      ...new Set(desiredRecords(entries).records.map((r) => r.zone)),
    ]);
  });
});
