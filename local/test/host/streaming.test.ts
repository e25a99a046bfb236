import path from 'node:path';
import { startLocalHost, type LocalHost } from '../../host';
import { tempDir } from '../helpers/host';

describe('local host: apps that enable HTTP streaming', () => {
  let host: LocalHost;

  beforeAll(async () => {
    host = await startLocalHost({
      appEntry: path.resolve(__dirname, '../fixtures/streamingApp/index.ts'),
      stateDir: tempDir('host-stream-state-'),
      timeMode: 'fast',
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('forwards the request through the library proxy and returns its response', async () => {
    const res = await fetch(`${host.baseUrl}/api/echo/bird`, {
      method: 'POST',
      body: 'tweet',
      headers: { 'x-test': 'yes' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ word: 'bird', body: 'tweet', header: 'yes' });
  });

  it('answers 500 when the handler throws', async () => {
    expect((await fetch(`${host.baseUrl}/api/explode`)).status).toBe(500);
  });

  it('runs a durable starter and serves its status URL', async () => {
    const res = await fetch(`${host.baseUrl}/api/start/ann`, { method: 'POST' });
    expect(res.status).toBe(202);
    const links = (await res.json()) as { id: string; statusQueryGetUri: string };
    await host.durable.waitForCompletion(links.id, 20000);
    const status = (await (await fetch(links.statusQueryGetUri)).json()) as { output: string };
    expect(status.output).toBe('hello ann');
  });
});
