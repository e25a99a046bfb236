/**
 * `POST /api/resync` and `GET /api/health` on the local host against the ARM emulator: validation (400 with
 * field errors, 413), dry run (plans, writes nothing: emulator counters), apply, foreign records untouched,
 * health 200 and 503 with a bad configuration.
 */
import {
  FOREIGN_RECORD,
  HUB,
  HUB_RG,
  SPOKE,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  createBackupEndpoint,
  createVault,
  missingEntries,
  startDemoStack,
  waitUntil,
  type DemoStack,
} from '../../local/demo';

let stack: DemoStack;

beforeAll(async () => {
  // No Event Grid subscription: endpoints appear in ARM without the app hearing of them (drift to repair).
  stack = await startDemoStack({ subscribe: false });
});

afterAll(async () => {
  await stack?.stop();
});

interface StatusLinks {
  id: string;
  statusQueryGetUri: string;
}

async function runResync(body: unknown): Promise<{ runtimeStatus: string; output: Record<string, unknown> }> {
  const started = await stack.api('POST', 'resync', JSON.stringify(body));
  expect(started.status).toBe(202);
  const links = started.json as StatusLinks;
  expect(links.statusQueryGetUri).toContain(links.id);
  return waitUntil(
    `resync ${links.id}`,
    async () => {
      const response = await fetch(links.statusQueryGetUri);
      const status = (await response.json()) as { runtimeStatus: string; output: Record<string, unknown> };
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
  it('is healthy with a valid configuration, identity and hub zones', async () => {
    const answer = await stack.api('GET', 'health');
    expect(answer.status).toBe(200);
    const body = answer.json as { status: string; checks: { name: string; ok: boolean }[] };
    expect(body.status).toBe('healthy');
    expect(body.checks.map((c) => c.name)).toEqual([
      'configuration',
      'identity',
      'zone:privatelink.blob.core.windows.net',
      'zone:privatelink.queue.core.windows.net',
    ]);
  });

  it('is unhealthy (503) when a hub zone is missing', async () => {
    const other = await startDemoStackAfter(stack, {
      HUB_ZONE_OVERRIDES: 'privatelink.queue.core.windows.net=rg-elsewhere',
    });
    try {
      const answer = await other.api('GET', 'health');
      expect(answer.status).toBe(503);
      const checks = (answer.json as { checks: { name: string; ok: boolean; detail: string }[] }).checks;
      expect(checks.find((c) => c.name === 'zone:privatelink.queue.core.windows.net')).toMatchObject({
        ok: false,
      });
      expect(checks.find((c) => c.name === 'zone:privatelink.blob.core.windows.net')).toMatchObject({
        ok: true,
      });
    } finally {
      await other.stop();
    }
  });

  it('is unhealthy (503) and names the setting when the configuration is invalid', async () => {
    const broken = await startDemoStackAfter(stack, {
      HUB_SUBSCRIPTION_ID: 'not-a-guid',
      SPOKE_SUBSCRIPTION_IDS: '',
    });
    try {
      const answer = await broken.api('GET', 'health');
      expect(answer.status).toBe(503);
      const check = (answer.json as { checks: { name: string; ok: boolean; settings: string[] }[] })
        .checks[0];
      expect(check).toMatchObject({ name: 'configuration', ok: false });
      expect(check?.settings.sort()).toEqual(['HUB_SUBSCRIPTION_ID', 'SPOKE_SUBSCRIPTION_IDS']);
      // The other endpoints say so too instead of failing.
      expect((await broken.api('POST', 'resync', '{}')).status).toBe(503);
    } finally {
      await broken.stop();
    }
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
