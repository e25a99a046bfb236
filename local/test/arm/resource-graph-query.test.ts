import { executeQuery, parseQuery, UnsupportedQueryError } from '../../arm/providers/resourceGraphQuery';
import type { Row } from '../../arm/providers/resourceGraphQuery';

const S1 = '11111111-1111-1111-1111-111111111111';
const S2 = '22222222-2222-2222-2222-222222222222';

function row(
  sub: string,
  rg: string,
  type: string,
  name: string,
  properties: Record<string, unknown> = {},
): Row {
  const provider = type.split('/')[0]!;
  const leaf = type.split('/').slice(1).join('/');
  return {
    id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${leaf}/${name}`,
    name,
    type: type.toLowerCase(),
    location: 'eastus',
    resourceGroup: rg.toLowerCase(),
    subscriptionId: sub,
    properties,
  };
}

const table: Row[] = [
  row(S1, 'RG-Spoke', 'Microsoft.Network/privateEndpoints', 'pe-a', {
    networkInterfaces: [{ id: '/nic/a' }],
    customDnsConfigs: [],
  }),
  row(S1, 'RG-Spoke', 'Microsoft.Network/networkInterfaces', 'pe-a.nic.1', { privateEndpoint: { id: 'x' } }),
  row(S2, 'rg-other', 'Microsoft.Network/privateEndpoints', 'pe-b', {
    networkInterfaces: [{ id: '/nic/b' }],
  }),
  row(S2, 'rg-other', 'Microsoft.Network/networkInterfaces', 'pe-b.nic.1'),
  row(S2, 'rg-other', 'Microsoft.Storage/storageAccounts', 'acct'),
];

const names = (q: string) => executeQuery(parseQuery(q), table).map((r) => r.name);

describe('Resource Graph: the query subset', () => {
  it.each([
    ["Resources | where type =~ 'microsoft.network/privateendpoints'", ['pe-a', 'pe-b']],
    ["resources | where type =~ 'Microsoft.Network/networkInterfaces'", ['pe-a.nic.1', 'pe-b.nic.1']],
    ["Resources | where type == 'Microsoft.Network/privateEndpoints'", []],
    [
      "Resources | where type in~ ('microsoft.network/privateendpoints', 'MICROSOFT.NETWORK/NETWORKINTERFACES')",
      ['pe-a', 'pe-a.nic.1', 'pe-b', 'pe-b.nic.1'],
    ],
    [
      `Resources | where subscriptionId in ('${S2}') | where type !~ 'microsoft.storage/storageaccounts'`,
      ['pe-b', 'pe-b.nic.1'],
    ],
    ["Resources | where resourceGroup =~ 'RG-SPOKE'", ['pe-a', 'pe-a.nic.1']],
    [
      "Resources | where type =~ 'microsoft.network/privateendpoints' | union (Resources | where type =~ 'microsoft.network/networkinterfaces')",
      ['pe-a', 'pe-b', 'pe-a.nic.1', 'pe-b.nic.1'],
    ],
    ["Resources | where name startswith 'pe-' and name endswith '.1'", ['pe-a.nic.1', 'pe-b.nic.1']],
    ["Resources | where name contains 'NIC' or name == 'acct'", ['pe-a.nic.1', 'pe-b.nic.1', 'acct']],
    ['Resources | where isnotnull(properties.privateEndpoint)', ['pe-a.nic.1']],
    ["Resources | where tostring(properties.networkInterfaces[0].id) == '/nic/b'", ['pe-b']],
    ["Resources | where not(name has 'nic') | order by name asc | take 2", ['acct', 'pe-a']],
    ['Resources | order by name desc | limit 1', ['pe-b.nic.1']],
    ["Resources | where name !in ('pe-a', 'pe-b', 'acct')", ['pe-a.nic.1', 'pe-b.nic.1']],
  ])('%s', (query, expected) => {
    expect(names(query)).toEqual(expected);
  });

  it('projects named and dotted columns', () => {
    const rows = executeQuery(
      parseQuery(
        "Resources | where name == 'pe-a' | project id, name, nic = tostring(properties.networkInterfaces[0].id), properties.customDnsConfigs",
      ),
      table,
    );
    expect(rows).toEqual([
      { id: table[0]!.id, name: 'pe-a', nic: '/nic/a', properties_customDnsConfigs: [] },
    ]);
  });

  it('joins endpoints to their NICs without extend/mv-expand on the right side', () => {
    const nicJoin = executeQuery(
      parseQuery(`Resources | where type =~ 'microsoft.network/privateendpoints'
        | extend nicId = tolower(tostring(properties.networkInterfaces[0].id))
        | join kind=leftouter (Resources | where type =~ 'microsoft.network/networkinterfaces' | project nicId = tolower(id), nicName = name) on nicId
        | project name, nicName`),
      [
        ...table,
        row(S1, 'RG-Spoke', 'Microsoft.Network/privateEndpoints', 'pe-c', {
          networkInterfaces: [{ id: String(table[1]!.id).toUpperCase() }],
        }),
      ],
    );
    expect(nicJoin).toEqual([
      { name: 'pe-a', nicName: undefined },
      { name: 'pe-b', nicName: undefined },
      { name: 'pe-c', nicName: 'pe-a.nic.1' },
    ]);
    const rows = executeQuery(
      parseQuery(`Resources | where type =~ 'microsoft.network/privateendpoints' | project id, name, subscriptionId
        | join kind=inner (Resources | where type =~ 'microsoft.network/networkinterfaces' | project subscriptionId, nicName = name) on subscriptionId`),
      table,
    );
    expect(rows.map((r) => [r.name, r.nicName])).toEqual([
      ['pe-a', 'pe-a.nic.1'],
      ['pe-b', 'pe-b.nic.1'],
    ]);
    const outer = executeQuery(
      parseQuery(
        `Resources | project name, resourceGroup | join kind=leftouter (Resources | where name == 'acct' | project resourceGroup, acct = name) on $left.resourceGroup == $right.resourceGroup`,
      ),
      table,
    );
    expect(outer.filter((r) => r.acct === 'acct').map((r) => r.name)).toEqual(['pe-b', 'pe-b.nic.1', 'acct']);
    expect(outer).toHaveLength(5);
  });

  it.each([
    ['ResourceContainers | limit 1', 'ResourceContainers'],
    ['Resources | mv-expand x = properties.customDnsConfigs', 'mv-expand'],
    ['Resources | summarize count() by type', 'summarize'],
    ["Resources | where name matches regex 'x'", 'matches'],
    ['Resources | extend x = array_length(properties.a)', 'array_length()'],
    ["Resources | where name == 'a", "'a"],
    ['Resources | join kind=fullouter (Resources) on id', 'kind=fullouter'],
    ["Resources | where name == 'a' | ", '<end of query>'],
  ])('rejects %s naming the unsupported part', (query, part) => {
    let caught: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnsupportedQueryError);
    expect((caught as UnsupportedQueryError).part).toContain(part.replace(/^'/, ''));
  });
});
