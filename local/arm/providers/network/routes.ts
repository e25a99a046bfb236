/**
 * The ARM routes of Microsoft.Network: reads (get, list by resource group and subscription) of endpoints, NICs and
 * virtual networks, and the long-running create/update/delete of private endpoints (the LRO glue: the endpoint is
 * stored `Updating`/`Deleting` at once and finished when the operation completes).
 */
import { NETWORK_API_VERSIONS } from '../../apiVersions';
import type { EmulatorContext } from '../../context';
import { ArmError, parseOrBadRequest, resourceNotFound } from '../../errors';
import { listScope, paginate } from '../../paging';
import { resourceGroupId } from '../../resourceId';
import type { ArmRequest, ArmResponse, RouteDefinition } from '../../router';
import type { ArmResource } from '../../store';
import {
  NETWORK_INTERFACE_TYPE,
  PRIVATE_ENDPOINT_TYPE,
  privateEndpointBodySchema,
  VIRTUAL_NETWORK_TYPE,
  withState,
} from './wire';
import type { PrivateEndpoints } from './endpoints';
import type { NetworkInterfaces } from './interfaces';

export function registerNetworkRoutes(
  ctx: EmulatorContext,
  service: { readonly pageSize: number },
  { planEndpoint, putPlannedNic, putEndpoint, removeEndpoint, readEndpoint }: PrivateEndpoints,
  { readNic }: NetworkInterfaces,
): void {
  const rgBase =
    '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network';
  const subBase = '/subscriptions/{subscriptionId}/providers/Microsoft.Network';
  const route = (def: Omit<RouteDefinition, 'apiVersions'>): void => {
    ctx.router.add({ ...def, apiVersions: NETWORK_API_VERSIONS });
  };

  // ---- routes: reads --------------------------------------------------------------------------------------
  /** Get (in a resource group), List (a resource group) and, when named, the subscription-wide list of a type. */
  const readRoutes = (spec: {
    type: string;
    collection: string;
    nameParam: string;
    get: string;
    list: string;
    listBySubscription?: string;
    /** The resource as a client reads it (applied to each served item, after paging). */
    view?: (resource: ArmResource) => ArmResource;
  }): void => {
    const view = spec.view ?? ((resource: ArmResource) => resource);
    const common = { resourceType: spec.type, armOperation: `${spec.type}/read` } as const;
    route({
      ...common,
      method: 'GET',
      path: `${rgBase}/${spec.collection}/{${spec.nameParam}}`,
      operationId: spec.get,
      handler: (req) => {
        const name = req.params[spec.nameParam] ?? '';
        const resource = ctx.store.get(`${listScope(req)}/providers/${spec.type}/${name}`);
        if (!resource) throw resourceNotFound(spec.type, name, req.params.resourceGroupName);
        return { status: 200, body: view(resource) };
      },
    });
    const list = (req: ArmRequest): ArmResponse => {
      const page = paginate(req, ctx.store.listByType(spec.type, listScope(req)), ctx.endpoint(), {
        defaultPageSize: service.pageSize,
        acceptTop: false,
      });
      return { status: 200, body: { ...page, value: page.value.map(view) } };
    };
    route({
      ...common,
      method: 'GET',
      path: `${rgBase}/${spec.collection}`,
      operationId: spec.list,
      handler: list,
    });
    if (spec.listBySubscription) {
      route({
        ...common,
        method: 'GET',
        path: `${subBase}/${spec.collection}`,
        operationId: spec.listBySubscription,
        handler: list,
      });
    }
  };

  readRoutes({
    type: PRIVATE_ENDPOINT_TYPE,
    collection: 'privateEndpoints',
    nameParam: 'privateEndpointName',
    get: 'PrivateEndpoints_Get',
    list: 'PrivateEndpoints_List',
    listBySubscription: 'PrivateEndpoints_ListBySubscription',
    view: readEndpoint,
  });
  readRoutes({
    type: NETWORK_INTERFACE_TYPE,
    collection: 'networkInterfaces',
    nameParam: 'networkInterfaceName',
    get: 'NetworkInterfaces_Get',
    list: 'NetworkInterfaces_List',
    listBySubscription: 'NetworkInterfaces_ListAll',
    view: readNic,
  });
  // Virtual networks are read-only here; they come from seeding or createVirtualNetwork.
  readRoutes({
    type: VIRTUAL_NETWORK_TYPE,
    collection: 'virtualNetworks',
    nameParam: 'virtualNetworkName',
    get: 'VirtualNetworks_Get',
    list: 'VirtualNetworks_List',
  });

  // ---- routes: private endpoint writes ---------------------------------------------------------------------
  const peId = (req: ArmRequest): string =>
    `${resourceGroupId(req.params.subscriptionId as string, req.params.resourceGroupName as string)}/providers/Microsoft.Network/privateEndpoints/${req.params.privateEndpointName as string}`;

  route({
    method: 'PUT',
    path: `${rgBase}/privateEndpoints/{privateEndpointName}`,
    operationId: 'PrivateEndpoints_CreateOrUpdate',
    resourceType: PRIVATE_ENDPOINT_TYPE,
    armOperation: 'Microsoft.Network/privateEndpoints/write',
    handler: (req): ArmResponse => {
      const body = parseOrBadRequest(
        privateEndpointBodySchema,
        req.body,
        'InvalidRequestFormat',
        'Cannot parse the request',
      );
      const id = peId(req);
      const existing = ctx.store.get(id);
      const state = (existing?.properties as { provisioningState?: string } | undefined)?.provisioningState;
      if (state === 'Updating' || state === 'Deleting') {
        throw new ArmError(
          429,
          'RetryableErrorDueToAnotherOperation',
          `Operation on private endpoint ${id} is not allowed while another operation is in progress.`,
          { 'retry-after': '1' },
        );
      }
      const plan = planEndpoint({
        id,
        subscriptionId: req.params.subscriptionId as string,
        resourceGroup: req.params.resourceGroupName as string,
        name: existing?.name ?? (req.params.privateEndpointName as string),
        body,
        ...(existing ? { existing } : {}),
        claims: req.claims,
      });
      const accepted = { ...req.context, final: false };
      putPlannedNic(plan, req.context);
      const stored = putEndpoint(withState(plan.resource, 'Updating'), accepted);
      const op = ctx.lro.startFor(req, {
        namespace: 'Microsoft.Network',
        location: plan.request.location,
        complete: () => {
          const current = ctx.store.get(id);
          if (!current)
            throw new ArmError(409, 'Conflict', `Private endpoint ${id} was deleted while being created.`);
          const done = putEndpoint(withState(current, 'Succeeded'), { ...req.context, final: true });
          if (!existing) plan.target?.onCreated?.(done, plan.request);
          return done;
        },
      });
      return { status: existing ? 200 : 201, body: stored, headers: op.headers() };
    },
  });

  route({
    method: 'DELETE',
    path: `${rgBase}/privateEndpoints/{privateEndpointName}`,
    operationId: 'PrivateEndpoints_Delete',
    resourceType: PRIVATE_ENDPOINT_TYPE,
    armOperation: 'Microsoft.Network/privateEndpoints/delete',
    handler: (req): ArmResponse => {
      const id = peId(req);
      const existing = ctx.store.get(id);
      if (!existing) return { status: 204 };
      putEndpoint(withState(existing, 'Deleting'), {
        ...req.context,
        operationName: 'Microsoft.Network/privateEndpoints/write',
        final: false,
      });
      const op = ctx.lro.startFor(req, {
        namespace: 'Microsoft.Network',
        location: (existing.location as string | undefined) ?? ctx.defaultLocation,
        complete: () => {
          const current = ctx.store.get(id);
          if (current) removeEndpoint(current, { ...req.context, final: true });
          return undefined;
        },
      });
      return { status: 202, headers: op.headers({ location: true }) };
    },
  });
}
