/**
 * The approval webhook on the local host: pending connections (endpoints from a spoke that does not own the
 * vault) listed by `GET /api/approvals`, decided by signed `POST /api/approvals/{connection}` calls that the
 * vault sees through the real Recovery Services Backup client, and refused when unsigned, forged or stale.
 */
import { approvalSignature, signedApprovalHeaders } from '../../demo/signing';
import { waitUntil } from '../../local/stack';
import { APPROVAL_SECRET, SPOKE, SPOKE2, SPOKE2_RG, SPOKE2_SUBNET_ID, SPOKE_RG } from '../../demo/estate';
import { createBackupEndpoint, createVault, missingEntries, pendingConnectionOf } from '../../demo/mission';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { syncInstanceId } from '../../src/orchestrations';

let stack: DemoStack;

beforeAll(async () => {
  stack = await startDemoStack();
});

afterAll(async () => {
  await stack?.stop();
});

interface Pending {
  connectionId: string;
  vaultId: string;
  privateEndpointId: string;
  instanceId?: string;
}

async function pendingEndpoint(
  vaultName: string,
  endpointName: string,
): Promise<{ vaultId: string; endpointId: string; pending: Pending }> {
  const vaultId = await createVault(stack, SPOKE, SPOKE_RG, vaultName);
  const endpointId = await createBackupEndpoint(stack, {
    subscriptionId: SPOKE2,
    resourceGroup: SPOKE2_RG,
    subnetId: SPOKE2_SUBNET_ID,
    name: endpointName,
    vaultId,
    manual: true,
  });
  const pending = (await pendingConnectionOf(stack, endpointId)) as Pending;
  return { vaultId, endpointId, pending };
}

const connectionStatus = (vaultId: string, name: string) =>
  (stack.backup.describe(vaultId).connections as { name: string; status: string }[]).find(
    (c) => c.name === name,
  )?.status;

