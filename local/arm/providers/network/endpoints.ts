/**
 * Private endpoints: a create or update request planned into the endpoint and (on create) its NIC with allocated
 * IPs, connection states (auto-approved, pending manual approval, or what the link target decides), writes and
 * deletes (releasing the NIC's IPs and telling the link target), and the endpoint as a client reads it.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { ArmError, badRequest } from '../../errors';
import { resourceGroupId } from '../../resourceId';
import type { ArmResource, WriteContext } from '../../store';
import type { SubnetAllocator } from './ipam';
import type { privateEndpointBodySchema, connectionSchema } from './wire';
import {
  buildConnection,
  buildNic,
  connectionsOf,
  customDnsConfigs,
  defaultMembers,
  ipConfigsOf,
  networkEtag,
  PRIVATE_ENDPOINT_TYPE,
  wireState,
  withEtags,
  type ConnectionState,
  type CreatePrivateEndpointInput,
  type EndpointMember,
  type IpConfig,
  type LinkRequest,
  type PrivateLinkTarget,
  type WireEndpointProps,
} from './wire';
import type { NetworkAddresses } from './addresses';
import type { NetworkInterfaces } from './interfaces';

export function privateEndpoints(
  ctx: EmulatorContext,
  allocator: SubnetAllocator,
  { findSubnet, allocateIp }: NetworkAddresses,
  { nicOf, requirePe }: NetworkInterfaces,
  targetFor: (targetId: string) => PrivateLinkTarget | undefined,
) {
  const setConnectionState = (
    privateEndpointId: string,
    state: ConnectionState,
    options: { connectionName?: string; context?: WriteContext } = {},
  ): ArmResource => {
    const pe = requirePe(privateEndpointId);
    const props = structuredClone(pe.properties) as WireEndpointProps;
    let updated = false;
    for (const list of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections'] as const) {
      for (const c of props[list] ?? []) {
        if (updated) break;
        if (options.connectionName && String(c.name).toLowerCase() !== options.connectionName.toLowerCase())
          continue;
        c.properties.privateLinkServiceConnectionState = wireState(state);
        updated = true;
      }
    }
    if (!updated) {
      throw new ArmError(
        404,
        'PrivateLinkServiceConnectionNotFound',
        `No matching connection on private endpoint ${pe.id}.`,
      );
    }
    const etag = randomUUID();
    return ctx.store.put(withEtags({ ...pe, properties: props }, networkEtag(etag)), {
      etag: () => networkEtag(etag),
      context: {
        ...(options.context ?? ctx.internalContext()),
        operationName: 'Microsoft.Network/privateEndpoints/write',
      },
    });
  };

  interface PlannedEndpoint {
    resource: ArmResource;
    nic?: ArmResource;
    request: LinkRequest;
    target?: PrivateLinkTarget;
  }

  /** Builds the endpoint (and NIC, on create) from a request body; allocates IPs. Nothing is written yet. */
  const planEndpoint = (input: {
    id: string;
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    body: z.infer<typeof privateEndpointBodySchema>;
    existing?: ArmResource;
    claims: Record<string, unknown>;
    members?: EndpointMember[];
    state?: ConnectionState;
  }): PlannedEndpoint => {
    const { body, existing } = input;
    const auto = body.properties.privateLinkServiceConnections ?? [];
    const manual = body.properties.manualPrivateLinkServiceConnections ?? [];
    if (auto.length + manual.length === 0) {
      throw badRequest(
        'PrivateEndpointMustHaveOnePrivateLinkServiceConnection',
        `Private endpoint ${input.id} must have one privateLinkServiceConnection or manualPrivateLinkServiceConnection.`,
      );
    }
    if (auto.length > 0 && manual.length > 0) {
      throw badRequest(
        'PrivateEndpointCannotHaveBothManualAndAutoConnections',
        `Private endpoint ${input.id} cannot have both automatic and manual private link service connections.`,
      );
    }
    const isManual = manual.length > 0;
    const first = (isManual ? manual : auto)[0] as z.infer<typeof connectionSchema>;
    const location = body.location ?? (existing?.location as string | undefined);
    if (!location)
      throw badRequest('LocationRequired', 'The location property is required for this definition.');
    const subnetId = body.properties.subnet.id;
    const existingProps = existing?.properties as WireEndpointProps | undefined;
    if (existingProps && String(existingProps.subnet.id).toLowerCase() !== subnetId.toLowerCase()) {
      throw badRequest(
        'CannotChangeSubnetOfPrivateEndpoint',
        `The subnet of private endpoint ${input.id} cannot be changed.`,
      );
    }
    if (!findSubnet(subnetId)) {
      throw badRequest(
        'InvalidResourceReference',
        `Resource ${subnetId} referenced by resource ${input.id} was not found.`,
      );
    }
    const connectionName = first.name ?? input.name;
    const groupIds = first.properties.groupIds ?? [];
    const request: LinkRequest = {
      privateEndpointId: input.id,
      privateEndpointName: input.name,
      subscriptionId: input.subscriptionId,
      resourceGroup: input.resourceGroup,
      location,
      targetId: first.properties.privateLinkServiceId,
      groupIds,
      manual: isManual,
      connectionName,
      ...(first.properties.requestMessage !== undefined
        ? { requestMessage: first.properties.requestMessage }
        : {}),
      claims: input.claims,
    };
    const target = targetFor(request.targetId);
    target?.validate?.(request);

    const etagGuid = randomUUID();
    const etag = networkEtag(etagGuid);
    const previousConnections = connectionsOf(existingProps);
    const stateFor = (name: string): ConnectionState => {
      const previous = previousConnections.find((c) => String(c.name).toLowerCase() === name.toLowerCase());
      if (previous) return previous.properties.privateLinkServiceConnectionState;
      return (
        input.state ??
        target?.initialState?.(request) ??
        (isManual
          ? {
              status: 'Pending',
              description: request.requestMessage ?? 'Awaiting approval',
              actionsRequired: 'None',
            }
          : { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' })
      );
    };
    const connections = (isManual ? manual : auto).map((c, i) => {
      const name = c.name ?? (i === 0 ? input.name : `${input.name}-${i}`);
      return buildConnection(
        input.id,
        etag,
        {
          name,
          privateLinkServiceId: c.properties.privateLinkServiceId,
          groupIds: c.properties.groupIds ?? [],
          requestMessage: c.properties.requestMessage,
        },
        stateFor(name),
      );
    });

    let nic: ArmResource | undefined;
    let nicId: string;
    let configs: IpConfig[];
    if (existingProps) {
      nicId = (existingProps.networkInterfaces as Array<{ id: string }>)[0]?.id ?? '';
      const existingNic = ctx.store.get(nicId);
      configs = existingNic ? ipConfigsOf(existingNic) : [];
    } else {
      const nicName = body.properties.customNetworkInterfaceName ?? `${input.name}.nic.${randomUUID()}`;
      nicId = `${resourceGroupId(input.subscriptionId, input.resourceGroup)}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
      if (ctx.store.has(nicId)) {
        throw badRequest(
          'NetworkInterfaceNameInUse',
          `A network interface named ${nicName} already exists in ${input.resourceGroup}.`,
        );
      }
      const wanted = input.members ?? target?.members?.(request) ?? defaultMembers(request, ctx.cloud);
      configs = [];
      try {
        for (const member of wanted) {
          configs.push({
            name: `privateEndpointIpConfig.${randomUUID()}`,
            member,
            ip: allocateIp(subnetId),
          });
        }
      } catch (err) {
        for (const c of configs) allocator.release(subnetId.toLowerCase(), c.ip);
        throw err;
      }
      const nicEtag = networkEtag(randomUUID());
      nic = buildNic(
        {
          id: nicId,
          name: nicName,
          location,
          privateEndpointId: input.id,
          subnetId,
          resourceGuid: randomUUID(),
        },
        configs,
        nicEtag,
      );
    }

    const resource: ArmResource = {
      name: input.name,
      id: input.id,
      etag,
      type: PRIVATE_ENDPOINT_TYPE,
      location,
      ...(body.tags ? { tags: body.tags } : existing?.tags ? { tags: existing.tags } : {}),
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: existingProps?.resourceGuid ?? randomUUID(),
        privateLinkServiceConnections: isManual ? [] : connections,
        manualPrivateLinkServiceConnections: isManual ? connections : [],
        subnet: { id: subnetId },
        ...(body.properties.ipVersionType ? { ipVersionType: body.properties.ipVersionType } : {}),
        networkInterfaces: [{ id: nicId }],
        customDnsConfigs: customDnsConfigs(configs),
        applicationSecurityGroups: body.properties.applicationSecurityGroups ?? [],
        ipConfigurations: [],
        ...(body.properties.customNetworkInterfaceName
          ? { customNetworkInterfaceName: body.properties.customNetworkInterfaceName }
          : existingProps?.customNetworkInterfaceName
            ? { customNetworkInterfaceName: existingProps.customNetworkInterfaceName }
            : {}),
      },
    };
    return { resource, ...(nic ? { nic } : {}), request, ...(target ? { target } : {}) };
  };

  /** Writes the NIC a new endpoint's plan built (an update plans none). */
  const putPlannedNic = (plan: PlannedEndpoint, context: WriteContext): void => {
    const nic = plan.nic;
    if (!nic) return;
    ctx.store.put(nic, {
      etag: () => nic.etag as string,
      context: { ...context, operationName: 'Microsoft.Network/networkInterfaces/write' },
    });
  };

  const putEndpoint = (resource: ArmResource, context: WriteContext): ArmResource => {
    const guid = /W\/"(.*)"/.exec(resource.etag ?? '')?.[1] ?? randomUUID();
    return ctx.store.put(resource, { etag: () => networkEtag(guid), context });
  };

  const removeEndpoint = (pe: ArmResource, context: WriteContext): void => {
    const nic = nicOf(pe);
    const subnetId = (pe.properties as { subnet: { id: string } }).subnet.id;
    if (nic) {
      for (const c of ipConfigsOf(nic)) allocator.release(subnetId.toLowerCase(), c.ip);
      ctx.store.delete(nic.id, { ...context, operationName: 'Microsoft.Network/networkInterfaces/delete' });
    }
    ctx.store.delete(pe.id, { ...context, operationName: 'Microsoft.Network/privateEndpoints/delete' });
    const targetId = connectionsOf(pe.properties as WireEndpointProps)[0]?.properties.privateLinkServiceId;
    if (targetId) targetFor(targetId)?.onDeleted?.(pe);
  };

  /** Endpoint as a client reads it: while its NIC FQDNs are hidden by a fault, so are its customDnsConfigs. */
  const readEndpoint = (pe: ArmResource): ArmResource => {
    if (!ctx.faults.fqdnsHidden(pe.id, pe.name)) return pe;
    return { ...pe, properties: { ...(pe.properties as object), customDnsConfigs: [] } };
  };

  const createPrivateEndpoint = (input: CreatePrivateEndpointInput): ArmResource => {
    ctx.ensureResourceGroup(input.subscriptionId, input.resourceGroup);
    const id = `${resourceGroupId(input.subscriptionId, input.resourceGroup)}/providers/Microsoft.Network/privateEndpoints/${input.name}`;
    if (ctx.store.has(id)) throw new ArmError(409, 'Conflict', `Private endpoint ${id} already exists.`);
    const connection = {
      name: input.connection.name ?? input.name,
      properties: {
        privateLinkServiceId: input.connection.privateLinkServiceId,
        groupIds: input.connection.groupIds,
        ...(input.connection.requestMessage !== undefined
          ? { requestMessage: input.connection.requestMessage }
          : {}),
      },
    };
    const plan = planEndpoint({
      id,
      subscriptionId: input.subscriptionId,
      resourceGroup: input.resourceGroup,
      name: input.name,
      body: {
        location: input.location ?? ctx.defaultLocation,
        ...(input.tags ? { tags: input.tags } : {}),
        properties: {
          subnet: { id: input.subnetId },
          [input.manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections']: [
            connection,
          ],
          ...(input.customNetworkInterfaceName
            ? { customNetworkInterfaceName: input.customNetworkInterfaceName }
            : {}),
        },
      },
      claims: input.context?.claims ?? {},
      ...(input.members ? { members: input.members } : {}),
      ...(input.state ? { state: input.state } : {}),
    });
    const context = { ...(input.context ?? ctx.internalContext()), final: true };
    putPlannedNic(plan, context);
    const stored = putEndpoint(plan.resource, {
      ...context,
      operationName: 'Microsoft.Network/privateEndpoints/write',
    });
    plan.target?.onCreated?.(stored, plan.request);
    return stored;
  };
  return {
    setConnectionState,
    planEndpoint,
    putPlannedNic,
    putEndpoint,
    removeEndpoint,
    readEndpoint,
    createPrivateEndpoint,
  };
}

export type PrivateEndpoints = ReturnType<typeof privateEndpoints>;
