import { z } from 'zod';
import type { EmulatorContext, SeedDocument } from './context';
import { ArmError, parseOrBadRequest } from './errors';
import type { FaultConfig } from './faults';
import type { ArmRequest, ArmResponse, HttpMethod, RouteHandler } from './router';
import type { WriteLog } from './writeLog';

/** Prefix of every control route. */
export const CONTROL_PREFIX = '/_emulator';

const latencySchema = z.union([
  z.object({ distribution: z.literal('fixed'), ms: z.number().min(0) }),
  z.object({ distribution: z.literal('uniform'), minMs: z.number().min(0), maxMs: z.number().min(0) }),
  z.object({
    distribution: z.literal('exponential'),
    meanMs: z.number().min(0),
    maxMs: z.number().min(0).optional(),
  }),
]);
const injectedErrorSchema = z.union([z.literal(500), z.literal(503), z.literal(429), z.literal('reset')]);

/** Which requests a fault or race rule applies to (every given field must match). */
const requestMatchSchema = z.object({
  method: z.string().optional(),
  operationId: z.string().optional(),
  resourceType: z.string().optional(),
  path: z.string().optional(),
});

export const faultConfigSchema = z.object({
  seed: z.number().int().optional(),
  rules: z
    .array(
      z.object({
        name: z.string().optional(),
        match: requestMatchSchema.optional(),
        errorRate: z.number().min(0).max(1).optional(),
        errors: z
          .array(
            z.union([
              injectedErrorSchema,
              z.object({ error: injectedErrorSchema, weight: z.number().positive() }),
            ]),
          )
          .optional(),
        latency: latencySchema.optional(),
        skip: z.number().int().min(0).optional(),
        maxErrors: z.number().int().min(0).optional(),
        retryAfterSeconds: z.number().min(0).optional(),
        scaleRetryAfter: z.boolean().optional(),
      }),
    )
    .optional(),
  emptyNicFqdns: z
    .array(z.object({ privateEndpoint: z.string().min(1), reads: z.number().int().min(0) }))
    .optional(),
  writeRaces: z
    .array(
      z.object({
        name: z.string().optional(),
        match: requestMatchSchema.optional(),
        rate: z.number().min(0).max(1),
        action: z.enum(['touch', 'delete']),
        skip: z.number().int().min(0).optional(),
        maxRaces: z.number().int().min(0).optional(),
      }),
    )
    .optional(),
});

const bucketSchema = z.object({ capacity: z.number().positive(), refillPerSecond: z.number().min(0) });
const throttlingSchema = z.object({
  enabled: z.boolean().optional(),
  subscription: z
    .object({
      reads: bucketSchema.optional(),
      writes: bucketSchema.optional(),
      deletes: bucketSchema.optional(),
    })
    .optional(),
  extra: z
    .record(
      z.string(),
      z.union([
        bucketSchema,
        z.object({
          max: z.number().int().positive(),
          windowMs: z.number().positive(),
          header: z.string().optional(),
        }),
      ]),
    )
    .optional(),
});
const latencySpecSchema = z.object({
  p50Ms: z.number().min(0),
  p99Ms: z.number().min(0),
  maxMs: z.number().positive().optional(),
});
const latencyModelSchema = z.union([
  z.enum(['azure', 'off']),
  z.object({
    arm: z.union([latencySpecSchema, z.literal(false)]).optional(),
    eventGrid: z.union([latencySpecSchema, z.literal(false)]).optional(),
    seed: z.number().int().optional(),
  }),
]);

const seedSchema = z.object({
  subscriptions: z.array(
    z.object({
      subscriptionId: z.string().min(1),
      displayName: z.string().optional(),
      resourceGroups: z
        .array(z.looseObject({ name: z.string().min(1), location: z.string().optional() }))
        .optional(),
    }),
  ),
});

const timeSchema = z.object({
  timeScale: z.number().positive().optional(),
  advanceMs: z.number().min(0).optional(),
});
const lroSchema = z.object({
  polls: z.number().int().min(0).optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  autoCompleteMs: z.number().min(0).optional(),
});

/** Parses a control-API body with a zod schema; a bad body is a 400 naming the problem. */
export function parseBody<T>(schema: z.ZodType<T>, req: ArmRequest): T {
  return parseOrBadRequest(
    schema,
    req.body ?? {},
    'InvalidControlRequest',
    `Invalid body for ${req.route.path}`,
  );
}

/** Adds a control route under `/_emulator` (path given without the prefix). */
export function addControlRoute(
  ctx: EmulatorContext,
  method: HttpMethod,
  path: string,
  handler: RouteHandler,
): void {
  ctx.control.add({
    method,
    path: `${CONTROL_PREFIX}${path}`,
    operationId: `Control ${method} ${path}`,
    resourceType: 'emulator',
    apiVersions: 'any',
    handler,
  });
}

const ok = (body?: unknown): ArmResponse => (body === undefined ? { status: 204 } : { status: 200, body });

