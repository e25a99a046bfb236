/**
 * Builders for the events Azure Resource Manager publishes to a subscription's Event Grid system topic
 * (`Microsoft.Resources.Subscriptions`), in the Event Grid schema and in CloudEvents 1.0, with the data
 * fields the real events carry. Pure: ids and clocks come from the caller.
 */

export const RESOURCE_WRITE_SUCCESS = 'Microsoft.Resources.ResourceWriteSuccess';
export const RESOURCE_DELETE_SUCCESS = 'Microsoft.Resources.ResourceDeleteSuccess';
export const SUBSCRIPTION_VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Record<string, unknown>;
  dataVersion: string;
  metadataVersion: '1';
}

export interface CloudEvent {
  id: string;
  source: string;
  subject: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
  specversion: '1.0';
}

export type EventSchema = 'EventGridSchema' | 'CloudEventSchemaV1_0';

/** What happened to a resource, as the emulator's store saw it. */
export interface ResourceEventInput {
  kind: 'write' | 'delete';
  resourceId: string;
  /** True when a write replaced a resource that already existed (real events then carry `httpRequest`). */
  existed: boolean;
  method?: string;
  /** Full request URL; defaults to `https://management.azure.com<id>?api-version=<apiVersion>`. */
  url?: string;
  apiVersion?: string;
  clientRequestId?: string;
  clientIpAddress?: string;
  correlationId?: string;
  /** Object id of the caller (the principal the token was issued to). */
  principalId?: string;
  appId?: string;
  /** Overrides the operation name derived from the resource id (for example an action). */
  operationName?: string;
  /** Claims of the caller's token; replaces the generated claims block when non-empty. */
  claims?: Record<string, unknown>;
  /** Tenant of the caller; defaults to the context's tenant. */
  tenantId?: string;
}

export interface EventContext {
  tenantId: string;
  eventId: string;
  time: Date;
  /** Ids the caller would otherwise mint; fixed values keep tests deterministic. */
  correlationId?: string;
  clientRequestId?: string;
}

export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup?: string;
  /** `Microsoft.Network` */
  provider?: string;
  /** `privateEndpoints`, or `vaults/privateEndpointConnections` for a child resource. */
  typePath?: string;
  name?: string;
}

/** Splits an ARM resource id, case-insensitively on the fixed segments. */
export function parseResourceId(resourceId: string): ParsedResourceId {
  const parts = resourceId.split('/').filter((p) => p !== '');
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'subscriptions') {
    throw new Error(`'${resourceId}' is not an ARM resource id`);
  }
  const out: ParsedResourceId = { subscriptionId: parts[1] ?? '' };
  let i = 2;
  if (parts[i]?.toLowerCase() === 'resourcegroups') {
    out.resourceGroup = parts[i + 1];
    i += 2;
  }
  if (parts[i]?.toLowerCase() === 'providers') {
    out.provider = parts[i + 1];
    const rest = parts.slice(i + 2);
    const types: string[] = [];
    for (let j = 0; j < rest.length; j += 2) types.push(rest[j] ?? '');
    out.typePath = types.join('/');
    out.name = rest[rest.length - 1];
  }
  return out;
}

/** `Microsoft.Network/privateEndpoints/write` for a private endpoint id. */
export function operationNameFor(resourceId: string, verb: 'write' | 'delete'): string {
  const parsed = parseResourceId(resourceId);
  if (parsed.provider === undefined || parsed.typePath === undefined) {
    return verb === 'write'
      ? 'Microsoft.Resources/subscriptions/resourceGroups/write'
      : 'Microsoft.Resources/subscriptions/resourceGroups/delete';
  }
  return `${parsed.provider}/${parsed.typePath}/${verb}`;
}

function epochSeconds(d: Date): string {
  return String(Math.floor(d.getTime() / 1000));
}

