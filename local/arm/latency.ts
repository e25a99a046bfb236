/**
 * How long Azure takes: ARM answering a request, Event Grid delivering a resource event. Each is a log-normal
 * distribution fitted to a median and a 99th percentile (the figures and their sources are in local/arm/README.md),
 * sampled from the emulator's seeded generator, in emulated milliseconds — so a `timeScale` of 20 makes a 60 ms
 * ARM call take 3 real ms, as it shortens every other emulated duration.
 *
 * Off unless asked for (`latency: 'azure'` or explicit distributions): tests check behaviour, not timing, and most run
 * at time scale 1, where Azure's latency would make every request 60 ms slower for nothing.
 */
import { seededRandom } from './faults';

export interface LatencySpec {
  /** Median, emulated ms. */
  p50Ms: number;
  /** 99th percentile, emulated ms (at least the median). */
  p99Ms: number;
  /** Samples are capped here (emulated ms; default 20 × p99). */
  maxMs?: number;
}

export interface LatencyOptions {
  /** Added before ARM handles a request (every ARM route; not the control API or the token endpoint). */
  arm?: LatencySpec | false;
  /** Added before the first delivery attempt of each Event Grid event. */
  eventGrid?: LatencySpec | false;
  seed?: number;
}

/** The figures `latency: 'azure'` stands for. */
export const AZURE_LATENCY: Required<Pick<LatencyOptions, 'arm' | 'eventGrid'>> = {
  arm: { p50Ms: 60, p99Ms: 250, maxMs: 5_000 },
  eventGrid: { p50Ms: 1_000, p99Ms: 5_000, maxMs: 60_000 },
};

export type LatencyKind = 'arm' | 'eventGrid';

/** z-score of the 99th percentile of a standard normal distribution. */
const Z99 = 2.326_347_874;

/** A log-normal sampler with the given median and 99th percentile, driven by `uniform` (values in [0, 1)). */
export function logNormalSampler(spec: LatencySpec, uniform: () => number): () => number {
  if (!(spec.p50Ms >= 0) || !(spec.p99Ms >= spec.p50Ms))
    throw new RangeError(`latency needs 0 <= p50Ms <= p99Ms, got p50Ms ${spec.p50Ms}, p99Ms ${spec.p99Ms}`);
  const cap = spec.maxMs ?? spec.p99Ms * 20;
  if (spec.p50Ms === 0) return () => 0;
  const sigma = Math.log(spec.p99Ms / spec.p50Ms) / Z99;
  return () => {
    // Box–Muller: one standard normal value from two uniforms (1 - u keeps the logarithm finite).
    const u1 = 1 - uniform();
    const u2 = uniform();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.min(cap, spec.p50Ms * Math.exp(sigma * z));
  };
}

export class LatencyModel {
  private options: LatencyOptions = {};
  private samplers: Partial<Record<LatencyKind, () => number>> = {};

  constructor(options?: LatencyOptions | 'azure' | 'off') {
    if (options !== undefined) this.configure(options);
  }

  /** Replaces the model: `'azure'` = AZURE_LATENCY, `'off'` = none; the generator restarts from the seed. */
  configure(options: LatencyOptions | 'azure' | 'off'): void {
    const resolved: LatencyOptions =
      options === 'azure' ? { ...AZURE_LATENCY } : options === 'off' ? {} : { ...options };
    const random = seededRandom(resolved.seed ?? 7);
    const samplers: Partial<Record<LatencyKind, () => number>> = {};
    for (const kind of ['arm', 'eventGrid'] as const) {
      const spec = resolved[kind];
      if (spec) samplers[kind] = logNormalSampler(spec, random);
    }
    this.options = resolved;
    this.samplers = samplers;
  }

  get active(): boolean {
    return this.samplers.arm !== undefined || this.samplers.eventGrid !== undefined;
  }

  /** Emulated ms to add for one request or delivery (0 when that part of the model is off). */
  sample(kind: LatencyKind): number {
    return this.samplers[kind]?.() ?? 0;
  }

  snapshot(): LatencyOptions {
    return structuredClone(this.options);
  }
}
