/**
 * syncEndpoint / removeEndpoint on the local host (real durable-functions replay) against the ARM emulator
 * (real SDK clients, real DefaultAzureCredential through the emulator's managed-identity endpoint).
 */
import { waitUntil } from '../../local/stack';
import { NetworkManagementClient } from '@azure/arm-network';
import { encodeOwnership } from '../../src/core/ownership';
import { TELEMETRY_EVENTS } from '../../src/core/telemetry';
import { ORCHESTRATIONS, syncInstanceId } from '../../src/orchestrations';
import type { SyncEndpointInput, SyncEndpointOutput } from '../../src/orchestrations';
import {
  BACKUP_ZONE,
  BLOB_ZONE,
  HUB_RG,
  HUB_SUBSCRIPTION,
  QUEUE_ZONE,
  SPOKE_RG,
  SPOKE_SUBSCRIPTION,
  allStand,
  createVaultWithEndpoint,
  expectedRecords,
  startOrchestrationEnv,
} from './orchestration-helpers';
import type { OrchestrationTestEnv } from './orchestration-helpers';

describe('syncEndpoint on the local host against the ARM emulator', () => {
  let env: OrchestrationTestEnv;
  let network: NetworkManagementClient;

  beforeAll(async () => {
    env = await startOrchestrationEnv();
    network = new NetworkManagementClient(env.emu.credential(), SPOKE_SUBSCRIPTION, env.emu.clientOptions());
  });

  afterAll(async () => {
    await env.stop();
  });

  async function start(endpointId: string, extra: Partial<SyncEndpointInput> = {}): Promise<string> {
    const instanceId = syncInstanceId(endpointId);
    const input: SyncEndpointInput = {
      endpointId,
      trigger: 'event',
      eventTime: new Date().toISOString(),
      ...extra,
    };
    await env.host.durable.startNew(ORCHESTRATIONS.syncEndpoint, { instanceId, input });
    return instanceId;
  }

  /** Runs the Backup watch once and lets the instances it started or signalled settle. */
  async function watchRun(): Promise<void> {
    await env.host.runTimerNow('backupWatch');
  }

  async function completed(instanceId: string): Promise<SyncEndpointOutput> {
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect(done.runtimeStatus).toBe('Completed');
    return done.output as SyncEndpointOutput;
  }

  it('Backup v1: the first vault records at once; the other roles and the _ecs and _prot storage endpoints, all silent, through the Backup watch', async () => {
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'v1');
    const instanceId = await start(endpointId);
    // A new vault endpoint shows two roles (rec2, id1).
    expect((await completed(instanceId)).written).toBe(2);

    const backupRecords = env.records(BACKUP_ZONE);
    expect(backupRecords.size).toBe(2);
    expect(allStand(env, expectedRecords(env, vaultId))).toBe(true);
    for (const record of backupRecords.values()) {
      expect(record.metadata.pldsowner).toBe('plds-test');
      expect(record.metadata.pldsep0).toBe(`${SPOKE_SUBSCRIPTION}/${SPOKE_RG}/pe-v1`.toLowerCase());
    }
    expect(env.records(BLOB_ZONE).size).toBe(0);

    // Discovery brings the other six roles and creates <pe>_ecs_blob and <pe>_ecs_queue. No event reaches the
    // app (this test delivers none): the Backup watch finds the vault endpoint changed and the siblings new.
    const discovered = env.backup.discover(vaultId);
    expect(discovered.createdEndpoints).toHaveLength(2);
    await watchRun();
    await waitUntil(
      'roles and ecs storage records',
      () => allStand(env, expectedRecords(env, vaultId)),
      30_000,
    );
    expect(env.records(BACKUP_ZONE).size).toBe(8);
    expect(env.records(BLOB_ZONE).size).toBe(1);
    expect(env.records(QUEUE_ZONE).size).toBe(1);
    // The storage records belong to the sibling endpoints that publish them.
    const blobOwner = [...env.records(BLOB_ZONE).values()][0]?.metadata.pldsep0;
    expect(blobOwner).toBe(`${SPOKE_SUBSCRIPTION}/${SPOKE_RG}/pe-v1_ecs_blob`.toLowerCase());

    // The first backup creates <pe>_prot_blob; the next watch run writes it.
    env.backup.firstBackup(vaultId);
    await watchRun();
    await waitUntil('prot storage record', () => allStand(env, expectedRecords(env, vaultId)), 30_000);
    expect(env.records(BLOB_ZONE).size).toBe(2);

    // The records stand before the activity returns and the orchestrator logs them: wait for the log too.
    const blobWrites = () =>
      env.telemetry(TELEMETRY_EVENTS.recordWritten).filter((t) => t.properties.zone === BLOB_ZONE).length;
    await waitUntil('RecordWritten for both blob records', () => blobWrites() >= 2, 30_000);
    const written = env.telemetry(TELEMETRY_EVENTS.recordWritten);
    expect(written.filter((t) => t.properties.zone === BACKUP_ZONE)).toHaveLength(8);
    expect(written.filter((t) => t.properties.zone === BLOB_ZONE)).toHaveLength(2);
    expect(written.some((t) => typeof t.properties.latencyMs === 'number')).toBe(true);

    // A watch run over an estate where nothing changed starts nothing and reads only Resource Graph.
    const since = env.emu.log.lastSeq;
    await watchRun();
    const calls = env.emu.log.list({ sinceSeq: since }).map((e) => e.operationId);
    expect(calls).toEqual(['Resources']);
  });

  it('Backup v2: FQDNs the vault endpoint NIC gains later are caught by the Backup watch without any event', async () => {
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'v2', { experience: 'v2' });
    await completed(await start(endpointId));
    expect(allStand(env, expectedRecords(env, vaultId))).toBe(true);

    const blobBefore = env.records(BLOB_ZONE).size;
    env.backup.discover(vaultId);
    await watchRun();
    await waitUntil('v2 roles and ecs records', () => allStand(env, expectedRecords(env, vaultId)), 30_000);

    env.backup.firstBackup(vaultId);
    await watchRun();
    await waitUntil('v2 prot record', () => allStand(env, expectedRecords(env, vaultId)), 30_000);
    expect(env.records(BLOB_ZONE).size).toBe(blobBefore + 2);
    // Storage records of a v2 vault belong to the vault endpoint itself (no sibling endpoints).
    const owners = [...env.records(BLOB_ZONE).values()].map((r) => r.metadata.pldsep0);
    expect(owners).toContain(`${SPOKE_SUBSCRIPTION}/${SPOKE_RG}/pe-v2`.toLowerCase());
  });

  it('leaves a foreign record standing where it wants one and reports the conflict', async () => {
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'fr', { experience: 'v2' });
    const wanted = [...(expectedRecords(env, vaultId).get(BACKUP_ZONE) ?? new Map<string, string>()).keys()];
    const taken = wanted[0] ?? '';
    const zoneId = env.dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, BACKUP_ZONE);
    env.dns.putARecordSet(zoneId, { name: taken, ipv4Addresses: ['192.0.2.10'], metadata: { team: 'dns' } });
    const foreignBefore = env.records(BACKUP_ZONE).get(taken);

    await completed(await start(endpointId));
    const after = env.records(BACKUP_ZONE);
    expect(after.get(taken)).toEqual(foreignBefore);
    for (const name of wanted.slice(1)) expect(after.get(name)?.metadata.pldsowner).toBe('plds-test');
    const conflicts = env
      .telemetry(TELEMETRY_EVENTS.conflictDetected)
      .filter((t) => t.properties.recordName === taken);
    expect(conflicts[0]?.properties.reason).toBe('foreign-record');
    expect(env.writesByName().get(taken)).toBeUndefined();
  });

  it('a deleted endpoint loses only its own records: shared records keep their other owner, foreign ones stay', async () => {
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'del', { experience: 'v2' });
    env.backup.discover(vaultId); // all eight roles, so some records are its own alone
    await completed(await start(endpointId));
    const mine = [...(expectedRecords(env, vaultId).get(BACKUP_ZONE) ?? new Map<string, string>()).keys()];
    expect(mine.length).toBeGreaterThan(2);

    // One record is shared with another endpoint; a foreign record stands in the same zone.
    const zoneId = env.dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, BACKUP_ZONE);
    const shared = mine[0] ?? '';
    const other = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-other`;
    const sharedRecord = env.records(BACKUP_ZONE).get(shared);
    env.dns.putARecordSet(zoneId, {
      name: shared,
      ipv4Addresses: sharedRecord?.ips ?? [],
      ttl: 10,
      metadata: encodeOwnership('plds-test', [endpointId, other]),
    });
    env.dns.putARecordSet(zoneId, { name: 'legacy-app', ipv4Addresses: ['10.9.9.9'] });
    const foreignBefore = env.records(BACKUP_ZONE).get('legacy-app');

    await network.privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-del', { updateIntervalInMs: 10 });
    const output = await completed(await start(endpointId));
    expect(output.outcome).toBe('removed');
    expect(output.message).toContain('record(s) deleted');

    const after = env.records(BACKUP_ZONE);
    for (const name of mine.slice(1)) expect(after.has(name)).toBe(false);
    expect(after.get(shared)?.metadata.pldsep0).toBe(
      `${SPOKE_SUBSCRIPTION}/${SPOKE_RG}/pe-other`.toLowerCase(),
    );
    expect(after.get(shared)?.metadata.pldsep1).toBeUndefined();
    expect(after.get('legacy-app')).toEqual(foreignBefore);
    // The v1 endpoint's records from the first test are untouched too.
    expect([...after.values()].filter((r) => r.metadata.pldsep0?.endsWith('/pe-v1'))).toHaveLength(8);
  });

  it('an endpoint the app never synced costs one read when it is gone: no zone scan (reconcile collects)', async () => {
    const { vaultId, endpointId } = createVaultWithEndpoint(env, 'scan', { experience: 'v2' });
    // Records written by someone else's run of this app (no index entry), e.g. an earlier reconcile.
    const zoneId = env.dns.zoneId(HUB_SUBSCRIPTION, HUB_RG, BACKUP_ZONE);
    const names = [...(expectedRecords(env, vaultId).get(BACKUP_ZONE) ?? new Map<string, string>())];
    for (const [name, ip] of names) {
      env.dns.putARecordSet(zoneId, {
        name,
        ipv4Addresses: [ip],
        ttl: 10,
        metadata: encodeOwnership('plds-test', [endpointId]),
      });
    }
    await network.privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-scan', { updateIntervalInMs: 10 });
    const since = env.emu.log.lastSeq;
    const output = await completed(await start(endpointId));
    expect(output.outcome).toBe('removed');
    expect(output.message).toContain('no records on file');
    expect(env.emu.log.list({ sinceSeq: since }).map((e) => e.operationId)).toEqual(['PrivateEndpoints_Get']);
    // The records stay until a reconcile, which lists every hub zone, finds them owned by no listed endpoint.
    const after = env.records(BACKUP_ZONE);
    for (const [name] of names) expect(after.has(name)).toBe(true);
  });

  it('does nothing for an endpoint outside the configured spoke subscriptions', async () => {
    const outside = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateEndpoints/pe-hub`;
    const since = env.emu.log.lastSeq;
    const instanceId = await start(outside);
    const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
    expect((done.output as SyncEndpointOutput).outcome).toBe('out-of-scope');
    expect(env.emu.log.list({ sinceSeq: since, operationId: 'PrivateEndpoints_Get' })).toEqual([]);
    const skipped = env
      .telemetry(TELEMETRY_EVENTS.recordSkipped)
      .filter((t) => t.properties.reason === 'out-of-scope');
    expect(skipped.map((t) => t.properties.endpointId)).toContain(outside.toLowerCase());
  });
});
