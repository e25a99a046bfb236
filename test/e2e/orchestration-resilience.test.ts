/**
 * Failure handling of the orchestrations on the local host against the ARM emulator: a host restart in the middle
 * of writing, a 429 storm on one zone, transient 5xx, and an endpoint whose DNS data is not ready yet.
 */
import { waitUntil } from '../../local/stack';
import fs from 'node:fs';
import path from 'node:path';
import type { SyncEndpointOutput, SyncEndpointStatus } from '../../src/orchestrations';
import type { ZonePacerState } from '../../src/durable/zonePacing';
import type { NetworkService } from '../../local/arm/providers/network';
import {
  BACKUP_ZONE,
  allStand,
  createVaultWithEndpoint,
  expectedRecords,
  startOrchestrationEnv,
  startSyncEndpoint,
} from './orchestration-helpers';
import type { OrchestrationTestEnv } from './orchestration-helpers';

describe('host restart in the middle of writing', () => {
  let env: OrchestrationTestEnv;

  beforeAll(async () => {
    env = await startOrchestrationEnv();
  });

  afterAll(async () => {
    await env.stop();
  });

  it('completes on the restarted host without writing any record twice', async () => {
    // Slow record writes, so the host goes down while the apply activity is running.
    env.emu.faults.configure({
      rules: [
        { match: { operationId: 'RecordSets_CreateOrUpdate' }, latency: { distribution: 'fixed', ms: 300 } },
      ],
    });
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'rs', { experience: 'v2' });
    const instanceId = await startSyncEndpoint(env, endpointId);
    const file = path.join(env.stateDir, 'instances', `${instanceId}.json`);
    const applyScheduled = (): boolean => {
      if (!fs.existsSync(file)) return false;
      const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        history: { EventType: number; Name?: string }[];
      };
      return state.history.some((e) => e.EventType === 4 && e.Name === 'applyZoneChanges');
    };
    await waitUntil('the apply activity to be scheduled', applyScheduled, 30_000);
    await env.restartHost();
    env.emu.faults.configure({});

    const done = await env.host.durable.waitForCompletion(instanceId, 60_000);
    expect(done.runtimeStatus).toBe('Completed');
    expect((done.output as SyncEndpointOutput).outcome).toBe('synced');
    // The restarted host ran the interrupted apply activity again (at-least-once, as on Azure).
    expect(env.host.durable.counters.activityInvocations).toBeGreaterThanOrEqual(1);
    await waitUntil('records written', () => allStand(env, expectedRecords(env, vaultId)), 30_000);
    // Every record was written exactly once across both hosts: the re-run met 412s or found nothing to do.
    const writes = env.writesByName();
    const expected = [...(expectedRecords(env, vaultId).get(BACKUP_ZONE)?.keys() ?? [])];
    expect(expected.length).toBeGreaterThan(0);
    for (const name of expected) expect(writes.get(name)).toBe(1);
  });
});

