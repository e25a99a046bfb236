/**
 * Reconcile at estate scale, in sync: N private endpoints (each with its NIC and an Approved connection) spread
 * over M spoke subscriptions, their hub records already standing with our ownership metadata, then one applied
 * reconcile (`scope: all`) on the local Functions host. A run that finds the estate in step must write nothing;
 * the figures are what it costs to find that out.
 *
 *   npx tsx bench/reconcileScale.ts [--endpoints 1000,5000,10000] [--subscriptions 200] [--label after] [--json]
 *
 * `npm run bench -- reconcile` runs one size of it (`runReconcileScaleSize`, bench/reconcile.ts) and reports it with
 * the other scenarios.
 *
 * Three processes per size, so each figure belongs to one party:
 * - the ARM emulator (`--emulator-child`): seeded in process, serves HTTPS; its own CPU is not counted;
 * - the app (`--app-child`): the in-process host running src/index.ts, which runs the reconcile orchestration.
 *   Measured there: CPU (process.cpuUsage around the run), the longest event-loop stall
 *   (perf_hooks.monitorEventLoopDelay), peak RSS (resourceUsage().maxRSS), durable bytes of the instances the run
 *   created (the host's JSON state files, and the same records as compact JSON);
 * - this driver, which starts both, counts the run's ARM requests on the emulator's control API, and writes
 *   the table into bench/results/reconcile-scale.md (only the block of its `--label`; other text stays).
 *
 * Minimum requests = Resource Graph pages of 1,000 rows (one row per endpoint) + for each hub zone one list page
 * per 1,000 record sets (Private DNS's largest `$top`; at least one page) + one page listing the hub zones.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import https from 'node:https';
import { Command } from 'commander';
import { startArmEmulator } from '../local/arm/server';
import type { NetworkService } from '../local/arm/providers/network';
import type { PrivateDnsService } from '../local/arm/providers/privateDns';
import type { PrivateLinkTargetsService } from '../local/arm/providers/privateLinkTargets';
import { startLocalHost } from '../local/host';
import { encodeOwnership } from '../src/core/ownership';

const ROOT = path.resolve(__dirname, '..');
const HUB = '00000000-0000-4000-8000-00000000a0b1';
const HUB_RG = 'rg-hub-dns';
const SPOKE_RG = 'rg-workload';
const OWNER = 'privatelink-dns-sync';
const TTL = 10;
const RECORD_PAGE = 1000;
const GRAPH_PAGE = 1000;

/** Endpoint kinds, in turn: FQDNs as the NIC carries them → hub zone and record name. */
const KINDS = [
  {
    group: 'vault',
    type: 'Microsoft.KeyVault/vaults',
    records: (n: string) => [
      { fqdn: `${n}.vault.azure.net`, zone: 'privatelink.vaultcore.azure.net', name: n },
    ],
  },
  {
    group: 'blob',
    type: 'Microsoft.Storage/storageAccounts',
    records: (n: string) => [
      { fqdn: `${n}.blob.core.windows.net`, zone: 'privatelink.blob.core.windows.net', name: n },
    ],
  },
  {
    group: 'queue',
    type: 'Microsoft.Storage/storageAccounts',
    records: (n: string) => [
      { fqdn: `${n}.queue.core.windows.net`, zone: 'privatelink.queue.core.windows.net', name: n },
    ],
  },
  {
    // A web app and its SCM site: two names on one member.
    group: 'sites',
    type: 'Microsoft.Web/sites',
    records: (n: string) => [
      { fqdn: `${n}.azurewebsites.net`, zone: 'privatelink.azurewebsites.net', name: n },
      { fqdn: `${n}.scm.azurewebsites.net`, zone: 'privatelink.azurewebsites.net', name: `${n}.scm` },
    ],
  },
] as const;
const ZONES = [...new Set(KINDS.flatMap((k) => k.records('x').map((r) => r.zone)))];

/** What the emulator child tells the driver once it serves. */
interface EmulatorReady {
  endpoint: string;
  caFile: string;
  identityEndpoint: string;
  identityHeader: string;
  subscriptions: string[];
  endpoints: number;
  recordsByZone: Record<string, number>;
  seedSeconds: number;
}

