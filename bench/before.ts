/**
 * The "before" figures: the app as it stood before the economy work, each measured once with the scenario's
 * command on this machine kind (2 shared cores, Node 22.23.3) on 2026-12-06 — commit 14a2aea733d0 for economy,
 * latency and watch, d136ce1775a2 for burst (the same app), c59d09798de8 for reconcile. They are kept here so every
 * run prints its own figures beside them with the ratio of improvement; the runs themselves are quoted, with their
 * full tables, in bench/results/<scenario>.md and docs/performance.md.
 *
 * Since then the emulator became stricter too: a Backup vault endpoint shows two roles at creation and gains the
 * other six with the vault's registration (no event), so the Backup minima grew (v1 family 19 → 21). Ratios to the
 * minimum compare; raw request counts do not always.
 */

export interface RequestsOverMinimum {
  readonly requests: number;
  readonly minimum: number;
}

export const BEFORE = {
  commit: '14a2aea733d0',
  recorded: '2026-12-06',
  economy: {
    blob: { cold: { requests: 5, minimum: 3 }, warm: { requests: 4, minimum: 2 } },
    keyVault: { cold: { requests: 5, minimum: 3 }, warm: { requests: 7, minimum: 2 } },
    backupV1Family: { cold: { requests: 37, minimum: 19 }, warm: { requests: 20, minimum: 2 } },
    backupV2Growth: { cold: { requests: 59, minimum: 17 }, warm: { requests: 17, minimum: 2 } },
  } satisfies Record<string, { cold: RequestsOverMinimum; warm: RequestsOverMinimum }>,
  burst: {
    commit: 'd136ce1775a2',
    /** N → time to all resolvable ÷ lower bound, 429s ÷ writes, lost. */
    sizes: {
      100: { ratio: 2.07, throttledPerWrite: 6927 / 800, lost: 0 },
      300: { ratio: 3.37, throttledPerWrite: 38770 / 2400, lost: 0 },
    } as Record<number, { ratio: number; throttledPerWrite: number; lost: number }>,
  },
  latency: { p50: 394, p95: 638, p99: 738 },
  watch: {
    v1: { perVaultPerDay: 511, minimum: 19, ratio: 26.9, lateP50: 1998, lateMax: 3569 },
    v2: { perVaultPerDay: 454.8, minimum: 17, ratio: 26.8, lateP50: 1318, lateMax: 1986 },
  } as Record<
    'v1' | 'v2',
    { perVaultPerDay: number; minimum: number; ratio: number; lateP50: number; lateMax: number }
  >,
  reconcile: {
    commit: 'c59d09798de8',
    endpoints: 10_000,
    subscriptions: 200,
    requests: 25,
    minimumPages: 25,
    appCpuSeconds: 90.5,
    longestStallMs: 165_356,
    historyBytes: 8.39 * 2 ** 20,
    peakRssMiB: 844,
    /** Measured with the emulator in the app's process: CPU = process CPU − the emulator's request time. */
    how: 'emulator in the same process (app CPU = process CPU − emulator request time; RSS includes the emulator)',
  },
} as const;

/** "before → after (×k better)" for figures where smaller is better; "–" parts when one side is missing. */
export function improvement(before: number, after: number): string {
  if (!Number.isFinite(before) || !Number.isFinite(after)) return '–';
  if (after === 0) return before === 0 ? 'same' : 'to 0';
  const k = before / after;
  if (Math.abs(k - 1) < 0.005) return 'same';
  return k > 1 ? `${k.toFixed(k >= 10 ? 0 : 2)}× better` : `${(1 / k).toFixed(2)}× worse`;
}
