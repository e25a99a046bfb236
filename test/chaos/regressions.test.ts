/**
 * One focused chaos scenario per defect the harness found in the app (issue 9, items 1–4, and the full profile's
 * finds after them; see defects.ts), each asserting the invariant the defect broke. Each failed for that reason
 * before the fix (the mailbox, the one pipeline, bounded re-plans, the race-free starter; an approval wait that
 * ends with its connection) and passes since. Then the cases the harness once blamed on the app, which converge.
 */
import { runScenario } from './harness';
import { DEFECTS, HARNESS_CASES, type DefectScenario } from './defects';
import { startChaosWorld, type ChaosWorld } from './world';

function defect(name: string): DefectScenario {
  const found = [...DEFECTS, ...HARNESS_CASES].find((d) => d.name === name);
  if (!found) throw new Error(`no defect scenario named ${name}`);
  return found;
}

describe('chaos regressions (issue 9)', () => {
  let world: ChaosWorld;

  beforeAll(async () => {
    world = await startChaosWorld();
  }, 60_000);

  afterAll(async () => {
    await world?.stop();
  });

  /** Runs the scenario `times` times and returns what broke the defect's invariant. */
  async function broken(d: DefectScenario, times = 1): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < times && out.length === 0; i++) {
      const result = await runScenario(world, d.scenario, i + 1);
      out.push(...result.violations.filter((v) => v.invariant === d.breaks).map((v) => v.message));
    }
    return out;
  }

  it('item 1: an endpoint deleted during its first sync leaves no record behind (5a)', async () => {
    expect(await broken(defect('delete-during-first-sync'))).toEqual([]);
  }, 120_000);

  it('item 1: an endpoint re-created while its old record is removed gets its record (1a)', async () => {
    expect(await broken(defect('recreate-during-removal'))).toEqual([]);
  }, 120_000);

  it('item 2: reconcile keeps the records of an endpoint whose NIC momentarily shows no FQDNs (1)', async () => {
    expect(await broken(defect('reconcile-empty-dns'))).toEqual([]);
  }, 120_000);

  it('item 3: a re-planned create after an admin delete does not loop on 412 (8)', async () => {
    expect(await broken(defect('replan-loop'))).toEqual([]);
  }, 180_000);

  it('item 4: duplicate deliveries racing a start are never answered 5xx (7)', async () => {
    expect(await broken(defect('duplicate-delivery-500'), 5)).toEqual([]);
  }, 180_000);

  it('an endpoint created again as Pending while its orchestration runs loses the records of its approved past (5a)', async () => {
    expect(await broken(defect('recreated-pending-keeps-approved-records'), 2)).toEqual([]);
  }, 180_000);

  // What the harness once blamed on the app (see HARNESS_CASES): these runs converge, nothing breaks.
  it('the keep rule keeps an admin-edited owned record as it stands at the closing reconcile', async () => {
    const result = await runScenario(world, defect('kept-drift-at-reconcile').scenario, 1);
    expect(result.violations).toEqual([]);
  }, 120_000);

  it('records a reconcile wrote for an endpoint deleted later are the closing reconcile’s to collect', async () => {
    const result = await runScenario(world, defect('reconcile-writes-for-deleted-endpoint').scenario, 1);
    expect(result.violations).toEqual([]);
  }, 120_000);
});
