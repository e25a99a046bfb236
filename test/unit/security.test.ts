/**
 * The pure parts of the security work, table-driven: ARM's naming rules, bounded and escaped echo of input,
 * the spoke scope check, the approval decision proof, the approval secret rules, the decision lock's
 * compare-and-set, and how events, resource lists and the CLI use them.
 */
import { EXIT_USAGE } from '../../src/cli/io';
import {
  MAX_RESOURCE_ID_LENGTH,
  SIBLING_NAME_SUFFIXES,
  checkResourceId,
  isValidName,
  type NameKind,
} from '../../src/core/armNames';
import { approvalProof, issueApprovalChallenge, verifyApprovalProof } from '../../src/core/approvalProof';
import { APPROVAL_SECRET_MIN_BYTES, ConfigError, parseAppConfig } from '../../src/core/config';
import { BACKUP_V1_SIBLING_SUFFIXES, splitResources } from '../../src/core/endpoint';
import { parseResourceEvent } from '../../src/core/events';
import { displayText } from '../../src/core/safeText';
import { outsideSpokes, resourceInSpokes } from '../../src/core/spokeScope';
import { claimLock, releaseLock, type ApprovalLockState } from '../../src/flows/approval/lock';
import { main } from '../../src/cli/main';
import { errorLine, safeLines } from '../../src/cli/io';

const SPOKE = '00000000-0000-4000-8000-00000000c0d2';
const HUB = '00000000-0000-4000-8000-00000000a0b1';
const GUID = '3576aea6-ed4e-4511-8ede-6ed00584a27b';
const rg = (name: string, sub = SPOKE) => `/subscriptions/${sub}/resourceGroups/${name}`;
const peId = (name: string, group = 'rg-spoke', sub = SPOKE) =>
  `${rg(group, sub)}/providers/Microsoft.Network/privateEndpoints/${name}`;
const nicId = (name: string) => `${rg('rg-spoke')}/providers/Microsoft.Network/networkInterfaces/${name}`;
const vaultId = (name: string, group = 'rg-spoke', sub = SPOKE) =>
  `${rg(group, sub)}/providers/Microsoft.RecoveryServices/vaults/${name}`;
const ESC = '\u001b';

