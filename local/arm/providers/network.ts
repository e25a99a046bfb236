/**
 * Microsoft.Network: private endpoints (LRO create/update/delete), their network interfaces (with
 * `privateLinkConnectionProperties`) and the virtual networks/subnets they are placed in.
 * Wire shapes follow privateEndpoint.json / networkInterface.json (2024-01-01) and the 2026-01-01 examples.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { NETWORK_API_VERSIONS } from '../apiVersions';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import { ArmError, badRequest, parseOrBadRequest, resourceNotFound } from '../errors';
import { listScope, paginate } from '../paging';
import { parseResourceId, resourceGroupId } from '../resourceId';
import type { ArmRequest, ArmResponse, RouteDefinition } from '../router';
import type { ArmResource, WriteContext } from '../store';
import { parsePrefix, prefixContains, SubnetAllocator } from './networkIpam';
import { privateLinkService } from '../privateLinkServices';

export const PRIVATE_ENDPOINT_TYPE = 'Microsoft.Network/privateEndpoints';
export const NETWORK_INTERFACE_TYPE = 'Microsoft.Network/networkInterfaces';
export const VIRTUAL_NETWORK_TYPE = 'Microsoft.Network/virtualNetworks';
const CONNECTION_TYPE = 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections';
const IP_CONFIG_TYPE = 'Microsoft.Network/networkInterfaces/ipConfigurations';

/** One NIC IP configuration of a private endpoint: a member of the target's group, with its FQDNs. */
export interface EndpointMember {
  groupId: string;
  requiredMemberName: string;
  fqdns: string[];
}

export interface ConnectionState {
  status: string;
  description?: string;
  actionsRequired?: string;
}

/** What a private-link target sees when an endpoint connects to it. */
export interface LinkRequest {
  privateEndpointId: string;
  privateEndpointName: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  targetId: string;
  groupIds: string[];
  /** true for `manualPrivateLinkServiceConnections`. */
  manual: boolean;
  connectionName: string;
  requestMessage?: string;
  /** Claims of the caller's token (who creates the endpoint). */
  claims: Record<string, unknown>;
}

/**
 * A private-link target resource type (e.g. `Microsoft.RecoveryServices/vaults`) registered by another provider:
 * it decides the NIC members (FQDNs), the initial connection state, and hears about created/deleted endpoints.
 */
export interface PrivateLinkTarget {
  resourceType: string;
  /** Throw an ArmError to refuse the connection (e.g. unknown target or group id). */
  validate?(request: LinkRequest): void;
  members?(request: LinkRequest): EndpointMember[];
  initialState?(request: LinkRequest): ConnectionState | undefined;
  /** Called when the endpoint's creation completes. */
  onCreated?(privateEndpoint: ArmResource, request: LinkRequest): void;
  /** Called when the endpoint is deleted. */
  onDeleted?(privateEndpoint: ArmResource): void;
}

export interface CreatePrivateEndpointInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  subnetId: string;
  connection: { name?: string; privateLinkServiceId: string; groupIds: string[]; requestMessage?: string };
  manual?: boolean;
  customNetworkInterfaceName?: string;
  tags?: Record<string, string>;
  /** Overrides the members the target would give. */
  members?: EndpointMember[];
  /** Overrides the initial connection state. */
  state?: ConnectionState;
  context?: WriteContext;
}

export interface VirtualNetworkInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  addressPrefixes: string[];
  subnets: Array<{ name: string; addressPrefix: string }>;
}

/** In-process API of the Network provider (`emu.service<NetworkService>('network')`). */
export interface NetworkService {
  registerLinkTarget(target: PrivateLinkTarget): void;
  createVirtualNetwork(input: VirtualNetworkInput): ArmResource;
  /** Creates a private endpoint (and NIC) synchronously, as a service would on the customer's behalf. */
  createPrivateEndpoint(input: CreatePrivateEndpointInput): ArmResource;
  deletePrivateEndpoint(privateEndpointId: string, context?: WriteContext): boolean;
  getPrivateEndpoint(privateEndpointId: string): ArmResource | undefined;
  /** The endpoint's NIC as stored (no fault filtering). */
  getNetworkInterface(privateEndpointId: string): ArmResource | undefined;
  /** Current members (ipconfigs) of the endpoint's NIC. */
  members(privateEndpointId: string): EndpointMember[];
  /** Replaces the NIC members; existing members (same groupId + requiredMemberName) keep their IPs. */
  setMembers(privateEndpointId: string, members: EndpointMember[], context?: WriteContext): ArmResource;
  /** Adds a member or replaces the FQDNs of an existing one. */
  upsertMember(privateEndpointId: string, member: EndpointMember, context?: WriteContext): ArmResource;
  /** Sets the state of the endpoint's connection (the first one, or `connectionName`). */
  setConnectionState(
    privateEndpointId: string,
    state: ConnectionState,
    options?: { connectionName?: string; context?: WriteContext },
  ): ArmResource;
  /** Page size for list operations (default 1000). */
  pageSize: number;
}

