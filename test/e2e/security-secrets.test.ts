/**
 * No secret leaves the app: an end-to-end run on the local stack (endpoint sync, approvals listed, approved,
 * rejected and refused, resync with its status URL, health, a forged event) while every log line the app
 * writes, every HTTP answer it gives (status, headers, body) and every orchestration status with its history
 * is kept — then all of it is searched for the approval secret, bearer tokens, function and host keys, the
 * task hub's system key and the managed-identity header. 0 hits.
 */
import { waitUntil } from '../../local/stack';
import {
  APPROVAL_SECRET,
  SPOKE,
  SPOKE2,
  SPOKE2_RG,
  SPOKE2_SUBNET_ID,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
} from '../../demo/estate';
import { createBackupEndpoint, createVault, missingEntries, pendingConnectionOf } from '../../demo/mission';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { FUNCTION_NAMES } from '../../src/core/functionNames';
import { syncInstanceId } from '../../src/orchestrations';

interface Captured {
  readonly where: string;
  readonly text: string;
}

const captured: Captured[] = [];
const logs: string[] = [];
let stack: DemoStack;

beforeAll(async () => {
  stack = await startDemoStack({ log: (level, message) => void logs.push(`${level} ${message}`) });
  // Keep every answer the app gives: status line, headers and body.
  stack.api = async (method, route, body, headers = {}) => {
    const response = await fetch(`${stack.host.baseUrl}/api/${route}`, {
      method,
      headers: {
        'x-functions-key': stack.host.keys.host[0] ?? '',
        'content-type': 'application/json',
        ...headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    captured.push({
      where: `${method} /api/${route} → ${response.status}`,
      text: `${response.status} ${JSON.stringify([...response.headers])}\n${text}`,
    });
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };
});

afterAll(async () => {
  await stack?.stop();
});

/** What must never appear: name → value. */
function secrets(): Map<string, string> {
  const keys = stack.host.keys;
  const out = new Map<string, string>([
    ['approval secret', APPROVAL_SECRET],
    ['master key', keys.master],
    ['system key (durabletask_extension)', keys.system.durabletask_extension],
    ['system key (eventgrid_extension)', keys.system.eventgrid_extension],
    ['managed-identity header', stack.emu.identityHeader],
  ]);
  keys.host.forEach((k, i) => out.set(`host key ${i}`, k));
  for (const [fn, list] of Object.entries(keys.functions))
    list.forEach((k, i) => out.set(`${fn} key ${i}`, k));
  return out;
}

const BEARER = [/\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]*/, /\bBearer\s+[\w.-]{10,}/i];

describe('secrets stay out of logs, answers and orchestration state', () => {
  it('an end-to-end run leaves 0 hits', async () => {
    // 1. A vault and its endpoint in a spoke: synced through events.
    const vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-secrets');
    await createBackupEndpoint(stack, {
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      subnetId: SPOKE_SUBNET_ID,
      name: 'pe-secrets',
      vaultId,
    });
    stack.backup.discover(vaultId);
    await waitUntil('the spoke endpoint records', () => {
      const entries = stack.backup.dnsEntries(vaultId);
      return entries.length > 0 && missingEntries(stack, entries).length === 0;
    });

    // 2. Two endpoints from another spoke ask for the vault: one approved, one rejected, through the webhook.
    const decide = async (name: string, decision: 'Approved' | 'Rejected') => {
      const endpointId = await createBackupEndpoint(stack, {
        subscriptionId: SPOKE2,
        resourceGroup: SPOKE2_RG,
        subnetId: SPOKE2_SUBNET_ID,
        name,
        vaultId,
        manual: true,
      });
      const pending = await pendingConnectionOf(stack, endpointId);
      await stack.host.durable.waitForStatus(
        syncInstanceId(endpointId),
        (s) => (s?.customStatus as { phase?: string } | undefined)?.phase === 'awaiting-approval',
        20_000,
      );
      const answer = await stack.approve(pending.connectionId, {
        connectionId: pending.connectionId,
        decision,
        reason: 'CHG-7',
        approver: 'ops@example.com',
      });
      expect(answer.status).toBe(200);
      await stack.host.durable.waitForCompletion(syncInstanceId(endpointId), 30_000);
      return pending.connectionId;
    };
    const approved = await decide('pe-secrets-ok', 'Approved');
    await decide('pe-secrets-no', 'Rejected');

    // 3. Refused attempts: a bad signature, the opposite decision, a forged event.
    const bad = await stack.approve(
      approved,
      { connectionId: approved, decision: 'Rejected', reason: 'x', approver: 'mallory' },
      { secret: 'not-the-secret-but-long-enough-to-be-one' },
    );
    expect(bad.status).toBe(401);
    const opposite = await stack.approve(approved, {
      connectionId: approved,
      decision: 'Rejected',
      reason: 'x',
      approver: 'mallory',
    });
    expect(opposite.status).toBe(409);
    const forged = await fetch(stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify([
        {
          id: 'forged-1',
          eventType: 'Microsoft.Resources.ResourceWriteSuccess',
          subject: 'x',
          eventTime: new Date().toISOString(),
          data: { resourceUri: 'not-an-id', operationName: 'Microsoft.Network/privateEndpoints/write' },
        },
      ]),
    });
    captured.push({ where: 'Event Grid webhook', text: `${forged.status} ${await forged.text()}` });

    // 4. Resync, dry run and applied, followed through the app's own status URL.
    for (const dryRun of [true, false]) {
      const started = await stack.api('POST', 'resync', JSON.stringify({ scope: 'all', dryRun }));
      expect(started.status).toBe(202);
      const { id } = started.json as { id: string };
      await waitUntil(`resync ${id}`, async () => {
        const status = await stack.api('GET', `resync/${id}`);
        return status.status === 200 ? status : undefined;
      });
    }

    // 5. Lists and health.
    expect((await stack.api('GET', 'approvals')).status).toBe(200);
    expect((await stack.api('GET', 'health/details')).status).toBe(200);
    const health = await fetch(`${stack.host.baseUrl}/api/health`);
    captured.push({ where: 'GET /api/health (anonymous)', text: `${health.status} ${await health.text()}` });
    await stack.eventGrid.idle();

    // Everything the run left: answers, log lines, and every orchestration's status with its full history.
    for (const line of logs) captured.push({ where: 'log', text: line });
    for (const instance of stack.host.durable.listInstances()) {
      const status = stack.host.durable.getStatus(instance.instanceId, { showHistory: true });
      captured.push({ where: `orchestration ${instance.instanceId}`, text: JSON.stringify(status) });
    }
    expect(captured.filter((c) => c.where.startsWith('orchestration')).length).toBeGreaterThan(4);
    expect(captured.filter((c) => c.where === 'log').length).toBeGreaterThan(20);

    // A token as the emulator issues it, to be sure the bearer patterns would find one.
    const token = (await stack.emu.credential().getToken('https://management.azure.com/.default')).token;
    expect(BEARER.some((re) => re.test(`Authorization: Bearer ${token}`))).toBe(true);

    const hitsIn = (items: Captured[]): string[] => {
      const hits: string[] = [];
      for (const item of items) {
        for (const [name, value] of secrets()) {
          if (value.length >= 8 && item.text.includes(value)) hits.push(`${name} in ${item.where}`);
        }
        for (const re of BEARER) if (re.test(item.text)) hits.push(`bearer token in ${item.where}`);
      }
      return hits;
    };
    // The search finds what it looks for: the webhook URL Event Grid is given carries a system key.
    expect(
      hitsIn([{ where: 'self-check', text: stack.host.eventGridUrl(FUNCTION_NAMES.eventGridSync) }]),
    ).toEqual(['system key (eventgrid_extension) in self-check']);
    expect(hitsIn(captured)).toEqual([]);
  });
});
