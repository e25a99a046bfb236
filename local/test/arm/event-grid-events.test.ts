import { EventGridDeserializer, isSystemEvent } from '@azure/eventgrid';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../helpers/watchedEvents';
import {
  buildResourceEvent,
  buildValidationEvent,
  operationNameFor,
  toCloudEvent,
  RESOURCE_DELETE_SUCCESS,
  RESOURCE_WRITE_SUCCESS,
} from '../../arm/eventGridEvents';
import type { ResourceEventInput } from '../../arm/eventGridEvents';
import { matchesFilter, validateFilter } from '../../arm/eventGridFilter';
import type { AdvancedFilter, EventSubscriptionFilter } from '../../arm/eventGridFilter';
import { retryDelaySeconds, RETRY_SCHEDULE_SECONDS } from '../../arm/eventGridDelivery';

const SUB = '11111111-1111-1111-1111-111111111111';
const PE = `/subscriptions/${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/privateEndpoints/pe-rsv`;
const NIC = `/subscriptions/${SUB}/resourcegroups/rg-spoke/providers/Microsoft.Network/networkInterfaces/pe-rsv.nic.1`;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const time = new Date('2026-11-27T10:00:00.000Z');

function event(input: Partial<ResourceEventInput> & { resourceId: string }, id = 'e1') {
  return buildResourceEvent(
    { kind: 'write', existed: false, ...input },
    { tenantId: TENANT, eventId: id, time },
  );
}

