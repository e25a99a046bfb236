/**
 * `npm run demo`: the whole job end to end on this machine. Starts the demo stack (`demo/stack.ts`: the ARM
 * emulator, a DNS server answering from the emulated hub zones and the Functions app on the in-process host, the
 * spokes subscribed to the app's Event Grid webhook), then plays the mission with the real SDK clients: Backup v1
 * (endpoint, discovery, first backup), Backup v2, a pending endpoint approved through the signed webhook and one
 * rejected, a Cosmos DB account in two regions, a deleted endpoint. Prints a timeline, the records as
 * `PrivateIP.ps1` prints them, lookups through the DNS server and ARM call counts; exits non-zero on any mismatch.
 *
 * This file only tells the story; the world it runs in is `demo/stack.ts` on `local/stack`.
 *
 * Slightly over ~400 lines: the mission is one story told in order; its steps, estate and stack are apart
 * (demo/mission.ts, demo/estate.ts, demo/stack.ts).
 */
import type { promises as dnsPromises } from 'node:dns';
import { FUNCTION_NAMES } from '../src/core/functionNames';
import { renderTsv } from '../src/core/format';
import { syncInstanceId } from '../src/flows/sync/contracts';
import { backupServiceFqdns } from '../local/arm/backupFqdns';
import { waitUntil } from '../local/stack';
import {
  COSMOS_ACCOUNT,
  FOREIGN_RECORD,
  HUB,
  LOCATION,
  SPOKE,
  SPOKE2,
  SPOKE2_RG,
  SPOKE2_SUBNET_ID,
  SPOKE_RG,
  SERVICE_ZONES,
  SPOKE_SUBNET_ID,
} from './estate';
import {
  createBackupEndpoint,
  createServiceEndpoint,
  createVault,
  missingEntries,
  nicNames,
  pendingConnectionOf,
  resolveA,
} from './mission';
import { startDemoStack } from './stack';
import type { DemoStackOptions } from './stack';

// ---------------------------------------------------------------------------------------------------------------
// The mission

export interface TimelineEntry {
  readonly step: string;
  /** Event Grid deliveries to the app during the step. */
  readonly events: number;
  /** Hub A record writes and deletes during the step. */
  readonly recordWrites: number;
  readonly recordDeletes: number;
  /**
   * From the first endpoint/NIC write of the step to the last hub record written or deleted, in ms (for a
   * step that changes no record: until the hub was seen settled).
   */
  readonly latencyMs: number;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly failures: string[];
  readonly timeline: TimelineEntry[];
  readonly table: string;
  readonly verify: { fqdn: string; expected: string; got: string; ok: boolean }[];
  readonly armCalls: { total: number; byMethod: Record<string, number>; byOperation: Record<string, number> };
  readonly durationMs: number;
}

