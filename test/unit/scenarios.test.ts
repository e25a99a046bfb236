import fs from 'node:fs';
import path from 'node:path';
import { readRecordSet } from '../../src/core/recordSets';
import { planForResources } from '../../src/core/resourcePlan';
import type { PlanScope } from '../../src/core/plan';
import type { CurrentRecordSet, RecordChange, SyncPolicy } from '../../src/core/types';

/*
 * Data-driven scenarios: endpoint and NIC JSON plus current record sets in, the plan out.
 * Each file in test/scenarios says in its description what it shows.
 */
interface Scenario {
  description: string;
  resources: unknown[];
  current?: unknown[];
  options?: { policy?: SyncPolicy; adopt?: boolean; scope?: PlanScope };
  expect: {
    creates?: string[];
    updates?: string[];
    deletes?: string[];
    adoptions?: string[];
    unchanged?: number;
    conflicts?: string[];
    skips?: string[];
    endpoints?: Record<string, string>;
  };
}

const DIR = path.resolve(__dirname, '../scenarios');
const scenarios = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map(
    (f) =>
      [f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Scenario] as const,
  );

function render(changes: readonly RecordChange[], expected: readonly string[] = []): string[] {
  const withOwners = expected.some((e) => e.includes(' owners='));
  return changes.map(
    (c) => `${c.zone}/${c.name}=${c.ips.join(',')}${withOwners ? ` owners=${c.owners.length}` : ''}`,
  );
}

describe('scenarios', () => {
  it('has scenario files', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  it.each(scenarios)('%s', (_name, scenario) => {
    const current: CurrentRecordSet[] = (scenario.current ?? []).map((raw) => {
      const read = readRecordSet(raw);
      if (!read.ok) throw new Error(read.message);
      return read.recordSet;
    });
    const { plan, endpoints } = planForResources(scenario.resources, current, {
      ownerId: 'privatelink-dns-sync',
      ttl: 10,
      ...scenario.options,
    });
    const want = scenario.expect;
    expect(render(plan.creates, want.creates).sort()).toEqual([...(want.creates ?? [])].sort());
    expect(render(plan.updates, want.updates).sort()).toEqual([...(want.updates ?? [])].sort());
    expect(render(plan.deletes, want.deletes).sort()).toEqual([...(want.deletes ?? [])].sort());
    expect(render(plan.adoptions, want.adoptions).sort()).toEqual([...(want.adoptions ?? [])].sort());
    expect(plan.unchanged).toHaveLength(want.unchanged ?? 0);
    expect(plan.conflicts.map((c) => `${c.code} ${c.zone}/${c.name}`)).toEqual(want.conflicts ?? []);
    expect(plan.skips.map((s) => s.code)).toEqual(want.skips ?? []);
    for (const [name, role] of Object.entries(want.endpoints ?? {})) {
      const backup = endpoints.find((e) => e.name === name)?.backup;
      const described =
        backup?.kind === 'vault'
          ? `${backup.secondary ? 'vault-secondary' : 'vault'} ${backup.experience}`
          : backup?.kind === 'sibling'
            ? `sibling ${backup.sibling}`
            : 'none';
      expect(described).toBe(role);
    }
  });
});
