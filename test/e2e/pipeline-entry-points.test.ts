/**
 * One planning pipeline, three entry points: for each readiness reason an endpoint can be in, the CLI's live
 * `plan`, a reconcile dry run (what `POST /api/resync` and the timer run) and the event path (`syncEndpoint`) make
 * the same plan — the same changes, the same records kept with the same reason, the same skips. Each case starts
 * from records the app itself wrote for the endpoint while it was ready.
 */
import { waitUntil } from '../../local/stack';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NetworkService } from '../../local/arm/providers/network';
import type { ArmResource } from '../../local/arm/store';
import type { Plan } from '../../src/core/types';
import { ORCHESTRATIONS } from '../../src/orchestrations';
import type { ReconcileInput, ReconcileOutput, SyncEndpointOutput } from '../../src/orchestrations';
import { emulatorFlags, runCli } from '../helpers/cli';
import {
  BLOB_ZONE,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startOrchestrationEnv,
  startSyncEndpoint,
} from './orchestration-helpers';
import type { OrchestrationTestEnv } from './orchestration-helpers';

const OWNER = 'plds-test';

let env: OrchestrationTestEnv;
let network: NetworkService;
let cliFlags: string[];

beforeAll(async () => {
  env = await startOrchestrationEnv({
    timeMode: 'fast',
    settings: { DNS_READY_MAX_WAIT_MINUTES: '5' },
  });
  network = env.emu.service<NetworkService>('network');
  const caFile = env.emu.writeCaFile(
    path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plds-entry-')), 'ca.pem'),
  );
  cliFlags = emulatorFlags(env.emu.url, caFile);
});

afterAll(async () => {
  await env.stop();
});

interface PlanView {
  readonly summary: Record<string, number>;
  readonly kept: string[];
  readonly skips: string[];
}

/** The parts of a plan every entry point reports: counts, kept records with reasons, skips with codes. */
function view(plan: Pick<Plan, 'summary' | 'kept' | 'skips'>): PlanView {
  const { creates, updates, deletes, adoptions, conflicts, unchanged, kept } = plan.summary;
  return {
    summary: { creates, updates, deletes, adoptions, conflicts, unchanged, kept },
    kept: plan.kept.map((k) => `${k.zone} ${k.name} ${k.endpointId} ${k.code}`).sort(),
    skips: plan.skips.map((s) => `${s.code} ${s.endpointId ?? ''}`).sort(),
  };
}

function createBlobEndpoint(name: string, account: string): string {
  return network.createPrivateEndpoint({
    subscriptionId: SPOKE_SUBSCRIPTION,
    resourceGroup: SPOKE_RG,
    name,
    location: 'eastus',
    subnetId: SPOKE_SUBNET_ID,
    connection: {
      privateLinkServiceId: `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Storage/storageAccounts/${account}`,
      groupIds: ['blob'],
    },
  }).id;
}

async function eventPathPlan(endpointId: string): Promise<SyncEndpointOutput> {
  const instanceId = await startSyncEndpoint(env, endpointId);
  const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
  expect(done.runtimeStatus).toBe('Completed');
  return done.output as SyncEndpointOutput;
}

async function reconcilePlan(endpointId: string): Promise<Plan> {
  const input: ReconcileInput = { scope: { kind: 'endpoint', endpointId }, dryRun: true, trigger: 'test' };
  const instanceId = await env.host.durable.startNew(ORCHESTRATIONS.reconcile, { input });
  const done = await env.host.durable.waitForCompletion(instanceId, 30_000);
  expect(done.runtimeStatus).toBe('Completed');
  const plan = (done.output as ReconcileOutput).plan;
  if (!plan) throw new Error('a dry run returns its plan');
  return plan;
}

async function cliPlan(endpointId: string): Promise<Plan> {
  const result = await runCli(
    'plan',
    ...cliFlags,
    '--endpoint',
    endpointId,
    '--owner',
    OWNER,
    '--format',
    'json',
  );
  expect(result.err).toBe('');
  return JSON.parse(result.out) as Plan;
}

interface Case {
  readonly reason: 'ready' | 'endpoint-not-ready' | 'no-dns-entries' | 'connection-not-approved';
  /** Moves the synced endpoint into the state under test. */
  readonly arrange: (endpointId: string, account: string) => Promise<void> | void;
  /** What all three must agree on, besides agreeing with each other. */
  readonly expected: Partial<PlanView['summary']>;
}

const CASES: Case[] = [
  {
    reason: 'ready',
    // The endpoint publishes one more name: every entry point plans the same create next to what stands. (Drift
    // an admin makes by hand is a reconcile's to find: the event path trusts what it last wrote and reads
    // nothing for it, see core recordsToRead.)
    arrange: (endpointId, account) => {
      network.setMembers(endpointId, [
        {
          groupId: 'blob',
          requiredMemberName: 'blob',
          fqdns: [`${account}.blob.core.windows.net`, `${account}x.blob.core.windows.net`],
        },
      ]);
    },
    expected: { creates: 1, updates: 0, deletes: 0, unchanged: 1, kept: 0 },
  },
  {
    reason: 'endpoint-not-ready',
    arrange: (endpointId) => {
      const pe = env.emu.store.get(endpointId) as ArmResource;
      env.emu.store.put({
        ...pe,
        properties: { ...(pe.properties as object), provisioningState: 'Updating' },
      });
    },
    expected: { deletes: 0, kept: 1 },
  },
  {
    reason: 'no-dns-entries',
    arrange: (endpointId) => {
      network.setMembers(endpointId, [{ groupId: 'blob', requiredMemberName: 'blob', fqdns: [] }]);
    },
    expected: { deletes: 0, kept: 1 },
  },
  {
    reason: 'connection-not-approved',
    // A rejected connection publishes nothing and keeps nothing: its record goes.
    arrange: (endpointId) => {
      network.setConnectionState(endpointId, { status: 'Rejected', description: 'no' });
    },
    expected: { deletes: 1, kept: 0 },
  },
];

describe.each(CASES)('an endpoint in state $reason', ({ reason, arrange, expected }) => {
  it('gets the same plan from the CLI, a reconcile and the event path', async () => {
    const account = `st${reason.replace(/-/g, '')}`.slice(0, 24);
    const endpointId = createBlobEndpoint(`pe-${reason}`, account);
    // The app syncs it while it is ready: its record stands and its index knows it.
    const first = await eventPathPlan(endpointId);
    expect(first.outcome).toBe('synced');
    await waitUntil(`the record of ${account}`, () => env.records(BLOB_ZONE).has(account), 30_000);

    await arrange(endpointId, account);
    const fromCli = view(await cliPlan(endpointId));
    const fromReconcile = view(await reconcilePlan(endpointId));
    const output = await eventPathPlan(endpointId);
    if (!output.lastPlan) throw new Error(`the event path reports its plan (outcome ${output.outcome})`);
    const fromEvents = view(output.lastPlan);

    expect(fromReconcile).toEqual(fromCli);
    expect(fromEvents).toEqual(fromCli);
    expect(fromCli.summary).toMatchObject(expected);
    if (reason !== 'ready') {
      expect(fromCli.skips).toContain(`${reason} ${endpointId.toLowerCase()}`);
    }
    if ((expected.kept ?? 0) > 0) {
      expect(fromCli.kept).toEqual([`${BLOB_ZONE} ${account} ${endpointId.toLowerCase()} ${reason}`]);
      expect(env.records(BLOB_ZONE).has(account)).toBe(true);
    }
  });
});
