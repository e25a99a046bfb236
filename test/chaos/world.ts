/**
 * The local stack a chaos run plays on, and how one run's operations act on it. One stack (ARM emulator, DNS
 * server, Functions host with the real app and durable replay) serves many runs: each run starts from an emulator
 * reset, its own resource group and endpoint names, and a host whose leftover instances were terminated.
 *
 * The harness acts as the customers and as Azure's services do — in process, through the emulator's services
 * (Network, Backup, Private DNS), so its own actions are never hit by the faults meant for the app — and as an
 * operator through the app's HTTP API (signed approvals, resync). Only the app talks ARM over HTTPS.
 */
import type { DemoStack } from '../../demo/stack';
import { HUB, HUB_RG, HUB_VNET_ID, SPOKE } from '../../demo/estate';
import { startDemoStack } from '../../demo/stack';
import type { FaultConfig, FaultRule, WriteRaceRule } from '../../local/arm/faults';
import type { DeliveryChaos } from '../../local/arm/eventGridDelivery';
import type { EndpointMember } from '../../local/arm/providers/network';
import type { ArmResource } from '../../local/arm/store';
import type { FaultPlan, Operation, Scenario, Slot } from './scenario';
import {
  aRecordIps,
  compactEndpointId,
  desiredRecords,
  endpointApproved,
  metadataOf,
  nicEntries,
  nicIdOf,
  ownedBy,
  ownerEndpoints,
  recordKey,
  zoneOf,
} from './oracle';
import type { NicEntry } from './oracle';

export const OWNER_ID = 'privatelink-dns-sync';
export const KEY_VAULT_ZONE = 'privatelink.vaultcore.azure.net';
/** Emulated ms per real ms, for the emulator and the host alike (durable timers, Retry-After, Event Grid retries). */
export const TIME_SCALE = 200;
const EVENT_SUBSCRIPTIONS = [SPOKE].map((s) => `plds-spoke-${s.slice(-4)}`);
const SETTLE_TIMEOUT_MS = 30_000;

export interface ChaosWorld {
  readonly stack: DemoStack;
  /** Host log lines (`level: message`), all runs. */
  readonly logs: string[];
  runs: number;
  stop(): Promise<void>;
}

export async function startChaosWorld(): Promise<ChaosWorld> {
  const logs: string[] = [];
  const stack = await startDemoStack({
    timeMode: { scale: TIME_SCALE },
    emulator: { timeScale: TIME_SCALE, lro: { polls: 1, retryAfterSeconds: 0 } },
    subscribe: false,
    settings: {
      OWNER_ID,
      DNS_READY_MAX_WAIT_MINUTES: '1',
      APPROVAL_TIMEOUT_HOURS: '1',
    },
    log: (level, message) => {
      logs.push(`${level}: ${message}`);
    },
  });
  return {
    stack,
    logs,
    runs: 0,
    stop: () => stack.stop(),
  };
}

/** What the harness knows about one slot during a run. */
export interface SlotState {
  readonly slot: Slot;
  readonly endpointName: string;
  vaultId?: string;
  endpointId?: string;
  /**
   * NIC entries saved when the harness hid the endpoint's FQDNs (its true DNS data). `expected`: the part of them
   * the app can still be asked to keep — all of them during the run; for the closing reconcile, the owned records
   * that stood when the DNS data disappeared, as they stood (`standingEntries`).
   */
  hidden?: { members: EndpointMember[]; entries: NicEntry[]; expected: NicEntry[]; fromSeq: number };
}

export interface HiddenInterval {
  readonly endpointId: string;
  readonly entries: NicEntry[];
  readonly fromSeq: number;
  toSeq?: number;
}

/** One run's world: names, slot states and the log of what the harness itself did. */
export class RunContext {
  readonly rg: string;
  readonly subnetId: string;
  readonly slots: SlotState[];
  /** Foreign records as their writers left them: `zone|name` → record set JSON (etag included). */
  readonly foreign = new Map<string, ArmResource>();
  /** Names an admin or a foreign writer touched (not expected to be repaired by events alone). */
  readonly touched = new Set<string>();
  readonly hiddenIntervals: HiddenInterval[] = [];
  readonly notes: string[] = [];
  readonly startWriteSeq: number;
  readonly startRequestSeq: number;
  readonly startLogIndex: number;
  /** Request-log position from which `settle` looks for 412 loops. */
  loopsCheckedFrom: number;
  opsApplied = 0;
  opsSkipped = 0;
  restarts = 0;
  hides = 0;
  resyncs: string[] = [];
  approvals: { status: number; decision: string }[] = [];