describe('approval webhook', () => {
  it('lists a pending connection with the orchestration that waits for it, then approves it', async () => {
    const { vaultId, endpointId, pending } = await pendingEndpoint('rsv-ap-ok', 'pe-ap-ok');
    expect(pending.vaultId).toBe(vaultId.toLowerCase());
    // The endpoint's orchestration waits for the decision (and says so).
    const waiting = await stack.host.durable.waitForStatus(
      syncInstanceId(endpointId),
      (s) => (s?.customStatus as { phase?: string } | undefined)?.phase === 'awaiting-approval',
      20_000,
    );
    expect(waiting).toBeDefined();
    // A later event for the endpoint makes the instance re-read and leave `awaiting-approval` for a moment, so
    // the list may miss the instance once; it names it again as soon as the instance waits again.
    const listed = await waitUntil('the pending entry to name its waiting orchestration', async () => {
      const entry = (await pendingConnectionOf(stack, endpointId)) as Pending;
      return entry.instanceId !== undefined ? entry : undefined;
    });
    expect(listed.instanceId).toBe(syncInstanceId(endpointId));
    expect(stack.backup.dnsEntries(vaultId)).toEqual([]);

    const answer = await stack.approve(pending.connectionId, {
      connectionId: pending.connectionId,
      decision: 'Approved',
      reason: 'CHG-2001',
      approver: 'ops@example.com',
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      result: 'applied',
      decision: 'Approved',
      orchestration: { action: 'signalled' },
    });
    expect(connectionStatus(vaultId, pending.connectionId)).toBe('Approved');
    await waitUntil('records of the approved endpoint', () => {
      const entries = stack.backup.dnsEntries(vaultId);
      return entries.length > 0 && missingEntries(stack, entries).length === 0;
    });
    const done = await stack.host.durable.waitForCompletion(syncInstanceId(endpointId), 20_000);
    expect(done.runtimeStatus).toBe('Completed');

    // The same decision again (a fresh signature): 200 with the state as it stands. The opposite: 409.
    const again = await stack.approve(pending.connectionId, {
      connectionId: pending.connectionId,
      decision: 'Approved',
      reason: 'CHG-2001 (repeated)',
      approver: 'ops@example.com',
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ result: 'unchanged', status: 'Approved' });
    const opposite = await stack.approve(pending.connectionId, {
      connectionId: pending.connectionId,
      decision: 'Rejected',
      reason: 'changed my mind',
      approver: 'ops@example.com',
    });
    expect(opposite.status).toBe(409);
    expect(connectionStatus(vaultId, pending.connectionId)).toBe('Approved');
  });

  it('rejects a connection: the orchestration ends without records', async () => {
    const { vaultId, endpointId, pending } = await pendingEndpoint('rsv-ap-no', 'pe-ap-no');
    const writesBefore = stack.emu.log.count('RecordSets_CreateOrUpdate');
    const answer = await stack.approve(pending.connectionId, {
      connectionId: pending.connectionId,
      decision: 'Rejected',
      reason: 'not for this vault',
      approver: 'ops@example.com',
      vaultId,
    });
    expect(answer.status).toBe(200);
    expect(connectionStatus(vaultId, pending.connectionId)).toBe('Rejected');
    const done = await stack.host.durable.waitForCompletion(syncInstanceId(endpointId), 20_000);
    // On failure the diff shows the instance's error.
    expect({ runtimeStatus: done.runtimeStatus, output: done.output }).toEqual({
      runtimeStatus: 'Completed',
      output: expect.objectContaining({ outcome: 'rejected' }),
    });
    await stack.eventGrid.idle();
    expect(stack.emu.log.count('RecordSets_CreateOrUpdate')).toBe(writesBefore);
    const list = await stack.api('GET', 'approvals');
    expect((list.json as { pending: Pending[] }).pending.map((p) => p.connectionId)).not.toContain(
      pending.connectionId,
    );
  });

  it('times out without a decision; a late approval still gets the endpoint its records', async () => {
    const { vaultId, endpointId, pending } = await pendingEndpoint('rsv-ap-late', 'pe-ap-late');
    await stack.host.durable.waitForStatus(
      syncInstanceId(endpointId),
      (s) => (s?.customStatus as { phase?: string } | undefined)?.phase === 'awaiting-approval',
      20_000,
    );
    // APPROVAL_TIMEOUT_HOURS is 1 in the demo settings.
    stack.host.advanceTime(61 * 60 * 1000);
    const timedOut = await stack.host.durable.waitForCompletion(syncInstanceId(endpointId), 20_000);
    expect(timedOut.runtimeStatus).toBe('Completed');
    expect((timedOut.output as { outcome?: string }).outcome).toBe('approval-timed-out');
    // The vault still has it pending; nobody waits any more.
    const listed = (await pendingConnectionOf(stack, endpointId)) as Pending;
    expect(listed.instanceId).toBeUndefined();

    const answer = await stack.approve(pending.connectionId, {
      connectionId: pending.connectionId,
      decision: 'Approved',
      reason: 'late but fine',
      approver: 'ops@example.com',
    });
    expect(answer.status).toBe(200);
    expect((answer.json as { orchestration: { action: string } }).orchestration.action).toMatch(
      /^(started|signalled)$/,
    );
    await waitUntil('records after the late approval', () => {
      const entries = stack.backup.dnsEntries(vaultId);
      return entries.length > 0 && missingEntries(stack, entries).length === 0;
    });
  });

  it('survives a host restart while waiting: the approval after it writes each record once', async () => {
    const { vaultId, endpointId, pending } = await pendingEndpoint('rsv-ap-restart', 'pe-ap-restart');
    await stack.host.durable.waitForStatus(
      syncInstanceId(endpointId),
      (s) => (s?.customStatus as { phase?: string } | undefined)?.phase === 'awaiting-approval',
      20_000,
    );
    await stack.eventGrid.idle();
    await stack.restartHost();
    expect(stack.host.durable.getStatus(syncInstanceId(endpointId))?.runtimeStatus).toBe('Running');

    const writesBefore = stack.emu.log.count('RecordSets_CreateOrUpdate');
    const answer = await stack.approve(pending.connectionId, {
      connectionId: pending.connectionId,
      decision: 'Approved',
      reason: 'after restart',
      approver: 'ops@example.com',
    });
    expect(answer.status).toBe(200);
    await waitUntil('records after the restart', () => {
      const entries = stack.backup.dnsEntries(vaultId);
      return entries.length > 0 && missingEntries(stack, entries).length === 0;
    });
    const done = await stack.host.durable.waitForCompletion(syncInstanceId(endpointId), 20_000);
    expect(done.runtimeStatus).toBe('Completed');
    await stack.eventGrid.idle();
    expect(stack.emu.log.count('RecordSets_CreateOrUpdate') - writesBefore).toBe(
      stack.backup.dnsEntries(vaultId).length,
    );
  });

  it('refuses unsigned, forged, stale, replayed and mismatched calls', async () => {
    const { vaultId, pending } = await pendingEndpoint('rsv-ap-sec', 'pe-ap-sec');
    const body = JSON.stringify({
      connectionId: pending.connectionId,
      decision: 'Approved',
      reason: 'x',
      approver: 'mallory',
    });
    const route = `approvals/${encodeURIComponent(pending.connectionId)}`;
    const now = Math.floor(Date.now() / 1000);
    const sign = (ts: number, raw = body, secret = APPROVAL_SECRET) => approvalSignature(secret, ts, raw);
    const call = (headers: Record<string, string>, raw = body) => stack.api('POST', route, raw, headers);

    expect((await call({})).status).toBe(401);
    expect((await call({ 'x-plds-timestamp': String(now) })).status).toBe(401);
    expect(
      (await call({ 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now, body, 'guessed-secret') }))
        .status,
    ).toBe(401);
    expect(
      (await call({ 'x-plds-timestamp': String(now - 600), 'x-plds-signature': sign(now - 600) })).status,
    ).toBe(401);
    // Signed body, another body sent.
    const tampered = body.replace('mallory', 'alice');
    expect(
      (await call({ 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now) }, tampered)).status,
    ).toBe(401);
    // Without the function key the host refuses before the app sees it.
    const noKey = await fetch(`${stack.host.baseUrl}/api/${route}`, {
      method: 'POST',
      headers: { 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now) },
      body,
    });
    expect(noKey.status).toBe(401);
    expect(connectionStatus(vaultId, pending.connectionId)).toBe('Pending');

    // Path and body must name the same connection.
    const other = JSON.stringify({
      connectionId: 'someone-else',
      decision: 'Approved',
      reason: 'x',
      approver: 'a',
    });
    const mismatch = await call(
      { 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now, other) },
      other,
    );
    expect(mismatch.status).toBe(400);
    // Unknown connection, properly signed.
    const unknown = JSON.stringify({
      connectionId: 'no-such-connection',
      decision: 'Approved',
      reason: 'x',
      approver: 'a',
    });
    const notFound = await stack.api('POST', 'approvals/no-such-connection', unknown, {
      'x-plds-timestamp': String(now),
      'x-plds-signature': sign(now, unknown),
    });
    expect(notFound.status).toBe(404);
    // Bad body fields, properly signed.
    const bad = JSON.stringify({ connectionId: pending.connectionId, decision: 'Maybe', approver: '' });
    const badAnswer = await call(
      { 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now, bad) },
      bad,
    );
    expect(badAnswer.status).toBe(400);
    expect(
      (badAnswer.json as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field).sort(),
    ).toEqual(['approver', 'decision', 'reason']);
    // Too large.
    const huge = JSON.stringify({
      connectionId: pending.connectionId,
      decision: 'Approved',
      reason: 'x'.repeat(20_000),
      approver: 'a',
    });
    expect(
      (await call({ 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now, huge) }, huge)).status,
    ).toBe(413);

    // A good call works once; the same signed request replayed is refused.
    const ok = await call({ 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now) });
    expect(ok.status).toBe(200);
    const replay = await call({ 'x-plds-timestamp': String(now), 'x-plds-signature': sign(now) });
    expect(replay.status).toBe(401);
    expect((replay.json as { error: { reason: string } }).error.reason).toBe('replayed-signature');
    expect(connectionStatus(vaultId, pending.connectionId)).toBe('Approved');
  });
});

describe('approvals switched off', () => {
  let off: DemoStack;
  beforeAll(async () => {
    await stack.stop();
    off = await startDemoStack({ settings: { APPROVAL_MODE: 'off' }, subscribe: false });
  });
  afterAll(async () => {
    await off?.stop();
  });

  it('answers 403 even to a correctly signed call', async () => {
    const body = JSON.stringify({ connectionId: 'c1', decision: 'Approved', reason: 'x', approver: 'a' });
    const ts = Math.floor(Date.now() / 1000);
    const answer = await off.api(
      'POST',
      'approvals/c1',
      body,
      signedApprovalHeaders(body, { secret: APPROVAL_SECRET, timestamp: ts }),
    );
    expect(answer.status).toBe(403);
  });
});
