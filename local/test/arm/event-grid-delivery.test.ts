import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { EventGridDeserializer, isSystemEvent } from '@azure/eventgrid';
import { NetworkManagementClient } from '@azure/arm-network';
import type { WebhookSubscriptionSpec } from '../../arm/eventGridDelivery';
import type { EventGridService } from '../../arm/eventGridProvider';
import type { NetworkService } from '../../arm/providers/network';
import type { ArmEmulator } from '../../arm/server';
import { generateCertificate } from '../../arm/tls';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../helpers/watchedEvents';
import {
  HUB_SUBSCRIPTION,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
} from '../helpers/armEmulator';
import { EventGridReceiver } from '../helpers/eventGridReceiver';

interface EventData {
  [key: string]: unknown;
  httpRequest?: { method: string; url: string };
  claims?: Record<string, string>;
}

interface ControlBody {
  [key: string]: unknown;
  error?: { code: string; message: string };
  value?: unknown[];
}

const PE_FILTER = {
  includedEventTypes: [...WATCHED_EVENT_TYPES],
  advancedFilters: [
    {
      operatorType: 'StringIn' as const,
      key: 'data.operationName',
      values: ['Microsoft.Network/privateEndpoints/write', 'Microsoft.Network/privateEndpoints/delete'],
    },
  ],
};

