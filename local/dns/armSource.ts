/**
 * A DNS source over the ARM emulator's Private DNS provider: the zones linked to one virtual network (every
 * zone when no network is given) and their record sets, read live on each query, so a record written through
 * `@azure/arm-privatedns` against the emulator resolves at once.
 */
import type { ArmResource } from '../arm/store';
import { RECORD_TYPES } from '../arm/providers/privateDns';
import type { PrivateDnsService } from '../arm/providers/privateDns';
import { storeSource } from './source';
import type { DnsRecordSource, PrivateDnsStoreView } from './source';

function visibleZones(service: PrivateDnsService, vnetId: string | undefined): ArmResource[] {
  return vnetId ? service.zonesLinkedTo(vnetId) : service.listZones();
}

/** The emulator's zones as a `PrivateDnsStoreView` (zone names are matched case-insensitively). */
export function armDnsStoreView(service: PrivateDnsService, vnetId?: string): PrivateDnsStoreView {
  const zoneNamed = (zone: string): ArmResource | undefined => {
    const wanted = zone.toLowerCase().replace(/\.$/, '');
    return visibleZones(service, vnetId).find((z) => z.name.toLowerCase() === wanted);
  };
  return {
    linkedZones: (requested) => visibleZones(service, requested ?? vnetId).map((z) => z.name.toLowerCase()),
    getARecords: (zone, recordName) => {
      const found = zoneNamed(zone);
      if (!found) return undefined;
      const set = service.getRecordSet(found.id, 'A', recordName);
      if (!set) return undefined;
      const props = set.properties as { aRecords?: { ipv4Address?: string }[] } | undefined;
      return (props?.aRecords ?? []).map((r) => r.ipv4Address ?? '').filter((ip) => ip !== '');
    },
    hasRecordSet: (zone, recordName) => {
      const found = zoneNamed(zone);
      return (
        found !== undefined &&
        RECORD_TYPES.some((t) => service.getRecordSet(found.id, t, recordName) !== undefined)
      );
    },
  };
}

/** A `DnsRecordSource` for `startDnsServer` answering as a resolver inside `vnetId` would. */
export function armDnsSource(service: PrivateDnsService, vnetId?: string): DnsRecordSource {
  return storeSource(armDnsStoreView(service, vnetId), vnetId);
}