/** The claims block: the JWT claims of the caller's token, flattened into strings as ARM does. */
export function buildClaims(
  tenantId: string,
  principalId: string,
  appId: string,
  time: Date,
): Record<string, string> {
  return {
    aud: 'https://management.core.windows.net/',
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: epochSeconds(new Date(time.getTime() - 300_000)),
    nbf: epochSeconds(new Date(time.getTime() - 300_000)),
    exp: epochSeconds(new Date(time.getTime() + 3_300_000)),
    aio: 'E2ZgYJg0emulated',
    appid: appId,
    appidacr: '2',
    idp: `https://sts.windows.net/${tenantId}/`,
    idtyp: 'app',
    'http://schemas.microsoft.com/identity/claims/objectidentifier': principalId,
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier': principalId,
    'http://schemas.microsoft.com/identity/claims/tenantid': tenantId,
    uti: 'emulated-uti',
    ver: '1.0',
    xms_tcdt: '1600000000',
  };
}

/** Event claims are a map of strings: arrays are joined and objects serialised, as ARM does. */
function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (v === undefined || v === null) continue;
    out[k] =
      typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(',') : (JSON.stringify(v) ?? '');
  }
  return out;
}

const DEFAULT_PRINCIPAL = '00000000-0000-0000-0000-00000000c0de';
const DEFAULT_APP = '00000000-0000-0000-0000-0000000a9900';

/** `Microsoft.Resources.ResourceWriteSuccess` / `ResourceDeleteSuccess` for the subscription topic. */
export function buildResourceEvent(change: ResourceEventInput, ctx: EventContext): EventGridEvent {
  const parsed = parseResourceId(change.resourceId);
  const verb = change.kind;
  const operationName = change.operationName ?? operationNameFor(change.resourceId, verb);
  const principalId = change.principalId ?? DEFAULT_PRINCIPAL;
  const method = change.method ?? (verb === 'delete' ? 'DELETE' : 'PUT');
  const tenantId = change.tenantId ?? ctx.tenantId;
  const data: Record<string, unknown> = {
    authorization: {
      scope: change.resourceId,
      action: operationName,
      evidence: {
        role: 'Contributor',
        roleAssignmentScope: `/subscriptions/${parsed.subscriptionId}`,
        roleAssignmentId: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5',
        roleDefinitionId: 'b24988ac618042a0ab8820f7382dd24c',
        principalId: principalId.replace(/-/g, ''),
        principalType: 'ServicePrincipal',
      },
    },
    claims:
      change.claims !== undefined && Object.keys(change.claims).length > 0
        ? stringifyClaims(change.claims)
        : buildClaims(tenantId, principalId, change.appId ?? DEFAULT_APP, ctx.time),
    correlationId: change.correlationId ?? ctx.correlationId ?? ctx.eventId,
  };
  // Real events carry httpRequest only when an existing resource is updated, and for deletes.
  if (verb === 'delete' || change.existed) {
    data.httpRequest = {
      clientRequestId: change.clientRequestId ?? ctx.clientRequestId ?? ctx.eventId,
      clientIpAddress: change.clientIpAddress ?? '127.0.0.1',
      method,
      url:
        change.url ??
        `https://management.azure.com${change.resourceId}?api-version=${change.apiVersion ?? '2026-01-01'}`,
    };
  }
  Object.assign(data, {
    resourceProvider: parsed.provider ?? 'Microsoft.Resources',
    resourceUri: change.resourceId,
    operationName,
    status: 'Succeeded',
    subscriptionId: parsed.subscriptionId,
    tenantId,
  });
  return {
    subject: change.resourceId,
    eventType: verb === 'delete' ? RESOURCE_DELETE_SUCCESS : RESOURCE_WRITE_SUCCESS,
    eventTime: ctx.time.toISOString(),
    id: ctx.eventId,
    data,
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${parsed.subscriptionId}`,
  };
}

/** The same event in CloudEvents 1.0 (`topic` becomes `source`, `eventType` becomes `type`). */
export function toCloudEvent(event: EventGridEvent): CloudEvent {
  return {
    id: event.id,
    source: event.topic,
    subject: event.subject,
    type: event.eventType,
    time: event.eventTime,
    data: event.data,
    specversion: '1.0',
  };
}

/** The handshake event sent to a webhook before any delivery (Event Grid schema only). */
export function buildValidationEvent(
  topic: string,
  validationCode: string,
  validationUrl: string,
  eventId: string,
  time: Date,
): EventGridEvent {
  return {
    id: eventId,
    topic,
    subject: '',
    data: { validationCode, validationUrl },
    eventType: SUBSCRIPTION_VALIDATION_EVENT,
    eventTime: time.toISOString(),
    metadataVersion: '1',
    dataVersion: '1',
  };
}
