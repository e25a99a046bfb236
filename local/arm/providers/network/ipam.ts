/** IPv4 address allocation inside subnets, the way Azure does it: the first four and the last address are reserved. */
export interface Ipv4Prefix {
  network: number;
  length: number;
}

export function parseIpv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function parsePrefix(cidr: string): Ipv4Prefix | undefined {
  const [ip, len] = cidr.split('/');
  if (ip === undefined || len === undefined || !/^\d{1,2}$/.test(len)) return undefined;
  const base = parseIpv4(ip);
  const length = Number(len);
  if (base === undefined || length > 32) return undefined;
  const size = 2 ** (32 - length);
  return { network: base - (base % size), length };
}

export function prefixContains(outer: Ipv4Prefix, inner: Ipv4Prefix): boolean {
  const size = 2 ** (32 - outer.length);
  return (
    inner.length >= outer.length && inner.network >= outer.network && inner.network < outer.network + size
  );
}

/** Tracks used addresses per subnet (keyed by lower-cased subnet id). */
export class SubnetAllocator {
  private readonly used = new Map<string, Set<number>>();

  /** Next free address (Azure skips .0-.3 and the broadcast address); undefined when the subnet is full. */
  allocate(subnetKey: string, prefix: Ipv4Prefix, preferred?: string): string | undefined {
    const used = this.usedIn(subnetKey);
    const size = 2 ** (32 - prefix.length);
    const first = prefix.network + 4;
    const last = prefix.network + size - 2;
    if (preferred !== undefined) {
      const value = parseIpv4(preferred);
      if (value !== undefined && value >= first && value <= last && !used.has(value)) {
        used.add(value);
        return preferred;
      }
      return undefined;
    }
    for (let value = first; value <= last; value++) {
      if (!used.has(value)) {
        used.add(value);
        return formatIpv4(value);
      }
    }
    return undefined;
  }

  release(subnetKey: string, ip: string): void {
    const value = parseIpv4(ip);
    if (value !== undefined) this.used.get(subnetKey)?.delete(value);
  }

  reset(): void {
    this.used.clear();
  }

  private usedIn(key: string): Set<number> {
    let set = this.used.get(key);
    if (!set) {
      set = new Set();
      this.used.set(key, set);
    }
    return set;
  }
}
