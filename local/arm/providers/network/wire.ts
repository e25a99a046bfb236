/**
 * Microsoft.Network wire shapes: resource types, request schemas, the JSON of private endpoints, their connections
 * and NICs as Network returns them (privateEndpoint.json / networkInterface.json, 2024-01-01, and the 2026-01-01
 * examples), and pure builders of those shapes.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { parseResourceId } from '../../resourceId';
import type { ArmResource, WriteContext } from '../../store';
import { privateLinkService } from '../../privateLinkServices';

export const PRIVATE_ENDPOINT_TYPE = 'Microsoft.Network/privateEndpoints';
export const NETWORK_INTERFACE_TYPE = 'Microsoft.Network/networkInterfaces';
export const VIRTUAL_NETWORK_TYPE = 'Microsoft.Network/virtualNetworks';
export const CONNECTION_TYPE = 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections';
export const IP_CONFIG_TYPE = 'Microsoft.Network/networkInterfaces/ipConfigurations';

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

export const connectionSchema = z.looseObject({
  name: z.string().optional(),
  properties: z.looseObject({
    privateLinkServiceId: z.string().min(1),
    groupIds: z.array(z.string().min(1)).optional(),
    requestMessage: z.string().optional(),
  }),
});

export const privateEndpointBodySchema = z.looseObject({
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

export const memberSchema = z.object({
  groupId: z.string().min(1),
  requiredMemberName: z.string().min(1),
  fqdns: z.array(z.string()),
});

export const networkEtag = (guid: string): string => `W/"${guid}"`;

/** A connection state as Network stores it: description and actionsRequired always present. */
export const wireState = (state: ConnectionState): Required<ConnectionState> => ({
  status: state.status,
  description: state.description ?? '',
  actionsRequired: state.actionsRequired ?? 'None',
});

/** Every connection of an endpoint, automatic ones first. */
export const connectionsOf = (props: WireEndpointProps | undefined): WireConnection[] => [
  ...(props?.privateLinkServiceConnections ?? []),
  ...(props?.manualPrivateLinkServiceConnections ?? []),
];

/** The parts of stored wire shapes this provider reads back. */
export interface WireIpConfig {
  name: string;
  properties: {
    privateIPAddress: string;
    privateLinkConnectionProperties?: { groupId: string; requiredMemberName: string; fqdns: string[] };
  };
}
export interface WireConnection {
  name: string;
  properties: { privateLinkServiceId: string; privateLinkServiceConnectionState: ConnectionState };
}
export interface WireEndpointProps {
  subnet: { id: string };
  networkInterfaces?: Array<{ id: string }>;
  privateLinkServiceConnections?: WireConnection[];
  manualPrivateLinkServiceConnections?: WireConnection[];
  resourceGuid?: string;
  customNetworkInterfaceName?: string;
}
export interface WireNicProps {
  resourceGuid: string;
  ipConfigurations?: WireIpConfig[];
}

/**
 * Members of an endpoint whose target type no provider registered: the service tables when they know the type
 * (from the target's name alone), otherwise one member per group id with no FQDNs yet.
 */
export function defaultMembers(request: LinkRequest, cloud: EmulatorContext['cloud']): EndpointMember[] {
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

export const buildConnection = (
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

export interface IpConfig {
  name: string;
  member: EndpointMember;
  ip: string;
}

export const ipConfigsOf = (nic: ArmResource): IpConfig[] => {
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

export const buildNic = (
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

export const customDnsConfigs = (configs: IpConfig[]): Array<{ fqdn: string; ipAddresses: string[] }> =>
  configs.flatMap((c) => c.member.fqdns.map((fqdn) => ({ fqdn, ipAddresses: [c.ip] })));

export const nicIdOf = (pe: ArmResource): string | undefined =>
  ((pe.properties as { networkInterfaces?: Array<{ id: string }> }).networkInterfaces ?? [])[0]?.id;

export const withState = (resource: ArmResource, provisioningState: string): ArmResource => {
  const guid = randomUUID();
  return withEtags(
    { ...resource, properties: { ...(resource.properties as object), provisioningState } },
    networkEtag(guid),
  );
};

/** Sets the sub-resource etags (connections) to the resource's etag, as Network does. */
export function withEtags(resource: ArmResource, etag: string): ArmResource {
  const props = structuredClone(resource.properties) as Record<string, unknown>;
  for (const list of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    for (const c of (props[list] ?? []) as Array<Record<string, unknown>>) c.etag = etag;
  }
  return { ...resource, etag, properties: props };
}