  constructor(
    readonly world: ChaosWorld,
    readonly scenario: Scenario,
    readonly run: number,
  ) {
    this.rg = `rg-chaos-${run}`;
    this.subnetId = `/subscriptions/${SPOKE}/resourceGroups/${this.rg}/providers/Microsoft.Network/virtualNetworks/vnet-chaos/subnets/snet-pe`;
    this.slots = scenario.slots.map((slot, i) => ({ slot, endpointName: `pe-c${run}-s${i}` }));
    this.startWriteSeq = world.stack.emu.writes.lastSeq;
    this.startRequestSeq = world.stack.emu.log.lastSeq;
    this.loopsCheckedFrom = this.startRequestSeq;
    this.startLogIndex = world.logs.length;
  }

  get stack(): DemoStack {
    return this.world.stack;
  }

  hubZoneIds(): string[] {
    return this.stack.privateDns.listZones(`/subscriptions/${HUB}/resourceGroups/${HUB_RG}`).map((z) => z.id);
  }

  hubZones(): Set<string> {
    return new Set(
      this.stack.privateDns
        .listZones(`/subscriptions/${HUB}/resourceGroups/${HUB_RG}`)
        .map((z) => z.name.toLowerCase()),
    );
  }

  /** Every A record set in the hub zones: `zone|name` → record set. */
  hubRecords(): Map<string, ArmResource & { zone: string }> {
    const out = new Map<string, ArmResource & { zone: string }>();
    for (const zoneId of this.hubZoneIds()) {
      const zone = this.stack.privateDns.getZone(zoneId);
      if (!zone) continue;
      for (const rs of this.stack.privateDns.listRecordSets(zoneId, 'A')) {
        out.set(recordKey(zone.name, rs.name), { ...rs, zone: zone.name.toLowerCase() });
      }
    }
    return out;
  }

  /** Private endpoints of this run with their NIC entries (true entries for endpoints the harness hid). */
  endpoints(): { endpoint: ArmResource; entries: NicEntry[] }[] {
    const scope = `/subscriptions/${SPOKE}/resourceGroups/${this.rg}`;
    return this.stack.emu.store.listByType('Microsoft.Network/privateEndpoints', scope).map((endpoint) => {
      const hidden = this.slots.find(
        (s) => s.endpointId?.toLowerCase() === endpoint.id.toLowerCase(),
      )?.hidden;
      const nicId = nicIdOf(endpoint);
      return {
        endpoint,
        entries: hidden ? hidden.expected : nicEntries(nicId ? this.stack.emu.store.get(nicId) : undefined),
      };
    });
  }

