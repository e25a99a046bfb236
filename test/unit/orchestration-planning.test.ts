/** Pure helpers of the orchestrations: plan slicing, totals, schedules, reconcile scopes, input contracts. */
import { planChanges } from '../../src/core/plan';
import { encodeOwnership } from '../../src/core/ownership';
import type { CurrentRecordSet, DesiredRecord } from '../../src/core/types';
import { EMPTY_TOTALS, endpointKey, parseInput } from '../../src/durable/contracts';
import { approvalDecisionEventSchema } from '../../src/flows/approval/contracts';
import { parseScopeString, reconcileInputSchema } from '../../src/flows/reconcile/contracts';
import { removeInstanceId } from '../../src/flows/remove/contracts';
import { syncEndpointInputSchema, syncInstanceId } from '../../src/flows/sync/contracts';
import {
  addTotals,
  chunk,
  namesByZone,
  sumTotals,
  workByZone,
  workForZone,
  zonesToWrite,
} from '../../src/durable/zoneWork';
import { describeScope, listingScopeFor, planScopeFor } from '../../src/flows/reconcile/scope';
import { dnsReadyBackoffMs } from '../../src/flows/sync/readiness';

const SUB = '00000000-0000-4000-8000-00000000c0d2';
const OTHER_SUB = '00000000-0000-4000-8000-00000000c0d3';
const pe = (name: string, sub = SUB, rg = 'rg-spoke'): string =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.network/privateendpoints/${name}`;
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-spoke/providers/Microsoft.RecoveryServices/vaults/rsv1`;

describe('instance ids and entity keys', () => {
  it('hash the lower-cased endpoint id to 32 hex characters', () => {
    const id = pe('PE-One');
    expect(endpointKey(id)).toMatch(/^[0-9a-f]{32}$/);
    expect(endpointKey(id.toUpperCase())).toBe(endpointKey(id));
    expect(syncInstanceId(id)).toBe(`sync-${endpointKey(id)}`);
    expect(removeInstanceId(id)).toBe(`remove-${endpointKey(id)}`);
    expect(syncInstanceId(pe('pe-two'))).not.toBe(syncInstanceId(id));
  });
});

describe('input contracts', () => {
  it('canonicalise the endpoint id and default the trigger', () => {
    const input = parseInput(
      syncEndpointInputSchema,
      { endpointId: pe('PE1').toUpperCase() },
      'syncEndpoint',
    );
    expect(input.endpointId).toBe(pe('pe1'));
    expect(input.trigger).toBe('event');
  });

  it.each([
    [
      { endpointId: 'not-an-id' },
      /endpointId: "not-an-id" is not a Microsoft.Network\/privateEndpoints resource id/,
    ],
    [{ endpointId: VAULT }, /endpointId: ".*rsv1" is not a Microsoft.Network\/privateEndpoints resource id/],
    [{ endpointId: pe('a'), trigger: 'cron' }, 'trigger'],
    [{ endpointId: pe('a'), eventTime: 'yesterday' }, 'eventTime: must be an ISO 8601 date-time'],
  ])('refuse %j naming the field', (raw, message) => {
    expect(() => parseInput(syncEndpointInputSchema, raw, 'syncEndpoint')).toThrow(message);
  });

  it.each([
    ['all', { kind: 'all' }],
    ['', { kind: 'all' }],
    [SUB.toUpperCase(), { kind: 'subscription', subscriptionId: SUB }],
    [`/subscriptions/${SUB}`, { kind: 'subscription', subscriptionId: SUB }],
    [
      `/subscriptions/${SUB}/resourceGroups/RG-Spoke`,
      { kind: 'resourceGroup', subscriptionId: SUB, resourceGroup: 'rg-spoke' },
    ],
    [VAULT, { kind: 'vault', vaultId: VAULT.toLowerCase() }],
    [pe('pe1'), { kind: 'endpoint', endpointId: pe('pe1') }],
    ['/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z', undefined],
    ['nonsense', undefined],
  ])('scope string %j', (raw, expected) => {
    expect(parseScopeString(raw)).toEqual(expected);
  });

  it('reconcile input: string or object scope, defaults, field errors', () => {
    expect(parseInput(reconcileInputSchema, {}, 'reconcile')).toEqual({
      scope: { kind: 'all' },
      dryRun: false,
      trigger: 'resync',
    });
    expect(parseInput(reconcileInputSchema, { scope: VAULT, dryRun: true }, 'reconcile').scope).toEqual({
      kind: 'vault',
      vaultId: VAULT.toLowerCase(),
    });
    expect(() => parseInput(reconcileInputSchema, { scope: 'everything' }, 'reconcile')).toThrow(
      /scope: must be "all"/,
    );
    expect(() => parseInput(reconcileInputSchema, { policy: 'yolo' }, 'reconcile')).toThrow(/policy/);
    expect(() =>
      parseInput(
        reconcileInputSchema,
        { scope: { kind: 'subscription', subscriptionId: 'nope' } },
        'reconcile',
      ),
    ).toThrow(/scope/);
  });

  it('approval decisions need a decision and an approver', () => {
    expect(approvalDecisionEventSchema.safeParse({ decision: 'Approved', approver: 'a' }).success).toBe(true);
    expect(approvalDecisionEventSchema.safeParse({ decision: 'Maybe', approver: 'a' }).success).toBe(false);
    expect(approvalDecisionEventSchema.safeParse({ decision: 'Rejected', approver: ' ' }).success).toBe(
      false,
    );
  });
});

