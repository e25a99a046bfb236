/**
 * The workbook (and the KQL in docs/operations.md) queries only telemetry names defined in
 * src/core/telemetry.ts, and covers every chart operators asked for.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  TELEMETRY_COUNTERS,
  TELEMETRY_EVENTS,
  TELEMETRY_METRICS,
  TELEMETRY_PROPERTIES,
  isTelemetryName,
  isTelemetryProperty,
} from '../../src/core/telemetry';
import { REPO_ROOT, expandTemplate, loadTemplate } from './armTemplate';
import { HUB_TARGET, props } from './fixtures';
import { text } from './armExpression';

interface WorkbookItem {
  type: number;
  name: string;
  content: { query?: string; title?: string; visualization?: string };
}

function workbookQueries(): { name: string; title: string; query: string }[] {
  const [workbook] = expandTemplate(
    loadTemplate('workbook.json'),
    HUB_TARGET,
    {
      appInsightsResourceId:
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/components/appi',
    },
    'workbook.json',
  );
  const data = JSON.parse(text(props(workbook!)['serializedData'])) as { items: WorkbookItem[] };
  return data.items
    .filter((i) => i.type === 3)
    .map((i) => ({ name: i.name, title: i.content.title ?? '', query: i.content.query ?? '' }));
}

/** PascalCase string literals are telemetry names; `props.x` and `customMeasurements.x` are properties. */
export function namesIn(kql: string): { names: string[]; properties: string[] } {
  const names = [...kql.matchAll(/"([A-Z][A-Za-z0-9]+)"/g)].map((m) => m[1] ?? '');
  const properties = [...kql.matchAll(/\b(?:props|customMeasurements)\.([A-Za-z0-9_]+)/g)].map(
    (m) => m[1] ?? '',
  );
  return { names, properties };
}

describe('workbook queries use only telemetry.ts names', () => {
  const queries = workbookQueries();

  it('has a query per chart', () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const q of queries) expect(q.query.length).toBeGreaterThan(20);
  });

  it.each(queries.map((q) => [q.name, q.query]))(
    '%s: every event/metric/property name is defined',
    (_name, query) => {
      const { names, properties } = namesIn(query);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect([n, isTelemetryName(n)]).toEqual([n, true]);
      for (const p of properties) expect([p, isTelemetryProperty(p)]).toEqual([p, true]);
    },
  );

  it('reads the OpenTelemetry tables (customEvents/customMetrics), never the sampled traces', () => {
    for (const { query } of queries) {
      expect(query).toContain('customEvents');
      expect(query).toContain('customMetrics');
      expect(query).not.toMatch(/\btraces\b/);
    }
  });

  it('counts from customMetrics (never sampled) and takes details from customEvents', () => {
    const counting = queries.filter((q) => /sum\(total\)/.test(q.query));
    expect(counting.length).toBeGreaterThanOrEqual(5);
    for (const q of counting) expect(q.query).toMatch(/\nmetrics\n/);
    for (const q of queries.filter((x) => /count\(\)/.test(x.query))) expect(q.query).toMatch(/\nevents\n/);
  });

  it('charts what operators asked for', () => {
    const used = new Set(queries.flatMap((q) => namesIn(q.query).names));
    for (const required of [
      TELEMETRY_EVENTS.recordWritten,
      TELEMETRY_METRICS.eventToRecordLatencyMs,
      TELEMETRY_EVENTS.recordSkipped,
      TELEMETRY_EVENTS.conflictDetected,
      TELEMETRY_EVENTS.approvalPending,
      TELEMETRY_EVENTS.orchestrationFailed,
      TELEMETRY_METRICS.reconcileDriftCount,
      TELEMETRY_EVENTS.reconcileCompleted,
      TELEMETRY_METRICS.backupWatchChangedCount,
      TELEMETRY_COUNTERS.armThrottled,
      TELEMETRY_COUNTERS.armRetried,
    ]) {
      expect(used).toContain(required);
    }
    const props = new Set(queries.flatMap((q) => namesIn(q.query).properties));
    for (const p of [TELEMETRY_PROPERTIES.reason, TELEMETRY_PROPERTIES.zone, TELEMETRY_PROPERTIES.latencyMs])
      expect(props).toContain(p);
  });

  it('the name checker itself flags an unknown name', () => {
    const { names } = namesIn('plds | where name == "RecordWriten" | extend z = props.zoen');
    expect(names.every(isTelemetryName)).toBe(false);
  });
});

function alertQueries(email: string): { name: string; query: string; actionGroups: unknown }[] {
  const instances = expandTemplate(
    loadTemplate('alerts.json'),
    HUB_TARGET,
    {
      appInsightsResourceId:
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/components/appi',
      alertEmail: email,
    },
    'alerts.json',
  );
  return instances
    .filter((i) => i.type === 'Microsoft.Insights/scheduledQueryRules' && i.condition)
    .map((i) => {
      const p = props(i) as { criteria: { allOf: { query: string }[] }; actions: { actionGroups: unknown } };
      return {
        name: i.name,
        query: p.criteria.allOf.map((c) => c.query).join('\n'),
        actionGroups: p.actions.actionGroups,
      };
    });
}

describe('alert rules use only telemetry.ts names', () => {
  const rules = alertQueries('ops@example.com');

  it.each(rules.map((r) => [r.name, r.query]))('%s: every name and property is defined', (_name, query) => {
    const { names, properties } = namesIn(query);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect([n, isTelemetryName(n)]).toEqual([n, true]);
    for (const p of properties) expect([p, isTelemetryProperty(p)]).toEqual([p, true]);
    expect(query).toMatch(/customMetrics|customEvents/);
    expect(query).not.toMatch(/\btraces\b/);
  });

  it('cover conflicts, failures, skips, drift, a stopped reconcile and waiting approvals', () => {
    const used = new Set(rules.flatMap((r) => namesIn(r.query).names));
    for (const required of [
      TELEMETRY_EVENTS.conflictDetected,
      TELEMETRY_EVENTS.orchestrationFailed,
      TELEMETRY_EVENTS.recordSkipped,
      TELEMETRY_METRICS.reconcileDriftCount,
      TELEMETRY_EVENTS.reconcileCompleted,
      TELEMETRY_EVENTS.approvalPending,
    ])
      expect(used).toContain(required);
  });

  it('notify the action group only when an e-mail is given', () => {
    for (const r of rules)
      expect(r.actionGroups).toEqual([expect.stringMatching(/actionGroups\/plds-operators$/)]);
    for (const r of alertQueries('')) expect(r.actionGroups).toEqual([]);
  });
});

describe('docs/operations.md KQL uses only telemetry.ts names', () => {
  const file = path.join(REPO_ROOT, 'docs/operations.md');
  const blocks = fs.existsSync(file)
    ? [...fs.readFileSync(file, 'utf8').matchAll(/```kusto\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
    : [];

  it('has KQL blocks', () => {
    expect(blocks.length).toBeGreaterThan(3);
  });

  it('every name and property in them is defined', () => {
    for (const block of blocks) {
      const { names, properties } = namesIn(block);
      for (const n of names) expect([n, isTelemetryName(n)]).toEqual([n, true]);
      for (const p of properties) expect([p, isTelemetryProperty(p)]).toEqual([p, true]);
    }
  });
});
