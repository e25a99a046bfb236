import { encodeOwnership } from '../../src/core/ownership';
import { describePlan, endpointInScope, planChanges, policyAllows } from '../../src/core/plan';
import type { ChangeKind } from '../../src/core/plan';
import type { CurrentRecordSet, DesiredRecord, SyncPolicy } from '../../src/core/types';
import { OTHER_SUB, canonicalPeId } from './support/arm';

const OWNER = 'privatelink-dns-sync';
const ZONE = 'privatelink.blob.core.windows.net';
const A = canonicalPeId('pe-a');
const B = canonicalPeId('pe-b');
const X = canonicalPeId('pe-x', OTHER_SUB, 'rg-other');

const want = (name: string, ips: string[], owners = [A]): DesiredRecord => ({
  zone: ZONE,
  name,
  ips,
  owners,
});
const stands = (
  name: string,
  ips: string[],
  metadata: Record<string, string>,
  ttl = 10,
): CurrentRecordSet => ({
  id: `/subscriptions/x/resourceGroups/hub/providers/Microsoft.Network/privateDnsZones/${ZONE}/A/${name}`,
  zone: ZONE,
  name,
  ips,
  ttl,
  etag: `etag-${name}`,
  metadata,
});
const ours = (owners: string[]): Record<string, string> => encodeOwnership(OWNER, owners);
const base = { ownerId: OWNER, ttl: 10 };

describe('policyAllows', () => {
  it.each<[SyncPolicy, ChangeKind, boolean]>([
    ['sync', 'create', true],
    ['sync', 'update', true],
    ['sync', 'delete', true],
    ['sync', 'adopt', true],
    ['upsert-only', 'create', true],
    ['upsert-only', 'update', true],
    ['upsert-only', 'delete', false],
    ['upsert-only', 'adopt', true],
    ['create-only', 'create', true],
    ['create-only', 'update', false],
    ['create-only', 'delete', false],
    ['create-only', 'adopt', false],
  ])('%s allows %s: %s', (policy, change, allowed) => {
    expect(policyAllows(policy, change)).toBe(allowed);
  });
});

