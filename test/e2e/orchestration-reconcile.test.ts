/**
 * reconcile on the local host against the ARM emulator: Resource Graph listing, hub zone reads, GC plan, dry run
 * (nothing written, counted on the emulator), apply fanned out per zone through the zone pacers.
 */
import { TELEMETRY_EVENTS } from '../../src/core/telemetry';
import { encodeOwnership } from '../../src/core/ownership';
import { ORCHESTRATIONS } from '../../src/orchestrations';
import type { ReconcileInput, ReconcileOutput } from '../../src/orchestrations';
import type { ZonePacerState } from '../../src/durable/zonePacing';
import {
  BACKUP_ZONE,
  BLOB_ZONE,
  HUB_RG,
  HUB_SUBSCRIPTION,
  SPOKE_RG,
  SPOKE_SUBSCRIPTION,
  allStand,
  createVaultWithEndpoint,
  expectedRecords,
  startOrchestrationEnv,
} from './orchestration-helpers';
import type { OrchestrationTestEnv } from './orchestration-helpers';

describe('reconcile on the local host against the ARM emulator', () => {
  let env: OrchestrationTestEnv;
  let v1: { vaultId: string; endpointId: string };
  let v2: { vaultId: string; endpointId: string };
  let run = 0;

  beforeAll(async () => {
    env = await startOrchestrationEnv();
    // Endpoints whose events were lost: nothing synced them yet.
    v1 = createVaultWithEndpoint(env, 'ra');
    env.backup.discover(v1.vaultId);
    env.backup.firstBackup(v1.vaultId);
    v2 = createVaultWithEndpoint(env, 'rb', { experience: 'v2' });
    env.backup.discover(v2.vaultId);
  });

  afterAll(async () => {
    await env.stop();
  });

  async function reconcile(input: ReconcileInput): Promise<{ status: string; output: ReconcileOutput }> {
    const instanceId = `reconcile-test-${++run}`;
    await env.host.durable.startNew(ORCHESTRATIONS.reconcile, { instanceId, input });
    const done = await env.host.durable.waitForCompletion(instanceId, 60_000);
    return { status: done.runtimeStatus, output: done.output as ReconcileOutput };
  }

  const recordWrites = (): number =>
    env.emu.log.count('RecordSets_CreateOrUpdate') + env.emu.log.count('RecordSets_Delete');

  it('dry run returns the plan and writes nothing', async () => {
    const writesBefore = recordWrites();
    const { status, output } = await reconcile({ scope: 'all', dryRun: true, trigger: 'test' });
    expect(status).toBe('Completed');
    const expected = [
      ...expectedRecords(env, v1.vaultId).values(),
      ...expectedRecords(env, v2.vaultId).values(),
    ]
      .map((m) => m.size)
      .reduce((a, b) => a + b, 0);
    expect(output.dryRun).toBe(true);
    expect(output.summary.creates).toBe(expected);
    expect(output.plan?.creates).toHaveLength(expected);
    expect(output.changes.filter((line) => line.startsWith('would create'))).toHaveLength(expected);
    expect(output.listing.endpoints).toBe(5); // two vault endpoints + three v1 siblings
    expect(output.listing.source).toBe('resource-graph');
    expect(output.applied).toBeUndefined();
    expect(recordWrites()).toBe(writesBefore);
    expect(env.records(BACKUP_ZONE).size).toBe(0);
    const completed = env.telemetry(TELEMETRY_EVENTS.reconcileCompleted).at(-1);
    expect(completed?.properties).toMatchObject({ dryRun: true, creates: expected, scope: 'all' });
  });

  it('apply writes every missing record, paced through the zone entities; a second run writes nothing', async () => {
    const { output } = await reconcile({ scope: 'all', trigger: 'test' });
    expect(output.applied?.failures).toEqual([]);
    expect(output.applied?.created).toBe(output.summary.creates);
    expect(allStand(env, expectedRecords(env, v1.vaultId))).toBe(true);
    expect(allStand(env, expectedRecords(env, v2.vaultId))).toBe(true);
    const backupWrites = [...env.records(BACKUP_ZONE).keys()].length;
    expect(backupWrites).toBe(16);
    // 16 writes in one zone: one reservation of at most 20 slots covers them.
    const pacer = env.host.durable.readEntityState('zoneWritePacer', BACKUP_ZONE).state as ZonePacerState;
    expect(pacer.granted).toBe(16);

    const writesBefore = recordWrites();
    const again = await reconcile({ scope: 'all', trigger: 'test' });
    expect(again.output.summary).toMatchObject({ creates: 0, updates: 0, deletes: 0 });
    expect(again.output.applied?.written).toBe(0);
    expect(recordWrites()).toBe(writesBefore);
  });

  it('repairs a lost and a tampered record of one vault, touching nothing else', async () => {
    const zoneId = env.dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, BACKUP_ZONE);
    const names = [...(expectedRecords(env, v1.vaultId).get(BACKUP_ZONE)?.keys() ?? [])];
    const lost = names[0] ?? '';
    const tampered = names[1] ?? '';
    env.dns.deleteRecordSet(zoneId, 'A', lost);
    const standing = env.records(BACKUP_ZONE).get(tampered);
    env.dns.putARecordSet(zoneId, {
      name: tampered,
      ipv4Addresses: ['10.12.0.250'],
      ttl: 10,
      metadata: standing?.metadata ?? {},
    });
    const since = env.emu.log.lastSeq;
    const { output } = await reconcile({ scope: v1.vaultId, trigger: 'test' });
    expect(output.scope).toEqual({ kind: 'vault', vaultId: v1.vaultId.toLowerCase() });
    expect(output.summary).toMatchObject({ creates: 1, updates: 1, deletes: 0 });
    expect(allStand(env, expectedRecords(env, v1.vaultId))).toBe(true);
    expect([...env.writesByName(since)]).toEqual(
      expect.arrayContaining([
        [lost, 1],
        [tampered, 1],
      ]),
    );
    expect(env.writesByName(since).size).toBe(2);
  });

  it('garbage-collects owned orphans and never touches foreign records', async () => {
    const zoneId = env.dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, BLOB_ZONE);
    const ghost = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-ghost`;
    env.dns.putARecordSet(zoneId, {
      name: 'orphanpod01ecs1',
      ipv4Addresses: ['10.12.0.77'],
      ttl: 10,
      metadata: encodeOwnership('plds-test', [ghost]),
    });
    env.dns.putARecordSet(zoneId, { name: 'handmade', ipv4Addresses: ['10.12.0.78'] });
    env.dns.putARecordSet(zoneId, {
      name: 'otherowner',
      ipv4Addresses: ['10.12.0.79'],
      metadata: encodeOwnership('someone-else', [ghost]),
    });
    const dry = await reconcile({ scope: 'all', dryRun: true, trigger: 'test' });
    expect(dry.output.plan?.deletes.map((d) => d.name)).toEqual(['orphanpod01ecs1']);
    expect(env.records(BLOB_ZONE).has('orphanpod01ecs1')).toBe(true);

    const { output } = await reconcile({ scope: 'all', trigger: 'test' });
    expect(output.applied?.deleted).toBe(1);
    const blob = env.records(BLOB_ZONE);
    expect(blob.has('orphanpod01ecs1')).toBe(false);
    expect(blob.get('handmade')?.ips).toEqual(['10.12.0.78']);
    expect(blob.get('otherowner')?.metadata.pldsowner).toBe('someone-else');
  });

  it('upsert-only never deletes, even an owned orphan', async () => {
    const zoneId = env.dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, BLOB_ZONE);
    const ghost = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-ghost2`;
    env.dns.putARecordSet(zoneId, {
      name: 'orphan2',
      ipv4Addresses: ['10.12.0.80'],
      ttl: 10,
      metadata: encodeOwnership('plds-test', [ghost]),
    });
    const { output } = await reconcile({ scope: 'all', policy: 'upsert-only', trigger: 'test' });
    expect(output.policy).toBe('upsert-only');
    expect(output.summary.deletes).toBe(0);
    expect(output.skips.some((s) => s.code === 'policy' && s.name === 'orphan2')).toBe(true);
    expect(env.records(BLOB_ZONE).has('orphan2')).toBe(true);
  });

  it('refuses a subscription that is not a configured spoke', async () => {
    const { status, output } = await reconcile({
      scope: { kind: 'subscription', subscriptionId: HUB_SUBSCRIPTION },
      trigger: 'test',
    });
    expect(status).toBe('Failed');
    expect(JSON.stringify(output)).toContain('not one of SPOKE_SUBSCRIPTION_IDS');
    expect(env.telemetry(TELEMETRY_EVENTS.orchestrationFailed).at(-1)?.properties.orchestration).toBe(
      'reconcile',
    );
  });
});
