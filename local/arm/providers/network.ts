/**
 * Microsoft.Network: private endpoints (LRO create/update/delete), their network interfaces (with
 * `privateLinkConnectionProperties`) and the virtual networks/subnets they are placed in. The provider wires the
 * parts in network/: wire shapes (wire.ts), addresses and virtual networks (addresses.ts), NICs (interfaces.ts),
 * endpoints (endpoints.ts) and the ARM routes with their LRO glue (routes.ts); here are the in-process service,
 * seeding and the control API.
 */
import { z } from 'zod';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import { parseOrBadRequest } from '../errors';
import { parseResourceId } from '../resourceId';
import { SubnetAllocator } from './network/ipam';
import { networkAddresses } from './network/addresses';
import { privateEndpoints } from './network/endpoints';
import { networkInterfaces } from './network/interfaces';
import { registerNetworkRoutes } from './network/routes';
import { memberSchema, type NetworkService, type PrivateLinkTarget } from './network/wire';

export { NETWORK_INTERFACE_TYPE, PRIVATE_ENDPOINT_TYPE, VIRTUAL_NETWORK_TYPE } from './network/wire';
export type {
  ConnectionState,
  CreatePrivateEndpointInput,
  EndpointMember,
  LinkRequest,
  NetworkService,
  PrivateLinkTarget,
  VirtualNetworkInput,
} from './network/wire';

export const networkProvider: ArmProvider = {
  name: 'network',
  register(ctx: EmulatorContext): void {
    const allocator = new SubnetAllocator();
    const targets = new Map<string, PrivateLinkTarget>();
    ctx.onReset(() => allocator.reset());

    const targetFor = (targetId: string): PrivateLinkTarget | undefined => {
      const type = parseResourceId(targetId)?.type.toLowerCase();
      return type ? targets.get(type) : undefined;
    };

    const addresses = networkAddresses(ctx, allocator);
    const { createVirtualNetwork } = addresses;
    const nics = networkInterfaces(ctx, allocator, addresses);
    const { nicOf, members, setMembers, upsertMember } = nics;
    const endpoints = privateEndpoints(ctx, allocator, addresses, nics, targetFor);
    const { createPrivateEndpoint, removeEndpoint, setConnectionState } = endpoints;

    const service: NetworkService = {
      pageSize: 1000,
      registerLinkTarget: (target) => void targets.set(target.resourceType.toLowerCase(), target),
      createVirtualNetwork,
      createPrivateEndpoint,
      deletePrivateEndpoint: (privateEndpointId, context) => {
        const pe = ctx.store.get(privateEndpointId);
        if (!pe) return false;
        removeEndpoint(pe, { ...(context ?? ctx.internalContext()), final: true });
        return true;
      },
      getPrivateEndpoint: (privateEndpointId) => ctx.store.get(privateEndpointId),
      getNetworkInterface: (privateEndpointId) => {
        const pe = ctx.store.get(privateEndpointId);
        return pe ? nicOf(pe) : undefined;
      },
      members,
      setMembers,
      upsertMember,
      setConnectionState,
    };
    ctx.provide('network', service);

    registerNetworkRoutes(ctx, service, endpoints, nics);

    // ---- seeding and control API ---------------------------------------------------------------------------
    const vnetSeedSchema = z.array(
      z.object({
        name: z.string().min(1),
        location: z.string().optional(),
        addressPrefixes: z.array(z.string()).min(1),
        subnets: z.array(z.object({ name: z.string().min(1), addressPrefix: z.string() })).default([]),
      }),
    );
    ctx.addSeeder((scope, group) => {
      if (group.virtualNetworks === undefined) return;
      const vnets = parseOrBadRequest(
        vnetSeedSchema,
        group.virtualNetworks,
        'InvalidSeed',
        `virtualNetworks in ${scope.resourceGroup}`,
      );
      for (const vnet of vnets) {
        createVirtualNetwork({
          subscriptionId: scope.subscriptionId,
          resourceGroup: scope.resourceGroup,
          name: vnet.name,
          location: vnet.location ?? scope.location,
          addressPrefixes: vnet.addressPrefixes,
          subnets: vnet.subnets,
        });
      }
    });

    addControlRoute(ctx, 'PUT', '/network/privateEndpoints/members', (req) => {
      const body = parseBody(
        z.object({ privateEndpointId: z.string().min(1), members: z.array(memberSchema) }),
        req,
      );
      return { status: 200, body: setMembers(body.privateEndpointId, body.members) };
    });
    addControlRoute(ctx, 'PATCH', '/network/privateEndpoints/members', (req) => {
      const body = parseBody(z.object({ privateEndpointId: z.string().min(1), member: memberSchema }), req);
      return { status: 200, body: upsertMember(body.privateEndpointId, body.member) };
    });
    addControlRoute(ctx, 'PUT', '/network/privateEndpoints/connectionState', (req) => {
      const body = parseBody(
        z.object({
          privateEndpointId: z.string().min(1),
          connectionName: z.string().optional(),
          status: z.string().min(1),
          description: z.string().optional(),
          actionsRequired: z.string().optional(),
        }),
        req,
      );
      return {
        status: 200,
        body: setConnectionState(
          body.privateEndpointId,
          {
            status: body.status,
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.actionsRequired !== undefined ? { actionsRequired: body.actionsRequired } : {}),
          },
          body.connectionName ? { connectionName: body.connectionName } : {},
        ),
      };
    });
    addControlRoute(ctx, 'POST', '/network/virtualNetworks', (req) => {
      const body = parseBody(
        z.object({
          subscriptionId: z.string().min(1),
          resourceGroup: z.string().min(1),
          name: z.string().min(1),
          location: z.string().optional(),
          addressPrefixes: z.array(z.string()).min(1),
          subnets: z.array(z.object({ name: z.string().min(1), addressPrefix: z.string() })),
        }),
        req,
      );
      return {
        status: 200,
        body: createVirtualNetwork({ ...body, ...(body.location ? { location: body.location } : {}) }),
      };
    });
  },
};
