/**
 * Plugs Event Grid delivery into the emulator: every completed write or delete in the store becomes the ARM
 * event a subscription's system topic would publish (`ResourceWriteSuccess` / `ResourceDeleteSuccess`), and
 * is delivered to the webhook event subscriptions registered for that subscription (in-process through the
 * `eventGrid` service, or over `/_emulator/eventGrid`).
 */
import { z } from 'zod';
import type { ArmProvider, EmulatorContext } from './context';
import { addControlRoute, parseBody } from './control';
import { ArmError } from './errors';
import { EventGridDelivery, WebhookValidationError } from './eventGridDelivery';
import type { WebhookSubscriptionSpec } from './eventGridDelivery';
import type { ResourceEventInput } from './eventGridEvents';
import { ADVANCED_FILTER_OPERATORS } from './eventGridFilter';
import { parseResourceId } from './resourceId';
import type { ResourceChange } from './store';

/** Types whose changes never become events here (the subscription itself is not written through ARM). */
const SILENT_TYPES = new Set(['microsoft.resources/subscriptions']);

/**
 * Maps a store change to the event input, or undefined when ARM would publish nothing. `armHost` is the Resource
 * Manager endpoint of the emulated cloud, which events show instead of the emulator's loopback address.
 */
export function eventInputFor(
  change: ResourceChange,
  armHost = 'https://management.azure.com',
): ResourceEventInput | undefined {
  const { resource, context } = change;
  if (change.kind === 'write' && context.final === false) return undefined;
  if (context.silent === true) return undefined;
  const parsed = parseResourceId(resource.id);
  if (!parsed || SILENT_TYPES.has(parsed.type.toLowerCase())) return undefined;
  const input: ResourceEventInput = {
    kind: change.kind,
    resourceId: resource.id,
    existed: change.kind === 'delete' || change.previous !== undefined,
  };
  if (context.httpRequest) {
    input.method = context.httpRequest.method;
    input.clientIpAddress = context.httpRequest.clientIpAddress;
    const url = new URL(context.httpRequest.url);
    input.url = `${armHost}${url.pathname}${url.search}`;
    input.apiVersion = url.searchParams.get('api-version') ?? undefined;
  }
  if (context.correlationId !== undefined) input.correlationId = context.correlationId;
  if (context.clientRequestId !== undefined) input.clientRequestId = context.clientRequestId;
  if (context.claims !== undefined) {
    input.claims = context.claims;
    if (typeof context.claims.oid === 'string') input.principalId = context.claims.oid;
    if (typeof context.claims.appid === 'string') input.appId = context.claims.appid;
  }
  if (context.tenantId !== undefined) input.tenantId = context.tenantId;
  return input;
}

const filterSchema = z.object({
  includedEventTypes: z.array(z.string()).optional(),
  subjectBeginsWith: z.string().optional(),
  subjectEndsWith: z.string().optional(),
  isSubjectCaseSensitive: z.boolean().optional(),
  advancedFilters: z
    .array(
      z.object({
        operatorType: z.enum(ADVANCED_FILTER_OPERATORS),
        key: z.string().min(1),
        values: z.array(z.union([z.string(), z.number(), z.tuple([z.number(), z.number()])])).optional(),
        value: z.union([z.number(), z.boolean()]).optional(),
      }),
    )
    .optional(),
});

const chaosSchema = z.object({
  duplicateRate: z.number().min(0).max(1).optional(),
  dropRate: z.number().min(0).max(1).optional(),
  delayMs: z.number().min(0).optional(),
  reorderWindowMs: z.number().min(0).optional(),
});

const subscriptionSchema = z.object({
  name: z.string().min(1),
  subscriptionId: z.string().min(1),
  endpointUrl: z.url(),
  eventDeliverySchema: z.enum(['EventGridSchema', 'CloudEventSchemaV1_0']).optional(),
  filter: filterSchema.optional(),
  retryPolicy: z
    .object({
      maxDeliveryAttempts: z.number().int().min(1).max(30).optional(),
      eventTimeToLiveInMinutes: z.number().int().min(1).max(1440).optional(),
    })
    .optional(),
  deadLetter: z.boolean().optional(),
  chaos: chaosSchema.optional(),
  ca: z.string().optional(),
});

