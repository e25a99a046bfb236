import dns2 from 'dns2';
import type { DnsRecordSource } from './source';

export type { DnsRecordSource, PrivateDnsStoreView } from './source';
export { InMemoryDnsZones, storeSource } from './source';

const { Packet } = dns2;

export interface DnsServerOptions {
  source: DnsRecordSource;
  /** UDP (and TCP) port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Also serve DNS over TCP on the same port (default true). */
  tcp?: boolean;
  /** TTL of the answers, in seconds (default 10). */
  ttl?: number;
  /** Called when the source throws; the query is answered SERVFAIL. */
  onError?: (error: unknown, name: string) => void;
}

export interface DnsServerStats {
  queries: number;
  answered: number;
  nxdomain: number;
  nodata: number;
  servfail: number;
}

export interface RunningDnsServer {
  address: string;
  port: number;
  /** `127.0.0.1:PORT`, ready for `Resolver.setServers([...])`. */
  server: string;
  stats: DnsServerStats;
  stop(): Promise<void>;
}

type Answer = { kind: 'answer'; addresses: readonly string[] } | { kind: 'nodata' } | { kind: 'nxdomain' };

/** Finds the longest visible zone containing `name`, then asks the source (no caching). */
export function answerQuery(source: DnsRecordSource, queryName: string, type: number): Answer {
  const name = queryName.toLowerCase().replace(/\.$/, '');
  let zone: string | undefined;
  for (const candidate of source.zonesFor()) {
    const z = candidate.toLowerCase().replace(/\.$/, '');
    if ((name === z || name.endsWith(`.${z}`)) && (zone === undefined || z.length > zone.length)) zone = z;
  }
  if (zone === undefined) return { kind: 'nxdomain' };
  const relative = name === zone ? '@' : name.slice(0, name.length - zone.length - 1);
  const addresses = source.aRecords(zone, relative);
  const exists = addresses !== undefined || (source.hasName?.(zone, relative) ?? false);
  if (!exists) return { kind: 'nxdomain' };
  if (type === Packet.TYPE.A && addresses && addresses.length > 0) return { kind: 'answer', addresses };
  return { kind: 'nodata' };
}

/**
 * A DNS server on 127.0.0.1 answering A queries for `<record>.<zone>` from `source`, live:
 * every query reads the source. NXDOMAIN for unknown names or zones the source does not show,
 * NODATA for other types (or an empty record set) on a known name.
 */
export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const ttl = options.ttl ?? 10;
  const stats: DnsServerStats = { queries: 0, answered: 0, nxdomain: 0, nodata: 0, servfail: 0 };

  const handle: dns2.DnsHandler = (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    response.header.ra = 0;
    const question = request.questions[0];
    stats.queries++;
    if (!question) {
      response.header.rcode = Packet.RCODE.FORMERR;
      void send(response);
      return;
    }
    try {
      const result = answerQuery(options.source, question.name, question.type);
      if (result.kind === 'answer') {
        stats.answered++;
        for (const address of result.addresses) {
          response.answers.push(
            Packet.createResourceFromQuestion(question, {
              type: Packet.TYPE.A,
              class: Packet.CLASS.IN,
              ttl,
              address,
            }),
          );
        }
      } else if (result.kind === 'nodata') {
        stats.nodata++;
      } else {
        stats.nxdomain++;
        response.header.rcode = Packet.RCODE.NXDOMAIN;
      }
    } catch (error) {
      stats.servfail++;
      options.onError?.(error, question.name);
      response.header.rcode = Packet.RCODE.SERVFAIL;
    }
    void send(response);
  };

  const wantTcp = options.tcp ?? true;
  // UDP first (port 0 picks a free one), then TCP on the same number; retry if TCP finds it taken.
  for (let attempt = 0; ; attempt++) {
    const udp = dns2.createUDPServer({ type: 'udp4' });
    udp.on('request', handle);
    await udp.listen(options.port ?? 0, '127.0.0.1');
    const port = udp.address().port;
    let tcp: dns2.TCPServer | undefined;
    if (wantTcp) {
      tcp = dns2.createTCPServer();
      tcp.on('request', handle);
      tcp.on('requestError', () => undefined);
      try {
        await new Promise<void>((resolve, reject) => {
          tcp!.once('error', reject);
          tcp!.listen(port, '127.0.0.1', () => resolve());
        });
      } catch (error) {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        if (options.port || attempt >= 5) throw error;
        continue;
      }
    }
    const closeTcp = () => new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
    const closeUdp = () => new Promise<void>((resolve) => udp.close(() => resolve()));
    return {
      address: '127.0.0.1',
      port,
      server: `127.0.0.1:${port}`,
      stats,
      stop: async () => {
        await Promise.all([closeUdp(), closeTcp()]);
      },
    };
  }
}
