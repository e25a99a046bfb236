/**
 * ARM routes of Private DNS zones and their virtual network links (zones and links are long-running puts and
 * deletes), and the router every Private DNS route goes through: its api-versions and the rate limits of its
 * operation, keyed by zone, resource group or subscription.
 */
import { PRIVATE_DNS_API_VERSIONS } from '../../apiVersions';
import type { EmulatorContext } from '../../context';
import { ArmError, badRequest, parseOrBadRequest, resourceNotFound } from '../../errors';
import { listScope, paginate } from '../../paging';
import { resourceGroupId } from '../../resourceId';
import type { ArmRequest, ArmResponse, RouteDefinition } from '../../router';
import {
  PRIVATE_DNS_ZONE_TYPE,
  VIRTUAL_NETWORK_LINK_TYPE,
  PRIVATE_DNS_LIMITS_BY_OPERATION,
  zoneBodySchema,
  linkBodySchema,
  checkPreconditions,
  type LimitScope,
} from './wire';
import type { PrivateDnsModel } from './model';

/** Adds a Private DNS route with its api-versions and the limits its operation counts against. */
export function privateDnsRouter(ctx: EmulatorContext, { zoneIdOf }: PrivateDnsModel) {
  const base =
    '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateDnsZones';
  const limitKey = (req: ArmRequest, scope: LimitScope): string => {
    const subscriptionId = req.params.subscriptionId as string;
    if (scope === 'subscription') return subscriptionId.toLowerCase();
    if (scope === 'resourceGroup')
      return resourceGroupId(subscriptionId, req.params.resourceGroupName as string).toLowerCase();
    return zoneIdOf(req).toLowerCase();
  };
  const route = (def: Omit<RouteDefinition, 'apiVersions'>): void => {
    const limits = PRIVATE_DNS_LIMITS_BY_OPERATION[def.operationId];
    ctx.router.add({
      ...def,
      apiVersions: PRIVATE_DNS_API_VERSIONS,
      ...(limits
        ? {
            rateLimits: (req: ArmRequest) =>
              limits.map(([limit, scope]) => ({ limit, key: limitKey(req, scope) })),
          }
        : {}),
    });
  };
  return { base, route };
}

