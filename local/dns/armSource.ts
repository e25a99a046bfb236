/**
 * A DNS record source backed by the ARM emulator's Private DNS provider: the zones linked to one virtual network
 * (or every zone), answered live from the emulator's store, so a lookup sees a record the moment an SDK call
 * writes it.
 */
import type { PrivateDnsService } from '../arm/providers/privateDns';
import type { ArmResource } from '../arm/store';
import type { DnsRecordSource } from './source';

export function armDnsSource(dns: PrivateDnsService, virtualNetworkId?: string): DnsRecordSource {
  const visible = (): ArmResource[] =>
    virtualNetworkId ? dns.zonesLinkedTo(virtualNetworkId) : dns.listZones();
  const zoneNamed = (zone: string): ArmResource | undefined => {
    const wanted = zone.toLowerCase().replace(/\.$/, '');
    return visible().find((z) => z.name.toLowerCase() === wanted);
  };
  return {
    zonesFor: () => visible().map((z) => z.name.toLowerCase()),
    aRecords: (zone, name) => {
      const found = zoneNamed(zone);
      if (!found) return undefined;
      const recordSet = dns.getRecordSet(found.id, 'A', name.toLowerCase());
      if (!recordSet) return undefined;
      const props = recordSet.properties as { aRecords?: Array<{ ipv4Address?: string }> } | undefined;
      return (props?.aRecords ?? []).flatMap((r) => (r.ipv4Address ? [r.ipv4Address] : []));
    },
    hasName: (zone, name) => {
      const found = zoneNamed(zone);
      if (!found) return false;
      const lower = name.toLowerCase();
      return dns.listRecordSets(found.id).some((rs) => rs.name.toLowerCase() === lower);
    },
  };
}
