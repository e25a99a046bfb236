/**
 * `latency`: N independent blob storage endpoint creations, one after the other, with Azure's latency model on
 * (ARM p50 60 ms / p99 250 ms per request, Event Grid delay p50 1 s / p99 5 s — local/arm/README.md). For each:
 * from Event Grid's delivery of the endpoint's first event to the app, to its record resolving through the DNS
 * server (the zone write time, confirmed by a real lookup). Nothing else runs, so nothing is throttled.
 *
 *   npm run bench -- latency [--endpoints 100] [--time-scale 2] [--spacing 1] [--json]
 */
import { Command } from 'commander';
import {
  countRequests,
  endpointEntries,
  HUB,
  numberOption,
  SPOKE,
  spokeNetwork,
  startBenchStack,
  waitUntil,
  type RequestCounts,
} from './estate';
import {
  fmt,
  percentile,
  progress,
  runInfo,
  runInfoLines,
  table,
  writeGenerated,
  type RunInfo,
  problemLines,
  withResultOptions,
} from './report';
import { BEFORE, improvement } from './before';

export interface Spread {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyResult {
  scenario: 'latency';
  run: RunInfo;
  timeScale: number;
  endpoints: number;
  /** Emulated ms from the first delivery of the endpoint's events to its record standing. */
  deliveryToResolvingMs: Spread;
  /** The same in real ms (what this machine took). */
  deliveryToResolvingRealMs: Spread;
  /** Emulated ms from the endpoint's creation (includes Event Grid's delay). */
  creationToResolvingMs: Spread;
  throttled: number;
  requests: RequestCounts;
  problems: string[];
}

export interface LatencyOptions {
  endpoints: number;
  timeScale: number;
  /** Emulated seconds between one record resolving and the next endpoint. */
  spacingSeconds: number;
  log?: (line: string) => void;
}

const spread = (values: readonly number[]): Spread => ({
  p50: percentile(values, 0.5),
  p95: percentile(values, 0.95),
  p99: percentile(values, 0.99),
  max: values.length ? Math.max(...values) : Number.NaN,
});

export async function runLatency(options: LatencyOptions, command: string): Promise<LatencyResult> {
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];
  let appErrors = 0;
  const stack = await startBenchStack({
    timeScale: options.timeScale,
    latency: 'azure',
    onAppError: (message) => {
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  const fromDelivery: number[] = [];
  const fromDeliveryReal: number[] = [];
  const fromCreation: number[] = [];
  try {
    const rg = 'rg-latency';
    const subnetId = spokeNetwork(stack, SPOKE, rg, 50);
    const hubPrefix = `/subscriptions/${HUB}/`.toLowerCase();
    const stood = new Map<string, { emu: number; real: number }>();
    const unsubscribe = stack.emu.store.onChange((change) => {
      const id = change.resource.id.toLowerCase();
      if (change.kind === 'write' && id.startsWith(hubPrefix) && !stood.has(id))
        stood.set(id, { emu: stack.emu.clock.now(), real: Date.now() });
    });
    const deliveredReal = new Map<string, number>();
    stack.emu.log.reset();
    for (let i = 0; i < options.endpoints; i++) {
      const created = stack.emu.clock.now();
      const endpoint = stack.network.createPrivateEndpoint({
        subscriptionId: SPOKE,
        resourceGroup: rg,
        name: `pe-lat-${String(i).padStart(4, '0')}`,
        subnetId,
        connection: {
          privateLinkServiceId: `/subscriptions/${SPOKE}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/stlat${i}`,
          groupIds: ['blob'],
        },
      });
      const [entry] = endpointEntries(stack, endpoint.id);
      if (!entry) throw new Error(`endpoint ${endpoint.id} has no FQDN`);
      const recordId =
        `${stack.privateDns.zoneId(HUB, 'rg-hub-dns', entry.zone)}/A/${entry.recordName}`.toLowerCase();
      // Note the real time of the first delivery as soon as it happens (the record keeps only emulated time).
      const subjects = new Set([
        endpoint.id.toLowerCase(),
        stack.network.getNetworkInterface(endpoint.id)?.id.toLowerCase(),
      ]);
      try {
        await waitUntil(
          `record of ${endpoint.name}`,
          () => {
            if (!deliveredReal.has(endpoint.id)) {
              const sent = stack.eventGrid.delivery
                .deliveries()
                .some((d) => d.outcome === 'delivered' && subjects.has(d.subject?.toLowerCase()));
              if (sent) deliveredReal.set(endpoint.id, Date.now());
            }
            return stood.has(recordId) || undefined;
          },
          60_000,
        );
      } catch (error) {
        problems.push(String(error));
        continue;
      }
      const resolved = await stack.resolver
        .resolve4(`${entry.recordName}.${entry.zone}`)
        .catch((): string[] => []);
      if (!resolved.includes(entry.ip)) problems.push(`${entry.fqdn} stood in the zone but did not resolve`);
      const firstDelivery = Math.min(
        ...stack.eventGrid.delivery
          .deliveries()
          .filter((d) => d.outcome === 'delivered' && subjects.has(d.subject?.toLowerCase()))
          .map((d) => d.sentAt ?? Number.POSITIVE_INFINITY),
      );
      const at = stood.get(recordId) as { emu: number; real: number };
      fromDelivery.push(at.emu - firstDelivery);
      fromDeliveryReal.push(at.real - (deliveredReal.get(endpoint.id) ?? at.real));
      fromCreation.push(at.emu - created);
      if ((i + 1) % 20 === 0) log(`latency: ${i + 1}/${options.endpoints} endpoints`);
      await new Promise((resolve) =>
        setTimeout(resolve, (options.spacingSeconds * 1000) / options.timeScale),
      );
    }
    unsubscribe();
  } finally {
    await stack.stop();
  }
  const requests = countRequests(stack.emu.log.list());
  if (requests.throttled > 0)
    problems.push(`${requests.throttled} request(s) throttled: not an unthrottled run`);
  if (appErrors > 0) problems.push(`${appErrors} error line(s) logged by the app`);
  return {
    scenario: 'latency',
    run: runInfo(command),
    timeScale: options.timeScale,
    endpoints: options.endpoints,
    deliveryToResolvingMs: spread(fromDelivery),
    deliveryToResolvingRealMs: spread(fromDeliveryReal),
    creationToResolvingMs: spread(fromCreation),
    throttled: requests.throttled,
    requests,
    problems,
  };
}

export function renderLatency(r: LatencyResult): string {
  const row = (label: string, s: Spread) => [
    label,
    fmt(s.p50, 0),
    fmt(s.p95, 0),
    fmt(s.p99, 0),
    fmt(s.max, 0),
  ];
  return [
    ...runInfoLines(r.run),
    '',
    `${r.endpoints} blob storage endpoints created one after the other (each once the previous record resolved), emulator and host at ${r.timeScale}× real time, latency model 'azure' (ARM p50 60 / p99 250 ms, Event Grid p50 1 / p99 5 s, emulated). ${r.throttled} 429s.`,
    '',
    ...table(
      ['interval', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      [
        row('**event delivered → record resolving** (emulated)', r.deliveryToResolvingMs),
        row('event delivered → record resolving (real ms on this machine)', r.deliveryToResolvingRealMs),
        row('endpoint created → record resolving (emulated, includes Event Grid)', r.creationToResolvingMs),
      ],
    ),
    '',
    `Before (commit ${BEFORE.commit}) and now, event delivered → record resolving (emulated); target (issue 10): p99 ≤ 2 s while unthrottled:`,
    '',
    ...table(
      ['', 'p50 ms', 'p95 ms', 'p99 ms', 'target'],
      [
        ['before', BEFORE.latency.p50, BEFORE.latency.p95, BEFORE.latency.p99, ''],
        [
          'now',
          fmt(r.deliveryToResolvingMs.p50, 0),
          fmt(r.deliveryToResolvingMs.p95, 0),
          `**${fmt(r.deliveryToResolvingMs.p99, 0)}**`,
          r.deliveryToResolvingMs.p99 <= 2000 && r.throttled === 0 ? 'met' : '**not met**',
        ],
        [
          'change',
          improvement(BEFORE.latency.p50, r.deliveryToResolvingMs.p50),
          improvement(BEFORE.latency.p95, r.deliveryToResolvingMs.p95),
          improvement(BEFORE.latency.p99, r.deliveryToResolvingMs.p99),
          '',
        ],
      ],
    ),
    '',
    `ARM requests ${r.requests.requests} (${fmt(r.requests.requests / Math.max(1, r.endpoints))} per endpoint): ${Object.entries(
      r.requests.byOperation,
    )
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, c]) => `${op} ${c}`)
      .join(', ')}.`,
    '',
    ...problemLines(r.problems),
  ].join('\n');
}

export async function runLatencyBenchmark(args: string[]): Promise<void> {
  const opts = withResultOptions(
    new Command()
      .option('--endpoints <n>', 'endpoints created one after the other', '100')
      .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '2')
      .option('--spacing <s>', 'emulated seconds between one record resolving and the next endpoint', '1'),
    'latency',
  )
    .parse(['node', 'bench', ...args])
    .opts<{
      endpoints: string;
      timeScale: string;
      spacing: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const result = await runLatency(
    {
      endpoints: numberOption(opts.endpoints, '--endpoints', 1, 10_000),
      timeScale: numberOption(opts.timeScale, '--time-scale', 0.1, 1000),
      spacingSeconds: numberOption(opts.spacing, '--spacing', 0, 3600),
      log: progress(opts.json === true),
    },
    `npm run bench -- latency ${args.join(' ')}`.trim(),
  );
  const markdown = renderLatency(result);
  writeGenerated(opts.out, 'latency', markdown, 'latency: event delivery to a resolving record');
  writeGenerated(opts.docs, 'latency', `### latency\n\n${markdown}`, 'Performance');
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${markdown}\n`);
  if (result.problems.length > 0) process.exitCode = 1;
}