  desired() {
    return desiredRecords(this.endpoints(), this.hubZones());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Run set-up and tear-down

const READ_AND_LIST = { method: 'GET' } as const;
const RECORD_SETS = 'Microsoft.Network/privateDnsZones/A';

/** The emulator fault configuration of a plan (seeded: the same request sequence gets the same faults). */
export function faultConfig(plan: FaultPlan, seed: number): FaultConfig {
  const rules: FaultRule[] = [];
  if (plan.slowMeanMs !== undefined) {
    rules.push({
      name: 'slow-arm',
      latency: { distribution: 'exponential', meanMs: plan.slowMeanMs, maxMs: plan.slowMeanMs * 5 },
    });
  }
  if (plan.recordDelayMs !== undefined) {
    rules.push({
      name: 'slow-record-sets',
      match: { resourceType: RECORD_SETS },
      latency: { distribution: 'fixed', ms: plan.recordDelayMs },
    });
  }
  if (plan.storm) {
    rules.push({
      name: '429-storm',
      match: { resourceType: RECORD_SETS, method: 'PUT' },
      errorRate: 1,
      errors: [429],
      skip: plan.storm.skip,
      maxErrors: plan.storm.count,
      retryAfterSeconds: plan.storm.retryAfterSeconds,
      scaleRetryAfter: true,
    });
  }
  if (plan.reads) {
    rules.push({
      name: 'read-errors',
      match: READ_AND_LIST,
      errorRate: plan.reads.rate,
      errors: plan.reads.errors,
      maxErrors: plan.reads.maxErrors,
      scaleRetryAfter: true,
    });
    rules.push({
      name: 'graph-errors',
      match: { operationId: 'Resources' },
      errorRate: plan.reads.rate,
      errors: plan.reads.errors,
      maxErrors: plan.reads.maxErrors,
      scaleRetryAfter: true,
    });
  }
  if (plan.writes) {
    rules.push({
      name: 'record-write-errors',
      match: { resourceType: RECORD_SETS },
      errorRate: plan.writes.rate,
      errors: plan.writes.errors,
      maxErrors: plan.writes.maxErrors,
      scaleRetryAfter: true,
    });
  }
  const writeRaces: WriteRaceRule[] = [];
  if (plan.races) {
    if (plan.races.touch > 0)
      writeRaces.push({
        name: 'race-touch',
        match: { resourceType: RECORD_SETS },
        rate: plan.races.touch,
        action: 'touch',
        maxRaces: plan.races.max,
      });
    if (plan.races.delete > 0)
      writeRaces.push({
        name: 'race-delete',
        match: { resourceType: RECORD_SETS },
        rate: plan.races.delete,
        action: 'delete',
        maxRaces: plan.races.max,
      });
  }
  return { seed, rules, writeRaces };
}

export function eventGridChaos(plan: FaultPlan): DeliveryChaos {
  return plan.eventGrid ? { ...plan.eventGrid } : {};
}

/** Resets the emulator for a new run and prepares the run's resource group, zones and event subscriptions. */
export async function beginRun(world: ChaosWorld, scenario: Scenario, seed: number): Promise<RunContext> {
  const { stack } = world;
  stack.emu.reset();
  const run = ++world.runs;
  const rg = `rg-chaos-${run}`;
  stack.emu.seed({
    subscriptions: [
      {
        subscriptionId: SPOKE,
        resourceGroups: [
          {
            name: rg,
            location: 'eastus',
            virtualNetworks: [
              {
                name: 'vnet-chaos',
                addressPrefixes: ['10.20.0.0/16'],
                subnets: [{ name: 'snet-pe', addressPrefix: '10.20.0.0/24' }],
              },
            ],
          },
        ],
      },
    ],
  });
  const kvZone = stack.privateDns.createZone(HUB, HUB_RG, KEY_VAULT_ZONE);
  stack.privateDns.linkVirtualNetwork(kvZone.id, 'link-hub', HUB_VNET_ID);
  await stack.subscribeSpoke(SPOKE, EVENT_SUBSCRIPTIONS[0], eventGridChaos(scenario.faults));
  const ctx = new RunContext(world, scenario, run);
  // Records that stand before the run (the estate's hand-made ones) are foreign: they must never change.
  for (const [key, rs] of ctx.hubRecords()) {
    if (!ownedBy(rs, OWNER_ID)) ctx.foreign.set(key, stripZone(rs));
  }
  stack.emu.faults.configure(faultConfig(scenario.faults, seed));
  return ctx;
}

/** Ends the chaos (faults, Event Grid chaos, hidden DNS data) before the run settles. */
export function endChaos(ctx: RunContext): void {
  ctx.stack.emu.faults.configure({});
  for (const name of EVENT_SUBSCRIPTIONS) ctx.stack.eventGrid.delivery.setChaos(name, {});
  for (const s of ctx.slots) restoreDns(ctx, s);
}

/**
 * Terminates what the run left (approvals nobody gave, or work the harness gave up waiting for) and waits for
 * activities still running to end, so nothing of this run writes into the next one.
 */
export async function endRun(ctx: RunContext): Promise<void> {
  const durable = ctx.stack.host.durable;
  for (const status of durable.listInstances({ runtimeStatus: ['Pending', 'Running', 'ContinuedAsNew'] })) {
    durable.terminate(status.instanceId, 'chaos run finished');
  }
  const deadline = Date.now() + 30_000;
  while (ctx.stack.host.durable.activeWork() > 0 && Date.now() < deadline) await sleep(10);
}

function stripZone(rs: ArmResource & { zone?: string }): ArmResource {
  const { zone: _zone, ...rest } = rs;
  return rest;
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting until nothing moves

const WAITING_PHASES = new Set(['awaiting-approval']);

/** Non-terminal instances that still have work ahead without new input (anything but waiting for a human). */
function busyInstances(ctx: RunContext): string[] {
  return ctx.stack.host.durable
    .listInstances({ runtimeStatus: ['Pending', 'Running', 'ContinuedAsNew'] })
    .filter((s) => {
      const phase = (s.customStatus as { phase?: string } | null | undefined)?.phase;
      return !(s.name === 'syncEndpoint' && phase !== undefined && WAITING_PHASES.has(phase));
    })
    .map(
      (s) =>
        `${s.name} ${s.instanceId} (${String((s.customStatus as { phase?: string } | null)?.phase ?? s.runtimeStatus)})`,
    );
}

/**
 * Waits until every event is delivered (or given up on), no episode, activity or entity operation runs, and every
 * orchestration left is waiting for a human (an approval). Returns what still moved when the time ran out.
 */
export async function settle(ctx: RunContext, timeoutMs = SETTLE_TIMEOUT_MS): Promise<string[] | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let busy: string[] = [];
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return busy.length > 0 ? busy : ['event deliveries or host work still running'];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ctx.stack.eventGrid.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, remaining);
      }),
    ]);
    clearTimeout(timer);
    busy = busyInstances(ctx);
    const looping = preconditionLoop(ctx);
    if (looping) {
      // Reported once: later waits look at the requests after this point.
      ctx.loopsCheckedFrom = ctx.stack.emu.log.lastSeq;
      return [looping];
    }
    const active = ctx.stack.host.durable.activeWork();
    const signature = `${ctx.stack.emu.log.lastSeq}/${ctx.stack.emu.writes.lastSeq}/${ctx.stack.host.durable.counters.episodes}/${ctx.stack.eventGrid.delivery.stats().attempts}`;
    if (busy.length === 0 && active === 0 && signature === last) return undefined;
    last = busy.length === 0 && active === 0 ? signature : '';
    await sleep(busy.length === 0 && active === 0 ? 10 : 20);
  }
}

