/**
 * The spoke event subscriptions deliver exactly what the event parser accepts: WATCHED_EVENT_TYPES and
 * WATCHED_OPERATIONS from src/core/operations.ts, to the function named in FUNCTION_NAMES.
 */
import { FUNCTION_NAMES } from '../../src/core/functionNames';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../../src/core/operations';
import type { ArmValue } from './armExpression';
import { loadTemplate } from './armTemplate';
import { SPOKE_SUBSCRIPTION, deployed, expandSpoke, props } from './fixtures';
import { text } from './armExpression';

type Filter = {
  includedEventTypes: string[];
  subjectBeginsWith: string;
  isSubjectCaseSensitive: boolean;
  advancedFilters: { operatorType: string; key: string; values: string[] }[];
};

const subscriptionsOf = (overrides: Record<string, ArmValue>) =>
  deployed(expandSpoke(overrides), 'Microsoft.EventGrid/systemTopics/eventSubscriptions');

describe('spoke Event Grid filter == the event parser contract', () => {
  it.each([[[]], [['rg-backup']], [['rg-backup', 'rg-backup-ne', 'rg-sql']]])(
    'watchedResourceGroups=%j: event types and operationName StringIn equal the shared lists',
    (groups) => {
      const subs = subscriptionsOf({ watchedResourceGroups: groups });
      expect(subs).toHaveLength(Math.max(1, groups.length));
      for (const sub of subs) {
        const filter = props(sub)['filter'] as unknown as Filter;
        expect(filter.includedEventTypes).toEqual([...WATCHED_EVENT_TYPES]);
        expect(filter.advancedFilters).toEqual([
          { operatorType: 'StringIn', key: 'data.operationName', values: [...WATCHED_OPERATIONS] },
        ]);
        expect(filter.isSubjectCaseSensitive).toBe(false);
      }
    },
  );

  it('stays inside Event Grid limits (25 advanced filter values, 512 characters each)', () => {
    expect(WATCHED_OPERATIONS.length).toBeLessThanOrEqual(25);
    for (const op of WATCHED_OPERATIONS) expect(op.length).toBeLessThanOrEqual(512);
  });

  it('whole subscription: one event subscription without a subject prefix', () => {
    const [sub] = subscriptionsOf({ watchedResourceGroups: [] });
    expect((props(sub!)['filter'] as unknown as Filter).subjectBeginsWith).toBe('');
  });

  it('named groups: one event subscription per group, each with that group as its only subject prefix', () => {
    const groups = ['rg-backup', 'rg-backup-ne'];
    const prefixes = subscriptionsOf({ watchedResourceGroups: groups }).map(
      (s) => (props(s)['filter'] as unknown as Filter).subjectBeginsWith,
    );
    expect(prefixes).toEqual(groups.map((g) => `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${g}/`));
  });

  it('event subscription names are distinct per group and stable', () => {
    const names = subscriptionsOf({ watchedResourceGroups: ['rg-a', 'rg-b', 'RG-A2'] }).map((s) => s.name);
    expect(new Set(names).size).toBe(3);
    expect(subscriptionsOf({ watchedResourceGroups: ['rg-a', 'rg-b', 'RG-A2'] }).map((s) => s.name)).toEqual(
      names,
    );
    for (const n of names) expect(n.split('/')[1]).toMatch(/^[A-Za-z0-9-]{3,64}$/);
  });

  it('delivers to the webhook URL with retry policy, Event Grid schema and optional dead-letter', () => {
    const [plain] = subscriptionsOf({});
    const p = props(plain!);
    expect(p['destination']).toEqual({
      endpointType: 'WebHook',
      properties: {
        endpointUrl: expect.stringContaining(`functionName=${FUNCTION_NAMES.eventGridSync}`) as unknown,
        maxEventsPerBatch: 1,
        preferredBatchSizeInKilobytes: 64,
      },
    });
    expect(p['eventDeliverySchema']).toBe('EventGridSchema');
    expect(p['retryPolicy']).toEqual({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
    expect(p['deadLetterDestination']).toBeNull();

    const account = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/rg-ops/providers/Microsoft.Storage/storageAccounts/stdeadletter`;
    const [withDl] = subscriptionsOf({ deadLetterStorageAccountId: account, maxDeliveryAttempts: 10 });
    expect(props(withDl!)['deadLetterDestination']).toEqual({
      endpointType: 'StorageBlob',
      properties: { resourceId: account, blobContainerName: 'plds-deadletter' },
    });
    expect((props(withDl!)['retryPolicy'] as Record<string, number>)['maxDeliveryAttempts']).toBe(10);
  });

  it('the system topic watches this spoke subscription (global, Microsoft.Resources.Subscriptions)', () => {
    const topics = deployed(expandSpoke(), 'Microsoft.EventGrid/systemTopics');
    expect(topics).toHaveLength(1);
    expect(topics[0]?.evaluated['location']).toBe('global');
    expect(props(topics[0]!)).toEqual({
      source: `/subscriptions/${SPOKE_SUBSCRIPTION}`,
      topicType: 'Microsoft.Resources.Subscriptions',
    });
  });
});

describe('hub output: the Event Grid webhook endpoint of the shared function name', () => {
  const hub = loadTemplate('hub.json');

  it('uses FUNCTION_NAMES.eventGridSync', () => {
    expect(hub.variables?.['eventGridFunctionName']).toBe(FUNCTION_NAMES.eventGridSync);
  });

  it('has the runtime/webhooks/eventgrid form with the eventgrid_extension system key', () => {
    const value = text(hub.outputs?.['eventGridWebhookEndpoint']?.value);
    expect(value).toContain("'https://{0}/runtime/webhooks/eventgrid?functionName={1}&code={2}'");
    expect(value).toContain("variables('eventGridFunctionName')");
    expect(value).toContain('.systemKeys.eventgrid_extension');
    expect(value).toContain(
      "resourceId('Microsoft.Web/sites/host', variables('functionAppName'), 'default')",
    );
  });

  it('is only emitted on request, so the first deployment (no key yet) never calls listKeys', () => {
    const output = hub.outputs?.['eventGridWebhookEndpoint'] as { condition?: string } | undefined;
    expect(output?.condition).toBe("[parameters('emitEventGridEndpoint')]");
    expect(hub.parameters?.['emitEventGridEndpoint']?.defaultValue).toBe(false);
    for (const [name, o] of Object.entries(hub.outputs ?? {})) {
      if (name !== 'eventGridWebhookEndpoint') expect(JSON.stringify(o)).not.toContain('listKeys');
    }
  });
});
