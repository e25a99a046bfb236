import fs from 'node:fs';
import path from 'node:path';
import { WATCHED_OPERATIONS } from '../../src/core/operations';
import { parseResourceEvent, parseResourceEvents, subscriptionValidation } from '../../src/core/events';
import type { EventScope } from '../../src/core/events';
import { OTHER_SUB, RG, SUB, SHARED_REFERENCE, describeIfShared, peId } from './support/arm';

const scope: EventScope = { spokeSubscriptionIds: [SUB.toUpperCase()] };
const NIC_ID = `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.Network/networkInterfaces/pe-a.nic.1`;

function egEvent(
  eventType: string,
  operationName: string,
  resourceUri: string,
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'ev-1',
    eventType,
    subject: resourceUri,
    eventTime: '2026-11-27T10:00:00Z',
    topic: `/subscriptions/${SUB}`,
    dataVersion: '2',
    metadataVersion: '1',
    data: { operationName, resourceUri, status: 'Succeeded', subscriptionId: SUB },
    ...extra,
  };
}

function cloudEvent(type: string, operationName: string, resourceUri: string) {
  return {
    id: 'ce-1',
    type,
    source: `/subscriptions/${SUB}`,
    subject: resourceUri,
    time: '2026-11-27T10:00:01Z',
    specversion: '1.0',
    data: { operationName, resourceUri, status: 'Succeeded' },
  };
}

const WRITE = 'Microsoft.Resources.ResourceWriteSuccess';
const DELETE = 'Microsoft.Resources.ResourceDeleteSuccess';

describe('parseResourceEvent', () => {
  it.each([
    [
      'Event Grid endpoint write',
      egEvent(WRITE, 'Microsoft.Network/privateEndpoints/write', peId('pe-a')),
      'write',
      'privateEndpoint',
    ],
    [
      'Event Grid endpoint delete',
      egEvent(DELETE, 'Microsoft.Network/privateEndpoints/delete', peId('pe-a')),
      'delete',
      'privateEndpoint',
    ],
    [
      'CloudEvents endpoint write',
      cloudEvent(
        WRITE,
        'microsoft.network/PRIVATEENDPOINTS/write',
        peId('pe-a').replace('resourceGroups', 'resourcegroups'),
      ),
      'write',
      'privateEndpoint',
    ],
    [
      'Event Grid NIC write',
      egEvent(WRITE, 'Microsoft.Network/networkInterfaces/write', NIC_ID),
      'write',
      'networkInterface',
    ],
  ])('%s → sync request', (_label, event, action, resourceType) => {
    const result = parseResourceEvent(event, scope);
    expect(result).toMatchObject({
      kind: 'sync',
      action,
      resourceType,
      subscriptionId: SUB,
      resourceGroup: RG,
    });
    if (result.kind !== 'sync') throw new Error('expected a sync request');
    if (resourceType === 'networkInterface') {
      expect(result.nicId).toBe(NIC_ID.toLowerCase());
      expect(result.endpointId).toBeUndefined();
    } else {
      expect(result.endpointId).toBe(peId('pe-a').toLowerCase());
    }
    expect(result.eventId).toMatch(/^(ev|ce)-1$/);
    expect(result.eventTime).toMatch(/^2026-11-27/);
  });

  it.each([
    ['not an event', 42, 'malformed-event'],
    ['CloudEvents 0.3', { ...cloudEvent(WRITE, 'x', 'y'), specversion: '0.3' }, 'malformed-event'],
    ['string data', { ...egEvent(WRITE, 'x', 'y'), data: 'text' }, 'malformed-event'],
    [
      'action event',
      egEvent(
        'Microsoft.Resources.ResourceActionSuccess',
        'Microsoft.Network/privateEndpoints/write',
        peId('pe-a'),
      ),
      'unsupported-event-type',
    ],
    [
      'write failure',
      egEvent(
        'Microsoft.Resources.ResourceWriteFailure',
        'Microsoft.Network/privateEndpoints/write',
        peId('pe-a'),
      ),
      'unsupported-event-type',
    ],
    [
      'storage write',
      egEvent(WRITE, 'Microsoft.Storage/storageAccounts/write', peId('pe-a')),
      'unsupported-operation',
    ],
    [
      'NIC delete',
      egEvent(DELETE, 'Microsoft.Network/networkInterfaces/delete', NIC_ID),
      'unsupported-operation',
    ],
    [
      'delete op in write event',
      egEvent(WRITE, 'Microsoft.Network/privateEndpoints/delete', peId('pe-a')),
      'unsupported-operation',
    ],
    ['no operation', { ...egEvent(WRITE, '', peId('pe-a')), data: {} }, 'unsupported-operation'],
    [
      'garbage id',
      egEvent(WRITE, 'Microsoft.Network/privateEndpoints/write', '/subscriptions/nope'),
      'malformed-resource-id',
    ],
    [
      'NIC id for endpoint op',
      egEvent(WRITE, 'Microsoft.Network/privateEndpoints/write', NIC_ID),
      'malformed-resource-id',
    ],
    [
      'other subscription',
      egEvent(WRITE, 'Microsoft.Network/privateEndpoints/write', peId('pe-a', OTHER_SUB)),
      'subscription-not-allowed',
    ],
  ])('%s → ignored (%s)', (_label, event, reason) => {
    expect(parseResourceEvent(event, scope)).toMatchObject({ kind: 'ignored', reason });
  });

  it('limits to allowed resource groups when they are configured', () => {
    const limited: EventScope = {
      spokeSubscriptionIds: [SUB],
      spokeResourceGroups: [`${SUB}/RG-APP-BACKUP`],
    };
    expect(parseResourceEvent(egEvent(WRITE, WATCHED_OPERATIONS[0], peId('pe-a')), limited)).toMatchObject({
      kind: 'sync',
    });
    expect(
      parseResourceEvent(egEvent(WRITE, WATCHED_OPERATIONS[0], peId('pe-a', SUB, 'rg-web')), limited),
    ).toMatchObject({
      kind: 'ignored',
      reason: 'resource-group-not-allowed',
      eventId: 'ev-1',
    });
  });

  it('falls back to the subject when data has no resourceUri', () => {
    const event = egEvent(WRITE, WATCHED_OPERATIONS[0], peId('pe-a'));
    delete (event.data as { resourceUri?: string }).resourceUri;
    expect(parseResourceEvent(event, scope)).toMatchObject({
      kind: 'sync',
      endpointId: peId('pe-a').toLowerCase(),
    });
  });

  it('parses batches', () => {
    const results = parseResourceEvents(
      [egEvent(WRITE, WATCHED_OPERATIONS[0], peId('pe-a')), { nope: true }],
      scope,
    );
    expect(results.map((r) => r.kind)).toEqual(['sync', 'ignored']);
    expect(parseResourceEvents(egEvent(WRITE, WATCHED_OPERATIONS[0], peId('pe-a')), scope)).toHaveLength(1);
  });
});