/** Most 412s one record set may answer the app in a row before the harness calls it a loop. */
export const MAX_412_STREAK = 10;

/** A record set the app keeps failing to write with stale preconditions (412 after 412), if any. */
export function preconditionLoop(ctx: RunContext): string | undefined {
  const streak = new Map<string, number>();
  for (const e of ctx.stack.emu.log.list({ sinceSeq: ctx.loopsCheckedFrom })) {
    if (
      e.resourceType !== 'Microsoft.Network/privateDnsZones/A' ||
      (e.method !== 'PUT' && e.method !== 'DELETE')
    )
      continue;
    const n =
      e.status === 412 ? (streak.get(e.path) ?? 0) + 1 : e.status < 300 ? 0 : (streak.get(e.path) ?? 0);
    streak.set(e.path, n);
    if (n > MAX_412_STREAK)
      return `${e.path}: more than ${MAX_412_STREAK} precondition failures (412) in a row`;
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

function storageAccount(ctx: RunContext, index: number): string {
  return `chaos${ctx.run}s${index}`;
}

function targetOf(ctx: RunContext, index: number): { id: string; groupId: string } {
  const s = ctx.slots[index] as SlotState;
  const rgId = `/subscriptions/${SPOKE}/resourceGroups/${ctx.rg}`;
  switch (s.slot.kind) {
    case 'storageBlob':
      return {
        id: `${rgId}/providers/Microsoft.Storage/storageAccounts/${storageAccount(ctx, index)}`,
        groupId: 'blob',
      };
    case 'storageQueue':
      return {
        id: `${rgId}/providers/Microsoft.Storage/storageAccounts/${storageAccount(ctx, index)}`,
        groupId: 'queue',
      };
    case 'keyVault':
      return { id: `${rgId}/providers/Microsoft.KeyVault/vaults/kv-c${ctx.run}-s${index}`, groupId: 'vault' };
    default:
      return { id: s.vaultId ?? '', groupId: 'AzureBackup' };
  }
}

function isVault(s: SlotState): boolean {
  return s.slot.kind === 'backupV1' || s.slot.kind === 'backupV2';
}

function liveEndpoint(ctx: RunContext, s: SlotState): ArmResource | undefined {
  return s.endpointId ? ctx.stack.emu.store.get(s.endpointId) : undefined;
}

function connectionStatus(endpoint: ArmResource | undefined): string {
  const props = (endpoint?.properties ?? {}) as Record<string, unknown>;
  const list = [
    ...((props.privateLinkServiceConnections as unknown[] | undefined) ?? []),
    ...((props.manualPrivateLinkServiceConnections as unknown[] | undefined) ?? []),
  ] as { properties?: { privateLinkServiceConnectionState?: { status?: string } } }[];
  return list[0]?.properties?.privateLinkServiceConnectionState?.status ?? '';
}

export function restoreDns(ctx: RunContext, s: SlotState): void {
  if (!s.hidden || !s.endpointId) return;
  const saved = s.hidden;
  s.hidden = undefined;
  const interval = ctx.hiddenIntervals.find((h) => h.endpointId === s.endpointId && h.toSeq === undefined);
  if (ctx.stack.emu.store.has(s.endpointId)) {
    ctx.stack.network.setMembers(
      s.endpointId,
      saved.members,
      ctx.stack.emu.internalContext('Microsoft.Network/networkInterfaces/write'),
    );
  }
  if (interval) interval.toSeq = ctx.stack.emu.writes.lastSeq;
}

/**
 * What the keep rule leaves of an endpoint whose NIC shows no FQDNs while the closing reconcile runs: each of its
 * names that holds a record the app owns, with the IPs that record holds — as it stands. The reconcile sees no
 * FQDN, so it can neither create a name that does not stand nor tell which of the NIC's addresses a name should
 * carry; a record an admin edited before the DNS data disappeared (drift the event path leaves to the reconcile)
 * therefore keeps the admin's address. Names without a record the app owns for this endpoint expect nothing.
 */
function standingEntries(ctx: RunContext, endpointId: string, entries: readonly NicEntry[]): NicEntry[] {
  const hub = ctx.hubRecords();
  const byIp = new Map<string, Set<string>>();
  const self = compactEndpointId(endpointId);
  for (const fqdn of entries.flatMap((e) => e.fqdns)) {
    const key = zoneOf(fqdn);
    const rs = key ? hub.get(recordKey(key.zone, key.name)) : undefined;
    if (!rs || !ownedBy(rs, OWNER_ID) || !ownerEndpoints(rs).has(self)) continue;
    for (const ip of aRecordIps(rs)) byIp.set(ip, (byIp.get(ip) ?? new Set<string>()).add(fqdn));
  }
  return [...byIp].map(([ip, fqdns]) => ({ ip, fqdns: [...fqdns] }));
}

/**
 * Hides the FQDNs of a live, approved endpoint's NIC (a real NIC write); false when it does not apply. With
 * `standingOnly`, the records the app is still expected to hold are those that stood when the FQDNs disappeared.
 */
export function hideDns(ctx: RunContext, s: SlotState, standingOnly = false): boolean {
  const endpoint = liveEndpoint(ctx, s);
  if (!endpoint || s.hidden || !endpointApproved(endpoint) || !s.endpointId) return false;
  const members = ctx.stack.network.members(s.endpointId);
  if (!members.some((m) => m.fqdns.length > 0)) return false;
  const nicId = nicIdOf(endpoint);
  const entries = nicEntries(nicId ? ctx.stack.emu.store.get(nicId) : undefined);
  const fromSeq = ctx.stack.emu.writes.lastSeq + 1;
  let expected = entries;
  if (standingOnly) expected = standingEntries(ctx, s.endpointId, entries);
  s.hidden = { members, entries, expected, fromSeq };
  ctx.hiddenIntervals.push({ endpointId: s.endpointId, entries, fromSeq });
  ctx.stack.network.setMembers(
    s.endpointId,
    members.map((m) => ({ ...m, fqdns: [] })),
    ctx.stack.emu.internalContext('Microsoft.Network/networkInterfaces/write'),
  );
  ctx.hides++;
  return true;
}

/**
 * Waits (10 s at most) until the slot's `syncEndpoint` instance reports `phase` in its custom status; `removing`
 * is the read that found the endpoint gone and removes its records.
 */
async function awaitPhase(
  ctx: RunContext,
  s: SlotState,
  phase: 'reading' | 'applying' | 'removing',
): Promise<boolean> {
  const endpointId = s.endpointId?.toLowerCase();
  if (!endpointId) return false;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const running = ctx.stack.host.durable
      .listInstances({ runtimeStatus: ['Running'] })
      .find(
        (i) =>
          String((i.input as { endpointId?: string } | null)?.endpointId ?? '').toLowerCase() === endpointId,
      );
    const status = running?.customStatus as { phase?: string; message?: string } | null | undefined;
    const matches =
      phase === 'removing'
        ? status?.phase === 'reading' && (status.message ?? '').includes('removing')
        : status?.phase === phase;
    if (matches) return true;
    await sleep(5);
  }
  return false;
}

/** Applies one operation; returns false when it did not apply to the estate as it stands. */
export async function applyOperation(ctx: RunContext, op: Operation): Promise<boolean> {
  const { stack } = ctx;
  const internal = (operationName?: string) => stack.emu.internalContext(operationName);
  if ('slot' in op) {
    const s = ctx.slots[op.slot];
    if (!s) return false;
    // Anything done to an endpoint (or Backup's changes to it) happens on its true DNS data.
    if (op.op !== 'hideDns') restoreDns(ctx, s);
    const endpoint = liveEndpoint(ctx, s);
    switch (op.op) {
      case 'create': {
        if (endpoint) return false;
        if (isVault(s)) {
          if (!s.vaultId || !stack.emu.store.has(s.vaultId)) {
            s.vaultId = stack.backup.createVault({
              subscriptionId: SPOKE,
              resourceGroup: ctx.rg,
              name: `rsv-c${ctx.run}-s${op.slot}`,
              location: 'eastus',
              experience: s.slot.kind === 'backupV1' ? 'v1' : 'v2',
            }).id;
          }
          const created = stack.backup.createVaultEndpoint({
            vaultId: s.vaultId,
            subscriptionId: SPOKE,
            resourceGroup: ctx.rg,
            name: s.endpointName,
            subnetId: ctx.subnetId,
            byVaultOwner: s.slot.approval === 'owner',
          });
          s.endpointId = created.endpoint.id;
        } else {
          const target = targetOf(ctx, op.slot);
          s.endpointId = stack.network.createPrivateEndpoint({
            subscriptionId: SPOKE,
            resourceGroup: ctx.rg,
            name: s.endpointName,
            location: 'eastus',
            subnetId: ctx.subnetId,
            connection: { privateLinkServiceId: target.id, groupIds: [target.groupId] },
            manual: s.slot.approval === 'manual',
            context: internal('Microsoft.Network/privateEndpoints/write'),
          }).id;
        }
        return true;
      }
      case 'delete':
        if (!endpoint || !s.endpointId) return false;
        return stack.network.deletePrivateEndpoint(
          s.endpointId,
          internal('Microsoft.Network/privateEndpoints/delete'),
        );
      case 'discover':
      case 'firstBackup':
      case 'addStorage':
        if (!isVault(s) || !s.vaultId || !stack.emu.store.has(s.vaultId)) return false;
        try {
          stack.backup.run(s.vaultId, op.op);
          return true;
        } catch {
          return false; // Backup's phases run in order (409 before the phase before it ran).
        }
      case 'approve':
      case 'reject': {
        if (!endpoint || !s.endpointId || connectionStatus(endpoint) !== 'Pending') return false;
        const decision = op.op === 'approve' ? 'Approved' : 'Rejected';
        if (isVault(s) && s.vaultId) {
          const connections = (stack.backup.describe(s.vaultId).connections ?? []) as {
            name: string;
            endpointId: string;
          }[];
          const connection = connections.find(
            (c) => c.endpointId.toLowerCase() === s.endpointId?.toLowerCase(),
          );
          if (!connection) return false;
          const answer = await stack.approve(connection.name, {
            connectionId: connection.name,
            decision,
            reason: 'chaos run',
            approver: 'chaos-harness',
            vaultId: s.vaultId,
          });
          ctx.approvals.push({ status: answer.status, decision });
          return true;
        }
        // Storage and Key Vault connections are decided by the target's owner, outside the app.
        stack.network.setConnectionState(
          s.endpointId,
          { status: decision, description: `${decision} by the owner`, actionsRequired: 'None' },
          { context: internal('Microsoft.Network/privateEndpoints/write') },
        );
        return true;
      }
      case 'hideDns':
        return hideDns(ctx, s);
      case 'restoreDns':
        if (!s.hidden) return false;
        restoreDns(ctx, s);
        return true;
      case 'awaitPhase':
        return awaitPhase(ctx, s, op.phase);
    }
  }
  switch (op.op) {
    case 'foreign': {
      const zones = [...ctx.hubZones()].sort();
      let zone: string;
      let name: string;
      if (op.target === 'wanted') {
        const wanted = [...ctx.desired().values()].sort((a, b) =>
          recordKey(a.zone, a.name).localeCompare(recordKey(b.zone, b.name)),
        );
        const picked = wanted[op.pick % Math.max(1, wanted.length)];
        if (!picked) return false;
        zone = picked.zone;
        name = picked.name;
      } else {
        zone = zones[op.pick % zones.length] as string;
        name = `foreign-${op.pick}`;
      }
      const zoneId = stack.privateDns.zoneId(HUB, HUB_RG, zone);
      const written = stack.privateDns.putARecordSet(
        zoneId,
        {
          name,
          ttl: 3600,
          ipv4Addresses: [`10.250.0.${(op.pick % 250) + 1}`],
          ...(op.pick % 2 === 0 ? { metadata: { createdBy: 'CreateDNSEntries.ps1' } } : {}),
        },
        internal('Microsoft.Network/privateDnsZones/A/write'),
      );
      ctx.foreign.set(recordKey(zone, name), written);
      ctx.touched.add(recordKey(zone, name));
      return true;
    }
    case 'editOwned':
    case 'deleteOwned': {
      const owned = [...ctx.hubRecords()]
        .filter(([, rs]) => ownedBy(rs, OWNER_ID))
        .sort(([a], [b]) => a.localeCompare(b));
      const picked = owned[op.pick % Math.max(1, owned.length)];
      if (!picked) return false;
      const [key, rs] = picked;
      const zoneId = stack.privateDns.zoneId(HUB, HUB_RG, rs.zone);
      ctx.touched.add(key);
      if (op.op === 'deleteOwned') {
        return stack.privateDns.deleteRecordSet(
          zoneId,
          'A',
          rs.name,
          internal('Microsoft.Network/privateDnsZones/A/delete'),
        );
      }
      const ips = aRecordIps(rs);
      stack.privateDns.putARecordSet(
        zoneId,
        {
          name: rs.name,
          ttl: (rs.properties as { ttl?: number } | undefined)?.ttl ?? 10,
          ipv4Addresses: [`10.251.0.${(op.pick % 250) + 1}`, ...ips.slice(1)],
          metadata: metadataOf(rs),
        },
        internal('Microsoft.Network/privateDnsZones/A/write'),
      );
      return true;
    }
    case 'resync': {
      const answers = await Promise.all(
        Array.from({ length: op.concurrent }, () =>
          stack.api('POST', 'resync', JSON.stringify({ scope: 'all' })),
        ),
      );
      for (const a of answers) {
        const id = (a.json as { id?: string } | undefined)?.id;
        ctx.resyncs.push(id ?? `HTTP ${a.status}`);
      }
      return true;
    }
    case 'restartHost':
      await stack.restartHost();
      ctx.restarts++;
      return true;
    case 'settle':
      await settle(ctx);
      return true;
    case 'pause':
      await sleep(op.ms);
      return true;
    default:
      return false;
  }
}
