import { z } from 'zod';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from './operations';
import type { WatchedEventType, WatchedOperation } from './operations';
import { NETWORK_INTERFACE_TYPE } from './endpoint';
import { checkResourceId } from './armNames';
import { displayText } from './safeText';
import { outsideSpokes } from './spokeScope';

/*
 * ARM resource events from the spokes' Event Grid system topics, in either delivery schema. The event only
 * says which resource changed; the orchestration re-reads it (events are unordered and may repeat).
 */

export const SUBSCRIPTION_VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

const resourceEventData = z.object({
  resourceUri: z.string().optional(),
  operationName: z.string().optional(),
  status: z.string().optional(),
  subscriptionId: z.string().optional(),
  tenantId: z.string().optional(),
  correlationId: z.string().optional(),
});

// Bounds on the envelope (guesses with room: Event Grid sends GUID ids, short type names and ISO times) keep a
// forged event from carrying megabytes into logs and orchestration inputs.
const EVENT_ID_MAX = 256;
const EVENT_TYPE_MAX = 256;
const EVENT_TIME_MAX = 64;

const eventGridEvent = z.object({
  id: z.string().min(1).max(EVENT_ID_MAX),
  eventType: z.string().min(1).max(EVENT_TYPE_MAX),
  subject: z.string(),
  eventTime: z.string().min(1).max(EVENT_TIME_MAX),
  topic: z.string().optional(),
  data: z.unknown(),
});

const cloudEvent = z.object({
  id: z.string().min(1).max(EVENT_ID_MAX),
  type: z.string().min(1).max(EVENT_TYPE_MAX),
  source: z.string().min(1),
  specversion: z.literal('1.0'),
  subject: z.string().optional(),
  time: z.string().max(EVENT_TIME_MAX).optional(),
  data: z.unknown(),
});

export interface SyncRequest {
  readonly kind: 'sync';
  /** `write` for endpoint and NIC writes, `delete` for endpoint deletes. */
  readonly action: 'write' | 'delete';
  readonly resourceType: 'privateEndpoint' | 'networkInterface';
  /** Canonical endpoint id; for a NIC event it is unknown until the NIC is read. */
  readonly endpointId?: string;
  /** Canonical NIC id when a network interface changed. */
  readonly nicId?: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly operationName: WatchedOperation;
  readonly eventId: string;
  readonly eventTime: string;
}

export const IGNORE_REASONS = [
  'malformed-event',
  'unsupported-event-type',
  'unsupported-operation',
  'malformed-resource-id',
  'subscription-not-allowed',
  'resource-group-not-allowed',
] as const;

export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export interface IgnoredEvent {
  readonly kind: 'ignored';
  readonly reason: IgnoreReason;
  readonly message: string;
  readonly eventId?: string;
}

export interface EventScope {
  /** Spoke subscriptions whose events are acted on. */
  readonly spokeSubscriptionIds: readonly string[];
  /** Optional `subscriptionId/resourceGroup` entries; when non-empty, only these groups are acted on. */
  readonly spokeResourceGroups?: readonly string[];
}

export interface SubscriptionValidation {
  readonly validationCode: string;
  readonly validationUrl?: string;
}

/** Recognises Event Grid's webhook handshake; answer it with `{ validationResponse: validationCode }`. */
export function subscriptionValidation(raw: unknown): SubscriptionValidation | undefined {
  const event = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  const parsed = z
    .object({
      eventType: z.literal(SUBSCRIPTION_VALIDATION_EVENT_TYPE),
      data: z.object({ validationCode: z.string().min(1), validationUrl: z.string().optional() }),
    })
    .safeParse(event);
  if (!parsed.success) return undefined;
  return parsed.data.data.validationUrl === undefined
    ? { validationCode: parsed.data.data.validationCode }
    : { validationCode: parsed.data.data.validationCode, validationUrl: parsed.data.data.validationUrl };
}

const ignored = (reason: IgnoreReason, message: string, eventId?: string): IgnoredEvent =>
  eventId === undefined
    ? { kind: 'ignored', reason, message }
    : { kind: 'ignored', reason, message, eventId };

/** Turns one event (Event Grid schema or CloudEvents 1.0) into a sync request or a reason to ignore it. */
export function parseResourceEvent(raw: unknown, scope: EventScope): SyncRequest | IgnoredEvent {
  let envelope: { id: string; type: string; subject: string; time: string; data: unknown };
  const eg = eventGridEvent.safeParse(raw);
  const ce = eg.success ? undefined : cloudEvent.safeParse(raw);
  if (eg.success) {
    envelope = {
      id: eg.data.id,
      type: eg.data.eventType,
      subject: eg.data.subject,
      time: eg.data.eventTime,
      data: eg.data.data,
    };
  } else if (ce?.success) {
    envelope = {
      id: ce.data.id,
      type: ce.data.type,
      subject: ce.data.subject ?? '',
      time: ce.data.time ?? '',
      data: ce.data.data,
    };
  } else {
    return ignored('malformed-event', 'neither an Event Grid schema event nor a CloudEvents 1.0 event');
  }
  const eventId = envelope.id;
  if (!(WATCHED_EVENT_TYPES as readonly string[]).includes(envelope.type)) {
    return ignored(
      'unsupported-event-type',
      `event type ${displayText(envelope.type, 120)} is not watched`,
      eventId,
    );
  }
  const eventType = envelope.type as WatchedEventType;
  const data = resourceEventData.safeParse(envelope.data ?? {});
  if (!data.success) return ignored('malformed-event', 'event data is not an object', eventId);
  const operation = WATCHED_OPERATIONS.find(
    (op) => op.toLowerCase() === (data.data.operationName ?? '').toLowerCase(),
  );
  if (!operation) {
    return ignored(
      'unsupported-operation',
      `operation ${displayText(data.data.operationName ?? '(none)', 120)} is not watched`,
      eventId,
    );
  }
  const action = operation.endsWith('/delete') ? 'delete' : 'write';
  const expectedAction = eventType === 'Microsoft.Resources.ResourceDeleteSuccess' ? 'delete' : 'write';
  if (action !== expectedAction) {
    return ignored(
      'unsupported-operation',
      `operation ${operation} does not match event type ${eventType}`,
      eventId,
    );
  }

  const resourceUri = data.data.resourceUri ?? envelope.subject;
  const onNic = operation.startsWith(NETWORK_INTERFACE_TYPE);
  // Ids and names are checked against ARM's rules before anything else is done with them: a forged event with
  // a 900 KB name or control characters is dropped here, and the message carries only a bounded, escaped piece.
  const checked = checkResourceId(resourceUri, onNic ? 'networkInterface' : 'privateEndpoint');
  if (!checked.ok) return ignored('malformed-resource-id', checked.message, eventId);
  const id = checked.id;
  const outside = outsideSpokes(scope, id.subscriptionId, id.resourceGroup);
  if (outside) return ignored(outside.reason, outside.message, eventId);
  return {
    kind: 'sync',
    action,
    resourceType: onNic ? 'networkInterface' : 'privateEndpoint',
    ...(onNic ? { nicId: id.id } : { endpointId: id.id }),
    subscriptionId: id.subscriptionId,
    resourceGroup: id.resourceGroup,
    operationName: operation,
    eventId,
    eventTime: envelope.time,
  };
}

/** Parses a delivery body: one event or an array of events (batched delivery). */
export function parseResourceEvents(body: unknown, scope: EventScope): (SyncRequest | IgnoredEvent)[] {
  const events = Array.isArray(body) ? (body as unknown[]) : [body];
  return events.map((event) => parseResourceEvent(event, scope));
}