describe('subscriptionValidation', () => {
  it('recognises the handshake in an array or alone', () => {
    const event = {
      id: '1',
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      data: { validationCode: 'code-1' },
    };
    expect(subscriptionValidation([event])).toEqual({ validationCode: 'code-1' });
    expect(
      subscriptionValidation({ ...event, data: { validationCode: 'c', validationUrl: 'https://x' } }),
    ).toEqual({ validationCode: 'c', validationUrl: 'https://x' });
    expect(subscriptionValidation(egEvent(WRITE, WATCHED_OPERATIONS[0], peId('pe-a')))).toBeUndefined();
    expect(subscriptionValidation([])).toBeUndefined();
  });
});

describeIfShared('events from the published samples', () => {
  const samples = path.join(SHARED_REFERENCE, 'samples');
  const load = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(samples, file), 'utf8'));
  const syntheticScope: EventScope = { spokeSubscriptionIds: ['11111111-1111-1111-1111-111111111111'] };

  it.each([
    ['synthetic.eventgrid-schema.privateendpoint-write-success.json', 'write'],
    ['synthetic.eventgrid-schema.privateendpoint-delete-success.json', 'delete'],
    ['synthetic.cloudevents.privateendpoint-write-success.json', 'write'],
  ])('%s → %s sync request', (file, action) => {
    const [result] = parseResourceEvents(load(file), syntheticScope);
    expect(result).toMatchObject({ kind: 'sync', action, resourceType: 'privateEndpoint' });
  });

  it.each([
    ['eventgrid-schema.resource-write-success.subscription-topic.json', 'unsupported-operation'],
    ['eventgrid-schema.resource-delete-success.subscription-topic.json', 'unsupported-operation'],
    ['eventgrid-schema.resource-action-success.subscription-topic.json', 'unsupported-event-type'],
    ['cloudevents.resource-write-success.rg-topic.json', 'unsupported-operation'],
    ['cloudevents.resource-delete-success.subscription-topic.json', 'unsupported-operation'],
  ])('official sample %s is ignored (%s)', (file, reason) => {
    for (const result of parseResourceEvents(load(file), syntheticScope)) {
      expect(result).toMatchObject({ kind: 'ignored', reason });
    }
  });

  it('the synthetic write is ignored for a subscription outside the allow-list', () => {
    const [result] = parseResourceEvents(
      load('synthetic.eventgrid-schema.privateendpoint-write-success.json'),
      scope,
    );
    expect(result).toMatchObject({ kind: 'ignored', reason: 'subscription-not-allowed' });
  });

  it('recognises the official validation event', () => {
    expect(subscriptionValidation(load('eventgrid-schema.subscription-validation-event.json'))).toEqual({
      validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
      validationUrl: expect.stringContaining('validate'),
    });
  });
});
