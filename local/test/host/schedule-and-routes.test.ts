import { parseSchedule } from '../../host/schedule';
import { compileRoute } from '../../host/routes';
import { HostClock } from '../../host/clock';

const at = (iso: string) => Date.parse(iso);

describe('local host: NCRONTAB schedules', () => {
  it.each([
    ['0 */5 * * * *', '2026-01-01T10:02:30Z', '2026-01-01T10:05:00Z'],
    ['0 */5 * * * *', '2026-01-01T10:05:00Z', '2026-01-01T10:10:00Z'],
    ['*/10 * * * * *', '2026-01-01T10:00:01Z', '2026-01-01T10:00:10Z'],
    ['0 30 9 * * *', '2026-01-01T10:00:00Z', '2026-01-02T09:30:00Z'],
    ['0 0 9 * * MON-FRI', '2026-01-02T10:00:00Z', '2026-01-05T09:00:00Z'], // Fri → Mon
    ['0 0 0 1 JAN *', '2026-03-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['0 15,45 * * * *', '2026-01-01T10:20:00Z', '2026-01-01T10:45:00Z'],
    ['0 0 12 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T12:00:00Z'],
    ['0 0 9 13 * FRI', '2026-01-01T00:00:00Z', '2026-02-13T09:00:00Z'], // day and weekday must both match
    ['30 9 * * *', '2026-01-01T10:00:00Z', '2026-01-02T09:30:00Z'], // five fields: second 0
    ['00:05:00', '2026-01-01T10:02:30Z', '2026-01-01T10:05:00Z'], // TimeSpan
  ])('%s after %s → %s', (expression, after, expected) => {
    expect(new Date(parseSchedule(expression).next(at(after))).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it.each(['* * *', '61 * * * * *', '0 0 25 * * *', '0 */0 * * * *', 'every minute', '0 0 0 31 2 *'])(
    'rejects %s',
    (expression) => {
      expect(() => parseSchedule(expression).next(at('2026-01-01T00:00:00Z'))).toThrow();
    },
  );
});

describe('local host: HTTP route templates', () => {
  it.each([
    ['hello/{name}', '/hello/World', { name: 'World' }],
    ['hello/{name}', '/HELLO/World/', { name: 'World' }],
    ['items/{id:int}', '/items/42', { id: '42' }],
    ['items/{id:int}', '/items/abc', undefined],
    ['orchestrators/{name}/{instanceId?}', '/orchestrators/fanOut', { name: 'fanOut' }],
    [
      'orchestrators/{name}/{instanceId?}',
      '/orchestrators/fanOut/abc',
      { name: 'fanOut', instanceId: 'abc' },
    ],
    ['files/{*rest}', '/files/a/b/c.txt', { rest: 'a/b/c.txt' }],
    ['files/{name}.json', '/files/report.json', { name: 'report' }],
    ['approvals/{id}', '/approvals/a%20b', { id: 'a b' }],
    ['approvals/{id}', '/approvals', undefined],
    ['secret', '/secret', {}],
    ['secret', '/secret/more', undefined],
  ])('%s matches %s', (template, path, expected) => {
    expect(compileRoute(template).match(path)).toEqual(expected);
  });
});

describe('local host: the host clock', () => {
  it('fires timers when advanced, in due order, and not before', () => {
    const clock = new HostClock('real');
    const fired: string[] = [];
    const now = clock.now();
    clock.schedule(now + 2 * 3600_000, () => fired.push('two'));
    clock.schedule(now + 3600_000, () => fired.push('one'));
    const cancelled = clock.schedule(now + 1800_000, () => fired.push('cancelled'));
    clock.cancel(cancelled);
    clock.advance(30 * 60_000);
    expect(fired).toEqual([]);
    clock.advance(3 * 3600_000);
    expect(fired).toEqual(['one', 'two']);
    expect(clock.now() - now).toBeGreaterThanOrEqual(3.5 * 3600_000);
    clock.stop();
  });

  it('jumps virtual time to a timer in fast mode', async () => {
    const clock = new HostClock('fast');
    const due = clock.now() + 24 * 3600_000;
    const firedAt = await new Promise<number>((resolve) => clock.schedule(due, () => resolve(clock.now())));
    expect(firedAt).toBeGreaterThanOrEqual(due);
    clock.stop();
  });

  it('rejects a non-positive scale', () => {
    expect(() => new HostClock({ scale: 0 })).toThrow(/scale/);
  });
});
