/**
 * Focused scenarios, one per defect the chaos harness found in the app (issue 9, items 1–4, and what the full
 * profile found after them), each with the invariant it breaks. The regression tests run them;
 * `npx tsx test/chaos/defects.ts [name] [repeats]` runs them by hand and prints what broke.
 */
import { runScenario } from './harness';
import type { InvariantId } from './invariants';
import type { Scenario } from './scenario';
import { startChaosWorld } from './world';

export interface DefectScenario {
  readonly name: string;
  readonly what: string;
  /** The invariant a run of the scenario breaks while the defect is there. */
  readonly breaks: InvariantId;
  readonly scenario: Scenario;
}

export const DEFECTS: readonly DefectScenario[] = [
  {
    name: 'delete-during-first-sync',
    what: 'an endpoint deleted while its first sync runs keeps an A record pointing at its freed IP (the change is dropped)',
    breaks: '5a',
    scenario: {
      slots: [{ kind: 'storageBlob', approval: 'owner' }],
      ops: [
        { op: 'create', slot: 0 },
        { op: 'awaitPhase', slot: 0, phase: 'applying' },
        { op: 'delete', slot: 0 },
        { op: 'settle' },
      ],
      // Record-set calls take 400 ms (real, while the chaos lasts): the sync still applies when the delete arrives.
      faults: { recordDelayMs: 80_000 },
      hiddenAtReconcile: [],
    },
  },
  {
    name: 'recreate-during-removal',
    what: 'an endpoint deleted and re-created (new IP) while its old record is being removed ends with no record',
    breaks: '1a',
    scenario: {
      slots: [
        { kind: 'storageBlob', approval: 'owner' },
        { kind: 'keyVault', approval: 'owner' },
      ],
      ops: [
        { op: 'create', slot: 0 },
        { op: 'settle' },
        { op: 'delete', slot: 0 },
        // The Key Vault endpoint takes the freed address, so the storage endpoint comes back with a new one.
        { op: 'create', slot: 1 },
        { op: 'awaitPhase', slot: 0, phase: 'removing' },
        { op: 'create', slot: 0 },
        { op: 'settle' },
      ],
      faults: { recordDelayMs: 80_000 },
      hiddenAtReconcile: [],
    },
  },
  {
    name: 'reconcile-empty-dns',
    what: 'reconcile deletes the records of an approved endpoint whose NIC momentarily shows no FQDNs',
    breaks: '1',
    scenario: {
      slots: [{ kind: 'backupV1', approval: 'owner' }],
      ops: [{ op: 'create', slot: 0 }, { op: 'settle' }],
      faults: {},
      hiddenAtReconcile: [0],
    },
  },
  {
    name: 'replan-loop',
    what: 'an admin deletes a drifted owned record under the app’s update: the re-planned create loops on 412',
    breaks: '8',
    scenario: {
      slots: [{ kind: 'storageQueue', approval: 'owner' }],
      ops: [
        { op: 'create', slot: 0 },
        { op: 'settle' },
        { op: 'editOwned', pick: 0 },
        { op: 'resync', concurrent: 1 },
        { op: 'settle' },
      ],
      faults: { races: { touch: 0, delete: 1, max: 1 } },
      hiddenAtReconcile: [],
    },
  },
  {
    name: 'duplicate-delivery-500',
    what: 'duplicate deliveries racing a start are answered 500 (409 from the task hub after four tries)',
    breaks: '7',
    scenario: {
      slots: [
        { kind: 'storageBlob', approval: 'owner' },
        { kind: 'storageQueue', approval: 'owner' },
        { kind: 'keyVault', approval: 'owner' },
        { kind: 'backupV2', approval: 'owner' },
      ],
      ops: [
        { op: 'create', slot: 0 },
        { op: 'create', slot: 1 },
        { op: 'create', slot: 2 },
        { op: 'create', slot: 3 },
        { op: 'addStorage', slot: 3 },
        { op: 'delete', slot: 0 },
        { op: 'delete', slot: 1 },
        { op: 'create', slot: 0 },
        { op: 'create', slot: 1 },
      ],
      faults: { eventGrid: { duplicateRate: 1, dropRate: 0, delayMs: 0, reorderWindowMs: 0 } },
      hiddenAtReconcile: [],
    },
  },
  {
    name: 'recreated-pending-keeps-approved-records',
    what: 'an approved manual connection’s endpoint is deleted and created again (Pending) while its orchestration runs: the new wait inherits the old one and the old records stay',
    breaks: '5a',
    scenario: {
      slots: [{ kind: 'storageBlob', approval: 'manual' }],
      ops: [
        { op: 'create', slot: 0 },
        { op: 'settle' },
        // The storage account's owner approves: the wait ends on the endpoint's event, not on a decision.
        { op: 'approve', slot: 0 },
        { op: 'awaitPhase', slot: 0, phase: 'applying' },
        { op: 'delete', slot: 0 },
        { op: 'create', slot: 0 },
        { op: 'settle' },
      ],
      // Record-set calls take 400 ms (real): the sync still applies when the endpoint comes back Pending.
      faults: { recordDelayMs: 80_000 },
      hiddenAtReconcile: [],
    },
  },
];

