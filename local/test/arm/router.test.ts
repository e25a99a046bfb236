import { Router, kindOf, type RouteDefinition } from '../../arm/router';

const def = (method: RouteDefinition['method'], path: string, operationId: string): RouteDefinition => ({
  method,
  path,
  operationId,
  resourceType: 't',
  apiVersions: 'any',
  handler: () => ({ status: 200 }),
});

const base =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}';

describe('ARM emulator: Router', () => {
  const router = new Router();
  router.add(def('GET', `${base}/{recordType}`, 'RecordSets_ListByType'));
  router.add(def('GET', `${base}/ALL`, 'RecordSets_List'));
  router.add(def('GET', `${base}/virtualNetworkLinks`, 'VirtualNetworkLinks_List'));
  router.add(def('GET', `${base}/{recordType}/{+relativeRecordSetName}`, 'RecordSets_Get'));
  router.add(def('PUT', `${base}/{recordType}/{relativeRecordSetName}`, 'RecordSets_CreateOrUpdate'));

  const zonePath =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net';
  it.each([
    ['GET', `${zonePath}/A`, 'RecordSets_ListByType', { recordType: 'A' }],
    ['GET', `${zonePath}/aLL`, 'RecordSets_List', {}],
    ['GET', `${zonePath}/ALL`, 'RecordSets_List', {}],
    ['GET', `${zonePath}/VIRTUALNETWORKLINKS`, 'VirtualNetworkLinks_List', {}],
    ['GET', `${zonePath}/A/acct.z12`, 'RecordSets_Get', { relativeRecordSetName: 'acct.z12' }],
    ['GET', `${zonePath}/A/%40`, 'RecordSets_Get', { relativeRecordSetName: '@' }],
    [
      'GET',
      zonePath.replace('/resourceGroups/', '/RESOURCEGROUPS/') + '/A/x',
      'RecordSets_Get',
      { resourceGroupName: 'rg' },
    ],
    ['PUT', `${zonePath}/A/x/`, 'RecordSets_CreateOrUpdate', { relativeRecordSetName: 'x' }],
  ])('%s %s → %s', (method, path, operationId, params) => {
    const match = router.match(method, path);
    expect(match && 'route' in match ? match.route.operationId : match).toBe(operationId);
    expect(match && 'params' in match ? match.params : {}).toMatchObject(params);
  });

  it('tells a method mismatch apart from an unknown path', () => {
    expect(router.match('DELETE', `${zonePath}/A`)).toEqual({ methodMismatch: true });
    expect(router.match('GET', '/nothing/here')).toBeUndefined();
    expect(router.match('GET', `${zonePath}/A/%E0%A4%A`)).toBeUndefined();
  });

  it.each([
    ['GET', 'read'],
    ['HEAD', 'read'],
    ['PUT', 'write'],
    ['PATCH', 'write'],
    ['POST', 'write'],
    ['DELETE', 'delete'],
  ])('classifies %s as %s', (method, kind) => expect(kindOf(method)).toBe(kind));
});
