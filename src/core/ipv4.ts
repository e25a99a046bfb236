/** Dotted-quad IPv4 without leading zeros (Azure never writes them; a leading zero would be ambiguous). */
export function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** Sorts IPv4 addresses numerically and removes duplicates. */
export function sortIps(ips: readonly string[]): string[] {
  // Most records hold one address: nothing to sort or merge.
  if (ips.length < 2) return [...ips];
  const key = (ip: string): number => ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
  return [...new Set(ips)]
    .map((ip) => ({ ip, key: key(ip) }))
    .sort((a, b) => a.key - b.key)
    .map((k) => k.ip);
}

export function sameIps(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 1 && b.length === 1) return a[0] === b[0];
  const x = sortIps(a);
  const y = sortIps(b);
  return x.length === y.length && x.every((ip, i) => ip === y[i]);
}