/**
 * Scenarios in which an invariant once blamed the app for what Azure's semantics and the app's documented design
 * allow (docs/reliability.md, "What the harness found after the fixes"). Each converges; each broke `breaks`
 * under the harness's earlier reading.
 */
export const HARNESS_CASES: readonly DefectScenario[] = [
  {
    name: 'kept-drift-at-reconcile',
    what: 'an admin edits an owned record, then the endpoint’s NIC shows no FQDNs while the closing reconcile runs: the keep rule keeps the record as it stands',
    breaks: '5',
    scenario: {
      slots: [{ kind: 'storageQueue', approval: 'owner' }],
      ops: [{ op: 'create', slot: 0 }, { op: 'settle' }, { op: 'editOwned', pick: 0 }],
      faults: {},
      hiddenAtReconcile: [0],
    },
  },
  {
    name: 'reconcile-writes-for-deleted-endpoint',
    what: 'a reconcile listed a Backup v2 endpoint whose events the event path had not handled yet, wrote its records, and the endpoint was deleted: the event path never wrote them, the next reconcile collects them',
    breaks: '5a',
    // The shrunk scenario of seed 634433469 (full profile): slow ARM, write errors and duplicated, delayed,
    // reordered events keep the event path behind the reconcile.
    scenario: {
      slots: [
        { kind: 'backupV2', approval: 'owner' },
        { kind: 'keyVault', approval: 'owner' },
        { kind: 'backupV2', approval: 'owner' },
        { kind: 'backupV2', approval: 'manual' },
        { kind: 'storageQueue', approval: 'owner' },
        { kind: 'storageQueue', approval: 'owner' },
      ],
      ops: [
        { op: 'create', slot: 0 },
        { op: 'create', slot: 1 },
        { op: 'create', slot: 2 },
        { op: 'create', slot: 3 },
        { op: 'create', slot: 4 },
        { op: 'create', slot: 5 },
        { op: 'resync', concurrent: 1 },
        { op: 'reject', slot: 3 },
        { op: 'delete', slot: 2 },
        { op: 'pause', ms: 20 },
        { op: 'settle' },
        { op: 'hideDns', slot: 0 },
        { op: 'pause', ms: 60 },
      ],
      faults: {
        writes: { rate: 0.3, errors: ['reset', 429], maxErrors: 6 },
        slowMeanMs: 5000,
        recordDelayMs: 2000,
        races: { touch: 0.2, delete: 0.2, max: 2 },
        eventGrid: { duplicateRate: 1, dropRate: 0.1, delayMs: 80, reorderWindowMs: 30 },
      },
      hiddenAtReconcile: [],
    },
  },
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const repeats = Number(process.argv[3] ?? 1);
  const world = await startChaosWorld();
  try {
    for (const defect of [...DEFECTS, ...HARNESS_CASES].filter((d) => !only || d.name === only)) {
      for (let i = 0; i < repeats; i++) {
        const result = await runScenario(world, defect.scenario, i + 1);
        const hit = result.violations.filter((v) => v.invariant === defect.breaks);
        process.stdout.write(
          `${defect.name} #${i + 1}: ${hit.length > 0 ? `breaks (${defect.breaks})` : 'clean'}; all: ${
            result.violations.map((v) => `(${v.invariant}) ${v.message.slice(0, 140)}`).join(' | ') || 'none'
          } ${(result.durationMs / 1000).toFixed(1)}s\n`,
        );
      }
    }
  } finally {
    await world.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(2);
    },
  );
}
