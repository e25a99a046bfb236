import { promises as dnsPromises } from 'node:dns';
import { isIpv4, sameIps, sortIps } from '../../core/ipv4';
import { UserInputError } from '../io';

export type ResolutionStatus = 'ok' | 'wrong-ip' | 'nxdomain' | 'no-data' | 'error';

export interface Resolution {
  readonly fqdn: string;
  readonly expected: string[];
  readonly actual: string[];
  readonly status: ResolutionStatus;
  /** DNS error code for `error` (ETIMEOUT, ECONNREFUSED, ESERVFAIL, ...). */
  readonly error?: string;
}

/** `IP`, `IP:PORT` or `[IPv6]:PORT` → a resolver bound to that one server. */
export function resolverFor(server: string, timeoutMs = 3000): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 2 });
  const host = server.replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, '');
  if (!isIpv4(host) && !host.includes(':')) {
    throw new UserInputError(`--dns-server: "${server}" is not IP[:PORT]`);
  }
  try {
    resolver.setServers([server]);
  } catch (error) {
    throw new UserInputError(`--dns-server: "${server}" is not IP[:PORT] (${(error as Error).message})`);
  }
  return resolver;
}

/** A resolver asking the servers the machine is configured with (/etc/resolv.conf), as `nslookup` would. */
export function systemResolver(timeoutMs = 3000): dnsPromises.Resolver {
  return new dnsPromises.Resolver({ timeout: timeoutMs, tries: 2 });
}

/** Resolves `fqdn` and compares the A records with the expected IPs. */
export async function checkResolution(
  resolver: dnsPromises.Resolver,
  fqdn: string,
  expected: readonly string[],
): Promise<Resolution> {
  const want = sortIps(expected);
  try {
    const actual = sortIps(await resolver.resolve4(fqdn));
    return { fqdn, expected: want, actual, status: sameIps(actual, want) ? 'ok' : 'wrong-ip' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOTFOUND') return { fqdn, expected: want, actual: [], status: 'nxdomain' };
    if (code === 'ENODATA') return { fqdn, expected: want, actual: [], status: 'no-data' };
    return { fqdn, expected: want, actual: [], status: 'error', error: code };
  }
}

export function describeResolution(r: Resolution): string {
  switch (r.status) {
    case 'ok':
      return `OK        ${r.fqdn} -> ${r.actual.join(', ')}`;
    case 'wrong-ip':
      return `WRONG IP  ${r.fqdn} -> ${r.actual.join(', ')} (expected ${r.expected.join(', ')})`;
    case 'nxdomain':
      return `NXDOMAIN  ${r.fqdn} (expected ${r.expected.join(', ')})`;
    case 'no-data':
      return `NO DATA   ${r.fqdn}: name exists without A records (expected ${r.expected.join(', ')})`;
    case 'error':
      return `ERROR     ${r.fqdn}: ${r.error ?? 'lookup failed'} (expected ${r.expected.join(', ')})`;
  }
}
