/**
 * Event Grid trigger for the spokes' ARM events (`ResourceWriteSuccess` / `ResourceDeleteSuccess` on private
 * endpoints and their NICs). The event only says which endpoint to look at: the endpoint's orchestration
 * re-reads live state, so duplicates, reordering and delete-before-create all settle on what ARM holds.
 *
 * Anything out of scope is acknowledged and counted with a reason (`EventIgnored`), never thrown: a throw
 * makes Event Grid retry, which only helps for transient failures (configuration, ARM or task hub outages).
 */
import type { EventGridEvent, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { parseResourceEvent } from '../../core/events';
import type { SyncRequest } from '../../core/events';
import { checkResourceId } from '../../core/armNames';
import { canonicalId } from '../../core/resourceId';
import { displayText } from '../../core/safeText';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { TELEMETRY_EVENTS } from '../../core/telemetry';
import type { EndpointReader } from '../../azure/ports';
import { requireRuntime } from '../../durable/runtime';
import type { AppDeps } from '../../durable/deps';
import { isoEventTime, startOrSignalEndpoint } from './starter';
import { emitEvent } from '../../durable/telemetry';

export type ResourceEventOutcome =
  | { readonly kind: 'ignored'; readonly reason: string; readonly message: string }
  | {
      readonly kind: 'started' | 'signalled';
      readonly endpointId: string;
      readonly instanceId: string;
    };

/**
 * The endpoint a NIC most likely belongs to, from its name: Azure names an endpoint's NIC
 * `<endpoint name>.nic.<id>` unless `customNetworkInterfaceName` says otherwise (Microsoft's
 * PrivateEndpointGet example: `testPe.nic.abcd1234`), in the same resource group.
 */
export function endpointByNicName(nicId: string): string | undefined {
  const nic = checkResourceId(nicId, 'networkInterface');
  if (!nic.ok) return undefined;
  const match = /^(.+)\.nic\.[^.]+$/i.exec(nic.id.name);
  if (!match) return undefined;
  const endpoint = `/subscriptions/${nic.id.subscriptionId}/resourceGroups/${nic.id.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${match[1] ?? ''}`;
  const checked = checkResourceId(endpoint, 'privateEndpoint');
  return checked.ok ? canonicalId(checked.id.id) : undefined;
}

/**
 * Which endpoint a sync request is about: the event's own id, or the endpoint its NIC belongs to. A NIC named the
 * way Azure names an endpoint's NIC maps to that endpoint without reading the NIC: an endpoint's creation raises a
 * NIC event next to its own, and reading the NIC for it would cost one ARM request more per endpoint. (A NIC
 * given a custom name that happens to look like another endpoint's costs that endpoint's instance one read that
 * finds nothing; the Backup watch and the reconcile cover what the real endpoint's NIC changed.) Any other NIC
 * is read to find its endpoint.
 */
async function endpointFor(
  request: SyncRequest,
  endpoints: EndpointReader,
): Promise<{ endpointId: string } | { reason: string; message: string }> {
  if (request.endpointId !== undefined) return { endpointId: request.endpointId };
  const nicId = request.nicId ?? '';
  const byName = endpointByNicName(nicId);
  if (byName) return { endpointId: byName };
  const nic = await endpoints.getNetworkInterface(nicId);
  if (!nic) {
    return { reason: 'nic-not-found', message: `network interface ${nicId} no longer exists` };
  }
  const peId = nic.properties?.privateEndpoint?.id ?? nic.privateEndpoint?.id ?? '';
  if (peId === '') {
    return {
      reason: 'nic-not-private-endpoint',
      message: `network interface ${nicId} does not belong to a private endpoint`,
    };
  }
  const checked = checkResourceId(peId, 'privateEndpoint');
  if (!checked.ok) return { reason: 'malformed-resource-id', message: checked.message };
  return { endpointId: canonicalId(checked.id.id) };
}

/** Handles one delivered event. Exported for tests; the registration below binds it to the trigger. */
export async function handleResourceEvent(
  event: unknown,
  client: DurableClient,
  context: InvocationContext,
  runtime: AppDeps = requireRuntime(),
): Promise<ResourceEventOutcome> {
  const { config, ports } = runtime;
  const parsed = parseResourceEvent(event, {
    spokeSubscriptionIds: config.spokeSubscriptionIds,
    spokeResourceGroups: config.spokeResourceGroups,
  });
  const ignore = (
    reason: string,
    message: string,
    extra: Record<string, string> = {},
  ): ResourceEventOutcome => {
    emitEvent(context, TELEMETRY_EVENTS.eventIgnored, { reason, error: message, ...extra });
    return { kind: 'ignored', reason, message };
  };
  if (parsed.kind === 'ignored') return ignore(parsed.reason, parsed.message);

  const target = await endpointFor(parsed, ports.endpoints);
  if ('reason' in target)
    return ignore(target.reason, target.message, { subscriptionId: parsed.subscriptionId });

  const eventTime = isoEventTime(parsed.eventTime);
  const { outcome, instanceId } = await startOrSignalEndpoint(client, {
    endpointId: target.endpointId,
    trigger: 'event',
    change: {
      eventId: parsed.eventId,
      ...(eventTime !== undefined ? { eventTime } : {}),
      action: parsed.action,
      resourceType: parsed.resourceType,
    },
  });
  context.log(
    `${parsed.operationName} ${parsed.action} event ${displayText(parsed.eventId, 80)}: ${outcome} ${instanceId} for ${target.endpointId}`,
  );
  return { kind: outcome, endpointId: target.endpointId, instanceId };
}

export async function eventGridSync(
  event: EventGridEvent,
  client: DurableClient,
  context: InvocationContext,
): Promise<void> {
  await handleResourceEvent(event, client, context);
}

df.app.client.eventGrid(FUNCTION_NAMES.eventGridSync, { handler: eventGridSync });
