import { EntityId } from 'durable-functions';
import { startLocalHost, type LocalHost } from '../../host';
import { sampleFlags } from '../fixtures/sampleApp';
import { SAMPLE_APP, executions, realClient, tempDir } from '../helpers/host';

const quiet = () => undefined;

describe('local host: durable patterns through the real replay (fast time)', () => {
  let host: LocalHost;
  const logDir = tempDir('sample-log-');

  beforeAll(async () => {
    host = await startLocalHost({
      appEntry: SAMPLE_APP,
      stateDir: tempDir('host-state-'),
      settings: { SAMPLE_LOG_DIR: logDir, SAMPLE_SCHEDULE: '0 0 3 * * *' },
      timeMode: 'fast',
      runTimerTriggers: false,
      log: quiet,
    });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('fans out activities and retries a flaky one (callActivityWithRetry)', async () => {
    const client = realClient(host);
    const id = await client.startNew('fanOut', {
      instanceId: 'fan-1',
      input: { items: ['x', 'y', 'z'], flakyKey: 'k1' },
    });
    expect(id).toBe('fan-1');
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ results: ['X', 'Y', 'Z'], retried: 'ok after 2 failures' });
    expect(status.customStatus).toEqual({ stage: 'done' });
    expect(executions(logDir).filter((l) => l.startsWith('flaky:k1'))).toHaveLength(3);
    const viaClient = await client.getStatus(id);
    expect(viaClient.runtimeStatus).toBe('Completed');
    expect(viaClient.output).toEqual(status.output);
  });

  it('runs the activities of a fan-out concurrently, and different instances side by side', async () => {
    const client = realClient(host);
    const a = await client.startNew('concurrent', { input: { key: 'b1', size: 4 } });
    const b = await client.startNew('concurrent', { input: { key: 'b2', size: 3 } });
    const [sa, sb] = await Promise.all([
      host.durable.waitForCompletion(a, 20000),
      host.durable.waitForCompletion(b, 20000),
    ]);
    expect(sa.runtimeStatus).toBe('Completed');
    expect(sb.runtimeStatus).toBe('Completed');
    expect((sa.output as number[]).every((n) => n === 4)).toBe(true);
  });

  it('binds the durable client into activities too', async () => {
    const id = await realClient(host).startNew('spawner', { input: 'spawned' });
    const spawnedId = (await host.durable.waitForCompletion(id, 20000)).output as string;
    const spawned = await host.durable.waitForCompletion(spawnedId, 20000);
    expect(spawned.output).toEqual({ results: ['SPAWNED'] });
  });

  it('keeps the history in the host format (PascalCase, numeric EventType)', () => {
    const status = host.durable.getStatus('fan-1', { showHistory: true });
    const history = status?.historyEvents ?? [];
    const types = history.map((e) => e.EventType);
    expect(types[0]).toBe(12); // OrchestratorStarted
    expect(types[1]).toBe(0); // ExecutionStarted
    expect(history.filter((e) => e.EventType === 4).map((e) => e.Name)).toEqual([
      'shout',
      'shout',
      'shout',
      'flaky',
      'flaky',
      'flaky',
    ]);
    // Retry back-off timers of the flaky activity.
    expect(history.filter((e) => e.EventType === 10)).toHaveLength(2);
    expect(types[types.length - 1]).toBe(1); // ExecutionCompleted
  });

  it('fails the instance when an activity throws, and lets orchestrators catch activity errors', async () => {
    const client = realClient(host);
    const failing = await client.startNew('failing');
    const failed = await host.durable.waitForCompletion(failing, 20000);
    expect(failed.runtimeStatus).toBe('Failed');
    expect(String(failed.output)).toContain('the activity exploded');

    const catching = await client.startNew('catching');
    const caught = await host.durable.waitForCompletion(catching, 20000);
    expect(caught.runtimeStatus).toBe('Completed');
    expect(caught.output).toBe("caught: Activity function 'boom' failed: the activity exploded ");
  });

  it('runs a timer loop on virtual time', async () => {
    const before = host.now();
    const id = await realClient(host).startNew('monitor', { input: { rounds: 3, intervalMinutes: 60 } });
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    const wakeUps = (status.output as string[]).map((t) => Date.parse(t));
    expect(wakeUps).toHaveLength(3);
    // Each wake-up is at or after its due time (the episode runs once the timer fired).
    expect(wakeUps[1]! - wakeUps[0]!).toBeGreaterThanOrEqual(3600_000);
    expect(wakeUps[2]! - wakeUps[1]!).toBeGreaterThanOrEqual(3600_000);
    expect(host.now() - before).toBeGreaterThanOrEqual(3 * 3600_000);
    expect(status.customStatus).toEqual({ round: 3 });
  });

  it('continues as new with a fresh history', async () => {
    const id = await realClient(host).startNew('countUp', {
      instanceId: 'count-1',
      input: { n: 0, limit: 4 },
    });
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(4);
    expect(status.input).toEqual({ n: 3, limit: 4 });
    const history = host.durable.getStatus(id, { showHistory: true })?.historyEvents ?? [];
    expect(history.filter((e) => e.EventType === 4)).toHaveLength(1);
  });

  it('calls and signals an entity whose state persists; the client reads and signals it too', async () => {
    const client = realClient(host);
    const id = await client.startNew('entityUser', { input: 'c1' });
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(6);

    const read = await client.readEntityState<number>(new EntityId('counter', 'c1'));
    expect(read.entityExists).toBe(true);
    expect(read.entityState).toBe(6);

    const res = await fetch(`${host.baseUrl}/api/counters/c1?by=4`, { method: 'POST' });
    expect(res.status).toBe(202);
    for (;;) {
      const body = (await (await fetch(`${host.baseUrl}/api/counters/c1`)).json()) as { value: number };
      if (body.value === 10) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const missing = (await (await fetch(`${host.baseUrl}/api/counters/none`)).json()) as { exists: boolean };
    expect(missing.exists).toBe(false);
  });

  it('runs sub-orchestrations and reports a failed child to the parent', async () => {
    const id = await realClient(host).startNew('parent');
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { child: string[]; failed: string[] };
    expect(output.child).toEqual(['SUB']);
    expect(output.failed).toHaveLength(1);
    expect(output.failed[0]).toContain('failing');
    expect(host.durable.listInstances().some((s) => s.instanceId.startsWith(`${id}:`))).toBe(true);
  });

  it('retries a failed sub-orchestration (callSubOrchestratorWithRetry)', async () => {
    const id = await realClient(host).startNew('retryingParent', { input: 'child-key' });
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('ok after 1 failures');
    const children = host.durable.listInstances({ instanceIdPrefix: `${id}:` });
    expect(children.map((c) => c.runtimeStatus).sort()).toEqual(['Completed', 'Failed']);
  });

  it('splits a timer longer than six days the way the library expects (long timers)', async () => {
    const id = await realClient(host).startNew('monitor', {
      input: { rounds: 1, intervalMinutes: 10 * 24 * 60 },
    });
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.runtimeStatus).toBe('Completed');
    const history = host.durable.getStatus(id, { showHistory: true })?.historyEvents ?? [];
    // Ten days: 3-day segments until at most 6 days remain, then the rest (3 + 3 + 4).
    const timers = history.filter((e) => e.EventType === 10);
    expect(timers).toHaveLength(3);
    expect(timers.every((t) => typeof t.FireAt === 'string')).toBe(true);
  });

  it('detects an orchestrator that no longer replays its history (nondeterminism)', async () => {
    sampleFlags.fickleTakesOtherPath = false;
    const id = await realClient(host).startNew('fickle');
    await host.durable.waitForStatus(
      id,
      () =>
        (host.durable.getStatus(id, { showHistory: true })?.historyEvents ?? []).some(
          (e) => e.EventType === 5,
        ),
      20000,
    );
    sampleFlags.fickleTakesOtherPath = true;
    try {
      expect(host.durable.raiseEvent(id, 'continue', {})).toBe('accepted');
      const status = await host.durable.waitForCompletion(id, 20000);
      expect(status.runtimeStatus).toBe('Failed');
      expect(String(status.output)).toContain('Non-deterministic');
      expect(host.durable.counters.nondeterminismFailures).toBeGreaterThan(0);
    } finally {
      sampleFlags.fickleTakesOtherPath = false;
    }
  });

  it('serves the status URLs of createCheckStatusResponse, list and terminate through a client function', async () => {
    const key = host.keys.host[0]!;
    const res = await fetch(`${host.baseUrl}/api/orchestrators/fanOut/http-1?code=${key}`, {
      method: 'POST',
      body: JSON.stringify({ items: ['q'] }),
    });
    expect(res.status).toBe(202);
    const links = (await res.json()) as { id: string; statusQueryGetUri: string; terminatePostUri: string };
    expect(links.id).toBe('http-1');
    expect(res.headers.get('location')).toBe(links.statusQueryGetUri);
    expect(
      links.statusQueryGetUri.startsWith(`${host.baseUrl}/runtime/webhooks/durabletask/instances/http-1?`),
    ).toBe(true);
    await host.durable.waitForCompletion('http-1', 20000);
    const statusRes = await fetch(links.statusQueryGetUri);
    expect(statusRes.status).toBe(200);
    expect(((await statusRes.json()) as { runtimeStatus: string; output: unknown }).output).toEqual({
      results: ['Q'],
    });
    // Without the system key the management URL is refused.
    expect((await fetch(links.statusQueryGetUri.replace(/code=[^&]+/, 'code=wrong'))).status).toBe(401);

    // Starting the same id again while it runs is a conflict; once finished it may be reused.
    const waiting = await realClient(host).startNew('resumable', { instanceId: 'wait-1' });
    await expect(realClient(host).startNew('resumable', { instanceId: waiting })).rejects.toThrow(/409/);
    const listed = (await (await fetch(`${host.baseUrl}/api/instances?status=Running`)).json()) as {
      id: string;
    }[];
    expect(listed.map((l) => l.id)).toContain('wait-1');
    expect(
      (
        await fetch(`${host.baseUrl}/api/instances/wait-1/terminate?reason=test&code=${key}`, {
          method: 'POST',
        })
      ).status,
    ).toBe(202);
    const terminated = await host.durable.waitForCompletion('wait-1', 20000);
    expect(terminated.runtimeStatus).toBe('Terminated');
    expect(terminated.output).toBe('test');
    expect(host.durable.raiseEvent('wait-1', 'Approval', { by: 'late' })).toBe('gone');
    await expect(realClient(host).getStatus('does-not-exist')).rejects.toThrow(/404/);
  });
});

