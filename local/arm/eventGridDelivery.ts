/**
 * Event Grid webhook delivery for the emulated subscription system topics: event subscriptions with
 * filters, the validation handshake (Event Grid schema: SubscriptionValidationEvent + `validationResponse`
 * echo; CloudEvents: OPTIONS with `WebHook-Request-Origin`), at-least-once delivery retried on Event Grid's
 * schedule (scaled by the emulator's time scale), dead-lettering, and optional chaos (duplicate, reorder,
 * delay, drop) driven by a seeded generator.
 *
 * Over ~400 lines on purpose: `EventGridDelivery` is one queue per event subscription whose handshake, retry
 * schedule, dead-lettering and chaos act on the same pending deliveries; filters and event shapes are already
 * apart (eventGridFilter.ts, eventGridEvents.ts).
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { seededRandom } from './faults';
import { buildResourceEvent, buildValidationEvent, toCloudEvent } from './eventGridEvents';
import type { CloudEvent, EventGridEvent, EventSchema, ResourceEventInput } from './eventGridEvents';
import { matchesFilter, validateFilter } from './eventGridFilter';
import type { EventSubscriptionFilter } from './eventGridFilter';

/** Event Grid's documented retry schedule, in seconds after the previous attempt (then every 12 h). */
export const RETRY_SCHEDULE_SECONDS = [10, 30, 60, 300, 600, 1800, 3600, 10800, 21600] as const;
const LATER_RETRY_SECONDS = 43200;

/** Delay before attempt number `attempt + 1` (attempt 1 = first delivery), in unscaled seconds. */
export function retryDelaySeconds(attempt: number, statusCode?: number): number {
  const base = RETRY_SCHEDULE_SECONDS[attempt - 1] ?? LATER_RETRY_SECONDS;
  if (statusCode === 408) return Math.max(base, 120);
  if (statusCode === 503) return Math.max(base, 30);
  return base;
}

/** Webhook answers that end delivery without retry (dead-letter when configured, else drop). */
export const NON_RETRIED_STATUS = new Set([400, 401, 403, 413]);
const SUCCESS_STATUS = new Set([200, 201, 202, 203, 204]);

export interface DeliveryChaos {
  /** Probability (0–1) that a delivered event is sent a second time. */
  duplicateRate?: number;
  /** Probability (0–1) that an event is silently lost (counted as dropped). */
  dropRate?: number;
  /** Extra latency before the first attempt, in real milliseconds. */
  delayMs?: number;
  /** Hold events this long (real ms) and send each held group in reverse order. */
  reorderWindowMs?: number;
}

export interface WebhookSubscriptionSpec {
  name: string;
  /** The spoke subscription whose system topic (`/subscriptions/<id>`) feeds this event subscription. */
  subscriptionId: string;
  endpointUrl: string;
  eventDeliverySchema?: EventSchema;
  filter?: EventSubscriptionFilter;
  retryPolicy?: { maxDeliveryAttempts?: number; eventTimeToLiveInMinutes?: number };
  /** Keep undeliverable events (readable through `deadLetters`) instead of dropping them. */
  deadLetter?: boolean;
  chaos?: DeliveryChaos;
  /** CA certificate (PEM) to trust for an https receiver. */
  ca?: string;
}

export type SubscriptionState = 'Succeeded' | 'Failed';

export interface DeliveryStats {
  matched: number;
  attempts: number;
  delivered: number;
  retried: number;
  duplicated: number;
  dropped: number;
  deadLettered: number;
  pending: number;
}

export interface DeliveryRecord {
  subscription: string;
  eventId: string;
  /** The event's subject (the resource id for ARM events), so a test can tell which resource an outcome is about. */
  subject: string;
  attempt: number;
  status: number | 'error';
  outcome: 'delivered' | 'retry' | 'deadLettered' | 'dropped';
  /** Emulated epoch ms when the attempt was sent (absent for dropped events). */
  sentAt?: number;
}

