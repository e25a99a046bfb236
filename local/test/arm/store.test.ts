import { ResourceStore, type ResourceChange } from '../../arm/store';
import { parseResourceId } from '../../arm/resourceId';

const RG = '/subscriptions/s1/resourceGroups/RG-One';
const zone = `${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;

describe('ARM emulator: parseResourceId', () => {
  it.each([
    [
      '/subscriptions/s1',
      { subscriptionId: 's1', type: 'Microsoft.Resources/subscriptions', name: 's1', parentId: '' },
    ],
    [
      RG,
      {
        subscriptionId: 's1',
        resourceGroup: 'RG-One',
        type: 'Microsoft.Resources/resourceGroups',
        name: 'RG-One',
        parentId: '/subscriptions/s1',
      },
    ],
    [
      `${RG}/providers/Microsoft.Network/privateEndpoints/pe1`,
      { type: 'Microsoft.Network/privateEndpoints', name: 'pe1', parentId: RG },
    ],
    [`${zone}/A/acct.z12`, { type: 'Microsoft.Network/privateDnsZones/A', name: 'acct.z12', parentId: zone }],
    [
      '/subscriptions/s1/providers/Microsoft.Network/privateDnsZones/z',
      { type: 'Microsoft.Network/privateDnsZones', parentId: '/subscriptions/s1' },
    ],
    [
      `/SUBSCRIPTIONS/s1/resourcegroups/rg/PROVIDERS/Microsoft.Foo/bars/b`,
      { resourceGroup: 'rg', type: 'Microsoft.Foo/bars', name: 'b' },
    ],
  ])('parses %s', (id, expected) => {
    expect(parseResourceId(id)).toMatchObject(expected);
  });

  it.each([
    '',
    'subscriptions/s1',
    '/subscriptions',
    '/subscriptions/s1/resourceGroups',
    `${RG}/providers/Microsoft.Network/privateEndpoints`,
    `${RG}/foo/bar`,
  ])('rejects %j', (id) => expect(parseResourceId(id)).toBeUndefined());
});

describe('ARM emulator: ResourceStore', () => {
  it('keys by lower-cased id, keeps the stored casing and assigns a new etag on every write', () => {
    const store = new ResourceStore();
    const first = store.put({
      id: `${RG}/providers/Microsoft.Network/privateEndpoints/PE-1`,
      name: 'PE-1',
      type: 'Microsoft.Network/privateEndpoints',
    });
    const again = store.get(first.id.toUpperCase());
    expect(again?.name).toBe('PE-1');
    expect(again?.id).toBe(first.id);
    const second = store.put({ ...first, properties: { x: 1 } }, { etag: (g) => `W/"${g}"` });
    expect(second.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    expect(second.etag).not.toBe(first.etag);
    expect(store.size).toBe(1);
  });

  it('stores copies, so later changes to the input object do not leak in', () => {
    const store = new ResourceStore();
    const input = {
      id: `${zone}/A/a`,
      name: 'a',
      type: 'Microsoft.Network/privateDnsZones/A',
      properties: { ttl: 5 },
    };
    store.put(input);
    input.properties.ttl = 99;
    expect((store.get(input.id)?.properties as { ttl: number }).ttl).toBe(5);
  });

  it('lists children by parent and type, by type under a scope, and everything under a scope', () => {
    const store = new ResourceStore();
    store.put({
      id: zone,
      name: 'privatelink.blob.core.windows.net',
      type: 'Microsoft.Network/privateDnsZones',
    });
    for (const n of ['a', 'b'])
      store.put({ id: `${zone}/A/${n}`, name: n, type: 'Microsoft.Network/privateDnsZones/A' });
    store.put({ id: `${zone}/CNAME/c`, name: 'c', type: 'Microsoft.Network/privateDnsZones/CNAME' });
    store.put({
      id: '/subscriptions/s2/resourceGroups/x/providers/Microsoft.Network/privateDnsZones/z',
      name: 'z',
      type: 'Microsoft.Network/privateDnsZones',
    });
    expect(
      store.listChildren(zone.toUpperCase(), 'microsoft.network/privatednszones/a').map((r) => r.name),
    ).toEqual(['a', 'b']);
    expect(
      store.listByType('Microsoft.Network/privateDnsZones', '/subscriptions/s1').map((r) => r.name),
    ).toEqual(['privatelink.blob.core.windows.net']);
    expect(store.listByType('Microsoft.Network/privateDnsZones')).toHaveLength(2);
    expect(store.listUnder(zone)).toHaveLength(4);
    expect(store.countChildren(zone, 'Microsoft.Network/privateDnsZones/A')).toBe(2);
    expect(store.countChildren(zone, 'Microsoft.Network/privateDnsZones/AAAA')).toBe(0);
  });

  it('deletes descendants first and tells listeners about every write and delete, in order', () => {
    const store = new ResourceStore();
    const changes: string[] = [];
    const unsubscribe = store.onChange((c: ResourceChange) =>
      changes.push(
        `${c.kind}:${c.resource.name}:${c.previous ? 'update' : 'new'}:${c.context.operationName ?? ''}`,
      ),
    );
    store.put(
      { id: zone, name: 'z', type: 'Microsoft.Network/privateDnsZones' },
      { context: { operationName: 'op/write' } },
    );
    store.put({ id: `${zone}/A/a`, name: 'a', type: 'Microsoft.Network/privateDnsZones/A' });
    store.put({ id: `${zone}/A/a`, name: 'a', type: 'Microsoft.Network/privateDnsZones/A' });
    expect(store.delete(zone, { operationName: 'op/delete' })?.name).toBe('z');
    expect(store.delete(zone)).toBeUndefined();
    unsubscribe();
    store.put({ id: zone, name: 'z', type: 'Microsoft.Network/privateDnsZones' });
    expect(changes).toEqual([
      'write:z:new:op/write',
      'write:a:new:',
      'write:a:update:',
      'delete:a:update:op/delete',
      'delete:z:update:op/delete',
    ]);
    expect(store.listChildren(zone, 'Microsoft.Network/privateDnsZones/A')).toEqual([]);
  });

  it('keeps writing when a listener throws', () => {
    const store = new ResourceStore();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    store.onChange(() => {
      throw new Error('boom');
    });
    store.put({ id: zone, name: 'z', type: 'Microsoft.Network/privateDnsZones' });
    expect(store.has(zone)).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('boom'));
    warn.mockRestore();
  });

  it('refuses ids that are not ARM resource ids', () => {
    expect(() => new ResourceStore().put({ id: 'nope', name: 'n', type: 't' })).toThrow(
      /Not an ARM resource id/,
    );
  });
});