export function registerZoneAndLinkRoutes(ctx: EmulatorContext, model: PrivateDnsModel): void {
  const { zoneIdOf, requireZone, presentZone, writeZone, soaFor, linkIdOf, writeLink } = model;
  const { base, route } = privateDnsRouter(ctx, model);
  // ---- zones -------------------------------------------------------------------------------------------
  route({
    method: 'GET',
    path: `${base}/{privateZoneName}`,
    operationId: 'PrivateZones_Get',
    resourceType: PRIVATE_DNS_ZONE_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/read',
    handler: (req) => {
      const zone = ctx.store.get(zoneIdOf(req));
      if (!zone)
        throw resourceNotFound(
          PRIVATE_DNS_ZONE_TYPE,
          (req.params.privateZoneName as string).toLowerCase(),
          req.params.resourceGroupName,
        );
      return { status: 200, body: presentZone(zone) };
    },
  });

  const listZones = (req: ArmRequest): ArmResponse => {
    const zones = ctx.store.listByType(PRIVATE_DNS_ZONE_TYPE, listScope(req));
    const page = paginate(req, zones, ctx.endpoint(), { defaultPageSize: 100, maxPageSize: 1000 });
    return { status: 200, body: { ...page, value: page.value.map(presentZone) } };
  };

  route({
    method: 'GET',
    path: `${base}`,
    operationId: 'PrivateZones_ListByResourceGroup',
    resourceType: PRIVATE_DNS_ZONE_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/read',
    handler: listZones,
  });

  route({
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Network/privateDnsZones',
    operationId: 'PrivateZones_List',
    resourceType: PRIVATE_DNS_ZONE_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/read',
    handler: listZones,
  });

  route({
    method: 'PUT',
    path: `${base}/{privateZoneName}`,
    operationId: 'PrivateZones_CreateOrUpdate',
    resourceType: PRIVATE_DNS_ZONE_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/write',
    handler: (req): ArmResponse => {
      const body = parseOrBadRequest(
        zoneBodySchema,
        req.body ?? {},
        'InvalidRequestFormat',
        'Cannot parse the request',
      );
      if (body.location !== undefined && body.location.toLowerCase() !== 'global') {
        throw badRequest(
          'InvalidLocation',
          `Private DNS zones are global; location '${body.location}' is not allowed.`,
        );
      }
      const name = (req.params.privateZoneName as string).toLowerCase();
      if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(name)) {
        throw badRequest(
          'InvalidZoneName',
          `The zone name '${name}' is not a valid DNS name with at least two labels.`,
        );
      }
      const id = zoneIdOf(req);
      const existing = ctx.store.get(id);
      checkPreconditions(req, existing, `private DNS zone '${name}'`);
      const tags = body.tags ?? undefined;
      const accepted = writeZone(
        id,
        existing?.name ?? name,
        tags,
        existing ? 'Updating' : 'Creating',
        { ...req.context, final: false },
        existing,
      );
      if (!existing) {
        ctx.store.put(soaFor(accepted), {
          context: { ...req.context, operationName: 'Microsoft.Network/privateDnsZones/SOA/write' },
        });
      }
      const op = ctx.lro.startFor(req, {
        namespace: 'Microsoft.Network',
        location: 'global',
        complete: () => {
          const current = ctx.store.get(id);
          if (!current) throw new ArmError(409, 'Conflict', `Zone ${name} was deleted while being written.`);
          return presentZone(
            writeZone(id, current.name, tags, 'Succeeded', { ...req.context, final: true }, current),
          );
        },
      });
      return {
        status: existing ? 200 : 201,
        body: presentZone(accepted),
        headers: op.headers({ location: true }),
      };
    },
  });

  route({
    method: 'GET',
    path: `${base}/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}`,
    operationId: 'VirtualNetworkLinks_Get',
    resourceType: VIRTUAL_NETWORK_LINK_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
    handler: (req) => {
      requireZone(req);
      const link = ctx.store.get(linkIdOf(req));
      if (!link)
        throw resourceNotFound(
          VIRTUAL_NETWORK_LINK_TYPE,
          req.params.virtualNetworkLinkName as string,
          req.params.resourceGroupName,
        );
      return { status: 200, body: link };
    },
  });

  route({
    method: 'GET',
    path: `${base}/{privateZoneName}/virtualNetworkLinks`,
    operationId: 'VirtualNetworkLinks_List',
    resourceType: VIRTUAL_NETWORK_LINK_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
    handler: (req) => {
      const zone = requireZone(req);
      return {
        status: 200,
        body: paginate(req, ctx.store.listChildren(zone.id, VIRTUAL_NETWORK_LINK_TYPE), ctx.endpoint(), {
          defaultPageSize: 100,
          maxPageSize: 1000,
        }),
      };
    },
  });

  route({
    method: 'PUT',
    path: `${base}/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}`,
    operationId: 'VirtualNetworkLinks_CreateOrUpdate',
    resourceType: VIRTUAL_NETWORK_LINK_TYPE,
    armOperation: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write',
    handler: (req): ArmResponse => {
      const zone = requireZone(req);
      const body = parseOrBadRequest(
        linkBodySchema,
        req.body,
        'InvalidRequestFormat',
        'Cannot parse the request',
      );
      const id = linkIdOf(req);
      const existing = ctx.store.get(id);
      checkPreconditions(
        req,
        existing,
        `virtual network link '${req.params.virtualNetworkLinkName as string}'`,
      );
      if (!ctx.store.has(body.properties.virtualNetwork.id)) {
        throw badRequest(
          'InvalidResourceReference',
          `Virtual network ${body.properties.virtualNetwork.id} referenced by the link was not found.`,
        );
      }
      const duplicate = ctx.store
        .listChildren(zone.id, VIRTUAL_NETWORK_LINK_TYPE)
        .find(
          (l) =>
            l.id.toLowerCase() !== id.toLowerCase() &&
            String((l.properties as { virtualNetwork: { id: string } }).virtualNetwork.id).toLowerCase() ===
              body.properties.virtualNetwork.id.toLowerCase(),
        );
      if (duplicate) {
        throw new ArmError(
          409,
          'Conflict',
          `The virtual network is already linked to zone ${zone.name} by link ${duplicate.name}.`,
        );
      }
      const linkName = existing?.name ?? req.params.virtualNetworkLinkName ?? '';
      const tags = body.tags ?? undefined;
      const accepted = writeLink(zone, linkName, body.properties, tags, existing ? 'Updating' : 'Creating', {
        ...req.context,
        final: false,
      });
      const op = ctx.lro.startFor(req, {
        namespace: 'Microsoft.Network',
        location: 'global',
        complete: () =>
          writeLink(zone, linkName, body.properties, tags, 'Succeeded', {
            ...req.context,
            final: true,
          }),
      });
      return { status: existing ? 200 : 201, body: accepted, headers: op.headers({ location: true }) };
    },
  });
}
