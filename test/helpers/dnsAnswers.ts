/** Waits until every name answers its IP through the local DNS server, then asserts each answer. */
import type { promises as dnsPromises } from 'node:dns';
import { waitUntil } from '../../local/stack';
import { resolveA } from '../../demo/mission';

export async function expectResolves(
  resolver: dnsPromises.Resolver,
  expected: Record<string, string>,
  what = `${Object.keys(expected).join(', ')} to resolve`,
): Promise<void> {
  await waitUntil(
    what,
    async () => {
      for (const [name, ip] of Object.entries(expected))
        if ((await resolveA(resolver, name)) !== ip) return false;
      return true;
    },
    30_000,
  );
  for (const [name, ip] of Object.entries(expected))
    expect([name, await resolveA(resolver, name)]).toEqual([name, ip]);
}
