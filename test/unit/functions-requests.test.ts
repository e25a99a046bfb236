import { createHmac } from 'node:crypto';
import {
  ReplayGuard,
  signApprovalBody,
  verifyApprovalSignature,
  type SignatureFailure,
} from '../../src/flows/approval/signature';
import { approvalBodySchema, decisionDescription } from '../../src/flows/approval/request';
import { resyncBodySchema, toReconcileInput } from '../../src/flows/reconcile/resyncRequest';
import { timerInstanceId } from '../../src/flows/reconcile/reconcileTimer';

const SECRET = 'unit-test-secret';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const TS = String(NOW / 1000);
const BODY = '{"connectionId":"pe1.123.backup.abc","decision":"Approved","reason":"CHG-1","approver":"ann"}';
const SPOKE = '00000000-0000-4000-8000-00000000c0d2';
const OTHER = '00000000-0000-4000-8000-00000000ffff';

describe('approval signature', () => {
  it('matches the documented scheme: sha256=hex(HMAC(secret, "<ts>.<body>"))', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signApprovalBody(SECRET, TS, BODY)).toBe(`sha256=${expected}`);
  });

  it('reproduces the test vector in docs/operations.md', () => {
    expect(
      signApprovalBody(
        's3cr3t',
        '1767225600',
        '{"connectionId":"pe-vault.1234.backup.abcd","decision":"Approved","reason":"CHG-1234"}',
      ),
    ).toBe('sha256=81673e8a310c99f447a62d64c7bed2424202a9e445881a175d25581ecb333edb');
  });

  const good = signApprovalBody(SECRET, TS, BODY);
  const cases: [string, Partial<Parameters<typeof verifyApprovalSignature>[0]>, SignatureFailure | 'ok'][] = [
    ['a valid signature', {}, 'ok'],
    ['upper-case hex', { signature: `sha256=${good.slice(7).toUpperCase()}` }, 'ok'],
    ['a timestamp 299 s old', { nowMs: NOW + 299_000 }, 'ok'],
    ['no timestamp', { timestamp: null }, 'missing-timestamp'],
    ['a non-numeric timestamp', { timestamp: '2026-11-27T12:00:00Z' }, 'malformed-timestamp'],
    ['a timestamp 301 s old', { nowMs: NOW + 301_000 }, 'stale-timestamp'],
    ['a timestamp 301 s ahead', { nowMs: NOW - 301_000 }, 'stale-timestamp'],
    ['no signature', { signature: undefined }, 'missing-signature'],
    ['a signature without the sha256= prefix', { signature: good.slice(7) }, 'malformed-signature'],
    ['a truncated signature', { signature: good.slice(0, -2) }, 'malformed-signature'],
    ['another secret', { secret: 'other' }, 'bad-signature'],
    ['a changed body', { rawBody: BODY.replace('Approved', 'Rejected') }, 'bad-signature'],
    ['re-serialised JSON', { rawBody: JSON.stringify(JSON.parse(BODY), null, 1) }, 'bad-signature'],
    ['a signature for another timestamp', { timestamp: String(NOW / 1000 + 1) }, 'bad-signature'],
  ];
  it.each(cases)('%s', (_name, change, expected) => {
    const result = verifyApprovalSignature({
      secret: SECRET,
      timestamp: TS,
      signature: good,
      rawBody: BODY,
      nowMs: NOW,
      ...change,
    });
    expect(result.ok ? 'ok' : result.reason).toBe(expected);
  });

  it('refuses a replayed signature inside the window and forgets it afterwards', () => {
    const guard = new ReplayGuard();
    const check = (nowMs: number, timestamp = TS) =>
      verifyApprovalSignature({
        secret: SECRET,
        timestamp,
        signature: signApprovalBody(SECRET, timestamp, BODY),
        rawBody: BODY,
        nowMs,
        replayGuard: guard,
      });
    expect(check(NOW)).toEqual({ ok: true });
    expect(check(NOW + 1000)).toEqual({ ok: false, reason: 'replayed-signature' });
    // A fresh timestamp gives a fresh signature.
    expect(check(NOW + 1000, String(NOW / 1000 + 1))).toEqual({ ok: true });
    // Past the window the old one is stale anyway.
    expect(check(NOW + 301_000)).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('signs the body bytes as received, not a re-decoded string', () => {
    const bytes = Buffer.concat([Buffer.from('{"reason":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const signature = `sha256=${createHmac('sha256', SECRET).update(`${TS}.`).update(bytes).digest('hex')}`;
    const check = (rawBody: string | Buffer) =>
      verifyApprovalSignature({ secret: SECRET, timestamp: TS, signature, rawBody, nowMs: NOW });
    expect(check(bytes)).toEqual({ ok: true });
    expect(check(bytes.toString('utf8'))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('bounds the replay memory', () => {
    const guard = new ReplayGuard(2);
    expect(guard.admit('a', NOW + 10, NOW)).toBe(true);
    expect(guard.admit('b', NOW + 10, NOW)).toBe(true);
    expect(guard.admit('c', NOW + 10, NOW)).toBe(true);
    expect(guard.admit('a', NOW + 10, NOW)).toBe(true);
    expect(guard.admit('c', NOW + 10, NOW)).toBe(false);
  });
});

describe('approval body', () => {
  const valid = { connectionId: 'c1', decision: 'Approved', reason: 'ok', approver: 'ann' };
  it('accepts a complete body and canonicalises the vault id', () => {
    const parsed = approvalBodySchema.parse({
      ...valid,
      vaultId: `/subscriptions/${SPOKE}/resourceGroups/RG/providers/Microsoft.RecoveryServices/vaults/V1`,
    });
    expect(parsed.vaultId).toBe(
      `/subscriptions/${SPOKE}/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/v1`,
    );
  });
  it.each([
    [{ ...valid, decision: 'approved' }, 'decision'],
    [{ ...valid, decision: undefined }, 'decision'],
    [{ ...valid, reason: '' }, 'reason'],
    [{ ...valid, approver: ' ' }, 'approver'],
    [{ ...valid, connectionId: undefined }, 'connectionId'],
    [
      {
        ...valid,
        vaultId: `/subscriptions/${SPOKE}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`,
      },
      'vaultId',
    ],
    [{ ...valid, extra: 1 }, ''],
  ])('refuses %j (field %s)', (body, field) => {
    const result = approvalBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success && field !== '')
      expect(result.error.issues.map((i) => i.path.join('.'))).toContain(field);
  });
  it('describes the decision with approver and reason', () => {
    expect(decisionDescription({ decision: 'Rejected', approver: 'bob', reason: 'not ours' })).toBe(
      'Rejected by bob: not ours',
    );
  });
});

describe('resync body', () => {
  const config = { spokeSubscriptionIds: [SPOKE] };
  const map = (body: unknown) => {
    const parsed = resyncBodySchema.safeParse(body);
    if (!parsed.success) return { fields: parsed.error.issues.map((i) => i.path.join('.')) };
    const mapped = toReconcileInput(parsed.data, config);
    return mapped.ok ? { input: mapped.input } : { fields: mapped.issues.map((i) => i.field) };
  };
  const pe = `/subscriptions/${SPOKE}/resourceGroups/rg-spoke/providers/Microsoft.Network/privateEndpoints/pe1`;
  const vault = `/subscriptions/${SPOKE}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1`;
  const foreignVault = `/subscriptions/${OTHER}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1`;

  it.each([
    [{}, { kind: 'all' }],
    [{ scope: 'all' }, { kind: 'all' }],
    [{ scope: { subscriptionIds: [SPOKE.toUpperCase()] } }, { kind: 'subscription', subscriptionId: SPOKE }],
    [
      { scope: { resourceGroups: [`${SPOKE}/RG-Spoke`] } },
      { kind: 'resourceGroup', subscriptionId: SPOKE, resourceGroup: 'rg-spoke' },
    ],
    [
      { scope: { resourceGroups: [`/subscriptions/${SPOKE}/resourceGroups/rg-spoke`] } },
      { kind: 'resourceGroup', subscriptionId: SPOKE, resourceGroup: 'rg-spoke' },
    ],
    [{ scope: { endpointId: pe } }, { kind: 'endpoint', endpointId: pe.toLowerCase() }],
    [{ scope: pe }, { kind: 'endpoint', endpointId: pe.toLowerCase() }],
    [{ scope: { vaultId: vault } }, { kind: 'vault', vaultId: vault.toLowerCase() }],
  ])('maps %j', (body, scope) => {
    expect(map(body)).toEqual({
      input: expect.objectContaining({ scope, trigger: 'resync', dryRun: false }),
    });
  });

  it('carries dryRun, policy and adopt', () => {
    expect(map({ scope: 'all', dryRun: true, policy: 'upsert-only', adopt: true })).toEqual({
      input: { scope: { kind: 'all' }, dryRun: true, policy: 'upsert-only', adopt: true, trigger: 'resync' },
    });
  });

  it.each([
    [{ scope: 42 }, 'scope'],
    [{ scope: 'everything' }, 'scope'],
    [{ scope: {} }, 'scope'],
    [{ scope: { subscriptionIds: ['nope'] } }, 'scope.subscriptionIds.0'],
    [{ scope: { subscriptionIds: [SPOKE, SPOKE] } }, 'scope'],
    [{ scope: { subscriptionIds: [OTHER] } }, 'scope.subscriptionIds.0'],
    [{ scope: { endpointId: pe, vaultId: vault } }, 'scope'],
    [{ scope: { resourceGroups: ['rg-only'] } }, 'scope.resourceGroups.0'],
    [{ scope: { tenant: 'x' } }, 'scope'],
    // Outside the spokes: a vault or endpoint in another subscription (the hub included), in either form.
    [{ scope: { vaultId: foreignVault } }, 'scope.vaultId'],
    [{ scope: foreignVault }, 'scope'],
    [{ scope: pe.replace(SPOKE, OTHER) }, 'scope'],
    // Names breaking ARM's rules, refused the same way in the string and the object form.
    [{ scope: `/subscriptions/${SPOKE}/resourceGroups/rg|x` }, 'scope'],
    [{ scope: { resourceGroups: [`${SPOKE}/rg|x`] } }, 'scope.resourceGroups.0'],
    [{ scope: `/subscriptions/${SPOKE}/resourceGroups/rg\nx` }, 'scope'],
    [
      { scope: { resourceGroups: [`/subscriptions/${SPOKE}/resourceGroups/rg"x`] } },
      'scope.resourceGroups.0',
    ],
    [{ scope: `/subscriptions/${SPOKE}/resourceGroups/rg.` }, 'scope'],
    [{ scope: pe.replace('pe1', 'p'.repeat(65)) }, 'scope'],
    [{ scope: { endpointId: pe.replace('pe1', 'p'.repeat(900_000)) } }, 'scope.endpointId'],
    [{ dryRun: 'yes' }, 'dryRun'],
    [{ policy: 'delete-all' }, 'policy'],
    [{ adopt: 1 }, 'adopt'],
    [{ dryrun: true }, ''],
  ])('refuses %j at %s', (body, field) => {
    expect(map(body).fields).toContain(field);
  });
});

describe('resync scope with SPOKE_RESOURCE_GROUPS', () => {
  const config = { spokeSubscriptionIds: [SPOKE], spokeResourceGroups: [`${SPOKE}/rg-spoke`] };
  const outcome = (scope: unknown) => {
    const parsed = resyncBodySchema.safeParse({ scope });
    if (!parsed.success) return 'invalid';
    const mapped = toReconcileInput(parsed.data, config);
    return mapped.ok ? 'accepted' : mapped.issues.map((i) => i.message).join('; ');
  };
  const inGroup = (rg: string, type: string, name: string) =>
    `/subscriptions/${SPOKE}/resourceGroups/${rg}/providers/${type}/${name}`;

  it.each([
    [inGroup('rg-spoke', 'Microsoft.RecoveryServices/vaults', 'v1'), 'accepted'],
    [inGroup('RG-Spoke', 'Microsoft.Network/privateEndpoints', 'pe1'), 'accepted'],
    [`/subscriptions/${SPOKE}/resourceGroups/rg-spoke`, 'accepted'],
    [SPOKE, 'accepted'],
    [
      inGroup('rg-other', 'Microsoft.RecoveryServices/vaults', 'v1'),
      /rg-other is not an allowed spoke group/,
    ],
    [`/subscriptions/${SPOKE}/resourceGroups/rg-other`, /not an allowed spoke group/],
  ])('%s: %s', (scope, expected) => {
    expect(outcome(scope)).toMatch(expected);
  });
});

describe('timer instance ids', () => {
  it('keys the instance by the schedule slot', () => {
    const timer = { scheduleStatus: { last: '', next: '2026-11-27T18:00:00.000Z', lastUpdated: '' } };
    expect(timerInstanceId(timer, NOW)).toBe('reconcile-timer-20261127T180000Z');
    expect(timerInstanceId(timer, NOW + 3_600_000)).toBe('reconcile-timer-20261127T180000Z');
  });
  it('falls back to the current minute', () => {
    expect(timerInstanceId(undefined, NOW + 42_000)).toBe('reconcile-timer-20261127T120000Z');
  });
});