const connectionSchema = z.looseObject({
  name: z.string().optional(),
  properties: z.looseObject({
    privateLinkServiceId: z.string().min(1),
    groupIds: z.array(z.string().min(1)).optional(),
    requestMessage: z.string().optional(),
  }),
});

const privateEndpointBodySchema = z.looseObject({
  location: z.string().min(1).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.looseObject({
    subnet: z.looseObject({ id: z.string().min(1) }),
    privateLinkServiceConnections: z.array(connectionSchema).optional(),
    manualPrivateLinkServiceConnections: z.array(connectionSchema).optional(),
    customNetworkInterfaceName: z.string().min(1).optional(),
    ipVersionType: z.string().optional(),
    applicationSecurityGroups: z.array(z.looseObject({ id: z.string() })).optional(),
    customDnsConfigs: z
      .array(z.looseObject({ fqdn: z.string().optional(), ipAddresses: z.array(z.string()).optional() }))
      .optional(),
  }),
});

const memberSchema = z.object({
  groupId: z.string().min(1),
  requiredMemberName: z.string().min(1),
  fqdns: z.array(z.string()),
});

const networkEtag = (guid: string): string => `W/"${guid}"`;

/** A connection state as Network stores it: description and actionsRequired always present. */
const wireState = (state: ConnectionState): Required<ConnectionState> => ({
  status: state.status,
  description: state.description ?? '',
  actionsRequired: state.actionsRequired ?? 'None',
});

/** Every connection of an endpoint, automatic ones first. */
const connectionsOf = (props: WireEndpointProps | undefined): WireConnection[] => [
  ...(props?.privateLinkServiceConnections ?? []),
  ...(props?.manualPrivateLinkServiceConnections ?? []),
];

/** The parts of stored wire shapes this provider reads back. */
interface WireIpConfig {
  name: string;
  properties: {
    privateIPAddress: string;
    privateLinkConnectionProperties?: { groupId: string; requiredMemberName: string; fqdns: string[] };
  };
}
interface WireConnection {
  name: string;
  properties: { privateLinkServiceId: string; privateLinkServiceConnectionState: ConnectionState };
}
interface WireEndpointProps {
  subnet: { id: string };
  networkInterfaces?: Array<{ id: string }>;
  privateLinkServiceConnections?: WireConnection[];
  manualPrivateLinkServiceConnections?: WireConnection[];
  resourceGuid?: string;
  customNetworkInterfaceName?: string;
}
interface WireNicProps {
  resourceGuid: string;
  ipConfigurations?: WireIpConfig[];
}

/**
 * Members of an endpoint whose target type no provider registered: the service tables when they know the type
 * (from the target's name alone), otherwise one member per group id with no FQDNs yet.
 */
function defaultMembers(request: LinkRequest, cloud: EmulatorContext['cloud']): EndpointMember[] {
  const target = parseResourceId(request.targetId);
  const service = target ? privateLinkService(target.type) : undefined;
  return request.groupIds.flatMap((groupId) =>
    service && !service.needsResource
      ? service.members(
          { name: target?.name.toLowerCase() ?? '', location: request.location, properties: {} },
          groupId,
          cloud,
        )
      : [{ groupId, requiredMemberName: groupId, fqdns: [] }],
  );
}

