/**
 * `POST /api/resync`, `GET /api/resync/{id}` and `GET /api/health[/details]` on the local host against the ARM
 * emulator: validation (400 with field errors, 413), dry run (plans, writes nothing: emulator counters), apply,
 * foreign records untouched, the app's own status URL (no system key), health 200 and 503 with a bad
 * configuration, the anonymous answer without details, one cached check however often health is called, no
 * retries on 429, and a check that runs out of time.
 */
import { waitUntil } from '../../local/stack';
import { FOREIGN_RECORD, HUB, HUB_RG, SPOKE, SPOKE_RG, SPOKE_SUBNET_ID } from '../../demo/estate';
import { createBackupEndpoint, createVault, missingEntries } from '../../demo/mission';
import { startDemoStack, type DemoStack } from '../../demo/stack';
import { HEALTH_ZONES, runHealthChecks } from '../../src/flows/health/health';
import { loadRuntime } from '../../src/durable/runtime';

let stack: DemoStack;

beforeAll(async () => {
  // No Event Grid subscription: endpoints appear in ARM without the app hearing of them (drift to repair).
  stack = await startDemoStack({ subscribe: false });
});

afterAll(async () => {
  await stack?.stop();
});

interface ResyncAccepted {
  id: string;
  statusUri: string;
}

async function runResync(body: unknown): Promise<{ runtimeStatus: string; output: Record<string, unknown> }> {
  const started = await stack.api('POST', 'resync', JSON.stringify(body));
  expect(started.status).toBe(202);
  const accepted = started.json as ResyncAccepted;
  expect(Object.keys(accepted).sort()).toEqual(['id', 'statusUri']);
  expect(accepted.statusUri).toBe(`${stack.host.baseUrl}/api/resync/${accepted.id}`);
  return waitUntil(
    `resync ${accepted.id}`,
    async () => {
      const answer = await stack.api('GET', `resync/${accepted.id}`);
      const status = answer.json as { runtimeStatus: string; output: Record<string, unknown> };
      return ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus) ? status : undefined;
    },
    30_000,
  );
}

const writeOps = () =>
  stack.emu.log.count('RecordSets_CreateOrUpdate') +
  stack.emu.log.count('RecordSets_Delete') +
  stack.emu.log.count('RecordSets_Update');