describe('planChanges', () => {
  // One scene with every kind of change, planned under each policy.
  const desired = [
    want('new', ['10.0.0.1']),
    want('moved', ['10.0.0.2']),
    want('same', ['10.0.0.3']),
    want('manual', ['10.0.0.4']),
  ];
  const current = [
    stands('moved', ['10.0.0.99'], ours([A])),
    stands('same', ['10.0.0.3'], ours([A])),
    stands('manual', ['10.0.0.4'], { createdBy: 'script' }),
    stands('orphan', ['10.0.0.5'], ours([A])),
    stands('foreign-orphan', ['10.0.0.6'], {}),
  ];
  it.each<
    [
      SyncPolicy,
      { creates: number; updates: number; deletes: number; adoptions: number; policySkips: number },
    ]
  >([
    ['sync', { creates: 1, updates: 1, deletes: 1, adoptions: 1, policySkips: 0 }],
    ['upsert-only', { creates: 1, updates: 1, deletes: 0, adoptions: 1, policySkips: 1 }],
    ['create-only', { creates: 1, updates: 0, deletes: 0, adoptions: 0, policySkips: 3 }],
  ])('under %s', (policy, expected) => {
    const plan = planChanges(desired, current, { ...base, policy, adopt: true });
    expect(plan.summary).toMatchObject({
      creates: expected.creates,
      updates: expected.updates,
      deletes: expected.deletes,
      adoptions: expected.adoptions,
      unchanged: 1,
    });
    expect(plan.skips.filter((s) => s.code === 'policy')).toHaveLength(expected.policySkips);
    expect(plan.hasChanges).toBe(true);
    // Foreign records are never updated or deleted, whatever the policy.
    const touched = [...plan.updates, ...plan.deletes].map((c) => c.name);
    expect(touched).not.toContain('manual');
    expect(touched).not.toContain('foreign-orphan');
  });

  it('creates with If-None-Match semantics (no etag) and our ownership metadata', () => {
    const plan = planChanges([want('new', ['10.0.0.2', '10.0.0.1'], [B, A])], [], base);
    expect(plan.creates).toEqual([
      {
        zone: ZONE,
        name: 'new',
        ips: ['10.0.0.1', '10.0.0.2'],
        ttl: 10,
        metadata: ours([A, B]),
        owners: [B, A],
        etag: '',
      },
    ]);
    expect(plan.policy).toBe('sync');
  });

  it('updates with the standing etag and keeps foreign metadata keys', () => {
    const plan = planChanges(
      [want('moved', ['10.0.0.2'])],
      [stands('moved', ['10.0.0.9'], { ...ours([A]), team: 'net' })],
      base,
    );
    expect(plan.updates[0]).toMatchObject({
      etag: 'etag-moved',
      previousIps: ['10.0.0.9'],
      ips: ['10.0.0.2'],
    });
    expect(plan.updates[0]?.metadata.team).toBe('net');
  });

  it('updates the TTL of an owned record', () => {
    const plan = planChanges(
      [want('same', ['10.0.0.3'])],
      [stands('same', ['10.0.0.3'], ours([A]), 3600)],
      base,
    );
    expect(plan.updates).toHaveLength(1);
  });

  it('writes nothing when everything is in step', () => {
    const plan = planChanges([want('same', ['10.0.0.3'])], [stands('same', ['10.0.0.3'], ours([A]))], base);
    expect(plan.hasChanges).toBe(false);
    expect(plan.unchanged).toEqual([{ zone: ZONE, name: 'same', ips: ['10.0.0.3'] }]);
    expect(describePlan(plan)).toEqual(['no changes']);
  });

  describe('foreign records', () => {
    it.each([
      ['no metadata, other IPs', {}, ['10.9.9.9'], true, 'conflict'],
      ['no metadata, same IPs, adoption off', {}, ['10.0.0.4'], false, 'skip'],
      ['no metadata, same IPs, adoption on', { createdBy: 'script' }, ['10.0.0.4'], true, 'adopt'],
      ['another owner, same IPs, adoption on', { pldsowner: 'other-app' }, ['10.0.0.4'], true, 'skip'],
      ['another owner, other IPs', { pldsowner: 'other-app' }, ['10.9.9.9'], true, 'conflict'],
    ])('%s → %s', (_label, metadata, ips, adopt, outcome) => {
      const plan = planChanges([want('manual', ['10.0.0.4'])], [stands('manual', ips, metadata)], {
        ...base,
        adopt,
      });
      expect(plan.updates).toEqual([]);
      expect(plan.deletes).toEqual([]);
      expect(plan.creates).toEqual([]);
      if (outcome === 'conflict') {
        expect(plan.conflicts).toEqual([expect.objectContaining({ code: 'foreign-record', keptIps: ips })]);
      } else if (outcome === 'skip') {
        expect(plan.skips).toEqual([expect.objectContaining({ code: 'foreign-record', name: 'manual' })]);
      } else {
        expect(plan.adoptions).toEqual([
          expect.objectContaining({
            name: 'manual',
            etag: 'etag-manual',
            owners: [A],
            metadata: { ...ours([A]), createdBy: 'script' },
          }),
        ]);
      }
    });

    it('never deletes a foreign record nobody wants', () => {
      const plan = planChanges(
        [],
        [stands('lonely', ['10.0.0.8'], {}), stands('other', ['10.0.0.9'], { pldsowner: 'x' })],
        base,
      );
      expect(plan.hasChanges).toBe(false);
    });
  });

  describe('scope', () => {
    it('keeps owners outside the scope when an endpoint in scope no longer needs a record', () => {
      const plan = planChanges([], [stands('shared', ['10.0.0.7'], ours([A, X]))], {
        ...base,
        scope: { endpointIds: [A] },
      });
      expect(plan.deletes).toEqual([]);
      expect(plan.updates).toEqual([
        expect.objectContaining({ name: 'shared', owners: [X], ips: ['10.0.0.7'] }),
      ]);
    });

    it('deletes when the last owner in scope goes', () => {
      const plan = planChanges([], [stands('solo', ['10.0.0.7'], ours([A]))], {
        ...base,
        scope: { endpointIds: [A] },
      });
      expect(plan.deletes).toEqual([expect.objectContaining({ name: 'solo', etag: 'etag-solo' })]);
    });

    it('leaves records whose owners are all outside the scope', () => {
      const plan = planChanges([], [stands('theirs', ['10.0.0.7'], ours([X]))], {
        ...base,
        scope: { subscriptionIds: [A.split('/')[2]!] },
      });
      expect(plan.hasChanges).toBe(false);
    });

    it('adds an endpoint in scope to a shared record without dropping the others', () => {
      const plan = planChanges(
        [want('shared', ['10.0.0.7'], [A])],
        [stands('shared', ['10.0.0.7'], ours([X]))],
        { ...base, scope: { endpointIds: [A] } },
      );
      expect(plan.updates[0]?.owners).toEqual([A, X]);
    });

    it('reports a conflict instead of overwriting a record that endpoints outside the scope need', () => {
      const plan = planChanges(
        [want('shared', ['10.0.0.8'], [A])],
        [stands('shared', ['10.0.0.7'], ours([X]))],
        { ...base, scope: { endpointIds: [A] } },
      );
      expect(plan.hasChanges).toBe(false);
      expect(plan.conflicts).toEqual([
        expect.objectContaining({ code: 'endpoints-disagree', keptIps: ['10.0.0.7'] }),
      ]);
    });

    it('never deletes an overflowing record in a partial run, but does in a full one', () => {
      const many = Array.from({ length: 60 }, (_, i) => canonicalPeId(`pe-${String(i).padStart(2, '0')}`));
      const record = stands('crowded', ['10.0.0.7'], encodeOwnership(OWNER, many));
      const listed = many.slice(0, 47);
      expect(planChanges([], [record], { ...base, scope: { endpointIds: listed } }).deletes).toEqual([]);
      expect(planChanges([], [record], base).deletes).toHaveLength(1);
    });

    it('keeps the records of preserved endpoints (caught mid-change) in a full run', () => {
      const current = [stands('busy', ['10.0.0.7'], ours([A])), stands('shared', ['10.0.0.8'], ours([A, B]))];
      const plan = planChanges([], current, { ...base, preserveOwners: [A.toUpperCase()] });
      expect(plan.deletes).toEqual([]);
      expect(plan.updates).toEqual([expect.objectContaining({ name: 'shared', owners: [A] })]);
      expect(planChanges([], current, base).deletes).toHaveLength(2);
    });

    it('never deletes an owned record listing no endpoint in a partial run', () => {
      const record = stands('unlisted', ['10.0.0.7'], { pldsowner: OWNER });
      expect(planChanges([], [record], { ...base, scope: { endpointIds: [A] } }).deletes).toEqual([]);
      expect(planChanges([], [record], base).deletes).toHaveLength(1);
    });

    it('limits the plan to the zones in scope', () => {
      const plan = planChanges([want('new', ['10.0.0.1'])], [stands('orphan', ['10.0.0.5'], ours([A]))], {
        ...base,
        scope: { zones: ['privatelink.queue.core.windows.net'] },
      });
      expect(plan.hasChanges).toBe(false);
    });

    it.each([
      [{ endpointIds: [A.toUpperCase()] }, A, true],
      [{ endpointIds: [B] }, A, false],
      [{ subscriptionIds: [OTHER_SUB] }, X, true],
      [{ subscriptionIds: [OTHER_SUB] }, A, false],
      [{ resourceGroups: [`${OTHER_SUB}/RG-OTHER`] }, X, true],
      [{ resourceGroups: [`${OTHER_SUB}/rg-else`] }, X, false],
      [{ subscriptionIds: [OTHER_SUB] }, 'not-an-id', false],
      [{ exclude: [A.toUpperCase()] }, A, false],
      [{ exclude: [], endpointIds: [A] }, A, true],
      [{ endpointIds: [A], exclude: [A] }, A, false],
      [{ endpointIds: [] }, A, false],
      [{ subscriptionIds: [] }, X, false],
      [{ subscriptionIds: [OTHER_SUB.toUpperCase()], resourceGroups: [`${OTHER_SUB}/rg-other`] }, X, true],
      [{ zones: ['privatelink.blob.core.windows.net'] }, A, true],
      [undefined, A, true],
    ])('endpointInScope(%j, %s) = %s', (scope, id, expected) => {
      expect(endpointInScope(id, scope)).toBe(expected);
    });
  });

  it('carries conflicts and skips from the desired state and describes itself', () => {
    const plan = planChanges([want('new', ['10.0.0.1'])], [], {
      ...base,
      conflicts: [
        { code: 'endpoints-disagree', zone: ZONE, name: 'x', message: 'm', keptIps: [], claims: [] },
      ],
      skips: [{ code: 'unknown-suffix', message: 'n' }],
    });
    expect(plan.summary).toMatchObject({ creates: 1, conflicts: 1, skips: 1 });
    expect(describePlan(plan)).toEqual([`would create new.${ZONE} [10.0.0.1]`, 'conflict: m']);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