export interface DeadLetteredEvent {
  subscription: string;
  event: EventGridEvent | CloudEvent;
  deadLetterReason: string;
  deliveryAttempts: number;
  lastDeliveryOutcome: string;
  lastHttpStatusCode?: number;
  publishTime: string;
  lastDeliveryAttemptTime: string;
}

interface SubscriptionEntry {
  spec: WebhookSubscriptionSpec;
  schema: EventSchema;
  state: SubscriptionState;
  stats: DeliveryStats;
  held: EventGridEvent[];
  holdTimer?: NodeJS.Timeout;
}

/** The part of the emulator clock delivery needs (emulated time; `toRealMs` applies the time scale). */
export interface DeliveryClock {
  now(): number;
  toRealMs(emulatedMs: number): number;
}

export interface EventGridDeliveryOptions {
  tenantId: string;
  /** Emulated clock; retry delays are emulated time, so a faster clock retries sooner. Default: real time. */
  clock?: DeliveryClock;
  seed?: number;
  /** How long one webhook call may take before it counts as failed, in real ms (Event Grid: 30 s). */
  responseTimeoutMs?: number;
  /** Emulated ms between publication and the first attempt (Event Grid's own delay; default none). */
  deliveryDelayMs?: () => number;
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class WebhookValidationError extends Error {
  constructor(
    message: string,
    readonly subscription: string,
  ) {
    super(message);
    this.name = 'WebhookValidationError';
  }
}

function emptyStats(): DeliveryStats {
  return {
    matched: 0,
    attempts: 0,
    delivered: 0,
    retried: 0,
    duplicated: 0,
    dropped: 0,
    deadLettered: 0,
    pending: 0,
  };
}

/** Sends one HTTP request; resolves with the answer or rejects on a network error or timeout. */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  ca: string | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const options: https.RequestOptions = { method, headers: { ...headers }, timeout: timeoutMs };
    if (ca !== undefined) options.ca = ca;
    if (body !== undefined)
      (options.headers as Record<string, string>)['content-length'] = String(Buffer.byteLength(body));
    const req = lib.request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export class EventGridDelivery {
  private readonly subs = new Map<string, SubscriptionEntry>();
  private readonly random: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly log: DeliveryRecord[] = [];
  private readonly dead: DeadLetteredEvent[] = [];
  private inFlight = 0;
  private chains = 0;
  private closed = false;
  private readonly clock: DeliveryClock;
  private readonly responseTimeoutMs: number;

  constructor(private readonly options: EventGridDeliveryOptions) {
    this.random = seededRandom(options.seed ?? 1);
    this.clock = options.clock ?? { now: () => Date.now(), toRealMs: (ms) => ms };
    this.responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  /**
   * Registers a webhook event subscription after the validation handshake. Rejects (and keeps nothing)
   * when the receiver does not complete the handshake, as Event Grid fails the subscription creation.
   */
  async subscribe(
    spec: WebhookSubscriptionSpec,
  ): Promise<{ name: string; provisioningState: SubscriptionState }> {
    const problems = validateFilter(spec.filter ?? {});
    if (problems.length > 0) throw new Error(`invalid filter for '${spec.name}': ${problems.join('; ')}`);
    const schema = spec.eventDeliverySchema ?? 'EventGridSchema';
    const topic = `/subscriptions/${spec.subscriptionId}`;
    if (schema === 'EventGridSchema') {
      const code = randomUUID();
      const event = buildValidationEvent(
        topic,
        code,
        // Shaped like the service's; the emulator does not serve it (only the synchronous echo validates).
        `https://rp-emulated.eventgrid.azure.net:553/eventsubscriptions/${encodeURIComponent(spec.name.toLowerCase())}/validate?id=${code}&t=${encodeURIComponent(this.now().toISOString())}&apiVersion=2022-06-15&token=${randomUUID()}`,
        randomUUID(),
        this.now(),
      );
      let answer: HttpAnswer;
      try {
        answer = await send(
          spec.endpointUrl,
          'POST',
          {
            'content-type': 'application/json; charset=utf-8',
            'aeg-event-type': 'SubscriptionValidation',
            'aeg-subscription-name': spec.name.toUpperCase(),
            'aeg-data-version': '1',
            'aeg-metadata-version': '1',
          },
          JSON.stringify([event]),
          spec.ca,
          this.responseTimeoutMs,
        );
      } catch (e) {
        throw new WebhookValidationError(
          `webhook validation handshake failed for '${spec.name}': ${(e as Error).message}`,
          spec.name,
        );
      }
      let echoed: unknown;
      try {
        echoed = (JSON.parse(answer.body) as { validationResponse?: unknown }).validationResponse;
      } catch {
        echoed = undefined;
      }
      if (answer.status !== 200 || echoed !== code) {
        throw new WebhookValidationError(
          `webhook validation handshake failed for '${spec.name}': expected HTTP 200 with {"validationResponse":"${code}"}, got ${answer.status} ${answer.body.slice(0, 200)}`,
          spec.name,
        );
      }
    } else {
      const origin = 'eventgrid.azure.net';
      let answer: HttpAnswer;
      try {
        answer = await send(
          spec.endpointUrl,
          'OPTIONS',
          { 'webhook-request-origin': origin, 'webhook-request-rate': '120' },
          undefined,
          spec.ca,
          this.responseTimeoutMs,
        );
      } catch (e) {
        throw new WebhookValidationError(
          `CloudEvents abuse-protection handshake failed for '${spec.name}': ${(e as Error).message}`,
          spec.name,
        );
      }
      const allowed = answer.headers['webhook-allowed-origin'];
      if (answer.status !== 200 || (allowed !== origin && allowed !== '*')) {
        throw new WebhookValidationError(
          `CloudEvents abuse-protection handshake failed for '${spec.name}': expected 200 with WebHook-Allowed-Origin '${origin}' or '*', got ${answer.status} '${String(allowed)}'`,
          spec.name,
        );
      }
    }
    this.subs.set(spec.name.toLowerCase(), {
      spec,
      schema,
      state: 'Succeeded',
      stats: emptyStats(),
      held: [],
    });
    return { name: spec.name, provisioningState: 'Succeeded' };
  }

  unsubscribe(name: string): boolean {
    const entry = this.subs.get(name.toLowerCase());
    if (entry?.holdTimer !== undefined) clearTimeout(entry.holdTimer);
    return this.subs.delete(name.toLowerCase());
  }

  /** Replaces the chaos options of an existing subscription (e.g. one the infra code created). */
  setChaos(name: string, chaos: DeliveryChaos): boolean {
    const entry = this.subs.get(name.toLowerCase());
    if (!entry) return false;
    entry.spec = { ...entry.spec, chaos };
    return true;
  }

  subscriptions(): {
    name: string;
    subscriptionId: string;
    endpointUrl: string;
    schema: EventSchema;
    filter: EventSubscriptionFilter;
  }[] {
    return [...this.subs.values()].map((e) => ({
      name: e.spec.name,
      subscriptionId: e.spec.subscriptionId,
      endpointUrl: e.spec.endpointUrl,
      schema: e.schema,
      filter: e.spec.filter ?? {},
    }));
  }

  /** Builds the ARM event for a change and queues it for every matching subscription of its topic. */
  publish(change: ResourceEventInput): EventGridEvent | undefined {
    // Nobody listens on this topic: skip building the event (keeps bulk writes cheap).
    const topic = `/subscriptions/${change.resourceId.split('/')[2] ?? ''}`.toLowerCase();
    if (
      ![...this.subs.values()].some((e) => `/subscriptions/${e.spec.subscriptionId}`.toLowerCase() === topic)
    )
      return undefined;
    const event = buildResourceEvent(change, {
      tenantId: this.options.tenantId,
      eventId: randomUUID(),
      time: this.now(),
    });
    this.publishEvent(event);
    return event;
  }

  /** Queues a ready-made Event Grid schema event (topic `/subscriptions/<id>`). */
  publishEvent(event: EventGridEvent): void {
    if (this.closed) return;
    for (const entry of this.subs.values()) {
      if (event.topic.toLowerCase() !== `/subscriptions/${entry.spec.subscriptionId}`.toLowerCase()) continue;
      const shaped = entry.schema === 'EventGridSchema' ? event : toCloudEvent(event);
      if (!matchesFilter(shaped, entry.spec.filter ?? {})) continue;
      entry.stats.matched++;
      const chaos = entry.spec.chaos ?? {};
      if (chaos.dropRate !== undefined && this.random() < chaos.dropRate) {
        entry.stats.dropped++;
        this.log.push({
          subscription: entry.spec.name,
          eventId: event.id,
          subject: event.subject,
          attempt: 0,
          status: 'error',
          outcome: 'dropped',
        });
        continue;
      }
      const copies = chaos.duplicateRate !== undefined && this.random() < chaos.duplicateRate ? 2 : 1;
      if (copies === 2) entry.stats.duplicated++;
      for (let c = 0; c < copies; c++) {
        if (chaos.reorderWindowMs !== undefined && chaos.reorderWindowMs > 0)
          this.hold(entry, event, chaos.reorderWindowMs);
        else
          this.schedule(
            entry,
            event,
            1,
            (chaos.delayMs ?? 0) + this.clock.toRealMs(this.options.deliveryDelayMs?.() ?? 0),
            this.now(),
          );
      }
    }
  }

  private hold(entry: SubscriptionEntry, event: EventGridEvent, windowMs: number): void {
    entry.held.push(event);
    entry.stats.pending++;
    if (entry.holdTimer !== undefined) return;
    entry.holdTimer = this.timer(() => {
      entry.holdTimer = undefined;
      const group = entry.held.splice(0).reverse();
      entry.stats.pending -= group.length;
      // One after the other, so the receiver sees the reversed order.
      this.chains++;
      void (async () => {
        for (const ev of group) await this.attempt(entry, ev, 1, this.now());
        this.chains--;
        this.checkIdle();
      })();
    }, windowMs);
  }

  private schedule(
    entry: SubscriptionEntry,
    event: EventGridEvent,
    attempt: number,
    delayMs: number,
    firstPublished: Date,
  ): void {
    if (this.closed) return;
    entry.stats.pending++;
    this.timer(() => {
      entry.stats.pending--;
      void this.attempt(entry, event, attempt, firstPublished);
    }, delayMs);
  }

  private timer(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      this.checkIdle();
    }, ms);
    // A pending retry (hours of emulated time) must not keep a finished test or process alive.
    t.unref();
    this.timers.add(t);
    return t;
  }

