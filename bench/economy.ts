/**
 * `economy`: ARM requests per synced endpoint ÷ the minimum, per endpoint kind — a blob storage endpoint, a Key
 * Vault endpoint, a Backup vault v1 family (vault endpoint with its first two roles; the vault's registration,
 * which adds the other six roles and creates `_ecs_blob`/`_ecs_queue`; the first backup, which creates
 * `_prot_blob`) and a Backup vault v2 endpoint whose NIC grows at the same two moments — cold (records absent) and
 * warm (the endpoint written again with nothing to change). Side by side, in the same run, a twin of each estate in
 * a subscription the app does not watch is synced the way Microsoft's PrivateIP.ps1 + CreateDNSEntries.ps1 do it,
 * through the real SDK clients: list every endpoint in the resource group, read each NIC, write every record
 * unconditionally — once per phase, as the Backup docs tell operators to.
 *
 * How the app learns of each change is the emulator's default: Event Grid announces endpoints written through ARM
 * (a user's endpoint, Backup's v1 storage endpoints), not Backup's own later changes to an endpoint's NIC (its six
 * other roles, v2 storage FQDNs). For a phase with such a silent change the benchmark runs the app's Backup watch
 * once after the events settled — what its timer does every five minutes — and counts its Resource Graph request
 * with the phase. The minimum (bench/estate.ts) counts nothing for finding out.
 *
 *   npm run bench -- economy [--time-scale 20] [--timeout 120] [--kinds blob,...] [--json]
 */
import { Command } from 'commander';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import {
  changeMinimum,
  countRequests,
  endpointEntries,
  HUB,
  HUB_RG,
  missingEntries,
  numberOption,
  settle,
  SPOKE,
  spokeNetwork,
  startBenchStack,
  zoneRecordFor,
  type DemoStack,
  type DnsEntry,
  type RequestCounts,
} from './estate';
import { FUNCTION_NAMES } from '../src/core/functionNames';
import { BEFORE, improvement } from './before';
import {
  fmt,
  progress,
  ratio,
  runInfo,
  runInfoLines,
  table,
  writeGenerated,
  type RunInfo,
  problemLines,
  withResultOptions,
} from './report';

/** A subscription the app is not told about and Event Grid does not deliver from: the scripts' twin estate. */
const SCRIPTS_SPOKE = '00000000-0000-4000-8000-0000000000c9';

export const ECONOMY_KINDS = ['blob', 'keyVault', 'backupV1Family', 'backupV2Growth'] as const;
export type EconomyKind = (typeof ECONOMY_KINDS)[number];

const KIND_LABELS: Record<EconomyKind, string> = {
  blob: 'blob storage endpoint',
  keyVault: 'Key Vault endpoint',
  backupV1Family: 'Backup vault v1 family (3 phases)',
  backupV2Growth: 'Backup vault v2, NIC grows (3 phases)',
};

export interface Figures {
  requests: number;
  minimum: number;
  ratio: number;
  writes: number;
  reads: number;
  throttled: number;
  byOperation: Record<string, number>;
}

export interface KindFigures extends Figures {
  warm: Figures;
  scripts: Figures & { warm: Figures };
  /** Phases whose change Event Grid did not announce, found by one run of the app's Backup watch. */
  watchRuns: number;
}

export interface EconomyResult {
  scenario: 'economy';
  run: RunInfo;
  timeScale: number;
  kinds: Record<EconomyKind, KindFigures>;
  problems: string[];
}

export interface EconomyOptions {
  timeScale: number;
  timeoutMs: number;
  kinds?: readonly EconomyKind[];
  log?: (line: string) => void;
}

/**
 * One phase of a kind: a change Azure makes, the endpoints it touched, what the hub must then hold, and whether
 * part of the change is Backup's own (no Event Grid event unless the simulator's `serviceChangeEvents` is on).
 */
interface Phase {
  touched: string[];
  wanted: DnsEntry[];
  silent: boolean;
}

/** Builds one estate of a kind in a subscription and resource group; `next()` plays its phases in order. */
interface Estate {
  mainEndpoint: string;
  phases: Array<() => Phase>;
}