describe('throttling and transient failures', () => {
  let env: OrchestrationTestEnv;

  beforeAll(async () => {
    env = await startOrchestrationEnv();
  });

  afterAll(async () => {
    await env.stop();
  });

  it('absorbs a 429 storm on a zone: the zone entity holds writes back for Retry-After, then every record lands once', async () => {
    env.emu.faults.configure({
      seed: 1,
      rules: [
        {
          name: 'storm',
          match: { operationId: 'RecordSets_CreateOrUpdate' },
          errorRate: 1,
          errors: [429],
          maxErrors: 3,
          retryAfterSeconds: 1,
        },
      ],
    });
    const since = env.emu.log.lastSeq;
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'storm', { experience: 'v2' });
    const instanceId = await startSyncEndpoint(env, endpointId);
    const done = await env.host.durable.waitForCompletion(instanceId, 60_000);
    env.emu.faults.configure({});
    const output = done.output as SyncEndpointOutput;
    expect(output.outcome).toBe('synced');
    expect(output.lastApply?.failures).toEqual([]);
    expect(output.lastApply?.throttled).toBeGreaterThanOrEqual(1);
    expect(output.lastApply?.pacedWaits).toBeGreaterThanOrEqual(1);
    expect(allStand(env, expectedRecords(env, vaultId))).toBe(true);
    const throttled = env.emu.log
      .list({ sinceSeq: since, operationId: 'RecordSets_CreateOrUpdate' })
      .filter((e) => e.status === 429);
    expect(throttled).toHaveLength(3);
    for (const count of env.writesByName(since).values()) expect(count).toBe(1);
    const pacer = env.host.durable.readEntityState('zoneWritePacer', BACKUP_ZONE).state as ZonePacerState;
    expect(pacer.penalties).toBeGreaterThanOrEqual(1);
  });

  it('retries transient 5xx answers and still writes each record once', async () => {
    env.emu.faults.configure({
      seed: 2,
      rules: [
        {
          name: 'flaky',
          match: { operationId: 'RecordSets_CreateOrUpdate' },
          errorRate: 0.5,
          errors: [500, 503],
          maxErrors: 4,
        },
        {
          name: 'flaky-read',
          match: { operationId: 'PrivateEndpoints_Get' },
          errorRate: 1,
          errors: [503],
          maxErrors: 1,
        },
      ],
    });
    const since = env.emu.log.lastSeq;
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'flaky', { experience: 'v2' });
    const instanceId = await startSyncEndpoint(env, endpointId);
    const done = await env.host.durable.waitForCompletion(instanceId, 60_000);
    env.emu.faults.configure({});
    const output = done.output as SyncEndpointOutput;
    expect(output.outcome).toBe('synced');
    expect(output.lastApply?.failures).toEqual([]);
    expect(allStand(env, expectedRecords(env, vaultId))).toBe(true);
    const injected = env.emu.log.list({ sinceSeq: since }).filter((e) => e.status >= 500);
    expect(injected.length).toBeGreaterThanOrEqual(2);
    for (const count of env.writesByName(since).values()) expect(count).toBe(1);
  });

  it('waits with back-off while the endpoint publishes no FQDNs yet, then syncs', async () => {
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'slow', { experience: 'v2' });
    const network = env.emu.service<NetworkService>('network');
    const members = network.members(endpointId);
    const expected = expectedRecords(env, vaultId);
    network.setMembers(endpointId, []);
    const instanceId = await startSyncEndpoint(env, endpointId);
    const waiting = await env.host.durable.waitForStatus(
      instanceId,
      (s) => (s?.customStatus as SyncEndpointStatus | undefined)?.phase === 'waiting-for-dns',
      30_000,
    );
    expect((waiting?.customStatus as SyncEndpointStatus).message).toContain('publishes no FQDNs');
    expect(allStand(env, expected)).toBe(false);
    // Backup publishes the FQDNs; the next back-off re-read (15 s) finds them.
    network.setMembers(endpointId, members);
    env.host.advanceTime(15_000);
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect((done.output as SyncEndpointOutput).outcome).toBe('synced');
    expect(allStand(env, expected)).toBe(true);
  });

  it('gives up after DNS_READY_MAX_WAIT_MINUTES and leaves the records as they stand', async () => {
    const { endpointId } = createVaultWithEndpoint(env, 'never', { experience: 'v2' });
    env.emu.service<NetworkService>('network').setMembers(endpointId, []);
    const instanceId = await startSyncEndpoint(env, endpointId);
    let rounds = 0;
    for (; rounds < 20 && env.host.durable.getStatus(instanceId)?.runtimeStatus === 'Running'; rounds++) {
      await env.host.durable.waitForStatus(
        instanceId,
        (s) =>
          s?.runtimeStatus !== 'Running' ||
          (s.customStatus as SyncEndpointStatus | undefined)?.phase === 'waiting-for-dns',
        30_000,
      );
      env.host.advanceTime(4 * 60_000);
      await waitUntil(
        'next wait',
        () =>
          env.host.durable.getStatus(instanceId)?.runtimeStatus !== 'Running' ||
          (env.host.durable.getStatus(instanceId)?.customStatus as SyncEndpointStatus).phase ===
            'waiting-for-dns',
        30_000,
      );
    }
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    const output = done.output as SyncEndpointOutput;
    expect(output.outcome).toBe('not-ready');
    expect(output.message).toContain('gave up after 30 min');
    expect(output.written).toBe(0);
    // 15 s, 30 s, 1 min, 2 min, then 4-minute steps up to 30 minutes.
    expect(rounds).toBeGreaterThanOrEqual(8);
  });
});
