/**
 * The local DNS server's view of the ARM emulator's Private DNS zones: what a resolver in one virtual network
 * sees. Zones count only while a virtual network link joins them to that network; records are read from the
 * emulator's store on every query, so a write through `@azure/arm-privatedns` resolves at once and a deleted
 * record set or link stops resolving at once.
 */
import type { EmulatorContext } from '../arm/context';
import { RECORD_TYPES, type PrivateDnsService } from '../arm/providers/privateDns';
import type { ArmResource } from '../arm/store';
import { storeSource, type DnsRecordSource, type PrivateDnsStoreView } from './source';

/**
 * A `PrivateDnsStoreView` over the emulator's Private DNS service, restricted to the zones linked to `vnetId`
 * (every zone when `vnetId` is undefined). Should two visible zones share a name — Azure refuses such links, the
 * emulator does not check — the first one holding the record set answers.
 */
export function privateDnsStoreView(dns: PrivateDnsService, vnetId?: string): PrivateDnsStoreView {
  const visible = (): ArmResource[] => (vnetId === undefined ? dns.listZones() : dns.zonesLinkedTo(vnetId));
  const zonesNamed = (zone: string): ArmResource[] => {
    const wanted = normalize(zone);
    return visible().filter((z) => normalize(z.name) === wanted);
  };
  return {
    linkedZones: () => visible().map((z) => z.name),
    getARecords: (zone, recordName) => {
      for (const z of zonesNamed(zone)) {
        const recordSet = dns.getRecordSet(z.id, 'A', recordName);
        if (recordSet) {
          const props = recordSet.properties as { aRecords?: Array<{ ipv4Address: string }> } | undefined;
          return (props?.aRecords ?? []).map((r) => r.ipv4Address);
        }
      }
      return undefined;
    },
    hasRecordSet: (zone, recordName) =>
      zonesNamed(zone).some((z) => RECORD_TYPES.some((type) => dns.getRecordSet(z.id, type, recordName))),
  };
}

/**
 * A DNS source for `startDnsServer` that answers from the emulator's Private DNS zones linked to `vnetId` (a
 * virtual network resource id, compared case-insensitively), as a resolver inside that network would.
 */
export function armDnsSource(
  emulator: Pick<EmulatorContext, 'service'> | PrivateDnsService,
  vnetId?: string,
): DnsRecordSource {
  // Takes the emulator or its Private DNS service directly (both forms are in use).
  const dns = 'service' in emulator ? emulator.service<PrivateDnsService>('privateDns') : emulator;
  return storeSource(privateDnsStoreView(dns, vnetId), vnetId);
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