describe('Event Grid: ARM resource events', () => {
  const deserializer = new EventGridDeserializer();

  it('builds a ResourceWriteSuccess the Event Grid deserializer accepts, with the fields real events carry', async () => {
    const e = event({ resourceId: PE });
    const [parsed] = await deserializer.deserializeEventGridEvents(JSON.stringify([e]));
    expect(parsed).toBeDefined();
    expect(isSystemEvent(RESOURCE_WRITE_SUCCESS, parsed!)).toBe(true);
    expect(parsed!.topic).toBe(`/subscriptions/${SUB}`);
    expect(parsed!.subject).toBe(PE);
    expect(parsed!.eventTime).toEqual(time);
    expect(e.dataVersion).toBe('2');
    expect(e.metadataVersion).toBe('1');
    const data = e.data;
    expect(data).toMatchObject({
      resourceProvider: 'Microsoft.Network',
      resourceUri: PE,
      operationName: 'Microsoft.Network/privateEndpoints/write',
      status: 'Succeeded',
      subscriptionId: SUB,
      tenantId: TENANT,
      authorization: { scope: PE, action: 'Microsoft.Network/privateEndpoints/write' },
    });
    expect(typeof data.correlationId).toBe('string');
    expect(Object.values(data.claims as object).every((v) => typeof v === 'string')).toBe(true);
    // httpRequest only appears when an existing resource is updated or deleted.
    expect(data.httpRequest).toBeUndefined();
  });

  it('adds httpRequest on updates and deletes, and uses the delete event type', async () => {
    const update = event({ resourceId: NIC, existed: true, method: 'PUT', clientRequestId: 'c1' });
    expect(update.data.httpRequest).toMatchObject({ method: 'PUT', clientRequestId: 'c1' });
    expect(update.data.operationName).toBe('Microsoft.Network/networkInterfaces/write');
    const del = buildResourceEvent(
      { kind: 'delete', existed: true, resourceId: PE },
      { tenantId: TENANT, eventId: 'e2', time },
    );
    expect(del.eventType).toBe(RESOURCE_DELETE_SUCCESS);
    expect(del.data.operationName).toBe('Microsoft.Network/privateEndpoints/delete');
    expect(del.data.httpRequest).toMatchObject({ method: 'DELETE' });
    const parsed = await deserializer.deserializeEventGridEvents(JSON.stringify([update, del]));
    expect(parsed.map((p) => p.eventType)).toEqual([RESOURCE_WRITE_SUCCESS, RESOURCE_DELETE_SUCCESS]);
  });

  it('converts to CloudEvents 1.0 that the CloudEvents deserializer accepts', async () => {
    const ce = toCloudEvent(event({ resourceId: PE }));
    const [parsed] = await deserializer.deserializeCloudEvents(JSON.stringify(ce));
    expect(parsed!.source).toBe(`/subscriptions/${SUB}`);
    expect(parsed!.type).toBe(RESOURCE_WRITE_SUCCESS);
    expect(ce.specversion).toBe('1.0');
    expect(isSystemEvent(RESOURCE_WRITE_SUCCESS, parsed!)).toBe(true);
  });

  it('passes the caller token claims through as strings', () => {
    const e = event({ resourceId: PE, claims: { oid: 'o1', roles: ['a', 'b'], iat: 17 } });
    expect(e.data.claims).toEqual({ oid: 'o1', roles: 'a,b', iat: '17' });
  });

  it('builds a validation event the deserializer accepts', async () => {
    const v = buildValidationEvent(`/subscriptions/${SUB}`, 'code-1', 'https://x/validate', 'v1', time);
    const [parsed] = await deserializer.deserializeEventGridEvents(JSON.stringify([v]));
    expect(isSystemEvent('Microsoft.EventGrid.SubscriptionValidationEvent', parsed!)).toBe(true);
    expect(parsed!.data).toEqual({ validationCode: 'code-1', validationUrl: 'https://x/validate' });
  });

  it.each([
    [PE, 'write', 'Microsoft.Network/privateEndpoints/write'],
    [
      `${PE}/privateDnsZoneGroups/default`,
      'write',
      'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write',
    ],
    [
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1`,
      'delete',
      'Microsoft.RecoveryServices/vaults/delete',
    ],
  ] as const)('operation name for %s (%s)', (id, verb, expected) => {
    expect(operationNameFor(id, verb)).toBe(expected);
  });
});

describe('Event Grid: event subscription filters', () => {
  const peWrite = event({ resourceId: PE });
  const nicWrite = event({ resourceId: NIC });
  const peDelete = buildResourceEvent(
    { kind: 'delete', existed: true, resourceId: PE },
    { tenantId: TENANT, eventId: 'd', time },
  );
  const infraFilter: EventSubscriptionFilter = {
    includedEventTypes: [...WATCHED_EVENT_TYPES],
    advancedFilters: [
      { operatorType: 'StringIn', key: 'data.operationName', values: [...WATCHED_OPERATIONS] },
    ],
  };

  const cases: [string, EventSubscriptionFilter, boolean[]][] = [
    ['empty filter matches all', {}, [true, true, true]],
    ['infra filter', infraFilter, [true, true, true]],
    ['write type only', { includedEventTypes: [RESOURCE_WRITE_SUCCESS] }, [true, true, false]],
    [
      'event types compare without case',
      { includedEventTypes: ['microsoft.resources.resourcedeletesuccess'] },
      [false, false, true],
    ],
    [
      'subjectBeginsWith ignores case',
      {
        subjectBeginsWith: `/SUBSCRIPTIONS/${SUB}/resourceGroups/RG-SPOKE/providers/microsoft.network/privateendpoints/`,
      },
      [true, false, true],
    ],
    [
      'case-sensitive subject',
      { subjectBeginsWith: `/SUBSCRIPTIONS/`, isSubjectCaseSensitive: true },
      [false, false, false],
    ],
    ['subjectEndsWith', { subjectEndsWith: '/pe-rsv' }, [true, false, true]],
    [
      'StringIn on operationName, different case',
      {
        advancedFilters: [
          {
            operatorType: 'StringIn',
            key: 'data.operationName',
            values: ['microsoft.network/privateendpoints/write'],
          },
        ],
      },
      [true, false, false],
    ],
    [
      'StringNotIn',
      {
        advancedFilters: [
          {
            operatorType: 'StringNotIn',
            key: 'data.operationName',
            values: ['Microsoft.Network/privateEndpoints/write'],
          },
        ],
      },
      [false, true, true],
    ],
    [
      'StringContains on Subject',
      {
        advancedFilters: [
          {
            operatorType: 'StringContains',
            key: 'Subject',
            values: ['/providers/Microsoft.Network/privateEndpoints/'],
          },
        ],
      },
      [true, false, true],
    ],
    [
      'StringBeginsWith on EventType',
      {
        advancedFilters: [
          {
            operatorType: 'StringBeginsWith',
            key: 'EventType',
            values: ['Microsoft.Resources.ResourceWrite'],
          },
        ],
      },
      [true, true, false],
    ],
    [
      'StringEndsWith',
      {
        advancedFilters: [{ operatorType: 'StringEndsWith', key: 'data.operationName', values: ['/delete'] }],
      },
      [false, false, true],
    ],
    [
      'missing key fails StringIn',
      { advancedFilters: [{ operatorType: 'StringIn', key: 'data.nothing', values: ['x'] }] },
      [false, false, false],
    ],
    [
      'missing key passes StringNotIn',
      { advancedFilters: [{ operatorType: 'StringNotIn', key: 'data.nothing', values: ['x'] }] },
      [true, true, true],
    ],
    [
      'IsNullOrUndefined',
      { advancedFilters: [{ operatorType: 'IsNullOrUndefined', key: 'data.httpRequest' }] },
      [true, true, false],
    ],
    [
      'IsNotNull',
      { advancedFilters: [{ operatorType: 'IsNotNull', key: 'data.httpRequest.method' }] },
      [false, false, true],
    ],
    [
      'filters AND together',
      {
        advancedFilters: [
          { operatorType: 'StringIn', key: 'data.operationName', values: [...WATCHED_OPERATIONS] },
          { operatorType: 'StringEndsWith', key: 'subject', values: ['nic.1'] },
        ],
      },
      [false, true, false],
    ],
    [
      'BoolEquals on a missing key',
      { advancedFilters: [{ operatorType: 'BoolEquals', key: 'data.flag', value: true }] },
      [false, false, false],
    ],
  ];

  it.each(cases)('%s', (_name, filter, expected) => {
    expect([peWrite, nicWrite, peDelete].map((e) => matchesFilter(e, filter))).toEqual(expected);
    expect(
      [peWrite, nicWrite, peDelete].map((e) => matchesFilter(toCloudEvent(e), cloudKeys(filter))),
    ).toEqual(expected);
  });

  it('evaluates number operators on data values', () => {
    const e = { ...peWrite, data: { ...peWrite.data, size: 5 } };
    const check = (f: AdvancedFilter) => matchesFilter(e, { advancedFilters: [f] });
    expect(check({ operatorType: 'NumberIn', key: 'data.size', values: [4, 5] })).toBe(true);
    expect(check({ operatorType: 'NumberNotIn', key: 'data.size', values: [5] })).toBe(false);
    expect(check({ operatorType: 'NumberLessThan', key: 'data.size', value: 6 })).toBe(true);
    expect(check({ operatorType: 'NumberGreaterThanOrEquals', key: 'data.size', value: 6 })).toBe(false);
    expect(check({ operatorType: 'NumberInRange', key: 'data.size', values: [[1, 5]] })).toBe(true);
    expect(check({ operatorType: 'NumberNotInRange', key: 'data.size', values: [[1, 5]] })).toBe(false);
  });

  it('reports filters beyond the documented limits', () => {
    const many = Array.from({ length: 26 }, (_, i) => ({
      operatorType: 'StringIn' as const,
      key: `data.k${i}`,
      values: ['v'],
    }));
    expect(validateFilter({ advancedFilters: many }).join(' ')).toMatch(/at most 25/);
    expect(
      validateFilter({
        advancedFilters: [{ operatorType: 'StringIn', key: 'data.x', values: ['x'.repeat(513)] }],
      }),
    ).toHaveLength(1);
    expect(validateFilter(infraFilter)).toEqual([]);
  });
});

/** CloudEvents name the envelope fields differently (`subject`, `type`); data keys are the same. */
function cloudKeys(filter: EventSubscriptionFilter): EventSubscriptionFilter {
  return {
    ...filter,
    advancedFilters: filter.advancedFilters?.map((f) => ({
      ...f,
      key: f.key === 'EventType' ? 'type' : f.key.toLowerCase() === 'subject' ? 'subject' : f.key,
    })),
  };
}

describe('Event Grid: retry schedule', () => {
  it('follows Event Grid: 10s, 30s, 1m, 5m, 10m, 30m, 1h, 3h, 6h, then every 12h', () => {
    const delays = Array.from({ length: 11 }, (_, i) => retryDelaySeconds(i + 1));
    expect(delays).toEqual([...RETRY_SCHEDULE_SECONDS, 43200, 43200]);
    expect(delays.slice(0, 7)).toEqual([10, 30, 60, 300, 600, 1800, 3600]);
  });

  it('waits at least 2 minutes after a 408 and 30 seconds after a 503', () => {
    expect(retryDelaySeconds(1, 408)).toBe(120);
    expect(retryDelaySeconds(1, 503)).toBe(30);
    expect(retryDelaySeconds(4, 503)).toBe(300);
  });
});