function buildEstate(
  stack: DemoStack,
  kind: EconomyKind,
  subscriptionId: string,
  rg: string,
  n: number,
): Estate {
  const subnetId = spokeNetwork(stack, subscriptionId, rg, 60 + n, 0);
  const simple = (target: string, groupId: string): Estate => {
    let id = '';
    return {
      get mainEndpoint() {
        return id;
      },
      phases: [
        () => {
          id = stack.network.createPrivateEndpoint({
            subscriptionId,
            resourceGroup: rg,
            name: `pe-${rg}`,
            subnetId,
            connection: { privateLinkServiceId: target, groupIds: [groupId] },
          }).id;
          return { touched: [id], wanted: endpointEntries(stack, id), silent: false };
        },
      ],
    };
  };
  const targetIn = (provider: string, name: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/${provider}/${name}`;
  if (kind === 'blob')
    return simple(
      targetIn('Microsoft.Storage/storageAccounts', `stecon${n}${subscriptionId.slice(-2)}`),
      'blob',
    );
  if (kind === 'keyVault')
    return simple(targetIn('Microsoft.KeyVault/vaults', `kv-econ-${n}-${subscriptionId.slice(-2)}`), 'vault');

  const backup = stack.backup;
  const vaultId = backup.createVault({
    subscriptionId,
    resourceGroup: rg,
    name: `rsv-${rg}`,
    experience: kind === 'backupV1Family' ? 'v1' : 'v2',
  }).id;
  let endpoint = '';
  const after = (result: { createdEndpoints: string[]; updatedResources: string[] }): Phase => ({
    touched: [
      ...new Set([
        ...result.createdEndpoints,
        ...result.updatedResources.filter((id) => /\/privateendpoints\/[^/]+$/i.test(id)),
      ]),
    ],
    wanted: backup.dnsEntries(vaultId),
    // Backup's changes to an existing endpoint or NIC are its own: announced only when the simulator says so.
    silent: result.updatedResources.length > 0 && !backup.options.serviceChangeEvents,
  });
  return {
    get mainEndpoint() {
      return endpoint;
    },
    phases: [
      () => {
        endpoint = String(
          backup.createVaultEndpoint({
            vaultId,
            subscriptionId,
            resourceGroup: rg,
            name: `pe-${rg}`,
            subnetId,
          }).endpoint.id,
        );
        return { touched: [endpoint], wanted: backup.dnsEntries(vaultId), silent: false };
      },
      () => after(backup.discover(vaultId)),
      () => after(backup.firstBackup(vaultId)),
    ],
  };
}

const figures = (counts: RequestCounts, minimum: number): Figures => ({
  requests: counts.requests,
  minimum,
  ratio: ratio(counts.requests, minimum),
  writes: counts.writes,
  reads: counts.reads,
  throttled: counts.throttled,
  byOperation: counts.byOperation,
});

const sum = (parts: readonly Figures[]): Figures => {
  const byOperation: Record<string, number> = {};
  for (const p of parts)
    for (const [op, n] of Object.entries(p.byOperation)) byOperation[op] = (byOperation[op] ?? 0) + n;
  const requests = parts.reduce((s, p) => s + p.requests, 0);
  const minimum = parts.reduce((s, p) => s + p.minimum, 0);
  return {
    requests,
    minimum,
    ratio: ratio(requests, minimum),
    writes: parts.reduce((s, p) => s + p.writes, 0),
    reads: parts.reduce((s, p) => s + p.reads, 0),
    throttled: parts.reduce((s, p) => s + p.throttled, 0),
    byOperation,
  };
};

/** NICs of an endpoint (Azure gives each private endpoint one). */
const nicsOf = (stack: DemoStack, endpointId: string): number =>
  stack.network.getNetworkInterface(endpointId) ? 1 : 0;
const nicsIn = (stack: DemoStack, endpointIds: readonly string[]): number =>
  endpointIds.reduce((s, id) => s + nicsOf(stack, id), 0);

/** PrivateIP.ps1 + CreateDNSEntries.ps1 for one resource group, with the real SDK clients. */
async function runScripts(
  stack: DemoStack,
  subscriptionId: string,
  rg: string,
): Promise<{ counts: RequestCounts; entries: DnsEntry[] }> {
  const network = new NetworkManagementClient(
    stack.emu.credential(),
    subscriptionId,
    stack.emu.clientOptions(),
  );
  const dns = new PrivateDnsManagementClient(stack.emu.credential(), HUB, stack.emu.clientOptions());
  const since = stack.emu.log.lastSeq;
  const entries: DnsEntry[] = [];
  for await (const pe of network.privateEndpoints.list(rg)) {
    for (const ref of pe.networkInterfaces ?? []) {
      const nicName = String(ref.id).split('/').pop() ?? '';
      const nic = await network.networkInterfaces.get(rg, nicName);
      for (const config of nic.ipConfigurations ?? []) {
        const ip = config.privateIPAddress;
        for (const fqdn of config.privateLinkConnectionProperties?.fqdns ?? []) {
          const at = zoneRecordFor(fqdn);
          if (at && ip) entries.push({ fqdn, ...at, ip, endpointId: String(pe.id) });
        }
      }
    }
  }
  for (const e of entries)
    await dns.recordSets.createOrUpdate(HUB_RG, e.zone, 'A', e.recordName, {
      ttl: 3600,
      aRecords: [{ ipv4Address: e.ip }],
    });
  return { counts: countRequests(stack.emu.log.list({ sinceSeq: since })), entries };
}

export async function runEconomy(options: EconomyOptions, command: string): Promise<EconomyResult> {
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];
  let appErrors = 0;
  const stack = await startBenchStack({
    timeScale: options.timeScale,
    // No timer runs by itself: each phase is measured on its own, the Backup watch run where a phase needs it.
    runTimerTriggers: false,
    onAppError: (message) => {
      appErrors++;
      if (appErrors <= 5) process.stderr.write(`[app] ${message}\n`);
    },
  });
  const kinds = {} as Record<EconomyKind, KindFigures>;
  try {
    stack.emu.ensureSubscription(SCRIPTS_SPOKE, 'scripts-twin');
    let n = 0;
    for (const kind of options.kinds ?? ECONOMY_KINDS) {
      n++;
      log(`economy: ${KIND_LABELS[kind]} ...`);
      // The app's estate, phase by phase.
      const estate = buildEstate(stack, kind, SPOKE, `rg-econ-${kind.toLowerCase()}`, n);
      const cold: Figures[] = [];
      let watchRuns = 0;
      for (const [p, phase] of estate.phases.entries()) {
        const since = stack.emu.log.lastSeq;
        const { touched, wanted, silent } = phase();
        const min = changeMinimum(stack, touched.length, nicsIn(stack, touched), wanted);
        const done = () => missingEntries(stack, wanted).length === 0;
        try {
          if (silent) {
            // What Event Grid announced first; then the Backup watch, as its timer would run it.
            await settle(stack, () => true, options.timeoutMs);
            await stack.host.runTimerNow(FUNCTION_NAMES.backupWatch);
            watchRuns++;
          }
          await settle(stack, done, options.timeoutMs);
        } catch (error) {
          problems.push(`${kind} cold, phase ${p + 1}: ${String(error)}`);
        }
        cold.push(figures(countRequests(stack.emu.log.list({ sinceSeq: since })), min.minimum));
      }
      // Warm: the endpoint written again (its NIC members unchanged) — every record already stands.
      const warmSince = stack.emu.log.lastSeq;
      const main = estate.mainEndpoint;
      stack.network.setMembers(main, stack.network.members(main));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await settle(stack, () => true, options.timeoutMs).catch((error: unknown) =>
        problems.push(`${kind} warm: ${String(error)}`),
      );
      const warm = figures(
        countRequests(stack.emu.log.list({ sinceSeq: warmSince })),
        1 + nicsOf(stack, main),
      );
      if (warm.writes > 0) problems.push(`${kind} warm: ${warm.writes} write(s) for nothing to change`);

      // The twin estate, synced by the scripts after each phase and once more with nothing changed.
      const twin = buildEstate(stack, kind, SCRIPTS_SPOKE, `rg-twin-${kind.toLowerCase()}`, n);
      const scriptRuns: Figures[] = [];
      for (const phase of twin.phases) {
        const { touched, wanted } = phase();
        const min = changeMinimum(stack, touched.length, nicsIn(stack, touched), wanted);
        const run = await runScripts(stack, SCRIPTS_SPOKE, `rg-twin-${kind.toLowerCase()}`);
        scriptRuns.push(figures(run.counts, min.minimum));
        if (missingEntries(stack, wanted).length > 0) problems.push(`${kind} scripts left records missing`);
      }
      const again = await runScripts(stack, SCRIPTS_SPOKE, `rg-twin-${kind.toLowerCase()}`);
      const twinMain = twin.mainEndpoint;
      const scriptsWarm = figures(again.counts, 1 + nicsOf(stack, twinMain));

      kinds[kind] = {
        ...sum(cold),
        warm,
        scripts: { ...sum(scriptRuns), warm: scriptsWarm },
        watchRuns,
      };
      const k = kinds[kind];
      log(
        `  app cold ${k.requests}/${k.minimum} = ${fmt(k.ratio)}, warm ${warm.requests}/${warm.minimum} = ${fmt(warm.ratio)}; scripts cold ${k.scripts.requests}/${k.scripts.minimum} = ${fmt(k.scripts.ratio)}, warm ${scriptsWarm.requests}/${scriptsWarm.minimum}`,
      );
    }
  } finally {
    await stack.stop();
  }
  if (appErrors > 0) problems.push(`${appErrors} error line(s) logged by the app`);
  return { scenario: 'economy', run: runInfo(command), timeScale: options.timeScale, kinds, problems };
}

export function renderEconomy(result: EconomyResult): string {
  const entries = Object.entries(result.kinds) as Array<[EconomyKind, KindFigures]>;
  const rows = entries.flatMap(([kind, k]) => [
    [
      KIND_LABELS[kind],
      `app, cold${k.watchRuns > 0 ? ` (Backup watch run ${k.watchRuns}×)` : ''}`,
      k.requests,
      k.minimum,
      `**${fmt(k.ratio)}**`,
      k.writes,
      k.reads,
      k.throttled,
    ],
    [
      '',
      'app, warm',
      k.warm.requests,
      k.warm.minimum,
      `**${fmt(k.warm.ratio)}**`,
      `**${k.warm.writes}**`,
      k.warm.reads,
      k.warm.throttled,
    ],
    [
      '',
      'scripts, cold',
      k.scripts.requests,
      k.scripts.minimum,
      fmt(k.scripts.ratio),
      k.scripts.writes,
      k.scripts.reads,
      k.scripts.throttled,
    ],
    [
      '',
      'scripts, warm',
      k.scripts.warm.requests,
      k.scripts.warm.minimum,
      fmt(k.scripts.warm.ratio),
      k.scripts.warm.writes,
      k.scripts.warm.reads,
      k.scripts.warm.throttled,
    ],
  ]);
  const ops = (f: Figures): string =>
    Object.entries(f.byOperation)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, c]) => `${op} ${c}`)
      .join(', ') || 'none';
  const opLines = entries.map(
    ([kind, k]) => `- ${KIND_LABELS[kind]}, app cold: ${ops(k)}; warm: ${ops(k.warm)}`,
  );
  const versus = entries.map(([kind, k]) => {
    const before = BEFORE.economy[kind];
    const b = (x: { requests: number; minimum: number }) => x.requests / x.minimum;
    return [
      KIND_LABELS[kind],
      `${before.cold.requests}/${before.cold.minimum} = ${fmt(b(before.cold))}`,
      `${k.requests}/${k.minimum} = **${fmt(k.ratio)}**`,
      improvement(b(before.cold), k.ratio),
      `${before.warm.requests}/${before.warm.minimum} = ${fmt(b(before.warm))}`,
      `${k.warm.requests}/${k.warm.minimum} = **${fmt(k.warm.ratio)}**`,
      improvement(b(before.warm), k.warm.ratio),
      k.ratio <= 1.2 && k.warm.ratio <= 1.2 && k.warm.writes === 0 ? 'met' : '**not met**',
    ];
  });
  return [
    ...runInfoLines(result.run),
    '',
    `Emulator and host at ${result.timeScale}× real time, Azure's limits on, Event Grid as the emulator has it by default (Backup's own changes to an endpoint's NIC unannounced; for such a phase the app's Backup watch runs once, as its timer would, and its request counts with the phase). Minimum = endpoint reads + NIC reads + one write per record that changes + one read per record updated or deleted, summed over the phases, nothing for finding out about a change; warm = the endpoint written again with nothing to change (minimum: its read and its NIC's).`,
    '',
    ...table(['kind', 'run', 'requests', 'minimum', 'requests ÷ minimum', 'writes', 'reads', '429s'], rows),
    '',
    `Before (commit ${BEFORE.commit}) and now, requests ÷ minimum; target (issue 10): ≤ 1.2 cold and warm, 0 writes warm:`,
    '',
    ...table(
      ['kind', 'cold before', 'cold now', 'cold', 'warm before', 'warm now', 'warm', 'target'],
      versus,
    ),
    '',
    'Requests by operation:',
    '',
    ...opLines,
    '',
    ...problemLines(result.problems),
  ].join('\n');
}

