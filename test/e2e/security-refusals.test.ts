/**
 * The refusal matrix of docs/security.md, tried as an attacker would on the local stack (ARM emulator, local
 * Functions host, real SDK clients): every attempt is refused with the documented answer and makes no ARM write
 * (counted on the emulator's request log). The last test checks that the table in docs/security.md shows
 * exactly the answers and write counts observed here.
 */
import { randomBytes } from 'node:crypto';
import { signedApprovalHeaders } from '../../demo/signing';
import fs from 'node:fs';
import path from 'node:path';
import { waitUntil } from '../../local/stack';
import {
  APPROVAL_SECRET,
  HUB,
  HUB_RG,
  HUB_VNET_ID,
  SPOKE,
  SPOKE2,
  SPOKE2_RG,
  SPOKE2_SUBNET_ID,
  SPOKE_RG,
} from '../../demo/estate';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { TELEMETRY_EVENTS } from '../../src/core/telemetry';
import { parseTelemetryLine } from '../../src/core/telemetry';
import { FUNCTION_NAMES } from '../../src/core/functionNames';
import { EXTERNAL_EVENTS, syncInstanceId } from '../../src/orchestrations';
import type { SyncEndpointStatus } from '../../src/orchestrations';

const FOREIGN = '00000000-0000-4000-8000-0000000000f9';
const ESC = '\u001b';

interface Observed {
  readonly status: string;
  readonly writes: number;
}
const observed = new Map<string, Observed>();

let stack: DemoStack;
const logs: string[] = [];

/** ARM writes: every request that is not a read (Resource Graph queries are POSTs that read). */
function armWrites(): number {
  return stack.emu.log
    .list()
    .filter((e) => e.method !== 'GET' && !(e.method === 'POST' && e.operationId === 'Resources')).length;
}

/** Runs one attempt, records its answer and the ARM writes it caused. */
async function attempt(id: string, run: () => Promise<string | number>): Promise<string> {
  const before = armWrites();
  const status = String(await run());
  await stack.eventGrid.idle();
  observed.set(id, { status, writes: armWrites() - before });
  return status;
}

const sign = (raw: string, ts = Math.floor(Date.now() / 1000), secret = APPROVAL_SECRET) =>
  signedApprovalHeaders(raw, { secret, timestamp: ts });

