/**
 * applyPlan through the real @azure/arm-privatedns client against local/arm: conditional writes, a 412 race with a
 * concurrent writer, a 429 storm, injected 5xx and resets, foreign records, adoption, failures that name the Azure
 * code and resource id, and a second run that writes nothing.
 */
import { applyPlan } from '../../src/azure/applyPlan';
import { createAzurePorts } from '../../src/azure';
import { SlidingWindowPacer } from '../../src/azure/pacer';
import type { AzurePorts, ZoneRef } from '../../src/azure/ports';
import { planForResources } from '../../src/core/resourcePlan';
import { decodeOwnership } from '../../src/core/ownership';
import {
  BACKUP_ZONE,
  backupMembers,
  createEndpoint,
  HUB_RG,
  HUB_SUBSCRIPTION,
  SPOKE_SUBSCRIPTION,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';

const OWNER = 'test-owner';
const VAULT_NUMBER = '4444444444444444444';
const ROLES = ['fc1', 'fab1', 'prot1', 'rec2', 'ecs1', 'id1', 'tel1', 'wbcm1'];

describe('applyPlan against local/arm', () => {
  let fx: Fixture;
  let ports: AzurePorts;
  const locateZone = (zone: string): ZoneRef => ({
    subscriptionId: HUB_SUBSCRIPTION,
    resourceGroup: HUB_RG,
    zone,
  });
  const zoneRef = locateZone(BACKUP_ZONE);
  const fastRetries = { baseDelayMs: 1 };

  beforeAll(async () => {
    fx = await startFixture();
    ports = createAzurePorts(fx.clients);
    createEndpoint(fx, 'pe-backup', backupMembers(VAULT_NUMBER, ROLES), {
      target: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/rg-spoke/providers/Microsoft.Storage/storageAccounts/x`,
    });
  });
  afterAll(async () => {
    await fx.emu.stop();
  });
  beforeEach(() => {
    fx.emu.faults.reset();
    for (const rs of fx.dns.listRecordSets(fx.zoneId(BACKUP_ZONE), 'A'))
      fx.dns.deleteRecordSet(fx.zoneId(BACKUP_ZONE), 'A', rs.name);
    fx.emu.log.reset();
  });

  async function planNow(options: { adopt?: boolean } = {}) {
    const listing = await ports.endpoints.listScope({ subscriptionIds: [SPOKE_SUBSCRIPTION] });
    const current = await ports.records.listRecordSets(zoneRef);
    const planOptions = { ownerId: OWNER, ttl: 10, adopt: options.adopt ?? false };
    const { plan, desired } = planForResources(listing.resources, current, planOptions);
    return { plan, desired, planOptions };
  }

  function standing(): Map<string, { ips: string[]; metadata: Record<string, string>; etag: string }> {
    const out = new Map<string, { ips: string[]; metadata: Record<string, string>; etag: string }>();
    for (const rs of fx.dns.listRecordSets(fx.zoneId(BACKUP_ZONE), 'A')) {
      const props = rs.properties as {
        aRecords?: { ipv4Address: string }[];
        metadata?: Record<string, string>;
      };
      out.set(rs.name, {
        ips: (props.aRecords ?? []).map((a) => a.ipv4Address),
        metadata: props.metadata ?? {},
        etag: rs.etag ?? '',
      });
    }
    return out;
  }

  const writes = (): number =>
    fx.emu.log.count('RecordSets_CreateOrUpdate') +
    fx.emu.log.count('RecordSets_Delete') +
    fx.emu.log.count('RecordSets_Update');

  it('creates with If-None-Match, and a second run writes nothing', async () => {
    const first = await planNow();
    const report = await applyPlan(first.plan, { records: ports.records, locateZone });
    expect(report.created).toBe(ROLES.length);
    expect(report.failures).toEqual([]);
    expect(standing().size).toBe(ROLES.length);
    fx.emu.log.reset();
    const second = await planNow();
    expect(second.plan.hasChanges).toBe(false);
    const again = await applyPlan(second.plan, { records: ports.records, locateZone });
    expect(again.written).toBe(0);
    expect(again.unchanged).toBe(ROLES.length);
    expect(writes()).toBe(0);
  });

  it('re-reads and re-plans a record after a 412 from a concurrent writer, never overwriting it', async () => {
    const { plan, desired, planOptions } = await planNow();
    // Between plan and apply: one name is taken by a foreign record with other IPs, and another by a writer that
    // already wrote exactly what we want (e.g. a second instance of this app).
    const [foreignName, sameName] = [plan.creates[0]!.name, plan.creates[1]!.name];
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name: foreignName,
      ipv4Addresses: ['192.0.2.9'],
      ttl: 300,
    });
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name: sameName,
      ipv4Addresses: plan.creates[1]!.ips,
      ttl: 10,
      metadata: plan.creates[1]!.metadata,
    });
    const report = await applyPlan(plan, {
      records: ports.records,
      locateZone,
      replan: { desired, options: planOptions },
    });
    expect(report.replans).toBe(2);
    expect(report.failures).toEqual([]);
    expect(report.created).toBe(ROLES.length - 2);
    expect(report.conflicts.map((c) => c.name)).toEqual([foreignName]);
    expect(report.outcomes.find((o) => o.name === sameName)?.result).toBe('unchanged');
    const after = standing();
    expect(after.get(foreignName)?.ips).toEqual(['192.0.2.9']);
    expect(decodeOwnership(after.get(foreignName)?.metadata)).toBeUndefined();
    expect(
      fx.emu.log.list({ operationId: 'RecordSets_CreateOrUpdate' }).filter((e) => e.status === 412),
    ).toHaveLength(2);
  });

  it('updates with If-Match and answers a 412 on update by re-planning with the fresh etag', async () => {
    await applyPlan((await planNow()).plan, { records: ports.records, locateZone });
    const name = `${VAULT_NUMBER}-ab-pod01-fc1`;
    // Drift: our record now points elsewhere; a plan made now wants to update it back.
    const drifted = standing().get(name)!;
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name,
      ipv4Addresses: ['10.99.0.1'],
      ttl: 10,
      metadata: drifted.metadata,
    });
    const { plan, desired, planOptions } = await planNow();
    expect(plan.updates.map((u) => u.name)).toEqual([name]);
    // A concurrent writer bumps the etag again (same content) before we apply.
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name,
      ipv4Addresses: ['10.99.0.2'],
      ttl: 10,
      metadata: drifted.metadata,
    });
    const report = await applyPlan(plan, {
      records: ports.records,
      locateZone,
      replan: { desired, options: planOptions },
    });
    expect(report.replans).toBe(1);
    expect(report.updated).toBe(1);
    expect(standing().get(name)?.ips).toEqual(drifted.ips);
  });

  it('absorbs a 429 storm honouring Retry-After: nothing lost, every 429 counted', async () => {
    fx.emu.faults.configure({
      seed: 11,
      rules: [
        {
          name: 'storm',
          match: { operationId: 'RecordSets_CreateOrUpdate' },
          errorRate: 0.7,
          errors: [429],
          retryAfterSeconds: 0,
          maxErrors: 25,
        },
      ],
    });
    const { plan } = await planNow();
    const report = await applyPlan(plan, {
      records: ports.records,
      locateZone,
      pacer: new SlidingWindowPacer(),
      ...fastRetries,
    });
    const injected = fx.emu.log
      .list({ operationId: 'RecordSets_CreateOrUpdate' })
      .filter((e) => e.status === 429).length;
    expect(injected).toBeGreaterThan(0);
    expect(report.throttled).toBe(injected);
    expect(report.failures).toEqual([]);
    expect(report.created).toBe(ROLES.length);
    expect(standing().size).toBe(ROLES.length);
  });

  it('retries injected 500/503 and connection resets, then succeeds', async () => {
    fx.emu.faults.configure({
      seed: 5,
      rules: [
        {
          name: 'flaky',
          match: { operationId: 'RecordSets_CreateOrUpdate' },
          errorRate: 0.5,
          errors: [500, 503, 'reset'],
          retryAfterSeconds: 0,
          maxErrors: 6,
        },
      ],
    });
    const { plan } = await planNow();
    const report = await applyPlan(plan, { records: ports.records, locateZone, ...fastRetries });
    expect(report.retried).toBeGreaterThan(0);
    expect(report.failures).toEqual([]);
    expect(standing().size).toBe(ROLES.length);
  });

  it('reports a record that keeps failing with its Azure code and resource id, and writes the rest', async () => {
    fx.emu.faults.configure({
      seed: 1,
      rules: [
        {
          name: 'broken-one',
          match: { operationId: 'RecordSets_CreateOrUpdate', path: '-ab-pod01-fc1' },
          errorRate: 1,
          errors: [500],
        },
      ],
    });
    const { plan } = await planNow();
    const report = await applyPlan(plan, {
      records: ports.records,
      locateZone,
      maxAttempts: 3,
      ...fastRetries,
    });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      action: 'create',
      code: 'InternalServerError',
      statusCode: 500,
      name: `${VAULT_NUMBER}-ab-pod01-fc1`,
    });
    expect(report.failures[0]!.resourceId).toBe(
      `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/privateDnsZones/${BACKUP_ZONE}/A/${VAULT_NUMBER}-ab-pod01-fc1`,
    );
    expect(report.created).toBe(ROLES.length - 1);
  });

  it('leaves foreign records alone and adopts matching ones left by the manual scripts only when asked', async () => {
    const { plan: fresh } = await planNow();
    const [matching, different] = [fresh.creates[0]!, fresh.creates[1]!];
    // What CreateDNSEntries.ps1 leaves: plain A record sets, TTL 3600, no metadata.
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name: matching.name,
      ipv4Addresses: matching.ips,
      ttl: 3600,
    });
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name: different.name,
      ipv4Addresses: ['10.0.9.9'],
      ttl: 3600,
    });
    fx.dns.putARecordSet(fx.zoneId(BACKUP_ZONE), {
      name: 'unrelated',
      ipv4Addresses: ['10.0.8.8'],
      ttl: 3600,
    });
    const before = standing();

    const withoutAdopt = await planNow();
    expect(withoutAdopt.plan.adoptions).toEqual([]);
    await applyPlan(withoutAdopt.plan, { records: ports.records, locateZone });
    let after = standing();
    for (const name of [matching.name, different.name, 'unrelated'])
      expect(after.get(name)?.etag).toBe(before.get(name)?.etag);

    const withAdopt = await planNow({ adopt: true });
    expect(withAdopt.plan.adoptions.map((a) => a.name)).toEqual([matching.name]);
    const report = await applyPlan(withAdopt.plan, { records: ports.records, locateZone });
    expect(report.adopted).toBe(1);
    after = standing();
    expect(decodeOwnership(after.get(matching.name)?.metadata)?.ownerId).toBe(OWNER);
    expect(after.get(matching.name)?.ips).toEqual(matching.ips);
    expect(after.get(different.name)?.etag).toBe(before.get(different.name)?.etag);
    expect(after.get('unrelated')?.etag).toBe(before.get('unrelated')?.etag);
    expect(report.conflicts.map((c) => c.name)).toContain(different.name);
  });
});