/** Raw control-API call (trusting the emulator's CA). */
function control(
  emu: ArmEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: ControlBody }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${emu.url}/_emulator${path}`,
      {
        method,
        ca: emu.caPem,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

describe('Event Grid: delivery of ARM events to webhooks', () => {
  let emu: ArmEmulator;
  let eventGrid: EventGridService;
  let network: NetworkService;
  const receivers: EventGridReceiver[] = [];
  const deserializer = new EventGridDeserializer();
  let counter = 0;

  beforeAll(async () => {
    // 1000x emulated time: the 10 s / 30 s / 1 min retry steps take 10 / 30 / 60 ms.
    emu = await startSeededEmulator({ timeScale: 1000 });
    eventGrid = emu.service<EventGridService>('eventGrid');
    network = emu.service<NetworkService>('network');
  });

  afterEach(() => {
    for (const s of eventGrid.delivery.subscriptions()) eventGrid.delivery.unsubscribe(s.name);
  });

  afterAll(async () => {
    for (const r of receivers) await r.stop();
    await emu.stop();
  });

  async function receiver(
    behaviour: ConstructorParameters<typeof EventGridReceiver>[0] = {},
  ): Promise<EventGridReceiver> {
    const r = await new EventGridReceiver(behaviour).start();
    receivers.push(r);
    return r;
  }

  function createEndpoint(subscriptionId = SPOKE_SUBSCRIPTION): string {
    counter++;
    const subnet =
      subscriptionId === SPOKE_SUBSCRIPTION
        ? SPOKE_SUBNET_ID
        : `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-dns`;
    const rg = subscriptionId === SPOKE_SUBSCRIPTION ? SPOKE_RG : 'rg-hub-dns';
    return network.createPrivateEndpoint({
      subscriptionId,
      resourceGroup: rg,
      name: `pe-eg-${counter}`,
      subnetId: subnet,
      connection: {
        privateLinkServiceId: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kv${counter}`,
        groupIds: ['vault'],
      },
    }).id;
  }

  async function subscribe(
    r: EventGridReceiver,
    spec: Partial<WebhookSubscriptionSpec> = {},
  ): Promise<string> {
    const name = spec.name ?? `sub-${++counter}`;
    await eventGrid.subscribe({
      name,
      subscriptionId: SPOKE_SUBSCRIPTION,
      endpointUrl: r.url,
      filter: PE_FILTER,
      ...spec,
    });
    return name;
  }

  it('validates the webhook first, then delivers ARM events with Event Grid headers that the deserializer accepts', async () => {
    const r = await receiver();
    const name = await subscribe(r, { name: 'PrivateLinkDnsSync' });
    const handshake = r.requests[0]!;
    expect(handshake.headers['aeg-event-type']).toBe('SubscriptionValidation');
    const [validation] = await deserializer.deserializeEventGridEvents(handshake.body);
    expect(isSystemEvent('Microsoft.EventGrid.SubscriptionValidationEvent', validation!)).toBe(true);

    const id = createEndpoint();
    await eventGrid.idle();
    const network2 = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    await network2.privateEndpoints.beginDeleteAndWait(SPOKE_RG, id.split('/').pop()!, {
      updateIntervalInMs: 5,
    });
    await eventGrid.idle();

    const notifications = r.requests.filter((q) => q.headers['aeg-event-type'] === 'Notification');
    expect(notifications).toHaveLength(2);
    for (const n of notifications) {
      expect(n.headers['aeg-subscription-name']).toBe('PRIVATELINKDNSSYNC');
      expect(n.headers['aeg-delivery-count']).toBe('0');
      expect(n.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    const events = [];
    for (const n of notifications) events.push(...(await deserializer.deserializeEventGridEvents(n.body)));
    expect(events.map((e) => e.eventType)).toEqual([
      'Microsoft.Resources.ResourceWriteSuccess',
      'Microsoft.Resources.ResourceDeleteSuccess',
    ]);
    const [write, del] = events as Array<{
      subject: string;
      topic: string;
      data: EventData;
    }>;
    expect(write!.subject).toBe(id);
    expect(write!.topic).toBe(`/subscriptions/${SPOKE_SUBSCRIPTION}`);
    expect(write!.data).toMatchObject({
      operationName: 'Microsoft.Network/privateEndpoints/write',
      resourceProvider: 'Microsoft.Network',
      resourceUri: id,
      status: 'Succeeded',
      subscriptionId: SPOKE_SUBSCRIPTION,
      tenantId: emu.tokens.tenantId,
    });
    // The delete came through ARM: the caller's token claims and the request show up.
    expect(del!.data.httpRequest).toMatchObject({ method: 'DELETE' });
    expect(del!.data.httpRequest?.url).toMatch(
      /^https:\/\/management\.azure\.com\/subscriptions\/.*\/privateEndpoints\/pe-eg-\d+\?api-version=2026-01-01$/,
    );
    expect(typeof del!.data.claims?.oid).toBe('string');
    expect(eventGrid.delivery.stats(name)).toMatchObject({
      matched: 2,
      delivered: 2,
      retried: 0,
      dropped: 0,
      deadLettered: 0,
    });
  });

  it('refuses subscriptions whose webhook fails the handshake', async () => {
    const wrong = await receiver({ validation: 'wrong' });
    await expect(subscribe(wrong)).rejects.toThrow(/validationResponse/);
    const accepted = await receiver({ validation: 'accepted' });
    await expect(subscribe(accepted)).rejects.toThrow(/got 202/);
    const viaControl = await control(emu, 'POST', '/eventGrid/subscriptions', {
      name: 'x',
      subscriptionId: SPOKE_SUBSCRIPTION,
      endpointUrl: wrong.url,
    });
    expect(viaControl.status).toBe(400);
    expect(viaControl.json.error?.code).toBe('WebhookValidationFailed');
    expect(eventGrid.delivery.subscriptions()).toEqual([]);
  });

  it('delivers only what the filter and the topic let through', async () => {
    const r = await receiver();
    await subscribe(r, {
      filter: {
        ...PE_FILTER,
        subjectBeginsWith: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/privateEndpoints/pe-eg-`,
      },
    });
    const all = await receiver();
    await subscribe(all, {
      filter: {
        includedEventTypes: [...WATCHED_EVENT_TYPES],
        advancedFilters: [
          { operatorType: 'StringIn', key: 'data.operationName', values: [...WATCHED_OPERATIONS] },
        ],
      },
    });
    const mine = createEndpoint();
    createEndpoint(HUB_SUBSCRIPTION); // another subscription's topic
    await eventGrid.idle();
    const subjects = async (x: EventGridReceiver) => {
      const out: string[] = [];
      for (const b of x.accepted)
        for (const e of await deserializer.deserializeEventGridEvents(b))
          out.push(`${String(e.data && (e.data as Record<string, unknown>).operationName)} ${e.subject}`);
      return out;
    };
    expect(await subjects(r)).toEqual([`Microsoft.Network/privateEndpoints/write ${mine}`]);
    const everything = (await subjects(all)).sort();
    expect(everything).toHaveLength(2);
    expect(everything[0]).toMatch(
      /^Microsoft\.Network\/networkInterfaces\/write \/subscriptions\/.*\/networkInterfaces\/pe-eg-\d+\.nic\./,
    );
    expect(everything[1]).toBe(`Microsoft.Network/privateEndpoints/write ${mine}`);
  });

  it('retries a failing receiver on the Event Grid schedule until it accepts', async () => {
    const r = await receiver({ failWith: [500, 503, 408] });
    const name = await subscribe(r);
    createEndpoint();
    await eventGrid.idle();
    const attempts = r.requests.filter((q) => q.headers['aeg-event-type'] === 'Notification');
    expect(attempts.map((a) => [a.status, a.headers['aeg-delivery-count']])).toEqual([
      [500, '0'],
      [503, '1'],
      [408, '2'],
      [200, '3'],
    ]);
    expect(new Set(attempts.map((a) => JSON.parse(a.body)[0].id)).size).toBe(1);
    const stats = await control(emu, 'GET', `/eventGrid/stats?subscription=${name}`);
    expect(stats.json).toMatchObject({
      matched: 1,
      attempts: 4,
      delivered: 1,
      retried: 3,
      dropped: 0,
      pending: 0,
    });
    expect(eventGrid.delivery.deliveries(name).map((d) => d.outcome)).toEqual([
      'retry',
      'retry',
      'retry',
      'delivered',
    ]);
  });

  it('dead-letters on a 400 and drops after maxDeliveryAttempts without a dead-letter destination', async () => {
    const bad = await receiver({ failWith: [400] });
    const dl = await subscribe(bad, { deadLetter: true });
    const flaky = await receiver({ failWith: [500, 500, 500] });
    const dropped = await subscribe(flaky, { retryPolicy: { maxDeliveryAttempts: 2 } });
    createEndpoint();
    await eventGrid.idle();
    expect(eventGrid.delivery.stats(dl)).toMatchObject({
      attempts: 1,
      delivered: 0,
      deadLettered: 1,
      retried: 0,
    });
    const [letter] = eventGrid.delivery.deadLetters(dl);
    expect(letter).toMatchObject({
      deadLetterReason: 'DeliveryFailed',
      deliveryAttempts: 1,
      lastHttpStatusCode: 400,
    });
    expect(eventGrid.delivery.stats(dropped)).toMatchObject({
      attempts: 2,
      delivered: 0,
      retried: 1,
      dropped: 1,
    });
    const letters = await control(emu, 'GET', `/eventGrid/deadLetters?subscription=${dl}`);
    expect(letters.json.value).toHaveLength(1);
  });

  it('gives up when the event time-to-live runs out before the next scheduled attempt', async () => {
    const down = await receiver({ failWith: Array.from({ length: 10 }, () => 500) });
    const name = await subscribe(down, { retryPolicy: { eventTimeToLiveInMinutes: 1 }, deadLetter: true });
    createEndpoint();
    await eventGrid.idle();
    // Attempts at 0 s, 10 s and 40 s; the next one (100 s) would be past the 1-minute TTL.
    expect(eventGrid.delivery.stats(name)).toMatchObject({ attempts: 3, retried: 2, deadLettered: 1 });
    expect(eventGrid.delivery.deadLetters(name)[0]).toMatchObject({
      deadLetterReason: 'TimeToLiveExceeded',
      deliveryAttempts: 3,
    });
  });

  it('can duplicate, drop and reorder deliveries', async () => {
    const dup = await receiver();
    const dupName = await subscribe(dup, { chaos: { duplicateRate: 1 } });
    const lost = await receiver();
    const lostName = await subscribe(lost, { chaos: { dropRate: 1 } });
    const shuffled = await receiver();
    await subscribe(shuffled, { chaos: { reorderWindowMs: 50 } });
    const ids = [createEndpoint(), createEndpoint(), createEndpoint()];
    await eventGrid.idle();

    const idsOf = (x: EventGridReceiver) =>
      x.accepted.map((b) => (JSON.parse(b) as Array<{ id: string; subject: string }>)[0]!);
    const dupEvents = idsOf(dup);
    expect(dupEvents).toHaveLength(6);
    expect(new Set(dupEvents.map((e) => e.id)).size).toBe(3);
    expect(eventGrid.delivery.stats(dupName)).toMatchObject({ duplicated: 3, delivered: 6 });
    expect(lost.accepted).toEqual([]);
    expect(eventGrid.delivery.stats(lostName)).toMatchObject({ matched: 3, dropped: 3, delivered: 0 });
    expect(idsOf(shuffled).map((e) => e.subject)).toEqual([...ids].reverse());
  });

  it('changes the chaos of an existing subscription over the control API', async () => {
    const r = await receiver();
    const name = await subscribe(r);
    const set = await control(emu, 'PUT', `/eventGrid/subscriptions/${name}/chaos`, { dropRate: 1 });
    expect(set.status).toBe(200);
    createEndpoint();
    await eventGrid.idle();
    expect(r.accepted).toEqual([]);
    await control(emu, 'PUT', `/eventGrid/subscriptions/${name}/chaos`, {});
    createEndpoint();
    await eventGrid.idle();
    expect(r.accepted).toHaveLength(1);
    expect(eventGrid.delivery.stats(name)).toMatchObject({ matched: 2, dropped: 1, delivered: 1 });
    expect((await control(emu, 'PUT', '/eventGrid/subscriptions/none/chaos', {})).status).toBe(404);
    expect(
      (await control(emu, 'PUT', `/eventGrid/subscriptions/${name}/chaos`, { dropRate: 2 })).status,
    ).toBe(400);
  });

  it('delivers to an https webhook it trusts through `ca`, and not to one it does not', async () => {
    const cert = generateCertificate();
    const bodies: string[] = [];
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (req.headers['aeg-event-type'] === 'SubscriptionValidation') {
          const code = (JSON.parse(body) as Array<{ data: { validationCode: string } }>)[0]!.data
            .validationCode;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ validationResponse: code }));
          return;
        }
        bodies.push(body);
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
      await expect(
        eventGrid.subscribe({ name: 'untrusted', subscriptionId: SPOKE_SUBSCRIPTION, endpointUrl: url }),
      ).rejects.toThrow(/handshake failed/);
      await eventGrid.subscribe({
        name: 'tls',
        subscriptionId: SPOKE_SUBSCRIPTION,
        endpointUrl: url,
        filter: PE_FILTER,
        ca: cert.certPem,
      });
      const id = createEndpoint();
      await eventGrid.idle();
      expect(bodies.map((b) => (JSON.parse(b) as Array<{ subject: string }>)[0]!.subject)).toEqual([id]);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });

  it('delivers CloudEvents after the OPTIONS abuse-protection handshake', async () => {
    const r = await receiver();
    await subscribe(r, { eventDeliverySchema: 'CloudEventSchemaV1_0' });
    expect(r.requests[0]).toMatchObject({ method: 'OPTIONS' });
    expect(r.requests[0]!.headers['webhook-request-origin']).toBe('eventgrid.azure.net');
    const id = createEndpoint();
    await eventGrid.idle();
    const [n] = r.requests.filter((q) => q.method === 'POST');
    expect(n!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    const [event] = await deserializer.deserializeCloudEvents(n!.body);
    expect(event).toMatchObject({
      type: 'Microsoft.Resources.ResourceWriteSuccess',
      source: `/subscriptions/${SPOKE_SUBSCRIPTION}`,
      subject: id,
    });

    const refusing = await receiver({ allowedOrigin: null });
    await expect(subscribe(refusing, { eventDeliverySchema: 'CloudEventSchemaV1_0' })).rejects.toThrow(
      /WebHook-Allowed-Origin/,
    );
  });
});