export async function runDemo(
  options: { print?: (line: string) => void; stack?: DemoStackOptions } = {},
): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const failures: string[] = [];
  const timeline: TimelineEntry[] = [];
  print('privatelink-dns-sync demo: ARM emulator + DNS server + Functions host, all on 127.0.0.1');
  const stack = await startDemoStack(options.stack ?? {});
  // The mission follows Backup by its events. Whether Azure publishes an event when Backup itself changes a vault
  // endpoint (roles arriving on registration, v2 storage FQDNs) is not known, so the simulator stays silent unless
  // told otherwise; here it is told, and says so.
  stack.backup.options.serviceChangeEvents = true;
  print(
    "Backup simulator: Event Grid events for Backup's own endpoint/NIC changes are ON for this demo (Azure may not send them; see local/arm/README.md)",
  );
  let writes = 0;
  let deletes = 0;
  // Emulator clock times of the first spoke endpoint/NIC change and the last hub record change of a step.
  let firstSourceAt: number | undefined;
  let lastRecordAt: number | undefined;
  const unsubscribe = stack.emu.store.onChange((change) => {
    const id = change.resource.id.toLowerCase();
    if (
      firstSourceAt === undefined &&
      !id.startsWith(`/subscriptions/${HUB}/`) &&
      /\/providers\/microsoft\.network\/(privateendpoints|networkinterfaces)\/[^/]+$/.test(id) &&
      change.context.final !== false
    ) {
      firstSourceAt = Date.now();
    }
    if (
      !id.startsWith(`/subscriptions/${HUB}/`) ||
      !id.includes('/privatednszones/') ||
      !/\/a\/[^/]+$/.test(id)
    )
      return;
    if (change.kind === 'write') writes++;
    else deletes++;
    lastRecordAt = Date.now();
  });
  const delivered = () => stack.eventGrid.delivery.stats().delivered;

  /** Runs one mission step: `act` changes ARM, `settled` says when the hub is where it should be. */
  const step = async (name: string, act: () => Promise<void>, settled: () => boolean | Promise<boolean>) => {
    const before = { events: delivered(), writes, deletes };
    firstSourceAt = undefined;
    lastRecordAt = undefined;
    await act();
    const changedAt = Date.now();
    try {
      await waitUntil(name, async () => (await settled()) || undefined, 20_000);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await stack.eventGrid.idle();
    const entry: TimelineEntry = {
      step: name,
      events: delivered() - before.events,
      recordWrites: writes - before.writes,
      recordDeletes: deletes - before.deletes,
      latencyMs:
        firstSourceAt !== undefined && lastRecordAt !== undefined
          ? Math.max(0, lastRecordAt - firstSourceAt)
          : Date.now() - changedAt,
    };
    timeline.push(entry);
    print(
      `  ${name.padEnd(46)} ${String(entry.events).padStart(3)} events → ${String(entry.recordWrites).padStart(2)} written, ${String(entry.recordDeletes).padStart(2)} deleted  (${entry.latencyMs} ms)`,
    );
  };

  try {
    for (const sub of stack.eventGrid.delivery.subscriptions()) {
      print(
        `Event Grid: spoke ${sub.subscriptionId} → ${FUNCTION_NAMES.eventGridSync} webhook (validation handshake passed)`,
      );
    }
    print(`\nTimeline (ARM change → Event Grid → app → hub records):`);
    // Backup v1: the vault endpoint, then the storage endpoints discovery and the first backup create.
    let v1Vault = '';
    await step(
      'v1 vault + private endpoint (SDK)',
      async () => {
        v1Vault = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-prod-v1');
        await createBackupEndpoint(stack, {
          subscriptionId: SPOKE,
          resourceGroup: SPOKE_RG,
          subnetId: SPOKE_SUBNET_ID,
          name: 'pe-rsv-prod-v1',
          vaultId: v1Vault,
        });
      },
      () => missingEntries(stack, stack.backup.dnsEntries(v1Vault)).length === 0,
    );
    await step(
      'v1 discover (+ 6 roles, _ecs_blob, _ecs_queue)',
      async () => void stack.backup.discover(v1Vault),
      () => missingEntries(stack, stack.backup.dnsEntries(v1Vault)).length === 0,
    );
    await step(
      'v1 firstBackup (+ _prot_blob)',
      async () => void stack.backup.firstBackup(v1Vault),
      () => missingEntries(stack, stack.backup.dnsEntries(v1Vault)).length === 0,
    );

    // Backup v2: one endpoint whose NIC grows.
    const v2Vault = stack.backup.createVault({
      subscriptionId: SPOKE,
      resourceGroup: SPOKE_RG,
      name: 'rsv-prod-v2',
      location: LOCATION,
      experience: 'v2',
    }).id;
    await step(
      'v2 vault private endpoint (SDK)',
      async () => {
        await createBackupEndpoint(stack, {
          subscriptionId: SPOKE,
          resourceGroup: SPOKE_RG,
          subnetId: SPOKE_SUBNET_ID,
          name: 'pe-rsv-prod-v2',
          vaultId: v2Vault,
        });
      },
      () => missingEntries(stack, stack.backup.dnsEntries(v2Vault)).length === 0,
    );
    await step(
      'v2 discover + firstBackup (NIC gains FQDNs)',
      async () => {
        stack.backup.discover(v2Vault);
        stack.backup.firstBackup(v2Vault);
      },
      () => missingEntries(stack, stack.backup.dnsEntries(v2Vault)).length === 0,
    );

    // A team in another spoke asks for an endpoint to a vault it does not own: approved through the webhook.
    const appVault = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-app');
    let appEndpoint = '';
    await step(
      'pending endpoint (other spoke) → approved',
      async () => {
        appEndpoint = await createBackupEndpoint(stack, {
          subscriptionId: SPOKE2,
          resourceGroup: SPOKE2_RG,
          subnetId: SPOKE2_SUBNET_ID,
          name: 'pe-app-backup',
          vaultId: appVault,
          manual: true,
        });
        const pending = await pendingConnectionOf(stack, appEndpoint);
        const answer = await stack.approve(pending.connectionId, {
          connectionId: pending.connectionId,
          decision: 'Approved',
          reason: 'CHG-1001 app backup',
          approver: 'platform-team',
        });
        if (answer.status !== 200)
          failures.push(`approval answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      },
      () => {
        const entries = stack.backup.dnsEntries(appVault);
        return entries.length > 0 && missingEntries(stack, entries).length === 0;
      },
    );

    // And one that is refused: no records, ever.
    const refusedVault = await createVault(stack, SPOKE, SPOKE_RG, 'rsv-finance');
    let refusedEndpoint = '';
    await step(
      'pending endpoint (other spoke) → rejected',
      async () => {
        refusedEndpoint = await createBackupEndpoint(stack, {
          subscriptionId: SPOKE2,
          resourceGroup: SPOKE2_RG,
          subnetId: SPOKE2_SUBNET_ID,
          name: 'pe-finance-backup',
          vaultId: refusedVault,
          manual: true,
        });
        const pending = await pendingConnectionOf(stack, refusedEndpoint);
        const answer = await stack.approve(pending.connectionId, {
          connectionId: pending.connectionId,
          decision: 'Rejected',
          reason: 'not approved by finance',
          approver: 'platform-team',
        });
        if (answer.status !== 200)
          failures.push(`rejection answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      },
      () => {
        const status = stack.host.durable.getStatus(syncInstanceId(refusedEndpoint));
        return status !== undefined && ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus);
      },
    );

    const refusedRun = stack.host.durable.getStatus(syncInstanceId(refusedEndpoint));
    const refusedOutcome = (refusedRun?.output as { outcome?: string } | undefined)?.outcome;
    if (refusedRun?.runtimeStatus !== 'Completed' || refusedOutcome !== 'rejected') {
      failures.push(
        `the rejected endpoint's orchestration ended ${refusedRun?.runtimeStatus ?? 'nowhere'} (${refusedOutcome ?? JSON.stringify(refusedRun?.output ?? null)}), expected Completed/rejected`,
      );
    }

    // Not only Backup: the app team's Cosmos DB account in two regions, one name per region.
    const cosmosZone = SERVICE_ZONES[0];
    let cosmosNames = new Map<string, string>();
    await step(
      'Cosmos DB endpoint, two regions (SDK)',
      async () => {
        const cosmosEndpoint = await createServiceEndpoint(stack, {
          subscriptionId: SPOKE2,
          resourceGroup: SPOKE2_RG,
          subnetId: SPOKE2_SUBNET_ID,
          name: 'pe-cosmos-orders',
          targetId: `/subscriptions/${SPOKE2}/resourceGroups/${SPOKE2_RG}/providers/${COSMOS_ACCOUNT.type}/${COSMOS_ACCOUNT.name}`,
          groupId: 'Sql',
        });
        cosmosNames = nicNames(stack, cosmosEndpoint);
      },
      () =>
        cosmosNames.size === 1 + COSMOS_ACCOUNT.locations.length &&
        [...cosmosNames].every(([fqdn, ip]) =>
          (stack.hubRecord(cosmosZone, fqdn.replace(/\.documents\.azure\.com$/, '')) ?? []).includes(ip),
        ),
    );

    // The v2 endpoint is deleted: its records go, nothing else does.
    const v2Entries = stack.backup.dnsEntries(v2Vault);
    await step(
      'v2 private endpoint deleted (SDK)',
      async () => {
        await stack
          .networkClient(SPOKE)
          .privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-rsv-prod-v2', { updateIntervalInMs: 10 });
      },
      () => v2Entries.every((e) => stack.hubRecord(e.zone, e.recordName) === undefined),
    );

    // ---- results ----------------------------------------------------------------------------------------------
    const records = stack.hubRecords();
    const table = renderTsv(records);
    print(`\nHub records (PrivateIP.ps1 columns):\n${table}`);

    const expected = [
      ...stack.backup.dnsEntries(v1Vault),
      ...stack.backup.dnsEntries(appVault),
      // Cosmos DB: `<account>[-<region>].documents.azure.com` answers as `….privatelink.documents.azure.com`.
      ...[...cosmosNames].map(([fqdn, ip]) => ({
        zone: cosmosZone,
        recordName: fqdn.replace(/\.documents\.azure\.com$/, ''),
        ip,
      })),
    ];
    const absent = [
      ...v2Entries.map((e) => `${e.recordName}.${e.zone}`),
      // The simulator's role FQDNs already carry `.privatelink.`: each is the name a client resolves.
      ...backupServiceFqdns(String(stack.backup.describe(refusedVault).backupVaultId), LOCATION),
    ];
    const verify: DemoResult['verify'] = [];
    for (const e of expected) {
      const fqdn = `${e.recordName}.${e.zone}`;
      const got = await lookup(stack.resolver, fqdn);
      verify.push({ fqdn, expected: e.ip, got, ok: got === e.ip });
    }
    for (const fqdn of absent) {
      const got = await lookup(stack.resolver, fqdn);
      verify.push({ fqdn, expected: 'NXDOMAIN', got, ok: got === 'NXDOMAIN' });
    }
    const foreign = await lookup(stack.resolver, `${FOREIGN_RECORD.name}.${FOREIGN_RECORD.zone}`);
    verify.push({
      fqdn: `${FOREIGN_RECORD.name}.${FOREIGN_RECORD.zone} (foreign)`,
      expected: FOREIGN_RECORD.ip,
      got: foreign,
      ok: foreign === FOREIGN_RECORD.ip,
    });
    const refusedIp = stack.network.getNetworkInterface(refusedEndpoint);
    const refusedIps: string[] =
      JSON.stringify(refusedIp?.properties ?? {}).match(/\d+\.\d+\.\d+\.\d+/g) ?? [];
    if (records.some((r) => r.ips.some((ip) => refusedIps.includes(ip))))
      failures.push('a record points at the rejected endpoint');

    print(`verify (node:dns Resolver → ${stack.dns.server}):`);
    for (const v of verify)
      print(`  ${v.ok ? 'ok  ' : 'FAIL'} ${v.fqdn} → ${v.got}${v.ok ? '' : ` (expected ${v.expected})`}`);
    for (const v of verify) if (!v.ok) failures.push(`${v.fqdn}: expected ${v.expected}, got ${v.got}`);
    if (appEndpoint === '' || v1Vault === '') failures.push('the mission did not get through its steps');

    const counters = stack.emu.log.snapshot();
    const armCalls = {
      total: counters.total,
      byMethod: counters.byMethod,
      byOperation: counters.byOperation,
    };
    print(
      `\nARM calls (emulator counters, the app's and the mission's own SDK calls together): ${counters.total} total — ${Object.entries(
        counters.byMethod,
      )
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`,
    );
    for (const [op, n] of Object.entries(counters.byOperation)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 12))
      print(`  ${String(n).padStart(4)} ${op}`);
    const durable = stack.host.durable.counters;
    print(
      `\nDurable host: ${durable.episodes} orchestrator episodes, ${durable.activityInvocations} activity runs, ${durable.discardedEvents} raised event(s) left unread when an instance ended or continued as new (Azure drops these too; the mailbox and the starters make a fresh read follow every change)`,
    );
    const durationMs = Date.now() - started;
    const ok = failures.length === 0;
    print(
      `\n${ok ? 'PASS' : 'FAIL'}: ${verify.filter((v) => v.ok).length}/${verify.length} lookups as expected, ${failures.length} problem(s), ${(durationMs / 1000).toFixed(1)} s`,
    );
    for (const f of failures) print(`  - ${f}`);
    return { ok, failures, timeline, table, verify, armCalls, durationMs };
  } finally {
    unsubscribe?.();
    await stack.stop();
  }
}

async function lookup(resolver: dnsPromises.Resolver, fqdn: string): Promise<string> {
  const got = await resolveA(resolver, fqdn);
  return got === 'ENOTFOUND' ? 'NXDOMAIN' : got;
}

if (require.main === module) {
  runDemo()
    .then((result) => {
      process.exitCode = result.ok ? 0 : 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    });
}