describe('ARM naming rules (resource-name-rules)', () => {
  const cases: [NameKind, string, boolean][] = [
    ['resourceGroup', 'rg-spoke', true],
    ['resourceGroup', 'RG_(prod).eu-1', true],
    ['resourceGroup', 'rg-ünïcode', true],
    ['resourceGroup', 'x'.repeat(90), true],
    ['resourceGroup', 'x'.repeat(91), false],
    ['resourceGroup', '', false],
    ['resourceGroup', 'ends-with-period.', false],
    ['resourceGroup', 'rg|pipe', false],
    ['resourceGroup', 'rg\nnewline', false],
    ['resourceGroup', 'rg"quote', false],
    ['resourceGroup', 'rg space', false],
    ['privateEndpoint', 'pe-rsv-app', true],
    ['privateEndpoint', 'p'.repeat(64), true],
    ['privateEndpoint', 'p'.repeat(65), false],
    ['privateEndpoint', 'a', false],
    ['privateEndpoint', '-starts-with-hyphen', false],
    ['privateEndpoint', 'ends-with-period.', false],
    ['privateEndpoint', 'ends_with_underscore_', true],
    ['privateEndpoint', `${'p'.repeat(64)}_ecs_blob`, true],
    ['privateEndpoint', `${'p'.repeat(64)}_prot_blob`, true],
    ['privateEndpoint', `${'p'.repeat(65)}_ecs_blob`, false],
    ['privateEndpoint', `pe${ESC}[31mred`, false],
    ['networkInterface', 'nic-1', true],
    ['networkInterface', 'n'.repeat(81), false],
    ['networkInterface', `${'p'.repeat(64)}.nic.${GUID}`, true],
    ['networkInterface', `pe_ecs_queue.nic.${GUID}`, true],
    ['networkInterface', `${'p'.repeat(65)}.nic.${GUID}`, false],
    ['networkInterface', `pe.nic.not-a-guid-${'x'.repeat(70)}`, false],
    ['vault', 'rsv-app', true],
    ['vault', 'r'.repeat(50), true],
    ['vault', 'r'.repeat(51), false],
    ['vault', '1starts-with-digit', false],
    ['vault', 'has_underscore', false],
    ['vaultConnection', `pe-rsv-app.1096544257217513252.backup.${GUID}`, true],
    ['vaultConnection', 'c'.repeat(261), false],
    ['vaultConnection', 'has/slash', false],
    ['vaultConnection', 'has space', false],
  ];
  it.each(cases)('%s %j → %s', (kind, name, valid) => {
    expect(isValidName(kind, name)).toBe(valid);
  });

  it('knows the same Backup v1 sibling suffixes as the endpoint reader', () => {
    expect([...SIBLING_NAME_SUFFIXES]).toEqual([...BACKUP_V1_SIBLING_SUFFIXES]);
  });

  const ids: [string, string, Parameters<typeof checkResourceId>[1], boolean | RegExp][] = [
    ['an endpoint id', peId('pe-1'), 'privateEndpoint', true],
    [
      'an endpoint id in another case',
      peId('PE-1').replace('resourceGroups', 'resourcegroups'),
      'privateEndpoint',
      true,
    ],
    [
      'a vault id as an endpoint',
      vaultId('rsv'),
      'privateEndpoint',
      /is not a Microsoft.Network\/privateEndpoints/,
    ],
    [
      'a non-GUID subscription',
      peId('pe-1').replace(SPOKE, 'sub-1'),
      'privateEndpoint',
      /not a .*resource id/,
    ],
    ['a group with a pipe', peId('pe-1', 'rg|x'), 'privateEndpoint', /resource group name "rg\|x" breaks/],
    ['a 900 KB name', peId('p'.repeat(900_000)), 'privateEndpoint', /is \d+ characters long/],
    ['a name with ANSI escapes', peId(`pe${ESC}[2J`), 'privateEndpoint', /\\x1b\[2J/],
    [
      'a connection id',
      `${vaultId('rsv')}/privateEndpointConnections/pe.1.backup.${GUID}`,
      'vaultConnection',
      true,
    ],
    [
      'a connection with a bad vault name',
      `${vaultId('1rsv')}/privateEndpointConnections/c1`,
      'vaultConnection',
      /vault name/,
    ],
    [
      'not an id at all',
      'nonsense',
      'vault',
      /"nonsense" is not a Microsoft.RecoveryServices\/vaults resource id/,
    ],
  ];
  it.each(ids)('%s', (_what, id, kind, expected) => {
    const result = checkResourceId(id, kind);
    if (expected === true) {
      expect(result.ok).toBe(true);
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.message).toMatch(expected as RegExp);
        expect(result.message.length).toBeLessThan(600);
        expect(result.message).not.toContain(ESC);
      }
    }
  });

  it('refuses ids longer than the bound before parsing them', () => {
    const result = checkResourceId(peId('p'.repeat(MAX_RESOURCE_ID_LENGTH)), 'privateEndpoint');
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/characters long/) });
  });
});

describe('displayText: bounded, escaped echo', () => {
  it.each([
    ['plain text', 'pe-rsv-app', 'pe-rsv-app'],
    ['ANSI colour', `${ESC}[31mred${ESC}[0m`, '\\x1b[31mred\\x1b[0m'],
    ['line breaks', 'a\r\nb', 'a\\x0d\\x0ab'],
    ['a bidi override', 'abc\u202Edef', 'abc\\u202edef'],
    ['a C1 control', 'x\u009by', 'x\\x9by'],
    ['a lone surrogate', 'x\ud800y', 'x\\ud800y'],
    ['an emoji (kept)', 'ok 👍', 'ok 👍'],
  ])('%s', (_what, input, expected) => {
    expect(displayText(input)).toBe(expected);
  });

  it('cuts 5 MB to one short line that says how much was left out', () => {
    const out = displayText('x'.repeat(5_000_000), 100);
    expect(out).toBe(`${'x'.repeat(100)}… (4999900 more characters)`);
  });
});

describe('spoke scope', () => {
  const scope = { spokeSubscriptionIds: [SPOKE.toUpperCase()], spokeResourceGroups: [`${SPOKE}/rg-spoke`] };
  it.each([
    [SPOKE, 'rg-spoke', undefined],
    [SPOKE, 'RG-SPOKE', undefined],
    [SPOKE, undefined, undefined],
    [SPOKE, 'rg-other', 'resource-group-not-allowed'],
    [HUB, 'rg-spoke', 'subscription-not-allowed'],
  ])('%s / %s → %s', (sub, group, reason) => {
    expect(outsideSpokes(scope, sub, group)?.reason).toBe(reason);
  });
  it.each([
    [vaultId('rsv'), true],
    [vaultId('rsv', 'rg-other'), false],
    [vaultId('rsv', 'rg-spoke', HUB), false],
    ['not an id', false],
  ])('resourceInSpokes(%s) = %s', (id, expected) => {
    expect(resourceInSpokes(scope, id)).toBe(expected);
  });
});