async function post(
  route: string,
  raw: string,
  headers: Record<string, string> = {},
  /** The function key to send; `null` sends none. */
  key: string | null = stack.host.keys.host[0] ?? null,
): Promise<Response> {
  return fetch(`${stack.host.baseUrl}/api/${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key !== null ? { 'x-functions-key': key } : {}),
      ...headers,
    },
    body: raw,
  });
}

function decisionBody(connectionId: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    connectionId,
    decision: 'Approved',
    reason: 'CHG-1',
    approver: 'mallory',
    ...extra,
  });
}

async function signedDecision(connection: string, raw: string): Promise<Response> {
  return post(`approvals/${encodeURIComponent(connection)}`, raw, sign(raw));
}

const vaultPath = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${name}`;
const endpointPath = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/${name}`;

/** A pending connection: `vault` in `vaultSub`, endpoint in `endpointSub` (not the vault's owner). */
function pendingConnection(
  name: string,
  where: { vaultSub: string; vaultRg: string; endpointSub: string; endpointRg: string; subnetId: string },
): { vaultId: string; endpointId: string; connectionName: string } {
  const vault = stack.backup.createVault({
    subscriptionId: where.vaultSub,
    resourceGroup: where.vaultRg,
    name: `rsv-${name}`,
    location: 'eastus',
  });
  const created = stack.backup.createVaultEndpoint({
    vaultId: vault.id,
    subscriptionId: where.endpointSub,
    resourceGroup: where.endpointRg,
    name: `pe-${name}`,
    subnetId: where.subnetId,
    byVaultOwner: false,
  });
  return { vaultId: vault.id, endpointId: created.endpoint.id, connectionName: created.connectionName };
}

function connectionStatus(vaultId: string, name: string): string | undefined {
  return (stack.backup.describe(vaultId).connections as { name: string; status: string }[]).find(
    (c) => c.name === name,
  )?.status;
}

async function awaitingApproval(instanceId: string): Promise<SyncEndpointStatus> {
  const status = await stack.host.durable.waitForStatus(
    instanceId,
    (s) => (s?.customStatus as SyncEndpointStatus | undefined)?.phase === 'awaiting-approval',
    30_000,
  );
  return status?.customStatus as SyncEndpointStatus;
}

function telemetry(name: string) {
  return logs.flatMap((line) => {
    const at = line.indexOf('plds ');
    const parsed = at >= 0 ? parseTelemetryLine(line.slice(at)) : undefined;
    return parsed && parsed.name === name ? [parsed] : [];
  });
}

beforeAll(async () => {
  stack = await startDemoStack({ log: (_level, message) => void logs.push(message) });
});

afterAll(async () => {
  await stack?.stop();
});

describe('approval webhook refusals', () => {
  let inScope: { vaultId: string; endpointId: string; connectionName: string };

  beforeAll(async () => {
    // A vault in the first spoke, an endpoint from the second spoke asking for it: Pending.
    inScope = pendingConnection('sec-in', {
      vaultSub: SPOKE,
      vaultRg: SPOKE_RG,
      endpointSub: SPOKE2,
      endpointRg: SPOKE2_RG,
      subnetId: SPOKE2_SUBNET_ID,
    });
    await awaitingApproval(syncInstanceId(inScope.endpointId));
  });

  const route = () => `approvals/${encodeURIComponent(inScope.connectionName)}`;

  it('AP-01..AP-08: keys, signatures, timestamps, replays, size', async () => {
    const raw = decisionBody(inScope.connectionName);
    const now = Math.floor(Date.now() / 1000);
    await attempt('AP-01', async () => (await post(route(), raw, sign(raw), null)).status);
    await attempt('AP-02', async () => (await post(route(), raw, sign(raw), 'not-the-key')).status);
    await attempt('AP-03', async () => (await post(route(), raw)).status);
    await attempt(
      'AP-04',
      async () =>
        (await post(route(), raw, sign(raw, now, 'a-guessed-secret-of-plenty-of-characters'))).status,
    );
    await attempt('AP-05', async () => (await post(route(), raw, sign(raw, now - 600))).status);
    await attempt(
      'AP-06',
      async () => (await post(route(), raw.replace('mallory', 'alice'), sign(raw))).status,
    );
    // A valid request (for a connection that does not exist: no side effect), then the same bytes again.
    const unknown = decisionBody('no-such-connection');
    const headers = sign(unknown);
    expect((await post('approvals/no-such-connection', unknown, headers)).status).toBe(404);
    await attempt('AP-07', async () => (await post('approvals/no-such-connection', unknown, headers)).status);
    const huge = decisionBody(inScope.connectionName, { reason: 'x'.repeat(20_000) });
    await attempt('AP-08', async () => (await post(route(), huge, sign(huge))).status);
    expect(connectionStatus(inScope.vaultId, inScope.connectionName)).toBe('Pending');
  });

  it('AP-09..AP-12, AP-19: body depth, path tricks, mismatches, unknown names, control characters', async () => {
    const deep = `${'['.repeat(4000)}${']'.repeat(4000)}`;
    await attempt('AP-09', async () => (await signedDecision(inScope.connectionName, deep)).status);
    const trick = '../../resync';
    await attempt('AP-10', async () => (await signedDecision(trick, decisionBody(trick))).status);
    await attempt(
      'AP-11',
      async () => (await signedDecision(inScope.connectionName, decisionBody('someone-else'))).status,
    );
    await attempt(
      'AP-12',
      async () =>
        (
          await signedDecision(
            'no-such-connection',
            decisionBody('no-such-connection', { reason: 'another request' }),
          )
        ).status,
    );
    await attempt(
      'AP-19',
      async () =>
        (
          await signedDecision(
            inScope.connectionName,
            decisionBody(inScope.connectionName, { approver: `mallory${ESC}[2J` }),
          )
        ).status,
    );
    expect(connectionStatus(inScope.vaultId, inScope.connectionName)).toBe('Pending');
  });

  it('AP-13..AP-16: decisions outside the configured spokes are refused before anything is written', async () => {
    // A vault in a subscription that is not a spoke, asked for by a spoke endpoint.
    const foreignVault = pendingConnection('sec-foreign', {
      vaultSub: FOREIGN,
      vaultRg: 'rg-elsewhere',
      endpointSub: SPOKE2,
      endpointRg: SPOKE2_RG,
      subnetId: SPOKE2_SUBNET_ID,
    });
    // A vault in the hub subscription.
    const hubVault = pendingConnection('sec-hub', {
      vaultSub: HUB,
      vaultRg: HUB_RG,
      endpointSub: SPOKE2,
      endpointRg: SPOKE2_RG,
      subnetId: SPOKE2_SUBNET_ID,
    });
    // An endpoint outside the spokes (in the hub's network) asking for a spoke vault.
    const outsider = pendingConnection('sec-outsider', {
      vaultSub: SPOKE,
      vaultRg: SPOKE_RG,
      endpointSub: HUB,
      endpointRg: HUB_RG,
      subnetId: `${HUB_VNET_ID}/subnets/snet-dns`,
    });
    const named = (c: typeof foreignVault) =>
      signedDecision(c.connectionName, decisionBody(c.connectionName, { vaultId: c.vaultId }));

    const ap13 = await attempt('AP-13', async () => {
      const answer = await named(foreignVault);
      expect(((await answer.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'OutOfScope',
        message: expect.stringMatching(/not a configured spoke/),
      });
      return answer.status;
    });
    expect(ap13).toBe('403');
    await attempt('AP-14', async () => (await named(hubVault)).status);
    await attempt('AP-15', async () => {
      const answer = await named(outsider);
      expect(await answer.text()).toMatch(/private endpoint is outside the configured scope/);
      return answer.status;
    });
    await attempt(
      'AP-16',
      async () =>
        (await signedDecision(foreignVault.connectionName, decisionBody(foreignVault.connectionName))).status,
    );
    for (const c of [foreignVault, hubVault, outsider])
      expect(connectionStatus(c.vaultId, c.connectionName)).toBe('Pending');
    expect(telemetry(TELEMETRY_EVENTS.approvalRefused).map((t) => t.properties.reason)).toEqual([
      'out-of-scope',
      'out-of-scope',
      'out-of-scope',
    ]);
  });

  it('OR-01: a decision raised with the task hub system key, without the webhook proof, is ignored', async () => {
    const target = pendingConnection('sec-forged', {
      vaultSub: SPOKE,
      vaultRg: SPOKE_RG,
      endpointSub: SPOKE2,
      endpointRg: SPOKE2_RG,
      subnetId: SPOKE2_SUBNET_ID,
    });
    const instanceId = syncInstanceId(target.endpointId);
    const waiting = await awaitingApproval(instanceId);
    const refusedBefore = telemetry(TELEMETRY_EVENTS.approvalRefused).length;
    await attempt('OR-01', async () => {
      const url =
        `${stack.host.baseUrl}/runtime/webhooks/durabletask/instances/${instanceId}/raiseEvent/` +
        `${EXTERNAL_EVENTS.approvalDecision}?code=${stack.host.keys.system.durabletask_extension}`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'Rejected', approver: 'anyone', reason: 'forged' }),
      });
      await waitUntil(
        'the orchestration to refuse the forged decision',
        () => telemetry(TELEMETRY_EVENTS.approvalRefused).length > refusedBefore,
      );
      return response.status;
    });
    const after = await awaitingApproval(instanceId);
    expect(after.approval?.challengeId).toBe(waiting.approval?.challengeId);
    expect(stack.host.durable.getStatus(instanceId)?.runtimeStatus).toBe('Running');
    expect(connectionStatus(target.vaultId, target.connectionName)).toBe('Pending');
    expect(telemetry(TELEMETRY_EVENTS.approvalRefused).at(-1)?.properties.reason).toBe('no-webhook-proof');
  });

  it('AP-18: two opposite decisions at once: exactly one is applied, the other gets 409', async () => {
    const race = pendingConnection('sec-race', {
      vaultSub: SPOKE,
      vaultRg: SPOKE_RG,
      endpointSub: SPOKE2,
      endpointRg: SPOKE2_RG,
      subnetId: SPOKE2_SUBNET_ID,
    });
    await awaitingApproval(syncInstanceId(race.endpointId));
    // Whichever request reads the connection second reads it late: without a compare-and-set it would
    // overwrite the first decision after that one completed.
    stack.emu.faults.configure({
      rules: [
        {
          name: 'late-read',
          match: { operationId: 'PrivateEndpointConnection_Get' },
          skip: 1,
          latency: { distribution: 'fixed', ms: 800 },
        },
      ],
    });
    const puts = () => stack.emu.log.count('PrivateEndpointConnection_Put');
    const putsBefore = puts();
    try {
      const answers = await Promise.all(
        (['Approved', 'Rejected'] as const).map(async (decision) => {
          const raw = decisionBody(race.connectionName, { decision, approver: `ops-${decision}` });
          const response = await signedDecision(race.connectionName, raw);
          return { decision, status: response.status, body: await response.json() };
        }),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 409]);
      const winner = answers.find((a) => a.status === 200);
      expect(connectionStatus(race.vaultId, race.connectionName)).toBe(winner?.decision);
      observed.set('AP-18', { status: statuses.join('/'), writes: puts() - putsBefore });
      expect(puts() - putsBefore).toBe(1);
    } finally {
      stack.emu.faults.reset();
    }
    // The winner's orchestration finishes (records for Approved, none for Rejected) before the next attempt.
    await stack.host.durable.waitForCompletion(syncInstanceId(race.endpointId), 30_000);
  });

  it('AP-17: the opposite decision on a decided connection is 409', async () => {
    const decided = pendingConnection('sec-decided', {
      vaultSub: SPOKE,
      vaultRg: SPOKE_RG,
      endpointSub: SPOKE2,
      endpointRg: SPOKE2_RG,
      subnetId: SPOKE2_SUBNET_ID,
    });
    const instanceId = syncInstanceId(decided.endpointId);
    await awaitingApproval(instanceId);
    const approved = await stack.approve(decided.connectionName, {
      connectionId: decided.connectionName,
      decision: 'Approved',
      reason: 'ok',
      approver: 'ops',
      vaultId: decided.vaultId,
    });
    expect(approved.status).toBe(200);
    // Its records are written before the refused attempt is counted.
    await stack.host.durable.waitForCompletion(instanceId, 30_000);
    await attempt('AP-17', async () => {
      const raw = decisionBody(decided.connectionName, { decision: 'Rejected', vaultId: decided.vaultId });
      return (await signedDecision(decided.connectionName, raw)).status;
    });
    expect(connectionStatus(decided.vaultId, decided.connectionName)).toBe('Approved');
  });
});

describe('resync, status and health refusals', () => {
  const resync = (body: string) => post('resync', body);
  const rgScope = (rg: string) => JSON.stringify({ scope: `/subscriptions/${SPOKE}/resourceGroups/${rg}` });

  it('RS-01..RS-12', async () => {
    await attempt('RS-01', async () => (await post('resync', '{}', {}, null)).status);
    await attempt(
      'RS-02',
      async () => (await resync(JSON.stringify({ scope: 'all', pad: 'x'.repeat(70_000) }))).status,
    );
    await attempt('RS-03', async () => (await resync(`${'['.repeat(4000)}${']'.repeat(4000)}`)).status);
    await attempt('RS-04', async () => (await resync(rgScope('rg|x'))).status);
    await attempt('RS-05', async () => (await resync(rgScope('rg\nx'))).status);
    await attempt('RS-06', async () => (await resync(rgScope('rg"x'))).status);
    await attempt(
      'RS-07',
      async () => (await resync(JSON.stringify({ scope: { resourceGroups: [`${SPOKE}/rg|x`] } }))).status,
    );
    await attempt(
      'RS-08',
      async () => (await resync(JSON.stringify({ scope: vaultPath(FOREIGN, 'rg', 'rsv-x') }))).status,
    );
    await attempt(
      'RS-09',
      async () =>
        (await resync(JSON.stringify({ scope: { vaultId: vaultPath(HUB, HUB_RG, 'rsv-x') } }))).status,
    );
    await attempt('RS-10', async () => {
      const answer = await resync(
        JSON.stringify({ scope: { endpointId: endpointPath(SPOKE, SPOKE_RG, 'p'.repeat(65)) } }),
      );
      expect(await answer.text()).toMatch(/breaks ARM's naming rule/);
      return answer.status;
    });
    await attempt('RS-12', async () => {
      const answer = await resync(
        JSON.stringify({ scope: endpointPath(SPOKE, SPOKE_RG, `p${ESC}[2J`.repeat(2000)) }),
      );
      const text = await answer.text();
      expect(text.length).toBeLessThan(2000);
      expect(text).not.toContain(ESC);
      return answer.status;
    });
    await attempt(
      'RS-11',
      async () => (await resync(JSON.stringify({ scope: { subscriptionIds: [FOREIGN] } }))).status,
    );
    // None of them started anything.
    expect(stack.host.durable.listInstances({ instanceIdPrefix: 'resync-' })).toEqual([]);
  });

  it('ST-01..ST-03: the status endpoint needs the key, answers for resync runs only, and no answer carries the system key', async () => {
    const started = await resync(JSON.stringify({ scope: 'all', dryRun: true }));
    const text = await started.text();
    const { id } = JSON.parse(text) as { id: string };
    await attempt('ST-03', async () => {
      expect(text).not.toContain(stack.host.keys.system.durabletask_extension);
      expect(text).not.toMatch(/raiseEvent|terminate|runtime\/webhooks|code=/i);
      return started.status;
    });
    await attempt('ST-01', async () => (await fetch(`${stack.host.baseUrl}/api/resync/${id}`)).status);
    await attempt('ST-02', async () => {
      const sync = stack.host.durable.listInstances().find((s) => s.instanceId.startsWith('sync-'));
      expect(sync).toBeDefined();
      return (await stack.api('GET', `resync/${sync?.instanceId ?? ''}`)).status;
    });
    await waitUntil('the dry run to finish', () =>
      ['Completed', 'Failed'].includes(stack.host.durable.getStatus(id)?.runtimeStatus ?? ''),
    );
  });

  it('HE-01, HE-02: anonymous health says only healthy or not', async () => {
    await attempt('HE-01', async () => {
      const response = await fetch(`${stack.host.baseUrl}/api/health`);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ status: 'healthy' });
      expect(text).not.toContain(HUB);
      expect(text).not.toContain(HUB_RG);
      return response.status;
    });
    await attempt('HE-02', async () => (await fetch(`${stack.host.baseUrl}/api/health/details`)).status);
  });
});

describe('Event Grid webhook refusals', () => {
  const deliver = (events: unknown[], url = stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync)) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify(events),
    });
  const event = (resourceUri: string) => ({
    id: randomBytes(8).toString('hex'),
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    subject: resourceUri,
    eventTime: new Date().toISOString(),
    topic: `/subscriptions/${SPOKE}`,
    dataVersion: '2',
    data: { resourceUri, operationName: 'Microsoft.Network/privateEndpoints/write', status: 'Succeeded' },
  });

  it('EG-01..EG-04', async () => {
    const instances = () => stack.host.durable.listInstances().length;
    const before = instances();
    const ignoredBefore = telemetry(TELEMETRY_EVENTS.eventIgnored).length;
    await attempt('EG-01', async () => {
      const url = stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync).replace(/code=[^&]+/, 'code=wrong');
      return (await deliver([event(endpointPath(SPOKE, SPOKE_RG, 'pe-x'))], url)).status;
    });
    const logBytes = () => logs.reduce((n, l) => n + l.length, 0);
    const bytesBefore = logBytes();
    await attempt(
      'EG-02',
      async () => (await deliver([event(endpointPath(SPOKE, SPOKE_RG, 'p'.repeat(900_000)))])).status,
    );
    // The 900 KB name left a bounded trace, not megabytes.
    expect(logBytes() - bytesBefore).toBeLessThan(4096);
    await attempt(
      'EG-03',
      async () => (await deliver([event(endpointPath(FOREIGN, 'rg', 'pe-foreign'))])).status,
    );
    await attempt(
      'EG-04',
      async () => (await deliver([event(endpointPath(SPOKE, SPOKE_RG, `pe${ESC}[31mred`))])).status,
    );
    expect(instances()).toBe(before);
    const ignored = telemetry(TELEMETRY_EVENTS.eventIgnored).slice(ignoredBefore);
    expect(ignored.map((t) => t.properties.reason)).toEqual([
      'malformed-resource-id',
      'subscription-not-allowed',
      'malformed-resource-id',
    ]);
    for (const line of logs) expect(line).not.toContain(ESC);
  });
});

describe('configuration refusals', () => {
  const restart = async (settings: Record<string, string>) => {
    await stack.stop();
    stack = await startDemoStack({ subscribe: false, settings, log: (_l, m) => void logs.push(m) });
  };
  const approveAnyway = async (secret: string) => {
    const raw = decisionBody('c1');
    return (await post('approvals/c1', raw, sign(raw, Math.floor(Date.now() / 1000), secret))).status;
  };

  it('CF-01: an approval secret still in Key Vault reference form', async () => {
    const reference =
      '@Microsoft.KeyVault(SecretUri=https://kv-plds.vault.azure.net/secrets/approval-webhook-secret)';
    await restart({ APPROVAL_WEBHOOK_SECRET: reference });
    // Someone who read the reference text from the template signs with it: nothing happens.
    await attempt('CF-01', approveAnyway.bind(undefined, reference));
    expect((await fetch(`${stack.host.baseUrl}/api/health`)).status).toBe(503);
  });

  it('CF-02: an approval secret shorter than 32 bytes', async () => {
    await restart({ APPROVAL_WEBHOOK_SECRET: 'short-secret' });
    await attempt('CF-02', approveAnyway.bind(undefined, 'short-secret'));
    expect((await fetch(`${stack.host.baseUrl}/api/health`)).status).toBe(503);
  });

  it('CF-03: approvals switched off', async () => {
    await restart({ APPROVAL_MODE: 'off' });
    await attempt('CF-03', approveAnyway.bind(undefined, APPROVAL_SECRET));
  });
});

describe('docs/security.md', () => {
  it('shows the refusal matrix with the answers and ARM writes observed above', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/security.md'), 'utf8');
    const rows = new Map<string, { answer: string; writes: string }>();
    for (const line of doc.split('\n')) {
      // Cells split on `|` that is not escaped (`\|` is a literal pipe inside a cell).
      const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
      if (!/^[A-Z]{2}-\d\d$/.test(cells[1] ?? '')) continue;
      rows.set(cells[1] ?? '', { answer: cells[4] ?? '', writes: cells[5] ?? '' });
    }
    expect([...rows.keys()].sort()).toEqual([...observed.keys()].sort());
    for (const [id, seen] of observed) {
      const row = rows.get(id);
      expect([id, row?.answer.split(' ')[0]?.replace(/\*/g, '')]).toEqual([id, seen.status]);
      expect([id, row?.writes.split(' ')[0]]).toEqual([id, String(seen.writes)]);
    }
  });
});