  private async attempt(
    entry: SubscriptionEntry,
    event: EventGridEvent,
    attempt: number,
    firstPublished: Date,
  ): Promise<void> {
    if (this.closed || !this.subs.has(entry.spec.name.toLowerCase())) return;
    this.inFlight++;
    entry.stats.attempts++;
    const cloud = entry.schema !== 'EventGridSchema';
    const body = cloud ? JSON.stringify(toCloudEvent(event)) : JSON.stringify([event]);
    const headers: Record<string, string> = {
      'content-type': cloud
        ? 'application/cloudevents+json; charset=utf-8'
        : 'application/json; charset=utf-8',
      'aeg-event-type': 'Notification',
      'aeg-subscription-name': entry.spec.name.toUpperCase(),
      'aeg-delivery-count': String(attempt - 1),
      'aeg-data-version': event.dataVersion,
      'aeg-metadata-version': event.metadataVersion,
    };
    let status: number | 'error' = 'error';
    const sentAt = this.clock.now();
    try {
      status = (
        await send(entry.spec.endpointUrl, 'POST', headers, body, entry.spec.ca, this.responseTimeoutMs)
      ).status;
    } catch {
      status = 'error';
    } finally {
      this.inFlight--;
    }
    const record = (outcome: DeliveryRecord['outcome']): void => {
      this.log.push({
        subscription: entry.spec.name,
        eventId: event.id,
        attempt,
        status,
        outcome,
        sentAt,
        subject: event.subject,
      });
    };
    if (typeof status === 'number' && SUCCESS_STATUS.has(status)) {
      entry.stats.delivered++;
      record('delivered');
    } else {
      const maxAttempts = entry.spec.retryPolicy?.maxDeliveryAttempts ?? 30;
      const ttlMs = (entry.spec.retryPolicy?.eventTimeToLiveInMinutes ?? 1440) * 60_000;
      const delaySeconds = retryDelaySeconds(attempt, typeof status === 'number' ? status : undefined);
      // The TTL is measured in Event Grid's (unscaled) time: compare summed schedule delays.
      const elapsedMs = this.unscaledElapsedMs(attempt) + delaySeconds * 1000;
      const final =
        (typeof status === 'number' && NON_RETRIED_STATUS.has(status)) ||
        attempt >= maxAttempts ||
        elapsedMs > ttlMs;
      if (!final) {
        entry.stats.retried++;
        record('retry');
        this.schedule(entry, event, attempt + 1, this.clock.toRealMs(delaySeconds * 1000), firstPublished);
      } else if (entry.spec.deadLetter === true) {
        entry.stats.deadLettered++;
        record('deadLettered');
        const reason =
          typeof status === 'number' && NON_RETRIED_STATUS.has(status)
            ? 'DeliveryFailed'
            : attempt >= maxAttempts
              ? 'MaxDeliveryAttemptsExceeded'
              : 'TimeToLiveExceeded';
        const dl: DeadLetteredEvent = {
          subscription: entry.spec.name,
          event: cloud ? toCloudEvent(event) : event,
          deadLetterReason: reason,
          deliveryAttempts: attempt,
          lastDeliveryOutcome: typeof status === 'number' ? `HTTP ${status}` : 'Probation',
          publishTime: firstPublished.toISOString(),
          lastDeliveryAttemptTime: this.now().toISOString(),
        };
        if (typeof status === 'number') dl.lastHttpStatusCode = status;
        this.dead.push(dl);
      } else {
        entry.stats.dropped++;
        record('dropped');
      }
    }
    this.checkIdle();
  }

