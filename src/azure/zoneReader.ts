import type { VirtualNetworkLink } from '@azure/arm-privatedns';
import { canonicalId } from '../core/resourceId';
import type { AzureClients } from './clients';
import { listAllPages, toAzureError, withRetry } from './errors';
import type { RetryOptions } from './errors';
import type { VirtualNetworkLinkInfo, ZoneInfo, ZoneReader, ZoneRef } from './ports';
import { zoneId } from './recordStore';

/** Hub zones and their VNet links through `@azure/arm-privatedns`. */
export class PrivateDnsZoneReader implements ZoneReader {
  constructor(
    private readonly clients: AzureClients,
    private readonly retry: RetryOptions = {},
  ) {}

  async getZone(
    zone: ZoneRef,
    options: { readonly abortSignal?: AbortSignal } = {},
  ): Promise<ZoneInfo | undefined> {
    const id = zoneId(zone);
    const { abortSignal } = options;
    try {
      const found = await withRetry(
        id,
        () =>
          this.clients
            .privateDns(zone.subscriptionId)
            .privateZones.get(zone.resourceGroup, zone.zone, abortSignal ? { abortSignal } : {}),
        abortSignal ? { ...this.retry, abortSignal } : this.retry,
      );
      return {
        id: found.id ?? id,
        zone: (found.name ?? zone.zone).toLowerCase(),
        subscriptionId: zone.subscriptionId,
        resourceGroup: zone.resourceGroup,
        ...(found.numberOfRecordSets !== undefined ? { recordSetCount: found.numberOfRecordSets } : {}),
      };
    } catch (error) {
      if (toAzureError(error, id).statusCode === 404) return undefined;
      throw error;
    }
  }

  async listZones(subscriptionId: string, resourceGroup: string): Promise<ZoneInfo[]> {
    const where = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
    const client = this.clients.privateDns(subscriptionId);
    try {
      const zones = await listAllPages(
        where,
        (continuationToken) =>
          client.privateZones
            .listByResourceGroup(resourceGroup)
            .byPage(continuationToken ? { continuationToken } : {}),
        this.retry,
      );
      return zones.map((z) => ({
        id: z.id ?? '',
        zone: (z.name ?? '').toLowerCase(),
        subscriptionId,
        resourceGroup,
        ...(z.numberOfRecordSets !== undefined ? { recordSetCount: z.numberOfRecordSets } : {}),
      }));
    } catch (error) {
      if (toAzureError(error, where).statusCode === 404) return [];
      throw error;
    }
  }

  async listVirtualNetworkLinks(zone: ZoneRef): Promise<VirtualNetworkLinkInfo[]> {
    const id = zoneId(zone);
    const client = this.clients.privateDns(zone.subscriptionId);
    let links: VirtualNetworkLink[];
    try {
      links = await listAllPages(
        id,
        (continuationToken) =>
          client.virtualNetworkLinks
            .list(zone.resourceGroup, zone.zone)
            .byPage(continuationToken ? { continuationToken } : {}),
        this.retry,
      );
    } catch (error) {
      if (toAzureError(error, id).statusCode === 404) return [];
      throw error;
    }
    return links.map((link) => ({
      id: link.id ?? '',
      name: link.name ?? '',
      virtualNetworkId: canonicalId(link.virtualNetwork?.id ?? ''),
      registrationEnabled: link.registrationEnabled ?? false,
      linkState: link.virtualNetworkLinkState ?? '',
      provisioningState: link.provisioningState ?? '',
    }));
  }
}