describe('local host: human interaction on real time', () => {
  let host: LocalHost;

  beforeAll(async () => {
    host = await startLocalHost({
      appEntry: SAMPLE_APP,
      stateDir: tempDir('host-state-'),
      settings: { SAMPLE_SCHEDULE: '0 0 3 * * *' },
      timeMode: 'real',
      runTimerTriggers: false,
      log: quiet,
    });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('approval event wins the race against the 72-hour timer', async () => {
    const id = await realClient(host).startNew('approval', { instanceId: 'appr-1' });
    await host.durable.waitForStatus(id, (s) => s?.customStatus === 'waiting for approval', 20000);
    const res = await fetch(`${host.baseUrl}/api/approvals/${id}?by=alice&code=${host.keys.host[0]}`, {
      method: 'POST',
    });
    expect(res.status).toBe(202);
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.output).toEqual({ outcome: 'approved', by: 'alice' });
  });

  it('the timer wins when time passes without approval', async () => {
    const id = await realClient(host).startNew('approval', { instanceId: 'appr-2' });
    await host.durable.waitForStatus(id, (s) => s?.customStatus === 'waiting for approval', 20000);
    expect(host.durable.getStatus(id)?.runtimeStatus).toBe('Running');
    host.advanceTime(73 * 3600_000);
    const status = await host.durable.waitForCompletion(id, 20000);
    expect(status.output).toEqual({ outcome: 'timed out' });
  });
});