  private unscaledElapsedMs(attempts: number): number {
    let total = 0;
    for (let a = 1; a < attempts; a++) total += retryDelaySeconds(a) * 1000;
    return total;
  }

  private checkIdle(): void {
    if (
      this.timers.size === 0 &&
      this.inFlight === 0 &&
      this.chains === 0 &&
      [...this.subs.values()].every((e) => e.held.length === 0)
    ) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves once nothing is queued, held, in flight or waiting for a retry. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  stats(name?: string): DeliveryStats {
    if (name !== undefined) {
      const entry = this.subs.get(name.toLowerCase());
      return entry === undefined ? emptyStats() : { ...entry.stats };
    }
    const total = emptyStats();
    for (const e of this.subs.values()) {
      for (const k of Object.keys(total) as (keyof DeliveryStats)[]) total[k] += e.stats[k];
    }
    return total;
  }

  deliveries(name?: string): DeliveryRecord[] {
    return this.log.filter((r) => name === undefined || r.subscription.toLowerCase() === name.toLowerCase());
  }

  deadLetters(name?: string): DeadLetteredEvent[] {
    return this.dead.filter((r) => name === undefined || r.subscription.toLowerCase() === name.toLowerCase());
  }

  /** Cancels every pending delivery and retry. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const e of this.subs.values()) {
      if (e.holdTimer !== undefined) clearTimeout(e.holdTimer);
      e.held = [];
    }
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
