/**
 * Pending private endpoint connections: syncEndpoint waits for `approvalDecision` raced against the approval
 * timeout (webhook mode), or approves through the vault itself for allow-listed subscriptions (auto mode).
 */
import { approvalProof } from '../../src/core/approvalProof';
import { TELEMETRY_EVENTS } from '../../src/core/telemetry';
import { EXTERNAL_EVENTS } from '../../src/orchestrations';
import type { ApprovalDecisionEvent, SyncEndpointOutput, SyncEndpointStatus } from '../../src/orchestrations';
import {
  BACKUP_ZONE,
  ORCHESTRATION_TEST_SECRET,
  SPOKE_SUBSCRIPTION,
  allStand,
  createVaultWithEndpoint,
  expectedRecords,
  startOrchestrationEnv,
  startSyncEndpoint,
} from './orchestration-helpers';
import type { OrchestrationTestEnv } from './orchestration-helpers';

async function awaitingApproval(
  env: OrchestrationTestEnv,
  instanceId: string,
  fromGeneration = 0,
): Promise<SyncEndpointStatus> {
  const status = await env.host.durable.waitForStatus(
    instanceId,
    (s) => {
      const custom = s?.customStatus as SyncEndpointStatus | undefined;
      return custom?.phase === 'awaiting-approval' && (custom.generation ?? 0) >= fromGeneration;
    },
    30_000,
  );
  if (!status) throw new Error(`${instanceId} is not awaiting approval`);
  return status.customStatus as SyncEndpointStatus;
}

/** What the approval webhook raises: the decision with the proof for the instance's current challenge. */
function provenDecision(
  status: SyncEndpointStatus,
  instanceId: string,
  decision: ApprovalDecisionEvent,
): ApprovalDecisionEvent {
  const approval = status.approval;
  if (!approval?.challengeId) throw new Error(`${instanceId} waits without a challenge`);
  const proof = approvalProof(ORCHESTRATION_TEST_SECRET, {
    instanceId,
    challengeId: approval.challengeId,
    connectionName: approval.connectionName,
    decision: decision.decision,
  });
  return { ...decision, proof };
}

function recordsOf(env: OrchestrationTestEnv, endpointName: string): number {
  return [...env.records(BACKUP_ZONE).values()].filter((r) =>
    r.metadata.pldsep0?.endsWith(`/${endpointName}`),
  ).length;
}