/** What the app child reports. */
export interface AppResult {
  status: string;
  wallSeconds: number;
  cpuSeconds: number;
  maxStallMs: number;
  peakRssMb: number;
  instances: number;
  stateFileBytes: number;
  historyJsonBytes: number;
  summary: { creates: number; updates: number; deletes: number; unchanged: number; skips: number };
  listing: { endpoints: number; requests: number; source: string };
  error?: string;
}

export interface SizeResult {
  endpoints: number;
  subscriptions: number;
  records: number;
  app: AppResult;
  requests: number;
  byOperation: Record<string, number>;
  minimum: number;
  writes: number;
}

const spokeId = (i: number): string =>
  `00000000-0000-4000-8000-${(0x100000 + i).toString(16).padStart(12, '0')}`;

// ---------------------------------------------------------------------------------------------------------------
// Emulator child: seeds the estate and its in-step hub records, then serves.

async function emulatorChild(endpoints: number, subscriptions: number, caFile: string): Promise<void> {
  const started = Date.now();
  const emu = await startArmEmulator({ logCapacity: 1000 });
  const network = emu.service<NetworkService>('network');
  const dns = emu.service<PrivateDnsService>('privateDns');
  const targets = emu.service<PrivateLinkTargetsService>('privateLinkTargets');
  const zoneIds = new Map(ZONES.map((z) => [z, dns.createZone(HUB, HUB_RG, z).id]));
  const subs = Array.from({ length: subscriptions }, (_, i) => spokeId(i));
  const recordsByZone: Record<string, number> = Object.fromEntries(ZONES.map((z) => [z, 0]));
  const subnets = subs.map((sub) => {
    network.createVirtualNetwork({
      subscriptionId: sub,
      resourceGroup: SPOKE_RG,
      name: 'vnet',
      addressPrefixes: ['10.0.0.0/16'],
      subnets: [{ name: 'snet-pe', addressPrefix: '10.0.0.0/16' }],
    });
    return `/subscriptions/${sub}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`;
  });
  for (let i = 0; i < endpoints; i++) {
    const s = i % subscriptions;
    const sub = subs[s] as string;
    const kind = KINDS[i % KINDS.length] as (typeof KINDS)[number];
    const name = `res${String(i).padStart(6, '0')}`;
    const records = kind.records(name);
    // The emulator refuses an endpoint to a resource that does not exist (storage accounts and key vaults aside).
    if (kind.type === 'Microsoft.Web/sites')
      targets.createResource({ subscriptionId: sub, resourceGroup: SPOKE_RG, type: kind.type, name });
    const pe = network.createPrivateEndpoint({
      subscriptionId: sub,
      resourceGroup: SPOKE_RG,
      name: `pe-${name}`,
      location: 'eastus',
      subnetId: subnets[s] as string,
      connection: {
        privateLinkServiceId: `/subscriptions/${sub}/resourceGroups/${SPOKE_RG}/providers/${kind.type}/${name}`,
        groupIds: [kind.group],
      },
      members: [{ groupId: kind.group, requiredMemberName: kind.group, fqdns: records.map((r) => r.fqdn) }],
      state: { status: 'Approved' },
    });
    // The records the app must find in step, with the IP Azure gave the NIC.
    const nic = network.getNetworkInterface(pe.id);
    const ipcs = ((nic?.properties as { ipConfigurations?: unknown[] } | undefined)?.ipConfigurations ??
      []) as { properties?: { privateIPAddress?: string } }[];
    const ip = ipcs[0]?.properties?.privateIPAddress;
    if (!ip) throw new Error(`no IP on the NIC of ${pe.id}`);
    for (const record of records) {
      dns.putARecordSet(zoneIds.get(record.zone) as string, {
        name: record.name,
        ttl: TTL,
        ipv4Addresses: [ip],
        metadata: encodeOwnership(OWNER, [pe.id]),
      });
      recordsByZone[record.zone] = (recordsByZone[record.zone] ?? 0) + 1;
    }
  }
  emu.writeCaFile(caFile);
  const ready: EmulatorReady = {
    endpoint: emu.url,
    caFile,
    identityEndpoint: emu.identityEndpoint,
    identityHeader: emu.identityHeader,
    subscriptions: subs,
    endpoints,
    recordsByZone,
    seedSeconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
  const stop = (): void => void emu.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// ---------------------------------------------------------------------------------------------------------------
// App child: the host with the app; one applied reconcile over everything.

async function appChild(ready: EmulatorReady): Promise<void> {
  for (const name of Object.keys(process.env)) if (name.startsWith('AZURE_')) delete process.env[name];
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plds-reconcile-scale-'));
  const host = await startLocalHost({
    appEntry: path.join(ROOT, 'src/index.ts'),
    stateDir,
    settings: {
      ARM_ENDPOINT: ready.endpoint,
      ARM_CA_FILE: ready.caFile,
      IDENTITY_ENDPOINT: ready.identityEndpoint,
      IDENTITY_HEADER: ready.identityHeader,
      HUB_SUBSCRIPTION_ID: HUB,
      HUB_ZONE_RESOURCE_GROUP: HUB_RG,
      SPOKE_SUBSCRIPTION_IDS: ready.subscriptions.join(','),
      OWNER_ID: OWNER,
      RECORD_TTL_SECONDS: String(TTL),
      SYNC_POLICY: 'sync',
      APPROVAL_MODE: 'off',
    },
    timeMode: 'real',
    runTimerTriggers: false,
    stopGraceMs: 0,
    log: (level, message) => {
      if (level === 'error' || level === 'critical') process.stderr.write(`[app] ${message}\n`);
    },
  });
  let result: AppResult;
  try {
    const instancesDir = path.join(stateDir, 'instances');
    const before = new Set(fs.readdirSync(instancesDir));
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    stalls.enable();
    const id = await host.durable.startNew('reconcile', {
      input: { scope: 'all', dryRun: false, trigger: 'test' },
    });
    const done = await host.durable.waitForCompletion(id, 30 * 60_000);
    stalls.disable();
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    let stateFileBytes = 0;
    let historyJsonBytes = 0;
    let instances = 0;
    for (const file of fs.readdirSync(instancesDir)) {
      if (before.has(file) || !file.endsWith('.json')) continue;
      const text = fs.readFileSync(path.join(instancesDir, file), 'utf8');
      instances++;
      stateFileBytes += Buffer.byteLength(text);
      historyJsonBytes += Buffer.byteLength(JSON.stringify(JSON.parse(text)));
    }
    const output = (done.output ?? {}) as {
      summary?: AppResult['summary'];
      listing?: AppResult['listing'];
    };
    result = {
      status: done.runtimeStatus,
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxStallMs: stalls.max / 1e6,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      instances,
      stateFileBytes,
      historyJsonBytes,
      summary: output.summary ?? { creates: -1, updates: -1, deletes: -1, unchanged: -1, skips: -1 },
      listing: output.listing ?? { endpoints: -1, requests: -1, source: '?' },
      ...(done.runtimeStatus !== 'Completed' ? { error: JSON.stringify(done.output).slice(0, 2000) } : {}),
    };
  } finally {
    await host.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Driver

function child(args: string[], nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', __filename, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The first stdout line starting with `tag `, parsed. */
function lineFrom<T>(proc: ChildProcess, tag: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    let settled = false;
    lines.on('line', (line) => {
      if (settled || !line.startsWith(`${tag} `)) return;
      settled = true;
      resolve(JSON.parse(line.slice(tag.length + 1)) as T);
    });
    proc.on('exit', (code) => {
      if (!settled) reject(new Error(`child exited with ${code} before ${tag}`));
    });
  });
}

async function control<T>(ready: EmulatorReady, method: string, route: string): Promise<T> {
  const ca = fs.readFileSync(ready.caFile, 'utf8');
  return new Promise((resolve, reject) => {
    const req = https.request(`${ready.endpoint}/_emulator${route}`, { method, ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve((text ? JSON.parse(text) : undefined) as T));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * One estate size, in three processes (see the file comment): the emulator child seeds and serves, the app child
 * runs one applied reconcile, this process counts the requests.
 */
export async function runReconcileScaleSize(
  endpoints: number,
  subscriptions: number,
  profileDir?: string,
  log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): Promise<SizeResult> {
  const caFile = path.join(ROOT, '.local-state', `reconcile-scale-ca-${process.pid}.pem`);
  fs.mkdirSync(path.dirname(caFile), { recursive: true });
  const emulator = child([
    '--emulator-child',
    '--endpoints',
    String(endpoints),
    '--subscriptions',
    String(subscriptions),
    '--ca-file',
    caFile,
  ]);
  try {
    const ready = await lineFrom<EmulatorReady>(emulator, 'READY');
    log(`  seeded ${endpoints} endpoints in ${ready.seedSeconds.toFixed(1)} s`);
    await control(ready, 'DELETE', '/counters');
    const app = child(
      ['--app-child', JSON.stringify(ready)],
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    const result = await lineFrom<AppResult>(app, 'RESULT');
    await new Promise((resolve) => app.once('exit', resolve));
    const counters = await control<{ total: number; byOperation: Record<string, number> }>(
      ready,
      'GET',
      '/counters',
    );
    const records = Object.values(ready.recordsByZone).reduce((a, b) => a + b, 0);
    const minimum =
      Math.max(1, Math.ceil(endpoints / GRAPH_PAGE)) +
      ZONES.reduce((sum, z) => sum + Math.max(1, Math.ceil((ready.recordsByZone[z] ?? 0) / RECORD_PAGE)), 0) +
      1;
    const writes = Object.entries(counters.byOperation)
      .filter(([op]) => /CreateOrUpdate|Delete|Update/.test(op))
      .reduce((a, [, n]) => a + n, 0);
    return {
      endpoints,
      subscriptions,
      records,
      app: result,
      requests: counters.total,
      byOperation: counters.byOperation,
      minimum,
      writes,
    };
  } finally {
    emulator.kill('SIGTERM');
    fs.rmSync(caFile, { force: true });
  }
}

/** What makes a run not count: not completed, anything planned or written, endpoints or records missed. */
export function problemsOf(r: SizeResult): string[] {
  const p: string[] = [];
  if (r.app.status !== 'Completed') p.push(`status ${r.app.status}${r.app.error ? `: ${r.app.error}` : ''}`);
  const s = r.app.summary;
  if (s.creates + s.updates + s.deletes !== 0)
    p.push(`planned ${s.creates}/${s.updates}/${s.deletes} writes`);
  if (s.unchanged !== r.records) p.push(`${s.unchanged} unchanged of ${r.records} records`);
  if (r.app.listing.endpoints !== r.endpoints) p.push(`listed ${r.app.listing.endpoints} endpoints`);
  if (r.writes !== 0) p.push(`${r.writes} ARM writes`);
  return p;
}

function render(results: SizeResult[], label: string, command: string): string {
  const cpu = os.cpus();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  const kb = (b: number) => `${(b / 1e3).toFixed(1)} kB`;
  const lines = [
    `### ${label}`,
    '',
    `Command: \`${command}\` — commit ${commit}, Node ${process.version}, ${os.platform()} ${os.release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; recorded ${new Date().toISOString()}.`,
    '',
    '| endpoints | subscriptions | records | status | app CPU s | wall s | longest stall ms | durable state of the run (files / compact JSON, instances) | peak RSS MB | ARM requests / minimum | writes | problems |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const p = problemsOf(r);
    lines.push(
      `| ${r.endpoints} | ${r.subscriptions} | ${r.records} | ${r.app.status} | **${r.app.cpuSeconds.toFixed(2)}** | ${r.app.wallSeconds.toFixed(2)} | **${r.app.maxStallMs.toFixed(0)}** | ${kb(r.app.stateFileBytes)} / **${kb(r.app.historyJsonBytes)}** (${r.app.instances}) | **${r.app.peakRssMb.toFixed(0)}** | ${r.requests} / ${r.minimum} = **${(r.requests / r.minimum).toFixed(2)}** | ${r.writes} | ${p.length === 0 ? 'none' : p.join('; ')} |`,
    );
  }
  lines.push('', 'Requests by operation:', '');
  for (const r of results)
    lines.push(
      `- ${r.endpoints}: ${Object.entries(r.byOperation)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}`,
    );
  lines.push('');
  return lines.join('\n');
}

/** Replaces the block of `label` in `file` (between its markers), keeping every other line. */
function writeBlock(file: string, label: string, block: string): void {
  const begin = `<!-- reconcile-scale:${label}:begin -->`;
  const end = `<!-- reconcile-scale:${label}:end -->`;
  const text = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# reconcile at estate scale, in sync\n\nWritten by `bench/reconcileScale.ts` (see its header).\n\n';
  const wrapped = `${begin}\n${block}${end}\n`;
  const at = text.indexOf(begin);
  const stop = text.indexOf(end);
  const next =
    at >= 0 && stop > at
      ? text.slice(0, at) + wrapped + text.slice(stop + end.length + 1)
      : `${text.trimEnd()}\n\n${wrapped}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, next);
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--endpoints <list>', 'comma-separated estate sizes', '1000,5000,10000')
    .option('--subscriptions <n>', 'spoke subscriptions the endpoints are spread over', '200')
    .option('--label <name>', 'block of the result file to (re)write', 'current')
    .option('--out <file>', 'result file', 'bench/results/reconcile-scale.md')
    .option('--json', 'print one JSON object to stdout instead of the table')
    .option('--profile <dir>', "write a V8 CPU profile of the app's process into this folder")
    .option('--emulator-child', 'internal: serve a seeded emulator')
    .option('--app-child <ready>', 'internal: run the app against the emulator described')
    .option('--ca-file <file>', 'internal: where the emulator child writes its CA')
    .parse(['node', 'reconcileScale', ...process.argv.slice(2)])
    .opts<{
      endpoints: string;
      subscriptions: string;
      label: string;
      out: string;
      json?: boolean;
      profile?: string;
      emulatorChild?: boolean;
      appChild?: string;
      caFile?: string;
    }>();
  const subscriptions = Number(opts.subscriptions);
  if (opts.emulatorChild) {
    await emulatorChild(Number(opts.endpoints), subscriptions, opts.caFile ?? '');
    return;
  }
  if (opts.appChild) {
    await appChild(JSON.parse(opts.appChild) as EmulatorReady);
    process.exit(0);
  }
  const sizes = opts.endpoints.split(',').map((s) => Number(s.trim()));
  if (
    sizes.some((n) => !Number.isInteger(n) || n < 1) ||
    !Number.isInteger(subscriptions) ||
    subscriptions < 1
  )
    throw new Error('--endpoints wants positive whole numbers, --subscriptions a positive whole number');
  const results: SizeResult[] = [];
  for (const n of sizes) {
    process.stderr.write(`reconcile-scale: ${n} endpoints in ${subscriptions} subscriptions\n`);
    const r = await runReconcileScaleSize(n, subscriptions, opts.profile);
    process.stderr.write(
      `  ${r.app.status}: CPU ${r.app.cpuSeconds.toFixed(2)} s, stall ${r.app.maxStallMs.toFixed(0)} ms, durable ${(r.app.historyJsonBytes / 1e3).toFixed(1)} kB, RSS ${r.app.peakRssMb.toFixed(0)} MB, requests ${r.requests}/${r.minimum}\n`,
    );
    results.push(r);
  }
  const command = `npx tsx bench/reconcileScale.ts ${process.argv.slice(2).join(' ')}`.trim();
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ command, results: results.map((r) => ({ ...r, problems: problemsOf(r) })) })}\n`,
    );
  } else {
    const block = render(results, opts.label, command);
    writeBlock(opts.out, opts.label, block);
    process.stdout.write(block);
  }
  if (results.some((r) => problemsOf(r).length > 0)) process.exitCode = 1;
}

// Run as a script (the driver, or one of its children); imported, it only lends `runReconcileScaleSize`.
if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `reconcile-scale failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
