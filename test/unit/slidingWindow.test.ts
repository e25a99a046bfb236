/** The one sliding window (core/slidingWindow.ts): the limits, the margin and the window arithmetic, by table. */
import {
  HUB_READ_LIMIT,
  WINDOW_SAFETY_MARGIN,
  ZONE_WRITE_LIMIT,
  freeAt,
  latestStarts,
  wholeCapacity,
  windowOpensAt,
  withMargin,
} from '../../src/core/slidingWindow';
import type { SlidingWindowLimit } from '../../src/core/slidingWindow';

const three: SlidingWindowLimit = { capacity: 3, windowMs: 1_000 };

describe('sliding window limits', () => {
  it('Private DNS: 60 writes per zone per minute, 500 reads per subscription per five minutes, 5 % margin', () => {
    expect(ZONE_WRITE_LIMIT).toEqual({ capacity: 60, windowMs: 60_000 });
    expect(HUB_READ_LIMIT).toEqual({ capacity: 500, windowMs: 300_000 });
    expect(WINDOW_SAFETY_MARGIN).toBe(0.05);
  });

  it.each([
    [ZONE_WRITE_LIMIT, undefined, 63_000],
    [HUB_READ_LIMIT, undefined, 315_000],
    [three, 0, 1_000],
    [three, 0.5, 1_500],
  ])('withMargin(%j, %s) lasts %i ms and keeps the capacity', (limit, margin, windowMs) => {
    expect(withMargin(limit, margin)).toEqual({ capacity: limit.capacity, windowMs });
  });

  it.each([
    [60, 60],
    [2.9, 2],
    [0, 1],
    [-5, 1],
  ])('wholeCapacity(%s) = %i', (capacity, whole) => {
    expect(wholeCapacity({ capacity })).toBe(whole);
  });
});

describe('sliding window arithmetic', () => {
  it.each([
    ['empty window', [], 5_000, 3],
    ['starts inside (t - window, t]', [4_100, 4_500, 5_000], 5_000, 0],
    ['a start exactly one window back has left', [4_000, 4_500], 5_000, 2],
    ['starts after t do not count yet', [4_500, 5_001, 6_000], 5_000, 2],
  ])('freeAt: %s', (_what, starts, t, free) => {
    expect(freeAt(starts, t, three)).toBe(free);
  });

  it.each([
    ['fewer starts than the capacity: room now', [100, 200], undefined],
    ['full: when the oldest of the latest three leaves', [100, 200, 300], 1_100],
    ['more than the capacity: the latest three count', [50, 100, 200, 300], 1_100],
  ])('windowOpensAt: %s', (_what, starts, opens) => {
    expect(windowOpensAt(starts, three)).toBe(opens);
  });

  it.each([
    [
      [1, 2, 3, 4, 5],
      [3, 4, 5],
    ],
    [
      [1, 2],
      [1, 2],
    ],
    [[], []],
  ])('latestStarts(%j) keeps %j', (starts, kept) => {
    expect(latestStarts(starts, three)).toEqual(kept);
  });
});