describe('POST /api/resync', () => {
  it.each([
    ['not JSON', '{scope:', ['(body)']],
    ['an unknown scope string', JSON.stringify({ scope: 'everything' }), ['scope']],
    [
      'a scope with two targets',
      JSON.stringify({ scope: { subscriptionIds: [SPOKE], vaultId: '/x' } }),
      ['scope'],
    ],
    [
      'a subscription that is not a spoke',
      JSON.stringify({ scope: { subscriptionIds: ['00000000-0000-4000-8000-00000000dead'] } }),
      ['scope.subscriptionIds.0'],
    ],
    [
      'a malformed subscription id',
      JSON.stringify({ scope: { subscriptionIds: ['sub-1'] } }),
      ['scope.subscriptionIds.0'],
    ],
    [
      'wrong types',
      JSON.stringify({ scope: 'all', dryRun: 'yes', policy: 'all-of-it', adopt: 'no' }),
      ['adopt', 'dryRun', 'policy'],
    ],
    ['unknown fields', JSON.stringify({ scope: 'all', dryrun: true }), ['(body)']],
    ['a JSON array', JSON.stringify([{ scope: 'all' }]), ['(body)']],
  ])('answers 400 with field errors for %s', async (_name, body, fields) => {
    const answer = await stack.api('POST', 'resync', body);
    expect(answer.status).toBe(400);
    const error = (answer.json as { error: { code: string; fields: { field: string; message: string }[] } })
      .error;
    expect(error.code).toBe('InvalidRequest');
    expect([...new Set(error.fields.map((f) => f.field))].sort()).toEqual(fields);
    for (const f of error.fields) expect(f.message.length).toBeGreaterThan(0);
  });

  it('answers 413 for a huge body and 401 without a key', async () => {
    const huge = JSON.stringify({ scope: 'all', padding: 'x'.repeat(70_000) });
    expect((await stack.api('POST', 'resync', huge)).status).toBe(413);
    const noKey = await fetch(`${stack.host.baseUrl}/api/resync`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
  });

  it('answers with its own status URL only: no system key, no management URLs', async () => {
    const started = await stack.api('POST', 'resync', JSON.stringify({ scope: 'all', dryRun: true }));
    expect(started.status).toBe(202);
    const systemKey = stack.host.keys.system.durabletask_extension;
    expect(started.text).not.toContain(systemKey);
    expect(started.text).not.toMatch(/raiseEvent|terminate|runtime\/webhooks|code=/i);
    const { id, statusUri } = started.json as ResyncAccepted;
    // The status URL needs the function key, and answers for resync runs only.
    expect((await fetch(statusUri)).status).toBe(401);
    const status = await stack.api('GET', `resync/${id}`);
    expect([200, 202]).toContain(status.status);
    expect(Object.keys(status.json as object).sort()).toEqual(
      ['createdTime', 'customStatus', 'id', 'lastUpdatedTime', 'output', 'runtimeStatus'].sort(),
    );
    expect(status.text).not.toContain(systemKey);
    for (const other of [
      'sync-0123',
      'resync-not-a-uuid',
      `resync-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
    ]) {
      expect((await stack.api('GET', `resync/${other}`)).status).toBe(404);
    }
  });

  it('plans without writing on a dry run, then applies, leaving foreign records alone', async () => {
    const vaultId = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-http');
    await createBackupEndpoint(stack, {
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      subnetId: SPOKE_SUBNET_ID,
      name: 'pe-http',
      vaultId,
    });
    stack.backup.discover(vaultId);
    const entries = stack.backup.dnsEntries(vaultId);
    expect(missingEntries(stack, entries)).toHaveLength(entries.length);
    const foreignZoneId = stack.privateDns.zoneId(HUB, HUB_RG, FOREIGN_RECORD.zone);
    const foreignBefore = stack.privateDns.getRecordSet(foreignZoneId, 'A', FOREIGN_RECORD.name);

    const writesBefore = writeOps();
    const dry = await runResync({ scope: { subscriptionIds: [SPOKE] }, dryRun: true });
    expect(dry.runtimeStatus).toBe('Completed');
    expect(dry.output).toMatchObject({
      dryRun: true,
      scope: { kind: 'subscription', subscriptionId: SPOKE },
    });
    expect((dry.output.summary as { creates: number }).creates).toBe(entries.length);
    expect(dry.output.plan).toBeDefined();
    expect(writeOps()).toBe(writesBefore);
    expect(missingEntries(stack, entries)).toHaveLength(entries.length);

    const applied = await runResync({ scope: 'all' });
    expect(applied.runtimeStatus).toBe('Completed');
    expect((applied.output.applied as { created: number }).created).toBe(entries.length);
    expect(missingEntries(stack, entries)).toEqual([]);
    for (const e of entries) {
      expect(await stack.resolver.resolve4(`${e.recordName}.${e.zone}`)).toEqual([e.ip]);
    }

    // Nothing drifted: a second run writes nothing. The hand-made record was never touched.
    const writesAfterApply = writeOps();
    const again = await runResync({ scope: 'all' });
    expect(again.output.summary as { creates: number; updates: number; deletes: number }).toMatchObject({
      creates: 0,
      updates: 0,
      deletes: 0,
    });
    expect(writeOps()).toBe(writesAfterApply);
    const foreignAfter = stack.privateDns.getRecordSet(foreignZoneId, 'A', FOREIGN_RECORD.name);
    expect(foreignAfter?.etag).toBe(foreignBefore?.etag);
    expect(foreignAfter?.properties).toEqual(foreignBefore?.properties);
  });
});

describe('GET /api/health', () => {
  const anonymous = async (target: DemoStack) => {
    const response = await fetch(`${target.host.baseUrl}/api/health`);
    return { status: response.status, json: await response.json() };
  };
  const zoneReads = (target: DemoStack) => target.emu.log.count('PrivateZones_Get');

  it('answers anonymous callers with the status only; the checks need the function key', async () => {
    const answer = await anonymous(stack);
    expect(answer).toEqual({ status: 200, json: { status: 'healthy' } });
    expect((await fetch(`${stack.host.baseUrl}/api/health/details`)).status).toBe(401);
    const details = await stack.api('GET', 'health/details');
    expect(details.status).toBe(200);
    const body = details.json as { status: string; checks: { name: string; ok: boolean }[] };
    expect(body.status).toBe('healthy');
    expect(body.checks.map((c) => c.name)).toEqual([
      'configuration',
      'identity',
      'zone:privatelink.blob.core.windows.net',
      'zone:privatelink.queue.core.windows.net',
    ]);
  });

  it('reads each zone at most once per minute however often it is called', async () => {
    const before = zoneReads(stack);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0 ? anonymous(stack) : stack.api('GET', 'health/details'),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // At most one fresh check (the earlier test's may still be served): one read per zone, or none.
    expect(zoneReads(stack) - before).toBeLessThanOrEqual(HEALTH_ZONES.length);
  });

  it('makes one attempt per zone: a 429 is reported, never retried', async () => {
    const throttled = await startDemoStackAfter(stack, {});
    throttled.emu.faults.configure({
      rules: [{ name: 'zone-429', match: { operationId: 'PrivateZones_Get' }, errorRate: 1, errors: [429] }],
    });
    const answer = await throttled.api('GET', 'health/details');
    expect(answer.status).toBe(503);
    const checks = (answer.json as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
    expect(checks.filter((c) => c.name.startsWith('zone:')).map((c) => c.detail)).toEqual([
      expect.stringMatching(/TooManyRequests \(429\)/),
      expect.stringMatching(/TooManyRequests \(429\)/),
    ]);
    expect(zoneReads(throttled)).toBe(HEALTH_ZONES.length);
    // More probes within the minute answer from that check.
    for (let i = 0; i < 10; i++) expect((await anonymous(throttled)).status).toBe(503);
    expect(zoneReads(throttled)).toBe(HEALTH_ZONES.length);
    expect(throttled.emu.faults.snapshot().injected).toEqual({ 'zone-429': HEALTH_ZONES.length });
  });

  it('a check that runs out of time reports it and cancels its requests (AbortSignal.timeout)', async () => {
    stack.emu.faults.configure({
      rules: [
        {
          name: 'slow-zone',
          match: { operationId: 'PrivateZones_Get' },
          latency: { distribution: 'fixed', ms: 1500 },
        },
      ],
    });
    try {
      const loaded = loadRuntime();
      if (!loaded.ok) throw loaded.error;
      const before = zoneReads(stack);
      const checks = await runHealthChecks(loaded.runtime, { timeoutMs: 100 });
      expect(checks.filter((c) => c.name.startsWith('zone:'))).toEqual([
        expect.objectContaining({ ok: false, detail: 'no answer within 100 ms (request cancelled)' }),
        expect.objectContaining({ ok: false, detail: 'no answer within 100 ms (request cancelled)' }),
      ]);
      // The slow requests finish on the emulator's side later; none is sent again.
      await waitUntil(
        'the slow reads to reach the log',
        () => zoneReads(stack) - before >= HEALTH_ZONES.length,
      );
      expect(zoneReads(stack) - before).toBe(HEALTH_ZONES.length);
    } finally {
      stack.emu.faults.reset();
    }
  });

  it('is unhealthy (503) when a hub zone is missing', async () => {
    const other = await startDemoStackAfter(stack, {
      HUB_ZONE_OVERRIDES: 'privatelink.queue.core.windows.net=rg-elsewhere',
    });
    expect(await anonymous(other)).toEqual({ status: 503, json: { status: 'unhealthy' } });
    const answer = await other.api('GET', 'health/details');
    expect(answer.status).toBe(503);
    const checks = (answer.json as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
    expect(checks.find((c) => c.name === 'zone:privatelink.queue.core.windows.net')).toMatchObject({
      ok: false,
    });
    expect(checks.find((c) => c.name === 'zone:privatelink.blob.core.windows.net')).toMatchObject({
      ok: true,
    });
  });

  it('is unhealthy (503) and names the setting when the configuration is invalid', async () => {
    const broken = await startDemoStackAfter(stack, {
      HUB_SUBSCRIPTION_ID: 'not-a-guid',
      SPOKE_SUBSCRIPTION_IDS: '',
    });
    // Anonymous callers learn that it is unhealthy, not why.
    expect(await anonymous(broken)).toEqual({ status: 503, json: { status: 'unhealthy' } });
    const answer = await broken.api('GET', 'health/details');
    expect(answer.status).toBe(503);
    const check = (answer.json as { checks: { name: string; ok: boolean; settings: string[] }[] }).checks[0];
    expect(check).toMatchObject({ name: 'configuration', ok: false });
    expect(check?.settings.sort()).toEqual(['HUB_SUBSCRIPTION_ID', 'SPOKE_SUBSCRIPTION_IDS']);
    // The other endpoints say so too instead of failing.
    expect((await broken.api('POST', 'resync', '{}')).status).toBe(503);
  });

  it.each([
    [
      'an unresolved Key Vault reference',
      '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s)',
    ],
    ['an empty secret', ''],
    ['a secret of 31 bytes', 'x'.repeat(31)],
  ])('is unhealthy (503) and approvals answer 503 with %s as the approval secret', async (_what, secret) => {
    const weak = await startDemoStackAfter(stack, { APPROVAL_WEBHOOK_SECRET: secret });
    expect(await anonymous(weak)).toEqual({ status: 503, json: { status: 'unhealthy' } });
    const details = await weak.api('GET', 'health/details');
    const check = (details.json as { checks: { settings: string[]; detail: string }[] }).checks[0];
    expect(check?.settings).toEqual(['APPROVAL_WEBHOOK_SECRET']);
    if (secret !== '') expect(details.text).not.toContain(secret);
    const writesBefore = weak.emu.log.list().filter((e) => e.method !== 'GET').length;
    // A request signed with the public reference text (or the weak value) gets nowhere.
    const answer = await weak.approve(
      'c1',
      { connectionId: 'c1', decision: 'Approved', reason: 'x', approver: 'a' },
      { secret: secret === '' ? 'x' : secret },
    );
    expect(answer.status).toBe(503);
    expect(weak.emu.log.list().filter((e) => e.method !== 'GET').length).toBe(writesBefore);
  });
});

/** Stops the shared stack (one host per process at a time: settings are process env) and starts another. */
async function startDemoStackAfter(
  previous: DemoStack,
  settings: Record<string, string>,
): Promise<DemoStack> {
  await previous.stop();
  const next = await startDemoStack({ subscribe: false, settings });
  stack = next;
  return next;
}
