/**
 * Where the local DNS server reads its answers from. The server asks on every query, so a source
 * backed by a live store (the ARM emulator's Private DNS zones and virtual network links) answers
 * with the records as they are at that moment.
 */
export interface DnsRecordSource {
  /** Zone names this resolver can see, e.g. the private zones linked to one virtual network. */
  zonesFor(): Iterable<string>;
  /**
   * IPv4 addresses of the A record set `recordName` (relative name, `@` for the apex) in `zone`,
   * or `undefined` when there is no A record set of that name.
   */
  aRecords(zone: string, recordName: string): readonly string[] | undefined;
  /** Whether any record set (of any type) exists at `recordName`; lets the server answer NODATA. */
  hasName?(zone: string, recordName: string): boolean;
}

/** Minimal shape of a Private DNS store that a source can be built over (see `storeSource`). */
export interface PrivateDnsStoreView {
  /** Zones linked to the given virtual network (by resource id), or every zone when `vnetId` is undefined. */
  linkedZones(vnetId: string | undefined): Iterable<string>;
  /** A record set addresses, or undefined when the record set does not exist. */
  getARecords(zone: string, recordName: string): readonly string[] | undefined;
  /** Any record set at that relative name. */
  hasRecordSet?(zone: string, recordName: string): boolean;
}

/** Adapts a Private DNS store to a resolver that sees the zones linked to one virtual network. */
export function storeSource(store: PrivateDnsStoreView, vnetId?: string): DnsRecordSource {
  return {
    zonesFor: () => store.linkedZones(vnetId),
    aRecords: (zone, name) => store.getARecords(zone, name),
    hasName: (zone, name) =>
      store.hasRecordSet ? store.hasRecordSet(zone, name) : store.getARecords(zone, name) !== undefined,
  };
}

interface ZoneData {
  records: Map<string, string[]>;
  /** Virtual network ids linked to this zone. */
  links: Set<string>;
}

/**
 * In-memory zones and virtual network links, for tests and small tools. `resolverFor(vnetId)`
 * gives the view of one virtual network; `allZones()` sees every zone.
 */
export class InMemoryDnsZones {
  private readonly zones = new Map<string, ZoneData>();

  addZone(zone: string): this {
    const key = normalize(zone);
    if (!this.zones.has(key)) this.zones.set(key, { records: new Map(), links: new Set() });
    return this;
  }

  deleteZone(zone: string): boolean {
    return this.zones.delete(normalize(zone));
  }

  link(zone: string, vnetId: string): this {
    this.zoneData(zone).links.add(vnetId.toLowerCase());
    return this;
  }

  unlink(zone: string, vnetId: string): this {
    this.zoneData(zone).links.delete(vnetId.toLowerCase());
    return this;
  }

  setA(zone: string, recordName: string, addresses: readonly string[]): this {
    this.zoneData(zone).records.set(normalize(recordName), [...addresses]);
    return this;
  }

  deleteA(zone: string, recordName: string): boolean {
    return this.zoneData(zone).records.delete(normalize(recordName));
  }

  resolverFor(vnetId: string): DnsRecordSource {
    const id = vnetId.toLowerCase();
    return this.source(() => [...this.zones].filter(([, z]) => z.links.has(id)).map(([name]) => name));
  }

  allZones(): DnsRecordSource {
    return this.source(() => [...this.zones.keys()]);
  }

  private source(zonesFor: () => Iterable<string>): DnsRecordSource {
    return {
      zonesFor,
      aRecords: (zone, name) => this.zones.get(normalize(zone))?.records.get(normalize(name)),
      hasName: (zone, name) => this.zones.get(normalize(zone))?.records.has(normalize(name)) ?? false,
    };
  }

  private zoneData(zone: string): ZoneData {
    const data = this.zones.get(normalize(zone));
    if (!data) throw new Error(`Unknown zone '${zone}': call addZone first.`);
    return data;
  }
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
