import { canonicalId, childId, isResourceType, parentId, parseResourceId } from '../../src/core/resourceId';

const SUB = '3f6e1d2c-4b5a-4e7f-8a9b-0c1d2e3f4a5b';

describe('parseResourceId', () => {
  it.each([
    [
      `/subscriptions/${SUB}/resourceGroups/rg-a/providers/Microsoft.Network/privateEndpoints/pe-1`,
      'privateEndpoints',
      'pe-1',
      'rg-a',
    ],
    [
      `/subscriptions/${SUB}/resourcegroups/rg-a/providers/Microsoft.Network/privateEndpoints/pe-1/`,
      'privateEndpoints',
      'pe-1',
      'rg-a',
    ],
    [
      `/SUBSCRIPTIONS/${SUB.toUpperCase()}/RESOURCEGROUPS/RG-A/PROVIDERS/Microsoft.Network/networkInterfaces/n/ipConfigurations/c`,
      'networkInterfaces/ipConfigurations',
      'c',
      'RG-A',
    ],
  ])('parses %s', (raw, type, name, rg) => {
    const id = parseResourceId(raw);
    expect(id).toMatchObject({
      subscriptionId: SUB,
      resourceGroup: rg,
      provider: 'Microsoft.Network',
      type,
      name,
    });
    expect(id?.id).toBe(raw.replace(/\/$/, '').toLowerCase());
  });

  it.each([
    ['', 'empty'],
    [`/subscriptions/${SUB}/resourceGroups/rg-a`, 'no provider'],
    [
      `/subscriptions/not-a-guid/resourceGroups/rg-a/providers/Microsoft.Network/privateEndpoints/pe`,
      'bad subscription',
    ],
    [
      `/subscriptions/${SUB}/resourceGroups/rg-a/providers/Microsoft.Network/privateEndpoints`,
      'type without name',
    ],
    [`/subscriptions/${SUB}/resourceGroups//providers/Microsoft.Network/privateEndpoints/pe`, 'empty group'],
    [`/subscriptions/${SUB}/groups/rg-a/providers/Microsoft.Network/privateEndpoints/pe`, 'wrong keyword'],
    [
      `/subscriptions/${SUB}/resourceGroups/rg-a/things/Microsoft.Network/privateEndpoints/pe`,
      'no providers keyword',
    ],
    [`/subscriptions/${SUB}/resourceGroups/rg-a/providers/network/privateEndpoints/pe`, 'bad namespace'],
    [
      `subscriptions/${SUB}/resourceGroups/rg-a/providers/Microsoft.Network/privateEndpoints/pe`,
      'no leading slash',
    ],
  ])('rejects %s (%s)', (raw) => {
    expect(parseResourceId(raw)).toBeUndefined();
  });

  it('rejects non-strings', () => {
    expect(parseResourceId(42 as unknown as string)).toBeUndefined();
  });

  it('checks types, children and parents case-insensitively', () => {
    const raw = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic1`;
    const nic = parseResourceId(raw)!;
    expect(isResourceType(nic, 'microsoft.network/NETWORKINTERFACES')).toBe(true);
    expect(isResourceType(nic, 'Microsoft.Network/privateEndpoints')).toBe(false);
    const child = parseResourceId(childId(raw + '/', 'ipConfigurations', 'c1'))!;
    expect(child.type).toBe('networkInterfaces/ipConfigurations');
    expect(parentId(child)).toBe(canonicalId(raw));
    expect(parentId(nic)).toBeUndefined();
  });
});
