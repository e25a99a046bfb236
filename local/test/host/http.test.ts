import { startLocalHost, type LocalHost } from '../../host';
import { SAMPLE_APP, executions, tempDir } from '../helpers/host';

function gridEvent(id: string, subject: string) {
  return {
    id,
    topic: '/subscriptions/s1',
    subject,
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    eventTime: new Date().toISOString(),
    data: { resourceUri: subject },
    dataVersion: '',
    metadataVersion: '1',
  };
}

describe('local host: HTTP triggers, Event Grid webhook and timer triggers', () => {
  let host: LocalHost;
  const logDir = tempDir('host-http-log-');

  beforeAll(async () => {
    host = await startLocalHost({
      appEntry: SAMPLE_APP,
      stateDir: tempDir('host-http-state-'),
      settings: { SAMPLE_LOG_DIR: logDir, SAMPLE_SCHEDULE: '0 */5 * * * *' },
      functionKeys: {
        host: ['host-key-1'],
        functions: { secret: ['secret-only-key'] },
        master: 'master-key',
      },
      timeMode: 'fast',
      runTimerTriggers: false,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('registers every function of the app with its binding metadata', () => {
    expect(host.functions).toEqual(
      expect.arrayContaining([
        'shout',
        'fanOut',
        'counter',
        'startOrchestration',
        'onResourceEvent',
        'reconcileTimer',
        'hello',
      ]),
    );
  });

  it('routes /api/<route> with parameters, constraints, query and response headers', async () => {
    const res = await fetch(`${host.baseUrl}/api/hello/World?q=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-sample')).toBe('yes');
    expect(await res.json()).toEqual({ greeting: 'hello World', q: '1' });
    // `{name:alpha}` does not match digits; wrong method on a known route.
    expect((await fetch(`${host.baseUrl}/api/hello/123`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/api/hello/World`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${host.baseUrl}/api/nothing-here`)).status).toBe(404);
  });

  it("checks keys for authLevel 'function' (header or code, host or function key, master)", async () => {
    const url = `${host.baseUrl}/api/secret`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?code=wrong`)).status).toBe(401);
    expect((await fetch(url, { headers: { 'x-functions-key': 'host-key-1' } })).status).toBe(200);
    expect((await fetch(`${url}?code=secret-only-key`)).status).toBe(200);
    expect((await fetch(`${url}?code=master-key`, { method: 'POST', body: 'abc' })).status).toBe(200);
    expect(await (await fetch(`${url}?code=master-key`, { method: 'POST', body: 'abc' })).text()).toBe(
      'secret for POST abc',
    );
    // A function key of one function does not open another.
    expect(
      (await fetch(`${host.baseUrl}/api/orchestrators/fanOut?code=secret-only-key`, { method: 'POST' }))
        .status,
    ).toBe(401);
  });

  it('answers the Event Grid subscription validation handshake', async () => {
    const res = await fetch(host.eventGridUrl('onResourceEvent'), {
      method: 'POST',
      headers: { 'aeg-event-type': 'SubscriptionValidation', 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          id: 'v1',
          topic: '/subscriptions/s1',
          subject: '',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: new Date().toISOString(),
          data: { validationCode: 'CODE-123', validationUrl: 'https://example.invalid/validate' },
          dataVersion: '2',
          metadataVersion: '1',
        },
      ]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ validationResponse: 'CODE-123' });
  });

  it('invokes the trigger once per event of a notification, and the starter runs the orchestration', async () => {
    const res = await fetch(host.eventGridUrl('onResourceEvent'), {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification', 'content-type': 'application/json' },
      body: JSON.stringify([
        gridEvent('e1', '/subscriptions/s1/pe/alpha'),
        gridEvent('e2', '/subscriptions/s1/pe/beta'),
      ]),
    });
    expect(res.status).toBe(202);
    const first = await host.durable.waitForCompletion('eg-e1', 20000);
    const second = await host.durable.waitForCompletion('eg-e2', 20000);
    expect(first.output).toEqual({ results: ['ALPHA'] });
    expect(second.output).toEqual({ results: ['BETA'] });
  });

  it('accepts CloudEvents too', async () => {
    const res = await fetch(host.eventGridUrl('onResourceEvent'), {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'ce1',
        source: '/subscriptions/s1',
        subject: '/subscriptions/s1/pe/gamma',
        type: 'Microsoft.Resources.ResourceWriteSuccess',
        eventType: 'Microsoft.Resources.ResourceWriteSuccess',
        time: new Date().toISOString(),
        data: {},
      }),
    });
    expect(res.status).toBe(202);
    expect((await host.durable.waitForCompletion('eg-ce1', 20000)).output).toEqual({ results: ['GAMMA'] });
  });

  it('refuses a forged function name, a missing or wrong key, and reports failing events with 500', async () => {
    const body = JSON.stringify([gridEvent('x1', '/subscriptions/s1/pe/x')]);
    const headers = { 'aeg-event-type': 'Notification', 'content-type': 'application/json' };
    const forged = host.eventGridUrl('startOrchestration');
    expect((await fetch(forged, { method: 'POST', headers, body })).status).toBe(404);
    expect((await fetch(host.eventGridUrl('noSuchFunction'), { method: 'POST', headers, body })).status).toBe(
      404,
    );
    const noKey = `${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onResourceEvent`;
    expect((await fetch(noKey, { method: 'POST', headers, body })).status).toBe(401);
    expect((await fetch(`${noKey}&code=host-key-1`, { method: 'POST', headers, body })).status).toBe(401);
    expect(host.durable.getStatus('eg-x1')).toBeUndefined();

    const poison = await fetch(host.eventGridUrl('onResourceEvent'), {
      method: 'POST',
      headers,
      body: JSON.stringify([gridEvent('p1', '/subscriptions/s1/pe/poison')]),
    });
    expect(poison.status).toBe(500);
    expect((await fetch(host.eventGridUrl('onResourceEvent'), { method: 'POST', body })).status).toBe(400);
  });

  it('runs a timer trigger on demand with the durable client bound', async () => {
    const before = host.durable.listInstances().length;
    await host.runTimerNow('reconcileTimer');
    const started = host.durable.listInstances().slice(before);
    expect(started).toHaveLength(1);
    const status = await host.durable.waitForCompletion(started[0]!.instanceId, 20000);
    expect(status.output).toEqual({ results: ['TIMER', 'ON-TIME'] });
    expect(executions(logDir)).toContain('shout:timer');
    await expect(host.runTimerNow('hello')).rejects.toThrow(/No timer/);
  });
});

describe('local host: timer triggers on their schedule', () => {
  it('fires a timer trigger when its NCRONTAB schedule comes due (scaled time)', async () => {
    const logDir = tempDir('host-timer-log-');
    // Every 5 minutes of virtual time at 3000x: a tick every 0.1 s of wall time at most.
    const host = await startLocalHost({
      appEntry: SAMPLE_APP,
      stateDir: tempDir('host-timer-state-'),
      settings: { SAMPLE_LOG_DIR: logDir, SAMPLE_SCHEDULE: '0 */5 * * * *' },
      timeMode: { scale: 3000 },
      log: () => undefined,
    });
    try {
      await host.durable.waitForStatus('unused', () => executions(logDir).includes('shout:timer'), 30000);
      expect(host.durable.listInstances().length).toBeGreaterThan(0);
    } finally {
      await host.stop();
    }
  });
});