describe('approval decision proof', () => {
  const secret = 's'.repeat(40);
  const wait = { instanceId: 'sync-abc', challengeId: GUID, connectionName: 'pe.1.backup.x' };
  const challenge = issueApprovalChallenge(secret, wait);
  const proof = (over: Partial<Parameters<typeof approvalProof>[1]> = {}, key = secret) =>
    approvalProof(key, { ...wait, decision: 'Approved', ...over });

  it('keeps only commitments: no proof appears in the challenge', () => {
    const text = JSON.stringify(challenge);
    expect(text).not.toContain(proof());
    expect(text).not.toContain(proof({ decision: 'Rejected' }));
    expect(text).not.toContain(secret);
  });

  it.each([
    ['the webhook proof for Approved', 'Approved', proof(), true],
    ['the webhook proof for Rejected', 'Rejected', proof({ decision: 'Rejected' }), true],
    ['a connection name in another case', 'Approved', proof({ connectionName: 'PE.1.BACKUP.X' }), true],
    ['no proof', 'Approved', undefined, false],
    ['a proof of Approved sent as Rejected', 'Rejected', proof(), false],
    ['a proof for another instance', 'Approved', proof({ instanceId: 'sync-other' }), false],
    ['a proof for another wait', 'Approved', proof({ challengeId: 'other' }), false],
    ['a proof for another connection', 'Approved', proof({ connectionName: 'pe.2' }), false],
    ['a proof under another secret', 'Approved', proof({}, 't'.repeat(40)), false],
    ['the commitment itself', 'Approved', challenge.commitments.Approved, false],
    ['a malformed proof', 'Approved', 'zz', false],
  ] as const)('%s → %s', (_what, decision, given, accepted) => {
    expect(verifyApprovalProof(challenge, decision, given)).toBe(accepted);
  });
});

describe('approval secret', () => {
  const base = {
    HUB_SUBSCRIPTION_ID: HUB,
    HUB_ZONE_RESOURCE_GROUP: 'rg-hub-dns',
    SPOKE_SUBSCRIPTION_IDS: SPOKE,
    APPROVAL_MODE: 'webhook',
  };
  const reference =
    '@Microsoft.KeyVault(SecretUri=https://kv-plds.vault.azure.net/secrets/approval-webhook-secret)';
  const problem = (settings: Record<string, string>): string | undefined => {
    try {
      parseAppConfig({ ...base, ...settings });
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).settings).toEqual(['APPROVAL_WEBHOOK_SECRET']);
      return (error as Error).message;
    }
  };

  it.each([
    [
      'an unresolved Key Vault reference',
      { APPROVAL_WEBHOOK_SECRET: reference },
      /unresolved Key Vault reference/,
    ],
    [
      '…even with approvals off',
      { APPROVAL_WEBHOOK_SECRET: ` ${reference}`, APPROVAL_MODE: 'off' },
      /unresolved/,
    ],
    [
      'an App Configuration reference',
      { APPROVAL_WEBHOOK_SECRET: '@Microsoft.AppConfiguration(Endpoint=x; Key=y)' },
      /unresolved/,
    ],
    ['an empty secret', { APPROVAL_WEBHOOK_SECRET: '' }, /is required when APPROVAL_MODE is webhook/],
    ['a blank secret', { APPROVAL_WEBHOOK_SECRET: '   ' }, /is required/],
    ['31 bytes', { APPROVAL_WEBHOOK_SECRET: 'x'.repeat(31) }, /at least 32 bytes/],
    ['32 bytes', { APPROVAL_WEBHOOK_SECRET: 'x'.repeat(32) }, undefined],
    ['16 characters of 2 bytes each (32 bytes)', { APPROVAL_WEBHOOK_SECRET: 'é'.repeat(16) }, undefined],
    ['no secret with approvals off', { APPROVAL_MODE: 'off' }, undefined],
  ])('%s', (_what, settings, expected) => {
    const message = problem(settings);
    if (expected === undefined) expect(message).toBeUndefined();
    else expect(message).toMatch(expected);
    // The message names the setting and never echoes its value.
    const value = (settings as Record<string, string>).APPROVAL_WEBHOOK_SECRET?.trim() ?? '';
    if (message && value !== '') expect(message).not.toContain(value);
  });

  it('the minimum is the HMAC-SHA256 output size', () => {
    expect(APPROVAL_SECRET_MIN_BYTES).toBe(32);
  });
});

