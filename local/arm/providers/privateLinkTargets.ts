/**
 * Private link target resources of many services (Cosmos DB accounts, registries, AKS clusters, Web Apps, Azure
 * Monitor private link scopes, ...) and what their private endpoints' NICs show, from the emulator's own service
 * tables (privateLinkServices.ts). The resources themselves are placed by seed (`privateLinkResources` in a
 * resource group) or in process; only what the NIC FQDNs depend on is kept (locations, DNS zone, data endpoints).
 *
 * Endpoint creation is checked as the services do: exactly one group id (`OnlyOneGroupIdPermitted`, as Network
 * answers for first-party resources), one the service offers, and — except for storage accounts and key vaults,
 * which the older fixtures use without the resource — a target that exists (ARM's `ResourceNotFound`; the exact
 * answer of Network for a missing first-party target is not documented, so the generic one is assumed).
 */
import { z } from 'zod';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import { ArmError, badRequest, parseOrBadRequest, resourceNotFound } from '../errors';
import { PRIVATE_LINK_SERVICES, ServiceNotInCloudError, privateLinkService } from '../privateLinkServices';
import type { PrivateLinkServiceDefinition, TargetResource } from '../privateLinkServices';
import { parseResourceId, resourceGroupId } from '../resourceId';
import type { ArmResource } from '../store';
import type { LinkRequest, NetworkService } from './network';

export interface PrivateLinkResourceInput {
  subscriptionId: string;
  resourceGroup: string;
  /** ARM type, e.g. `Microsoft.DocumentDB/databaseAccounts`. */
  type: string;
  name: string;
  location?: string;
  properties?: Record<string, unknown>;
}

/** In-process API (`emu.service<PrivateLinkTargetsService>('privateLinkTargets')`). */
export interface PrivateLinkTargetsService {
  /** Creates (or replaces) a target resource; returns it. */
  createResource(input: PrivateLinkResourceInput): ArmResource;
  /** The resource types endpoints can target. */
  resourceTypes(): string[];
}

const resourceSeedSchema = z.array(
  z.object({
    type: z.string().min(1),
    name: z.string().min(1),
    location: z.string().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  }),
);

const resourceInputSchema = z.object({
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  type: z.string().min(1),
  name: z.string().min(1),
  location: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

function targetOf(
  ctx: EmulatorContext,
  request: LinkRequest,
  service: PrivateLinkServiceDefinition,
): TargetResource {
  const parsed = parseResourceId(request.targetId);
  const stored = ctx.store.get(request.targetId);
  if (!stored && service.needsResource) {
    throw resourceNotFound(service.resourceType, parsed?.name ?? request.targetId, parsed?.resourceGroup);
  }
  return {
    name: (stored?.name ?? parsed?.name ?? '').toLowerCase(),
    location: ((stored?.location as string | undefined) ?? request.location).toLowerCase(),
    properties: (stored?.properties as Record<string, unknown> | undefined) ?? {},
  };
}

function checkGroups(request: LinkRequest, service: PrivateLinkServiceDefinition): string {
  const connection = `${request.privateEndpointId}/privateLinkServiceConnections/${request.connectionName}`;
  if (request.groupIds.length === 0) {
    throw badRequest(
      'MissingParameterOnPrivateLinkServiceConnection',
      `Private link service connection ${connection} is missing required parameter 'group Id'.`,
    );
  }
  if (request.groupIds.length > 1) {
    throw badRequest(
      'OnlyOneGroupIdPermitted',
      `Private link service connection ${connection} has the following group Ids: ${request.groupIds.join(', ')}. Only one group Id is permitted when connecting to a first-party resource (${request.targetId}).`,
    );
  }
  const group = request.groupIds[0] as string;
  const known = service.groupIds.find((g) => g.toLowerCase() === group.toLowerCase());
  if (!known) {
    // The code is not documented; the message is the one Network relays from the service.
    throw badRequest(
      'InvalidGroupId',
      `Call to ${service.resourceType} failed. Error message: Invalid groupId ${group}.`,
    );
  }
  return group;
}

export const privateLinkTargetsProvider: ArmProvider = {
  name: 'privateLinkTargets',
  register(ctx: EmulatorContext): void {
    let network: NetworkService;
    try {
      network = ctx.service<NetworkService>('network');
    } catch {
      throw new Error('The privateLinkTargets provider needs the network provider registered before it.');
    }
    const cloud = ctx.cloud;

    for (const service of PRIVATE_LINK_SERVICES) {
      network.registerLinkTarget({
        resourceType: service.resourceType,
        validate(request) {
          const group = checkGroups(request, service);
          try {
            service.members(targetOf(ctx, request, service), group, cloud);
          } catch (error) {
            if (error instanceof ServiceNotInCloudError)
              throw badRequest('FeatureNotSupported', error.message);
            throw error;
          }
        },
        members(request) {
          const group = checkGroups(request, service);
          return service.members(targetOf(ctx, request, service), group, cloud);
        },
      });
    }

    const createResource = (input: PrivateLinkResourceInput): ArmResource => {
      const service = privateLinkService(input.type);
      if (!service) {
        throw badRequest(
          'InvalidResourceType',
          `The emulator has no private link service of type ${input.type}; known: ${PRIVATE_LINK_SERVICES.map((s) => s.resourceType).join(', ')}.`,
        );
      }
      ctx.ensureResourceGroup(input.subscriptionId, input.resourceGroup);
      const id = `${resourceGroupId(input.subscriptionId, input.resourceGroup)}/providers/${service.resourceType}/${input.name}`;
      return ctx.store.put(
        {
          id,
          name: input.name,
          type: service.resourceType,
          location: (input.location ?? ctx.defaultLocation).toLowerCase(),
          properties: { provisioningState: 'Succeeded', ...(input.properties ?? {}) },
        },
        { context: ctx.internalContext(`${service.resourceType}/write`) },
      );
    };

    const api: PrivateLinkTargetsService = {
      createResource,
      resourceTypes: () => PRIVATE_LINK_SERVICES.map((s) => s.resourceType),
    };
    ctx.provide('privateLinkTargets', api);

    ctx.addSeeder((scope, group) => {
      if (group.privateLinkResources === undefined) return;
      const resources = parseOrBadRequest(
        resourceSeedSchema,
        group.privateLinkResources,
        'InvalidSeed',
        `privateLinkResources in ${scope.resourceGroup}`,
      );
      for (const r of resources) {
        createResource({
          subscriptionId: scope.subscriptionId,
          resourceGroup: scope.resourceGroup,
          type: r.type,
          name: r.name,
          location: r.location ?? scope.location,
          ...(r.properties ? { properties: r.properties } : {}),
        });
      }
    });

    addControlRoute(ctx, 'POST', '/privateLinkResources', (req) => {
      const body = parseBody(resourceInputSchema, req);
      try {
        return {
          status: 200,
          body: createResource({
            subscriptionId: body.subscriptionId,
            resourceGroup: body.resourceGroup,
            type: body.type,
            name: body.name,
            ...(body.location ? { location: body.location } : {}),
            ...(body.properties ? { properties: body.properties } : {}),
          }),
        };
      } catch (error) {
        if (error instanceof ArmError) throw error;
        throw badRequest('InvalidRequestContent', String(error));
      }
    });
  },
};
