/**
 * The local host's durable engine against the Durable Functions extension's event semantics (local/host/README.md,
 * "External events and signals"): signals of the last episode are sent, events raised to a finished instance are
 * dropped (HTTP 410, which the real DurableClient swallows), events raised before a wait are buffered, and
 * continue-as-new drops what it did not read while passing on what arrived during its last episode.
 */
import path from 'node:path';
import { startLocalHost, type LocalHost } from '../../host';
import { gates, hooks } from '../fixtures/eventsApp';
import { realClient, tempDir } from '../helpers/host';

const EVENTS_APP = path.resolve(__dirname, '../fixtures/eventsApp/index.ts');
const WAIT_MS = 20000;
const quiet = () => undefined;

describe('local host: external events and signals as the Durable Functions extension handles them', () => {
  let host: LocalHost;

  beforeAll(async () => {
    host = await startLocalHost({
      appEntry: EVENTS_APP,
      stateDir: tempDir('host-events-'),
      timeMode: 'real',
      runTimerTriggers: false,
      log: quiet,
    });
  });
  afterAll(async () => {
    await host.stop();
  });
  afterEach(() => {
    delete hooks.beforeContinue;
    delete hooks.beforeReturn;
  });

  /** Waits (without asserting any duration) until `condition` holds; throws naming `what` if it never does. */
  async function until(what: string, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const tally = (key: string) => host.durable.readEntityState<number>('tally', key).state;
  const held = (key: string) => until(`activity 'hold' ${key} to run`, () => gates.isHeld(key));
  const raisedEvents = (id: string) =>
    (host.durable.getStatus(id, { showHistory: true })?.historyEvents ?? []).filter(
      (e) => e.EventType === 15,
    );
  /** POSTs to the RPC endpoint's raiseEvent route the way the durable client does. */
  const rawRaise = (id: string, body: string | undefined, contentType = 'application/json') =>
    fetch(`${host.rpcBaseUrl}instances/${encodeURIComponent(id)}/raiseEvent/ping`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      ...(body !== undefined ? { body } : {}),
    });

  describe('an instance that ends still sends the entity signals of its last episode', () => {
    it('signal, then complete in the same (first) episode', async () => {
      const id = await realClient(host).startNew('signalAndReturn', { input: 'a1' });
      expect((await host.durable.waitForCompletion(id, WAIT_MS)).runtimeStatus).toBe('Completed');
      await until('the signal to reach tally a1', () => tally('a1') !== undefined);
      expect(tally('a1')).toBe(1);
    });

    it('signal, then complete in a later episode (after an activity)', async () => {
      const id = await realClient(host).startNew('workThenSignal', { input: 'a2' });
      gates.open('a2');
      expect((await host.durable.waitForCompletion(id, WAIT_MS)).output).toBe('signalled after work');
      await until('the signal to reach tally a2', () => tally('a2') !== undefined);
      expect(tally('a2')).toBe(10);
    });

    it('signal, then fail in the same episode', async () => {
      const id = await realClient(host).startNew('signalAndFail', { input: 'a3' });
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(status.runtimeStatus).toBe('Failed');
      expect(String(status.output)).toContain('failed right after signalling');
      await until('the signal to reach tally a3', () => tally('a3') !== undefined);
      expect(tally('a3')).toBe(100);
    });
  });

  describe('an event raised to a finished instance is dropped', () => {
    it('answers 410 without content for Completed, Failed and Terminated; the client resolves as if delivered', async () => {
      const client = realClient(host);
      const completed = await client.startNew('quick', { input: 'x' });
      await host.durable.waitForCompletion(completed, WAIT_MS);
      const failed = await client.startNew('signalAndFail', { input: 'b1' });
      await host.durable.waitForCompletion(failed, WAIT_MS);
      const terminated = await client.startNew('busyThenDone', { input: 'b1-never' });
      await client.terminate(terminated, 'stop');
      await host.durable.waitForCompletion(terminated, WAIT_MS);

      for (const id of [completed, failed, terminated]) {
        const res = await rawRaise(id, JSON.stringify({ n: 1 }));
        expect(res.status).toBe(410);
        expect(await res.text()).toBe('');
        // durable-functions' DurableClient.raiseEvent treats 410 like 202: no error reaches the caller.
        await expect(client.raiseEvent(id, 'ping', { n: 2 })).resolves.toBeUndefined();
        expect(host.durable.raiseEvent(id, 'ping', { n: 3 })).toBe('gone');
      }
      expect(raisedEvents(completed)).toEqual([]);
      gates.open('b1-never');
    });

    it('answers 404 for an unknown instance, which the client turns into an error', async () => {
      const res = await rawRaise('no-such-instance', '{}');
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('');
      await expect(realClient(host).raiseEvent('no-such-instance', 'ping', {})).rejects.toThrow(
        "No instance with ID 'no-such-instance' found.",
      );
    });

    it('refuses a body that is not application/json (400), as the extension does', async () => {
      const id = await realClient(host).startNew('lateWaiter', { input: 'b-type' });
      const res = await rawRaise(id, '"hello"', 'text/plain');
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Only application/json');
      expect(raisedEvents(id)).toEqual([]);
      expect(host.durable.terminate(id, 'done')).toBe('accepted');
      gates.open('b-type');
    });

    it('accepts an event the orchestrator never waits for (202); it ends with the instance', async () => {
      const client = realClient(host);
      const id = await client.startNew('busyThenDone', { input: 'b2' });
      await held('b2');
      const before = host.durable.counters.discardedEvents;
      const res = await rawRaise(id, JSON.stringify({ n: 'unread' }));
      expect(res.status).toBe(202);
      await until('the ping in the history', () => raisedEvents(id).length === 1);
      gates.open('b2');
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.output).toBe('passed b2');
      expect(host.durable.counters.discardedEvents).toBe(before + 1);
      // Once finished, the same event is refused outright.
      expect((await rawRaise(id, JSON.stringify({ n: 'later' }))).status).toBe(410);
    });

    it('accepts an event raised while the last episode runs, then drops it when that episode completes', async () => {
      const id = await realClient(host).startNew('busyThenDone', { input: 'b3' });
      await held('b3');
      const before = host.durable.counters.discardedEvents;
      let answer: string | undefined;
      hooks.beforeReturn = () => {
        answer = host.durable.raiseEvent(id, 'ping', { n: 'too late' });
      };
      gates.open('b3');
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(answer).toBe('accepted');
      expect(status.output).toBe('passed b3');
      expect(raisedEvents(id)).toEqual([]);
      expect(host.durable.counters.discardedEvents).toBe(before + 1);
    });
  });

  describe('an event raised before the orchestrator waits for it is buffered', () => {
    it('delivers buffered events to the first matching waits, in the order they were raised', async () => {
      const client = realClient(host);
      const id = await client.startNew('lateWaiter', { input: 'c1' });
      await held('c1');
      await client.raiseEvent(id, 'ping', { n: 1 });
      await client.raiseEvent(id, 'ping', { n: 2 });
      await until('both pings in the history', () => raisedEvents(id).length === 2);
      expect(host.durable.getStatus(id)?.runtimeStatus).toBe('Running');
      gates.open('c1');
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(status.output).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('buffers events raised right after the start, before the first episode has finished', async () => {
      const id = await host.durable.startNew('lateWaiter', { input: 'c2' });
      expect(host.durable.raiseEvent(id, 'ping', { n: 'early' })).toBe('accepted');
      expect(host.durable.raiseEvent(id, 'ping', { n: 'early too' })).toBe('accepted');
      gates.open('c2');
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(status.output).toEqual([{ n: 'early' }, { n: 'early too' }]);
    });
  });

  describe('continue-as-new', () => {
    it('discards events the generation received but did not wait for', async () => {
      const client = realClient(host);
      const id = await client.startNew('generations', { input: { gen: 0, key: 'd1' } });
      await held('d1');
      await client.raiseEvent(id, 'ping', { n: 'for generation 0' });
      // The event is in generation 0's history before that generation ends.
      await until("the ping in generation 0's history", () => raisedEvents(id).length === 1);
      const before = host.durable.counters.discardedEvents;
      gates.open('d1');
      await host.durable.waitForStatus(id, (s) => s?.customStatus === 'generation 1 waiting', WAIT_MS);
      expect(host.durable.counters.discardedEvents).toBe(before + 1);
      expect(host.durable.getStatus(id)?.runtimeStatus).toBe('Running');
      expect(raisedEvents(id)).toEqual([]);

      await client.raiseEvent(id, 'ping', { n: 'for generation 1' });
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(status.output).toEqual({ gen: 1, ping: { n: 'for generation 1' } });
    });

    it('passes an event raised while the continuing episode runs on to the next generation', async () => {
      const client = realClient(host);
      const id = await client.startNew('generations', { input: { gen: 0, key: 'd2' } });
      await held('d2');
      const before = host.durable.counters.discardedEvents;
      let answer: string | undefined;
      hooks.beforeContinue = () => {
        answer = host.durable.raiseEvent(id, 'ping', { n: 'during the last episode' });
      };
      gates.open('d2');
      const status = await host.durable.waitForCompletion(id, WAIT_MS);
      expect(answer).toBe('accepted');
      expect(status.output).toEqual({ gen: 1, ping: { n: 'during the last episode' } });
      expect(host.durable.counters.discardedEvents).toBe(before);
    });
  });
});