describe('plan slicing', () => {
  const ZONE_A = 'privatelink.blob.core.windows.net';
  const ZONE_B = 'privatelink.queue.core.windows.net';
  const desired: DesiredRecord[] = [
    { zone: ZONE_A, name: 'a1', ips: ['10.0.0.1'], owners: [pe('p')] },
    { zone: ZONE_B, name: 'b1', ips: ['10.0.0.2'], owners: [pe('p')] },
  ];
  const current: CurrentRecordSet[] = [
    {
      id: '',
      zone: ZONE_A,
      name: 'old',
      ips: ['10.0.0.9'],
      ttl: 10,
      etag: 'e1',
      metadata: encodeOwnership('me', [pe('p')]),
    },
  ];
  const plan = planChanges(desired, current, { ownerId: 'me', ttl: 10, scope: { endpointIds: [pe('p')] } });

  it('lists the zones written and the work per zone, deletes last', () => {
    expect(zonesToWrite(plan)).toEqual([ZONE_A, ZONE_B]);
    expect(workForZone(plan, ZONE_A).map((w) => `${w.action}:${w.change.name}`)).toEqual([
      'create:a1',
      'delete:old',
    ]);
    expect(workForZone(plan, ZONE_B.toUpperCase()).map((w) => w.change.name)).toEqual(['b1']);
    const byZone = workByZone(plan);
    expect([...byZone.keys()].sort()).toEqual(zonesToWrite(plan));
    for (const zone of zonesToWrite(plan)) expect(byZone.get(zone)).toEqual(workForZone(plan, zone));
  });

  it('groups record names by zone, lower-cased and unique', () => {
    expect([
      ...namesByZone([
        { zone: ZONE_B, name: 'X' },
        { zone: ZONE_A, name: 'y' },
        { zone: ZONE_B, name: 'x' },
      ]),
    ]).toEqual([
      [ZONE_A, ['y']],
      [ZONE_B, ['x']],
    ]);
  });

  it('adds totals', () => {
    const one = {
      ...EMPTY_TOTALS,
      written: 2,
      created: 2,
      failures: [{ zone: 'z', name: 'n', action: 'create', code: 'X', message: 'm' }],
    };
    expect(addTotals(one, one)).toMatchObject({ written: 4, created: 4 });
    expect(sumTotals([one, one, one]).failures).toHaveLength(3);
    expect(sumTotals([])).toEqual(EMPTY_TOTALS);
  });

  it('chunks', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});

describe('wait schedules', () => {
  it('grow and then hold', () => {
    expect([0, 1, 2, 3, 4, 9].map(dnsReadyBackoffMs)).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 240_000,
    ]);
  });
});

describe('reconcile scopes', () => {
  const spokes = { spokeSubscriptionIds: [SUB], spokeResourceGroups: [] };
  const narrowed = { spokeSubscriptionIds: [SUB, OTHER_SUB], spokeResourceGroups: [`${SUB}/rg-spoke`] };

  it.each([
    [{ kind: 'all' } as const, spokes, { subscriptionIds: [SUB] }],
    [
      { kind: 'all' } as const,
      narrowed,
      { subscriptionIds: [SUB, OTHER_SUB], resourceGroups: [`${SUB}/rg-spoke`] },
    ],
    [{ kind: 'subscription', subscriptionId: SUB } as const, spokes, { subscriptionIds: [SUB] }],
    [
      { kind: 'resourceGroup', subscriptionId: SUB, resourceGroup: 'rg-spoke' } as const,
      narrowed,
      { subscriptionIds: [SUB], resourceGroups: [`${SUB}/rg-spoke`] },
    ],
    [{ kind: 'vault', vaultId: VAULT } as const, spokes, { subscriptionIds: [SUB], vaultId: VAULT }],
    [
      { kind: 'endpoint', endpointId: pe('x') } as const,
      spokes,
      { subscriptionIds: [SUB], endpointId: pe('x') },
    ],
  ])('listing for %j', (scope, settings, expected) => {
    expect(listingScopeFor(scope, settings)).toEqual({ ok: true, scope: expected });
  });

  it.each([
    [
      { kind: 'subscription', subscriptionId: OTHER_SUB } as const,
      spokes,
      'not one of SPOKE_SUBSCRIPTION_IDS',
    ],
    [
      { kind: 'resourceGroup', subscriptionId: SUB, resourceGroup: 'rg-other' } as const,
      narrowed,
      'not one of SPOKE_RESOURCE_GROUPS',
    ],
  ])('refuses %j', (scope, settings, message) => {
    const result = listingScopeFor(scope, settings);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });

  it('plan scopes: full for all, narrowed otherwise; an endpoint scope always covers the endpoint', () => {
    expect(planScopeFor({ kind: 'all' }, spokes, [])).toBeUndefined();
    expect(planScopeFor({ kind: 'all' }, narrowed, [])).toEqual({ resourceGroups: [`${SUB}/rg-spoke`] });
    expect(planScopeFor({ kind: 'subscription', subscriptionId: SUB }, spokes, [])).toEqual({
      subscriptionIds: [SUB],
    });
    expect(planScopeFor({ kind: 'vault', vaultId: VAULT }, spokes, [pe('b'), pe('a')])).toEqual({
      endpointIds: [pe('a'), pe('b')],
    });
    expect(planScopeFor({ kind: 'endpoint', endpointId: pe('gone') }, spokes, [])).toEqual({
      endpointIds: [pe('gone')],
    });
    expect(describeScope({ kind: 'resourceGroup', subscriptionId: SUB, resourceGroup: 'rg' })).toBe(
      `${SUB}/rg`,
    );
  });
});
