/** Real lookups against the local DNS server (`local/dns`) through `node:dns`. */
import { promises as dnsPromises } from 'node:dns';

/** The error code a lookup fails with (`ENOTFOUND` = NXDOMAIN, `ENODATA` = no record of that type), or `resolved`. */
export async function lookupError(lookup: Promise<unknown>): Promise<string> {
  try {
    await lookup;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'no code';
  }
  return 'resolved';
}

/** A resolver that asks only `server` (`dns.lookup()` would ignore it: code under test must take a Resolver). */
export function resolverFor(server: { server: string }, tries = 2): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver({ timeout: 2000, tries });
  resolver.setServers([server.server]);
  return resolver;
}