export function registerControlApi(
  ctx: EmulatorContext,
  actions: { seed(doc: SeedDocument): void; reset(options?: { reseed?: boolean }): void; writes?: WriteLog },
): void {
  const { writes } = actions;
  if (writes) {
    addControlRoute(ctx, 'GET', '/writes', (req) => {
      const sinceSeq = req.query.get('sinceSeq');
      const type = req.query.get('type');
      const id = req.query.get('id');
      const value = writes.list({
        ...(sinceSeq !== null ? { sinceSeq: Number(sinceSeq) } : {}),
        ...(type !== null ? { type } : {}),
        ...(id !== null ? { id } : {}),
      });
      return ok({ value, lastSeq: writes.lastSeq });
    });
  }
  addControlRoute(ctx, 'GET', '/health', () => {
    const cpu = process.cpuUsage();
    return ok({
      endpoint: ctx.endpoint(),
      resources: ctx.store.size,
      timeScale: ctx.clock.timeScale,
      requests: ctx.log.lastSeq,
      // Process CPU time, so benchmarks can report requests per CPU-second of the emulator itself.
      cpuMicros: cpu.user + cpu.system,
    });
  });
  addControlRoute(ctx, 'POST', '/reset', (req) => {
    const body = parseBody(z.object({ reseed: z.boolean().optional() }), req);
    actions.reset(body.reseed === undefined ? {} : { reseed: body.reseed });
    return ok();
  });
  addControlRoute(ctx, 'POST', '/seed', (req) => {
    actions.seed(parseBody<SeedDocument>(seedSchema, req));
    return ok({ resources: ctx.store.size });
  });
  addControlRoute(ctx, 'GET', '/resources', (req) => {
    const scope = req.query.get('scope');
    const type = req.query.get('type');
    const items = type
      ? ctx.store.listByType(type, scope ?? undefined)
      : scope
        ? ctx.store.listUnder(scope)
        : ctx.store.all();
    return ok({ value: items });
  });
  addControlRoute(ctx, 'GET', '/faults', () => ok(ctx.faults.snapshot()));
  addControlRoute(ctx, 'PUT', '/faults', (req) => {
    try {
      ctx.faults.configure(parseBody<FaultConfig>(faultConfigSchema, req));
    } catch (err) {
      if (err instanceof ArmError) throw err;
      throw new ArmError(400, 'InvalidControlRequest', `Invalid fault configuration: ${String(err)}`);
    }
    return ok(ctx.faults.snapshot());
  });
  addControlRoute(ctx, 'DELETE', '/faults', () => {
    ctx.faults.reset();
    return ok();
  });
  addControlRoute(ctx, 'GET', '/throttling', () => ok(ctx.throttle.limitsSnapshot()));
  addControlRoute(ctx, 'PUT', '/throttling', (req) => {
    const body = parseBody(throttlingSchema, req);
    ctx.throttle.configure({
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(body.subscription ? { subscription: body.subscription } : {}),
      ...(body.extra ? { extra: body.extra } : {}),
    });
    return ok(ctx.throttle.limitsSnapshot());
  });
  addControlRoute(ctx, 'GET', '/latency', () => ok(ctx.latency.snapshot()));
  addControlRoute(ctx, 'PUT', '/latency', (req) => {
    const body = parseBody(latencyModelSchema, req);
    try {
      ctx.latency.configure(body);
    } catch (err) {
      throw new ArmError(400, 'InvalidControlRequest', `Invalid latency model: ${String(err)}`);
    }
    return ok(ctx.latency.snapshot());
  });
  addControlRoute(ctx, 'GET', '/counters', () => ok(ctx.log.snapshot()));
  addControlRoute(ctx, 'DELETE', '/counters', () => {
    ctx.log.reset();
    return ok();
  });
  addControlRoute(ctx, 'GET', '/log', (req) => {
    const since = req.query.get('sinceSeq');
    const limit = req.query.get('limit');
    const value = ctx.log.list({
      ...(since !== null ? { sinceSeq: Number(since) } : {}),
      ...(limit !== null ? { limit: Number(limit) } : {}),
      ...(req.query.get('operationId') ? { operationId: req.query.get('operationId') as string } : {}),
      ...(req.query.get('method') ? { method: req.query.get('method') as string } : {}),
    });
    return ok({ value, lastSeq: ctx.log.lastSeq });
  });
  addControlRoute(ctx, 'GET', '/time', () =>
    ok({ now: new Date(ctx.clock.now()).toISOString(), timeScale: ctx.clock.timeScale }),
  );
  addControlRoute(ctx, 'PUT', '/time', (req) => {
    const body = parseBody(timeSchema, req);
    if (body.timeScale !== undefined) ctx.clock.setTimeScale(body.timeScale);
    if (body.advanceMs !== undefined) ctx.clock.advance(body.advanceMs);
    return ok({ now: new Date(ctx.clock.now()).toISOString(), timeScale: ctx.clock.timeScale });
  });
  addControlRoute(ctx, 'GET', '/lro', () => ok({ ...ctx.lro.settings, pending: ctx.lro.pending() }));
  addControlRoute(ctx, 'PUT', '/lro', (req) => {
    const body = parseBody(lroSchema, req);
    Object.assign(ctx.lro.settings, body);
    return ok({ ...ctx.lro.settings, pending: ctx.lro.pending() });
  });
  addControlRoute(ctx, 'POST', '/lro/complete', () => {
    ctx.lro.completeAll();
    return ok();
  });
}