describe('approval of pending connections (APPROVAL_MODE=webhook)', () => {
  let env: OrchestrationTestEnv;

  beforeAll(async () => {
    env = await startOrchestrationEnv({
      settings: { APPROVAL_MODE: 'webhook', APPROVAL_TIMEOUT_HOURS: '72' },
    });
  });

  afterAll(async () => {
    await env.stop();
  });

  it('pending → approved: waits without records, then syncs once the decision arrives', async () => {
    const { vaultId, endpointId, connectionName } = createVaultWithEndpoint(env, 'appr', { pending: true });
    const instanceId = await startSyncEndpoint(env, endpointId);
    const waiting = await awaitingApproval(env, instanceId);
    expect(waiting.approval?.privateLinkServiceId.toLowerCase()).toBe(vaultId.toLowerCase());
    expect(waiting.approval?.connectionName).toBeTruthy();
    expect(
      Date.parse(waiting.approval?.deadline ?? '') - Date.parse(waiting.approval?.requestedAt ?? ''),
    ).toBe(72 * 3_600_000);
    expect(recordsOf(env, 'pe-appr')).toBe(0);
    expect(env.telemetry(TELEMETRY_EVENTS.approvalPending).map((t) => t.properties.endpointId)).toContain(
      endpointId.toLowerCase(),
    );

    // What the webhook does: apply the decision to the vault's connection, then raise the event.
    await env.testPorts.vaults.decideConnection(
      `${vaultId}/privateEndpointConnections/${connectionName}`,
      'Approved',
      'approved in ticket 42',
    );
    const decision = provenDecision(waiting, instanceId, {
      decision: 'Approved',
      approver: 'alice',
      reason: 'ticket 42',
    });
    expect(env.host.durable.raiseEvent(instanceId, EXTERNAL_EVENTS.approvalDecision, decision)).toBe(
      'accepted',
    );
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect((done.output as SyncEndpointOutput).outcome).toBe('synced');
    expect(allStand(env, expectedRecords(env, vaultId))).toBe(true);
    // The roles an approved endpoint shows before the vault's first registration: rec2 and id1.
    expect(recordsOf(env, 'pe-appr')).toBe(2);
  });

  it('pending → rejected: ends without records and says who rejected it and why', async () => {
    const { vaultId, endpointId, connectionName } = createVaultWithEndpoint(env, 'rej', { pending: true });
    const instanceId = await startSyncEndpoint(env, endpointId);
    await awaitingApproval(env, instanceId);
    // A malformed decision is ignored; the wait goes on (in the next generation).
    const first = await awaitingApproval(env, instanceId);
    env.host.durable.raiseEvent(instanceId, EXTERNAL_EVENTS.approvalDecision, { decision: 'Maybe' });
    const waiting = await awaitingApproval(env, instanceId, (first.generation ?? 0) + 1);
    expect(waiting.approval?.challengeId).toBe(first.approval?.challengeId);
    await env.testPorts.vaults.decideConnection(
      `${vaultId}/privateEndpointConnections/${connectionName}`,
      'Rejected',
      'not ours',
    );
    env.host.durable.raiseEvent(
      instanceId,
      EXTERNAL_EVENTS.approvalDecision,
      provenDecision(waiting, instanceId, {
        decision: 'Rejected',
        approver: 'bob',
        reason: 'unknown workload',
      }),
    );
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    const output = done.output as SyncEndpointOutput;
    expect(output.outcome).toBe('rejected');
    expect(output.message).toContain('bob');
    expect(output.message).toContain('unknown workload');
    expect((done.customStatus as SyncEndpointStatus).phase).toBe('rejected');
    expect(recordsOf(env, 'pe-rej')).toBe(0);
    const decided = env
      .telemetry(TELEMETRY_EVENTS.approvalDecided)
      .filter((t) => t.properties.endpointId === endpointId.toLowerCase());
    expect(decided.map((t) => t.properties.decision)).toEqual(['Rejected']);
  });

  it('ignores decisions without the webhook proof (raised with the system key): the wait goes on, nothing is written', async () => {
    const { vaultId, endpointId, connectionName } = createVaultWithEndpoint(env, 'forged', { pending: true });
    const instanceId = await startSyncEndpoint(env, endpointId);
    const waiting = await awaitingApproval(env, instanceId);
    const writesBefore = env.emu.log.list().filter((e) => e.method !== 'GET').length;
    const forged: ApprovalDecisionEvent[] = [
      { decision: 'Rejected', approver: 'mallory', reason: 'no proof' },
      { decision: 'Rejected', approver: 'mallory', reason: 'made up', proof: 'f'.repeat(64) },
      // A real proof, but for the other decision.
      {
        ...provenDecision(waiting, instanceId, { decision: 'Approved', approver: 'x', reason: 'y' }),
        decision: 'Rejected',
      },
    ];
    const refusals = () =>
      env
        .telemetry(TELEMETRY_EVENTS.approvalRefused)
        .filter((t) => t.properties.endpointId === endpointId.toLowerCase()).length;
    // One at a time: each refusal continues the wait as new, and events raised meanwhile would race it.
    for (const [i, event] of forged.entries()) {
      expect(env.host.durable.raiseEvent(instanceId, EXTERNAL_EVENTS.approvalDecision, event)).toBe(
        'accepted',
      );
      await env.host.durable.waitForStatus(
        instanceId,
        (s) =>
          refusals() === i + 1 &&
          (s?.customStatus as SyncEndpointStatus | undefined)?.phase === 'awaiting-approval',
        30_000,
      );
    }
    const status = env.host.durable.getStatus(instanceId);
    expect(status?.runtimeStatus).toBe('Running');
    // The same challenge stays in force across the re-waits.
    expect((status?.customStatus as SyncEndpointStatus).approval?.challengeId).toBe(
      waiting.approval?.challengeId,
    );
    const vault = await env.testPorts.vaults.getVault(vaultId);
    expect(vault?.connections.find((c) => c.name === connectionName)?.status).toBe('Pending');
    expect(env.emu.log.list().filter((e) => e.method !== 'GET').length).toBe(writesBefore);
    expect(
      env
        .telemetry(TELEMETRY_EVENTS.approvalRefused)
        .filter((t) => t.properties.endpointId === endpointId.toLowerCase())
        .map((t) => t.properties.reason),
    ).toEqual(['no-webhook-proof', 'no-webhook-proof', 'no-webhook-proof']);
    // The proven decision still works after the forgeries.
    await env.testPorts.vaults.decideConnection(
      `${vaultId}/privateEndpointConnections/${connectionName}`,
      'Approved',
      'ok',
    );
    env.host.durable.raiseEvent(
      instanceId,
      EXTERNAL_EVENTS.approvalDecision,
      provenDecision(waiting, instanceId, { decision: 'Approved', approver: 'alice', reason: 'ok' }),
    );
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect((done.output as SyncEndpointOutput).outcome).toBe('synced');
  });

  it('a connection already Rejected when read publishes nothing and ends at once', async () => {
    const { vaultId, endpointId, connectionName } = createVaultWithEndpoint(env, 'gone', { pending: true });
    await env.testPorts.vaults.decideConnection(
      `${vaultId}/privateEndpointConnections/${connectionName}`,
      'Rejected',
      'no',
    );
    const instanceId = await startSyncEndpoint(env, endpointId);
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as SyncEndpointOutput;
    expect(output.outcome).toBe('rejected');
    expect(output.message).toContain('Rejected');
    expect(recordsOf(env, 'pe-gone')).toBe(0);
  });

  it('pending → timed out: after APPROVAL_TIMEOUT_HOURS without a decision, no records and the status says so', async () => {
    const { endpointId } = createVaultWithEndpoint(env, 'late', { pending: true });
    const instanceId = await startSyncEndpoint(env, endpointId);
    await awaitingApproval(env, instanceId);
    env.host.advanceTime(71 * 3_600_000);
    await awaitingApproval(env, instanceId);
    expect(env.host.durable.getStatus(instanceId)?.runtimeStatus).toBe('Running');
    env.host.advanceTime(2 * 3_600_000);
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    const output = done.output as SyncEndpointOutput;
    expect(output.outcome).toBe('approval-timed-out');
    expect(output.message).toContain('72 h');
    expect(recordsOf(env, 'pe-late')).toBe(0);
    const decided = env
      .telemetry(TELEMETRY_EVENTS.approvalDecided)
      .filter((t) => t.properties.endpointId === endpointId.toLowerCase());
    expect(decided.map((t) => t.properties.decision)).toEqual(['TimedOut']);
  });
});

describe('auto-approval (APPROVAL_MODE=auto)', () => {
  let env: OrchestrationTestEnv;

  beforeAll(async () => {
    env = await startOrchestrationEnv({
      settings: {
        APPROVAL_MODE: 'auto',
        APPROVAL_AUTO_SUBSCRIPTIONS: SPOKE_SUBSCRIPTION,
      },
    });
  });

  afterAll(async () => {
    await env.stop();
  });

  it('approves a pending connection from an allow-listed subscription through the vault and syncs it', async () => {
    const { vaultId, endpointId, connectionName } = createVaultWithEndpoint(env, 'auto', { pending: true });
    const instanceId = await startSyncEndpoint(env, endpointId);
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect((done.output as SyncEndpointOutput).outcome).toBe('synced');
    const vault = await env.testPorts.vaults.getVault(vaultId);
    const connection = vault?.connections.find((c) => c.name === connectionName);
    expect(connection?.status).toBe('Approved');
    expect(connection?.description).toContain('allow-listed');
    expect(allStand(env, expectedRecords(env, vaultId))).toBe(true);
    expect(env.emu.log.count('PrivateEndpointConnection_Put')).toBe(1);
  });
});
