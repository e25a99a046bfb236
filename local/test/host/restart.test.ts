import fs from 'node:fs';
import path from 'node:path';
import { EntityId } from 'durable-functions';
import { startLocalHost, type LocalHost, type LocalHostOptions } from '../../host';
import { SAMPLE_APP, executions, realClient, tempDir } from '../helpers/host';

describe('local host: after a restart, persisted history resumes in-flight orchestrations', () => {
  const stateDir = tempDir('host-restart-state-');
  const logDir = tempDir('host-restart-log-');
  const options: LocalHostOptions = {
    appEntry: SAMPLE_APP,
    stateDir,
    settings: { SAMPLE_LOG_DIR: logDir, SAMPLE_SCHEDULE: '0 0 3 * * *' },
    timeMode: 'fast',
    runTimerTriggers: false,
    stopGraceMs: 0,
    log: () => undefined,
  };
  let second: LocalHost | undefined;

  afterAll(async () => {
    await second?.stop();
  });

  it('skips an unreadable state file with a logged message instead of crashing', async () => {
    const dir = tempDir('host-bad-state-');
    fs.mkdirSync(path.join(dir, 'instances'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'instances', 'broken.json'), '{ not json');
    const messages: string[] = [];
    const host = await startLocalHost({
      ...options,
      stateDir: dir,
      log: (_level, message) => messages.push(message),
    });
    try {
      expect(
        messages.some((m) => m.includes('Skipping unreadable state file') && m.includes('broken.json')),
      ).toBe(true);
      expect(host.durable.listInstances()).toEqual([]);
      // The file is left for inspection, not overwritten.
      expect(fs.readFileSync(path.join(dir, 'instances', 'broken.json'), 'utf8')).toBe('{ not json');
    } finally {
      await host.stop();
    }
  });

  it('completes after a restart without re-running completed activities', async () => {
    const first = await startLocalHost(options);
    let firstStopped = false;
    try {
      const client = realClient(first);
      await client.startNew('resumable', { instanceId: 'r-1' });
      await client.startNew('gated', { instanceId: 'g-1' });
      await client.startNew('entityUser', { instanceId: 'e-1', input: 'restart' });
      await first.durable.waitForStatus('r-1', (s) => s?.customStatus === 'waiting for go', 20000);
      await first.durable.waitForCompletion('e-1', 20000);
      // 'gated' is blocked inside its second activity when the host goes down.
      await first.durable.waitForStatus('g-1', () => executions(logDir).includes('gate:g1'), 20000);
      await first.stop();
      firstStopped = true;
    } finally {
      if (!firstStopped) await first.stop();
    }

    const file = path.join(stateDir, 'instances', 'r-1.json');
    const persisted = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      runtimeStatus: string;
      history: { EventType: number }[];
    };
    expect(persisted.runtimeStatus).toBe('Running');
    expect(persisted.history.filter((e) => e.EventType === 5)).toHaveLength(3);

    second = await startLocalHost(options);
    const client = realClient(second);
    expect((await client.getStatus('r-1')).runtimeStatus).toBe('Running');
    await client.raiseEvent('r-1', 'go', 'go');
    const resumed = await second.durable.waitForCompletion('r-1', 20000);
    expect(resumed.runtimeStatus).toBe('Completed');
    expect(resumed.output).toEqual(['A', 'B', 'C', 'GO']);

    fs.writeFileSync(path.join(logDir, 'gate'), 'open');
    const gated = await second.durable.waitForCompletion('g-1', 20000);
    expect(gated.output).toEqual(['BEFORE', 'passed g1']);

    const log = executions(logDir);
    // Completed activities ran exactly once across both hosts...
    for (const step of ['shout:a', 'shout:b', 'shout:c', 'shout:go', 'shout:before']) {
      expect(log.filter((l) => l === step)).toHaveLength(1);
    }
    // ...while the one that was running at the stop ran again (at-least-once, like the real host).
    expect(log.filter((l) => l === 'gate:g1')).toHaveLength(2);

    // Entity state survived the restart too.
    const counter = await client.readEntityState<number>(new EntityId('counter', 'restart'));
    expect(counter.entityState).toBe(6);
  });
});