export const networkProvider: ArmProvider = {
  name: 'network',
  register(ctx: EmulatorContext): void {
    const allocator = new SubnetAllocator();
    const targets = new Map<string, PrivateLinkTarget>();
    ctx.onReset(() => allocator.reset());

    const rgBase =
      '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network';
    const subBase = '/subscriptions/{subscriptionId}/providers/Microsoft.Network';
    const route = (def: Omit<RouteDefinition, 'apiVersions'>): void => {
      ctx.router.add({ ...def, apiVersions: NETWORK_API_VERSIONS });
    };

    const targetFor = (targetId: string): PrivateLinkTarget | undefined => {
      const type = parseResourceId(targetId)?.type.toLowerCase();
      return type ? targets.get(type) : undefined;
    };

    // ---- subnets and addresses -------------------------------------------------------------------------
    const findSubnet = (
      subnetId: string,
    ): { vnet: ArmResource; subnet: Record<string, unknown>; prefix: string } | undefined => {
      const parsed = parseResourceId(subnetId);
      if (!parsed || parsed.type.toLowerCase() !== 'microsoft.network/virtualnetworks/subnets')
        return undefined;
      const vnet = ctx.store.get(parsed.parentId);
      const subnets =
        (vnet?.properties as { subnets?: Array<Record<string, unknown>> } | undefined)?.subnets ?? [];
      const subnet = subnets.find((s) => String(s.name).toLowerCase() === parsed.name.toLowerCase());
      const prefix = (subnet?.properties as { addressPrefix?: string } | undefined)?.addressPrefix;
      return vnet && subnet && prefix ? { vnet, subnet, prefix } : undefined;
    };

    const allocateIp = (subnetId: string): string => {
      const found = findSubnet(subnetId);
      const prefix = found ? parsePrefix(found.prefix) : undefined;
      if (!found || !prefix) {
        throw new ArmError(
          400,
          'InvalidResourceReference',
          `Resource ${subnetId} referenced by the private endpoint was not found.`,
        );
      }
      const ip = allocator.allocate(subnetId.toLowerCase(), prefix);
      if (!ip) throw new ArmError(400, 'SubnetIsFull', `Subnet ${subnetId} has no free IP addresses.`);
      return ip;
    };

    // ---- shapes ------------------------------------------------------------------------------------------
    const buildConnection = (
      peId: string,
      etag: string,
      c: {
        name: string;
        privateLinkServiceId: string;
        groupIds: string[];
        requestMessage?: string | undefined;
      },
      state: ConnectionState,
    ): Record<string, unknown> => ({
      name: c.name,
      id: `${peId}/privateLinkServiceConnections/${c.name}`,
      etag,
      type: CONNECTION_TYPE,
      properties: {
        provisioningState: 'Succeeded',
        privateLinkServiceId: c.privateLinkServiceId,
        groupIds: c.groupIds,
        ...(c.requestMessage !== undefined ? { requestMessage: c.requestMessage } : {}),
        privateLinkServiceConnectionState: wireState(state),
      },
    });

    interface IpConfig {
      name: string;
      member: EndpointMember;
      ip: string;
    }

    const ipConfigsOf = (nic: ArmResource): IpConfig[] => {
      const configs = (nic.properties as WireNicProps).ipConfigurations ?? [];
      return configs.map((c) => ({
        name: c.name,
        ip: c.properties.privateIPAddress,
        member: {
          groupId: c.properties.privateLinkConnectionProperties?.groupId ?? '',
          requiredMemberName: c.properties.privateLinkConnectionProperties?.requiredMemberName ?? '',
          fqdns: [...(c.properties.privateLinkConnectionProperties?.fqdns ?? [])],
        },
      }));
    };

    const buildNic = (
      base: {
        id: string;
        name: string;
        location: string;
        privateEndpointId: string;
        subnetId: string;
        resourceGuid: string;
      },
      configs: IpConfig[],
      etag: string,
    ): ArmResource => ({
      name: base.name,
      id: base.id,
      etag,
      type: NETWORK_INTERFACE_TYPE,
      location: base.location,
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: base.resourceGuid,
        privateEndpoint: { id: base.privateEndpointId },
        ipConfigurations: configs.map((c, i) => ({
          name: c.name,
          id: `${base.id}/ipConfigurations/${c.name}`,
          etag,
          type: IP_CONFIG_TYPE,
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: c.ip,
            privateIPAllocationMethod: 'Dynamic',
            privateIPAddressVersion: 'IPv4',
            subnet: { id: base.subnetId },
            primary: i === 0,
            privateLinkConnectionProperties: {
              groupId: c.member.groupId,
              requiredMemberName: c.member.requiredMemberName,
              fqdns: [...c.member.fqdns],
            },
          },
        })),
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        macAddress: '',
        enableAcceleratedNetworking: false,
        vnetEncryptionSupported: false,
        enableIPForwarding: false,
        disableTcpStateTracking: false,
        hostedWorkloads: [],
        tapConfigurations: [],
        nicType: 'Standard',
      },
    });

    const customDnsConfigs = (configs: IpConfig[]): Array<{ fqdn: string; ipAddresses: string[] }> =>
      configs.flatMap((c) => c.member.fqdns.map((fqdn) => ({ fqdn, ipAddresses: [c.ip] })));

    const nicIdOf = (pe: ArmResource): string | undefined =>
      ((pe.properties as { networkInterfaces?: Array<{ id: string }> }).networkInterfaces ?? [])[0]?.id;

    const nicOf = (pe: ArmResource): ArmResource | undefined => {
      const nicId = nicIdOf(pe);
      return nicId ? ctx.store.get(nicId) : undefined;
    };

    const requirePe = (privateEndpointId: string): ArmResource => {
      const pe = ctx.store.get(privateEndpointId);
      if (!pe || pe.type !== PRIVATE_ENDPOINT_TYPE) {
        const parsed = parseResourceId(privateEndpointId);
        throw resourceNotFound(
          PRIVATE_ENDPOINT_TYPE,
          parsed?.name ?? privateEndpointId,
          parsed?.resourceGroup,
        );
      }
      return pe;
    };

    /** Writes the NIC with `configs` and refreshes the endpoint's customDnsConfigs. */
    const writeMembers = (pe: ArmResource, configs: IpConfig[], context: WriteContext): ArmResource => {
      const nicId = nicIdOf(pe);
      const nic = nicId ? ctx.store.get(nicId) : undefined;
      if (!nic || !nicId)
        throw new ArmError(
          409,
          'NetworkInterfaceMissing',
          `Private endpoint ${pe.id} has no network interface.`,
        );
      const props = nic.properties as WireNicProps;
      const subnetId = (pe.properties as { subnet: { id: string } }).subnet.id;
      const etag = randomUUID();
      ctx.store.put(
        buildNic(
          {
            id: nicId,
            name: nic.name,
            location: nic.location as string,
            privateEndpointId: pe.id,
            subnetId,
            resourceGuid: props.resourceGuid,
          },
          configs,
          networkEtag(etag),
        ),
        {
          etag: () => networkEtag(etag),
          context: { ...context, operationName: 'Microsoft.Network/networkInterfaces/write' },
        },
      );
      const peEtag = randomUUID();
      return ctx.store.put(
        withEtags(
          {
            ...pe,
            properties: { ...(pe.properties as object), customDnsConfigs: customDnsConfigs(configs) },
          },
          networkEtag(peEtag),
        ),
        {
          etag: () => networkEtag(peEtag),
          context: { ...context, operationName: 'Microsoft.Network/privateEndpoints/write' },
        },
      );
    };

    const setMembers = (
      privateEndpointId: string,
      members: EndpointMember[],
      context?: WriteContext,
    ): ArmResource => {
      const pe = requirePe(privateEndpointId);
      const nic = nicOf(pe);
      const current = nic ? ipConfigsOf(nic) : [];
      const subnetId = (pe.properties as { subnet: { id: string } }).subnet.id;
      const memberKey = (m: EndpointMember): string => `${m.groupId}|${m.requiredMemberName}`.toLowerCase();
      const next: IpConfig[] = [];
      const kept = new Set<string>();
      for (const member of members) {
        const existing = current.find((c) => memberKey(c.member) === memberKey(member) && !kept.has(c.name));
        if (existing) {
          kept.add(existing.name);
          next.push({ ...existing, member: { ...member, fqdns: [...member.fqdns] } });
        } else {
          next.push({
            name: `privateEndpointIpConfig.${randomUUID()}`,
            member: { ...member, fqdns: [...member.fqdns] },
            ip: allocateIp(subnetId),
          });
        }
      }
      for (const c of current) if (!kept.has(c.name)) allocator.release(subnetId.toLowerCase(), c.ip);
      return writeMembers(pe, next, context ?? ctx.internalContext());
    };

    const members = (privateEndpointId: string): EndpointMember[] => {
      const pe = requirePe(privateEndpointId);
      const nic = nicOf(pe);
      return nic ? ipConfigsOf(nic).map((c) => c.member) : [];
    };

    const upsertMember = (
      privateEndpointId: string,
      member: EndpointMember,
      context?: WriteContext,
    ): ArmResource => {
      const list = members(privateEndpointId);
      const key = `${member.groupId}|${member.requiredMemberName}`.toLowerCase();
      const index = list.findIndex((m) => `${m.groupId}|${m.requiredMemberName}`.toLowerCase() === key);
      if (index >= 0) list[index] = member;
      else list.push(member);
      return setMembers(privateEndpointId, list, context);
    };

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

    const withState = (resource: ArmResource, provisioningState: string): ArmResource => {
      const guid = randomUUID();
      return withEtags(
        { ...resource, properties: { ...(resource.properties as object), provisioningState } },
        networkEtag(guid),
      );
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

    /** NIC as a client reads it: FQDNs hidden while an `emptyNicFqdns` fault is active for its endpoint. */
    const readNic = (nic: ArmResource): ArmResource => {
      const peId = (nic.properties as { privateEndpoint?: { id: string } }).privateEndpoint?.id;
      if (!peId) return nic;
      const peName = parseResourceId(peId)?.name ?? '';
      if (!ctx.faults.consumeEmptyFqdnRead(peId, peName)) return nic;
      const copy = structuredClone(nic) as ArmResource & {
        properties: { ipConfigurations: WireIpConfig[] };
      };
      for (const c of copy.properties.ipConfigurations) {
        if (c.properties.privateLinkConnectionProperties)
          c.properties.privateLinkConnectionProperties.fqdns = [];
      }
      return copy;
    };

    /** Endpoint as a client reads it: while its NIC FQDNs are hidden by a fault, so are its customDnsConfigs. */
    const readEndpoint = (pe: ArmResource): ArmResource => {
      if (!ctx.faults.fqdnsHidden(pe.id, pe.name)) return pe;
      return { ...pe, properties: { ...(pe.properties as object), customDnsConfigs: [] } };
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

    // ---- in-process service ----------------------------------------------------------------------------------
    const createVirtualNetwork = (input: VirtualNetworkInput): ArmResource => {
      ctx.ensureResourceGroup(input.subscriptionId, input.resourceGroup);
      const spaces = input.addressPrefixes.map((p) => {
        const parsed = parsePrefix(p);
        if (!parsed)
          throw badRequest('InvalidAddressPrefixFormat', `Address prefix ${p} is not a valid IPv4 CIDR.`);
        return parsed;
      });
      const id = `${resourceGroupId(input.subscriptionId, input.resourceGroup)}/providers/Microsoft.Network/virtualNetworks/${input.name}`;
      const guid = randomUUID();
      const etag = networkEtag(guid);
      const subnets = input.subnets.map((s) => {
        const prefix = parsePrefix(s.addressPrefix);
        if (!prefix || !spaces.some((space) => prefixContains(space, prefix))) {
          throw badRequest(
            'NetcfgSubnetRangeOutsideVnet',
            `Subnet '${s.name}' is not valid because its IP address range is outside the IP address range of virtual network '${input.name}'.`,
          );
        }
        return {
          name: s.name,
          id: `${id}/subnets/${s.name}`,
          etag,
          type: 'Microsoft.Network/virtualNetworks/subnets',
          properties: {
            provisioningState: 'Succeeded',
            addressPrefix: s.addressPrefix,
            privateEndpointNetworkPolicies: 'Disabled',
            privateLinkServiceNetworkPolicies: 'Enabled',
          },
        };
      });
      return ctx.store.put(
        {
          name: input.name,
          id,
          etag,
          type: VIRTUAL_NETWORK_TYPE,
          location: input.location ?? ctx.defaultLocation,
          properties: {
            provisioningState: 'Succeeded',
            resourceGuid: randomUUID(),
            addressSpace: { addressPrefixes: input.addressPrefixes },
            subnets,
            virtualNetworkPeerings: [],
            enableDdosProtection: false,
          },
        },
        { etag: () => etag, context: ctx.internalContext('Microsoft.Network/virtualNetworks/write') },
      );
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

/** Sets the sub-resource etags (connections) to the resource's etag, as Network does. */
function withEtags(resource: ArmResource, etag: string): ArmResource {
  const props = structuredClone(resource.properties) as Record<string, unknown>;
  for (const list of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    for (const c of (props[list] ?? []) as Array<Record<string, unknown>>) c.etag = etag;
  }
  return { ...resource, etag, properties: props };
}
