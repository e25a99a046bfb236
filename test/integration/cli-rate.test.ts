/**
 * `sync` of 500 records into one zone under the emulator's real Azure limits (Private DNS: 60 writes per zone per
 * minute; ARM's per-subscription buckets), with emulated time running 100x faster so the test takes seconds.
 * The proof comes from the emulator's own request log, in emulated time.
 */
import { BLOB_ZONE, createBulkEndpoints, maxWritesPerWindow, startFixture } from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';
import { operatorEnvironment, runCli } from '../helpers/cli';

const RECORDS = 500;
const TIME_SCALE = 100;

describe('sync under real-rate limits (time-scaled)', () => {
  let fx: Fixture;
  let env: ReturnType<typeof operatorEnvironment>;

  beforeAll(async () => {
    fx = await startFixture({ timeScale: TIME_SCALE });
    env = operatorEnvironment(fx);
    createBulkEndpoints(fx, RECORDS);
  });
  afterAll(async () => {
    env.restore();
    await fx.emu.stop();
  });

  it('writes 500 records into one zone without a failure and without exceeding 60 writes per zone-minute', async () => {
    fx.emu.log.reset();
    const result = await runCli('sync', ...env.flags, '--output', 'json', '--time-scale', String(TIME_SCALE));
    expect(result.err).toBe('');
    const { report } = JSON.parse(result.out) as {
      report: { created: number; failures: unknown[]; throttled: number };
    };
    expect(result.code).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.created).toBe(RECORDS);
    expect(fx.dns.listRecordSets(fx.zoneId(BLOB_ZONE), 'A')).toHaveLength(RECORDS);

    const writes = maxWritesPerWindow(fx, ['RecordSets_CreateOrUpdate']);
    expect(writes.total).toBe(RECORDS);
    expect(writes.max).toBeLessThanOrEqual(60);
    // Every 429 the emulator sent was absorbed (counted and retried), none lost.
    expect(report.throttled).toBe(writes.throttled);
  });
});
