/**
 * Emulated time. Everything time-dependent in the emulator (token buckets, LRO fallbacks, injected latency,
 * token lifetimes) reads this clock, so a `timeScale` above 1 makes the whole model run faster than real time:
 * with `timeScale: 10`, a bucket that refills 10 tokens per emulated second refills 100 per real second.
 */
export interface ArmClock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Emulated milliseconds per real millisecond. */
  readonly timeScale: number;
  setTimeScale(timeScale: number): void;
  /** Real milliseconds that `emulatedMs` of emulated time take. */
  toRealMs(emulatedMs: number): number;
  /** Resolves after `emulatedMs` of emulated time. */
  sleep(emulatedMs: number): Promise<void>;
  /** Jumps emulated time forward (tests use it to refill buckets without waiting). */
  advance(emulatedMs: number): void;
}

export class ScaledClock implements ArmClock {
  private realBase: number;
  private emulatedBase: number;
  private scale: number;

  constructor(
    timeScale = 1,
    private readonly realNow: () => number = Date.now,
  ) {
    assertScale(timeScale);
    this.scale = timeScale;
    this.realBase = realNow();
    this.emulatedBase = this.realBase;
  }

  get timeScale(): number {
    return this.scale;
  }

  now(): number {
    return this.emulatedBase + (this.realNow() - this.realBase) * this.scale;
  }

  setTimeScale(timeScale: number): void {
    assertScale(timeScale);
    // Rebase so emulated time stays continuous across the change.
    const current = this.now();
    this.realBase = this.realNow();
    this.emulatedBase = current;
    this.scale = timeScale;
  }

  toRealMs(emulatedMs: number): number {
    return Math.max(0, emulatedMs / this.scale);
  }

  sleep(emulatedMs: number): Promise<void> {
    const real = this.toRealMs(emulatedMs);
    if (real <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, real));
  }

  advance(emulatedMs: number): void {
    if (!(emulatedMs >= 0)) throw new RangeError(`advance() needs a non-negative number, got ${emulatedMs}`);
    this.emulatedBase += emulatedMs;
  }
}

function assertScale(timeScale: number): void {
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive finite number, got ${timeScale}`);
  }
}