describe('approval decision lock (compare-and-set lease)', () => {
  const claim = (requestId: string, nowMs: number, decision = 'Approved') => ({
    requestId,
    decision,
    nowMs,
    leaseMs: 1000,
  });
  it('grants one claim, refuses others while the lease runs, grants again after release or expiry', () => {
    let state: ApprovalLockState | undefined;
    state = claimLock(state, claim('a', 0));
    state = claimLock(state, claim('b', 10, 'Rejected'));
    expect(state.outcomes).toEqual({ a: 'granted', b: 'busy' });
    expect(state.holder).toMatchObject({ requestId: 'a', decision: 'Approved' });
    // Only the holder can release.
    expect(releaseLock(state, 'b')).toBe(state);
    state = releaseLock(state, 'a');
    expect(state.holder).toBeUndefined();
    state = claimLock(state, claim('c', 20, 'Rejected'));
    expect(state.outcomes.c).toBe('granted');
    // A holder that never releases: its lease ends.
    state = claimLock(state, claim('d', 1019));
    expect(state.outcomes.d).toBe('busy');
    state = claimLock(state, claim('e', 1020));
    expect(state.outcomes.e).toBe('granted');
  });

  it('keeps a bounded number of outcomes', () => {
    let state: ApprovalLockState | undefined;
    for (let i = 0; i < 100; i++) state = claimLock(state, claim(`r${i}`, 0));
    expect(Object.keys(state?.outcomes ?? {}).length).toBe(32);
    expect(state?.outcomes.r0).toBeUndefined();
    expect(state?.outcomes.r99).toBe('busy');
  });
});

describe('input bounds where events and resource lists arrive', () => {
  const scope = { spokeSubscriptionIds: [SPOKE] };
  const event = (resourceUri: string, id = 'e1') => ({
    id,
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    subject: resourceUri,
    eventTime: '2026-11-27T12:00:00Z',
    data: { resourceUri, operationName: 'Microsoft.Network/privateEndpoints/write' },
  });

  it.each([
    ['a 900 KB endpoint name', peId('p'.repeat(900_000)), 'malformed-resource-id'],
    ['an endpoint name with an ANSI escape', peId(`pe${ESC}[31m`), 'malformed-resource-id'],
    ['a resource group with a newline', peId('pe-1', 'rg\nx'), 'malformed-resource-id'],
    ['an endpoint in the hub subscription', peId('pe-1', 'rg', HUB), 'subscription-not-allowed'],
    ['a valid endpoint', peId('pe-1'), 'sync'],
  ])('%s → %s, with a bounded message', (_what, uri, expected) => {
    const parsed = parseResourceEvent(event(uri), scope);
    expect(parsed.kind === 'sync' ? 'sync' : parsed.reason).toBe(expected);
    if (parsed.kind === 'ignored') {
      expect(parsed.message.length).toBeLessThan(600);
      expect(parsed.message).not.toContain(ESC);
      expect(parsed.message).not.toContain('\n');
    }
  });

  it('refuses an event id of more than 256 characters as malformed', () => {
    expect(parseResourceEvent(event(peId('pe-1'), 'x'.repeat(257)), scope)).toMatchObject({
      kind: 'ignored',
      reason: 'malformed-event',
    });
  });

  it('a resource list entry with a bad name is an invalid-resource skip with a bounded message', () => {
    const set = splitResources([
      { id: peId(`${'p'.repeat(5000)}${ESC}[2J`), name: 'x', type: 'Microsoft.Network/privateEndpoints' },
      { id: nicId('nic|1'), name: 'nic', type: 'Microsoft.Network/networkInterfaces' },
    ]);
    expect(set.invalid.map((i) => i.path)).toEqual(['$[0].id', '$[1].id']);
    for (const skip of set.skips) {
      expect(skip.code).toBe('invalid-resource');
      expect(skip.message.length).toBeLessThan(600);
      expect(skip.message).not.toContain(ESC);
    }
  });
});

describe('CLI error output', () => {
  async function run(...argv: string[]): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await main(argv, { stdout: () => undefined, stderr: (t) => (err += t) });
    return { code, err };
  }

  it.each([
    ['a 5 MB vault id', ['plan', '--vault', `${vaultId('rsv')}${'x'.repeat(5_000_000)}`]],
    ['an ANSI escape in an endpoint id', ['plan', '--endpoint', peId(`pe${ESC}[2J${ESC}]0;owned\u0007`)]],
    ['a 5 MB unknown option', ['plan', `--${'y'.repeat(5_000_000)}`]],
  ])('%s: one bounded, escaped line per message, exit 64 (usage)', async (_what, argv) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(EXIT_USAGE);
    expect(err.length).toBeGreaterThan(0);
    expect(err.length).toBeLessThan(4000);
    expect(err).not.toContain(ESC);
    expect(err).not.toContain('\u0007');
  });

  it('errorLine and safeLines keep line breaks only where they were lines', () => {
    expect(errorLine('bad\nthing')).toBe('error: bad\\x0athing\n');
    expect(safeLines(`a${ESC}\nb`)).toBe('a\\x1b\nb');
  });
});