export async function runEconomyBenchmark(args: string[]): Promise<void> {
  const opts = withResultOptions(
    new Command()
      .option('--time-scale <n>', 'emulated ms per real ms (emulator and host alike)', '20')
      .option('--timeout <s>', 'real seconds to wait for one phase to settle', '120')
      .option('--kinds <list>', `comma-separated subset of ${ECONOMY_KINDS.join(', ')}`),
    'economy',
  )
    .parse(['node', 'bench', ...args])
    .opts<{
      timeScale: string;
      timeout: string;
      kinds?: string;
      json?: boolean;
      out: string;
      docs: string;
    }>();
  const kinds = opts.kinds?.split(',').map((k) => k.trim()) as EconomyKind[] | undefined;
  for (const k of kinds ?? []) if (!ECONOMY_KINDS.includes(k)) throw new Error(`unknown kind "${k}"`);
  const result = await runEconomy(
    {
      timeScale: numberOption(opts.timeScale, '--time-scale', 1, 1000),
      timeoutMs: numberOption(opts.timeout, '--timeout', 1, 3600) * 1000,
      ...(kinds ? { kinds } : {}),
      log: progress(opts.json === true),
    },
    `npm run bench -- economy ${args.join(' ')}`.trim(),
  );
  const markdown = renderEconomy(result);
  writeGenerated(opts.out, 'economy', markdown, 'economy: requests per synced endpoint ÷ the minimum');
  writeGenerated(opts.docs, 'economy', `### economy\n\n${markdown}`, 'Performance');
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${markdown}\n`);
  if (result.problems.length > 0) process.exitCode = 1;
}
