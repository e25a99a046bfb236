/**
 * Addresses (the IPAM glue): subnets looked up in the stored virtual networks, private IPs allocated from them by
 * `SubnetAllocator` (ipam.ts) the way Azure does, and virtual networks created with their subnets checked
 * against the address space.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../../context';
import { ArmError, badRequest } from '../../errors';
import { parseResourceId, resourceGroupId } from '../../resourceId';
import type { ArmResource } from '../../store';
import type { SubnetAllocator } from './ipam';
import { parsePrefix, prefixContains } from './ipam';
import { networkEtag, VIRTUAL_NETWORK_TYPE, type VirtualNetworkInput } from './wire';

export function networkAddresses(ctx: EmulatorContext, allocator: SubnetAllocator) {
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
  return { findSubnet, allocateIp, createVirtualNetwork };
}

export type NetworkAddresses = ReturnType<typeof networkAddresses>;
