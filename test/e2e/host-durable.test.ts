import { startLocalHost, type LocalHost } from '../../local/host';
import { SAMPLE_APP, executions, realClient, tempDir } from './hostHelpers';

describe('local host: durable patterns through the real replay', () => {
  let host: LocalHost;
  const logDir = tempDir('sample-log-');

  beforeAll(async () => {
    host = await startLocalHost({
      appEntry: SAMPLE_APP,
      stateDir: tempDir('host-state-'),
      settings: { SAMPLE_LOG_DIR: logDir, SAMPLE_SCHEDULE: '0 0 3 * * *' },
      timeMode: 'fast',
      runTimerTriggers: false,
      log: () => undefined,
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
  });
});
