/**
 * Focused scenarios, one per defect the chaos harness found in the app (issue 9, items 1–4), each with the
 * invariant it breaks. The regression tests run them; `npx tsx test/chaos/defects.ts [name] [repeats]` runs them
 * by hand and prints what broke.
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
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const repeats = Number(process.argv[3] ?? 1);
  const world = await startChaosWorld();
  try {
    for (const defect of DEFECTS.filter((d) => !only || d.name === only)) {
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
