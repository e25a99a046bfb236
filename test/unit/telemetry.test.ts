import {
  TELEMETRY_EVENTS,
  TELEMETRY_METRICS,
  TELEMETRY_PROPERTIES,
  formatMetricLine,
  formatTelemetryLine,
  isTelemetryName,
  isTelemetryProperty,
  parseTelemetryLine,
} from '../../src/core/telemetry';

describe('telemetry vocabulary', () => {
  it('has unique names across events and metrics, PascalCase, and camelCase properties', () => {
    const names = [...Object.values(TELEMETRY_EVENTS), ...Object.values(TELEMETRY_METRICS)];
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Z][A-Za-z]+$/);
    for (const p of Object.values(TELEMETRY_PROPERTIES)) expect(p).toMatch(/^[a-z][A-Za-z]+$/);
  });

  it.each([
    ['RecordWritten', true],
    ['EventToRecordLatencyMs', true],
    ['recordwritten', false],
    ['Nope', false],
  ])('isTelemetryName(%s) = %s', (name, expected) => {
    expect(isTelemetryName(name)).toBe(expected);
  });

  it.each([
    ['reason', true],
    ['latencyMs', true],
    ['Reason', false],
  ])('isTelemetryProperty(%s) = %s', (name, expected) => {
    expect(isTelemetryProperty(name)).toBe(expected);
  });
});

describe('telemetry log lines', () => {
  it('formats with sorted keys and drops undefined values', () => {
    expect(
      formatTelemetryLine(TELEMETRY_EVENTS.recordSkipped, {
        zone: 'z',
        reason: 'unknown-zone',
        endpointId: undefined,
      }),
    ).toBe('plds RecordSkipped {"reason":"unknown-zone","zone":"z"}');
    expect(formatTelemetryLine(TELEMETRY_EVENTS.reconcileCompleted)).toBe('plds ReconcileCompleted {}');
  });

  it('formats metrics with the number in value', () => {
    expect(formatMetricLine(TELEMETRY_METRICS.eventToRecordLatencyMs, 1234, { zone: 'z' })).toBe(
      'plds EventToRecordLatencyMs {"value":1234,"zone":"z"}',
    );
    expect(() => formatMetricLine(TELEMETRY_METRICS.reconcileDriftCount, Number.NaN)).toThrow(/finite/);
  });

  it('round-trips through parseTelemetryLine', () => {
    const line = formatTelemetryLine(TELEMETRY_EVENTS.conflictDetected, {
      reason: 'ip-conflict',
      dryRun: false,
      latencyMs: 5,
    });
    expect(parseTelemetryLine(line)).toEqual({
      name: 'ConflictDetected',
      properties: { dryRun: false, latencyMs: 5, reason: 'ip-conflict' },
    });
  });

  it.each([
    ['not ours', 'hello world'],
    ['wrong prefix', 'xyz RecordWritten {}'],
    ['unknown name', 'plds RecordWriten {}'],
    ['broken json', 'plds RecordWritten {"a":'],
    ['array payload', 'plds RecordWritten {}[]'],
    ['nested value', 'plds RecordWritten {"a":{"b":1}}'],
    ['null payload', 'plds RecordWritten null'],
  ])('ignores %s', (_label, line) => {
    expect(parseTelemetryLine(line)).toBeUndefined();
  });
});
