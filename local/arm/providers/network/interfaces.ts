/**
 * Network interfaces of private endpoints: the NIC behind an endpoint, its members (one IP configuration per group
 * member, with the FQDNs Network fills in), member changes that allocate and release IPs, and the NIC as a client
 * reads it (FQDNs hidden while an `emptyNicFqdns` fault is active).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../../context';
import { ArmError, resourceNotFound } from '../../errors';
import { parseResourceId } from '../../resourceId';
import type { ArmResource, WriteContext } from '../../store';
import type { SubnetAllocator } from './ipam';
import {
  buildNic,
  customDnsConfigs,
  ipConfigsOf,
  networkEtag,
  nicIdOf,
  PRIVATE_ENDPOINT_TYPE,
  withEtags,
  type EndpointMember,
  type IpConfig,
  type WireIpConfig,
  type WireNicProps,
} from './wire';
import type { NetworkAddresses } from './addresses';

export function networkInterfaces(
  ctx: EmulatorContext,
  allocator: SubnetAllocator,
  { allocateIp }: NetworkAddresses,
) {
  const nicOf = (pe: ArmResource): ArmResource | undefined => {
    const nicId = nicIdOf(pe);
    return nicId ? ctx.store.get(nicId) : undefined;
  };

  const requirePe = (privateEndpointId: string): ArmResource => {
    const pe = ctx.store.get(privateEndpointId);
    if (!pe || pe.type !== PRIVATE_ENDPOINT_TYPE) {
      const parsed = parseResourceId(privateEndpointId);
      throw resourceNotFound(PRIVATE_ENDPOINT_TYPE, parsed?.name ?? privateEndpointId, parsed?.resourceGroup);
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
  return { nicOf, requirePe, setMembers, members, upsertMember, readNic };
}

export type NetworkInterfaces = ReturnType<typeof networkInterfaces>;