/** The `eventGrid` service: delivery plus the switch that connects it to the store. */
export interface EventGridService {
  readonly delivery: EventGridDelivery;
  subscribe(spec: WebhookSubscriptionSpec): Promise<{ name: string; provisioningState: string }>;
  /** Resolves when every queued delivery and retry is finished. */
  idle(): Promise<void>;
}

export interface EventGridProviderOptions {
  seed?: number;
  responseTimeoutMs?: number;
}

export function eventGridProvider(options: EventGridProviderOptions = {}): ArmProvider {
  return {
    name: 'eventGrid',
    register(ctx: EmulatorContext): void {
      let delivery = create(ctx, options);
      const service: EventGridService = {
        get delivery() {
          return delivery;
        },
        subscribe: (spec) => delivery.subscribe(spec),
        idle: () => delivery.whenIdle(),
      };
      ctx.provide('eventGrid', service);
      ctx.store.onChange((change) => {
        const input = eventInputFor(change, ctx.cloud.armHost);
        if (input) delivery.publish(input);
      });
      ctx.onReset(() => {
        delivery.close();
        delivery = create(ctx, options);
      });

      addControlRoute(ctx, 'POST', '/eventGrid/subscriptions', async (req) => {
        const spec: WebhookSubscriptionSpec = parseBody(subscriptionSchema, req);
        try {
          return { status: 201, body: await delivery.subscribe(spec) };
        } catch (err) {
          if (err instanceof WebhookValidationError)
            throw new ArmError(400, 'WebhookValidationFailed', err.message);
          if (err instanceof Error) throw new ArmError(400, 'InvalidEventSubscription', err.message);
          throw err;
        }
      });
      addControlRoute(ctx, 'GET', '/eventGrid/subscriptions', () => ({
        status: 200,
        body: { value: delivery.subscriptions() },
      }));
      addControlRoute(ctx, 'DELETE', '/eventGrid/subscriptions/{name}', (req) => ({
        status: delivery.unsubscribe(req.params.name ?? '') ? 200 : 204,
      }));
      addControlRoute(ctx, 'PUT', '/eventGrid/subscriptions/{name}/chaos', (req) => {
        const chaos = parseBody(chaosSchema, req);
        if (!delivery.setChaos(req.params.name ?? '', chaos)) {
          throw new ArmError(404, 'NotFound', `No event subscription named '${req.params.name ?? ''}'.`);
        }
        return { status: 200, body: chaos };
      });
      addControlRoute(ctx, 'GET', '/eventGrid/stats', (req) => {
        const name = req.query.get('subscription') ?? undefined;
        return { status: 200, body: delivery.stats(name) };
      });
      addControlRoute(ctx, 'GET', '/eventGrid/deliveries', (req) => {
        const name = req.query.get('subscription') ?? undefined;
        return { status: 200, body: { value: delivery.deliveries(name) } };
      });
      addControlRoute(ctx, 'GET', '/eventGrid/deadLetters', (req) => {
        const name = req.query.get('subscription') ?? undefined;
        return { status: 200, body: { value: delivery.deadLetters(name) } };
      });
      addControlRoute(ctx, 'POST', '/eventGrid/idle', async () => {
        await delivery.whenIdle();
        return { status: 200, body: delivery.stats() };
      });
    },
  };
}

function create(ctx: EmulatorContext, options: EventGridProviderOptions): EventGridDelivery {
  return new EventGridDelivery({
    tenantId: ctx.tokens.tenantId,
    clock: ctx.clock,
    deliveryDelayMs: () => ctx.latency.sample('eventGrid'),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.responseTimeoutMs !== undefined ? { responseTimeoutMs: options.responseTimeoutMs } : {}),
  });
}
