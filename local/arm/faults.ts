/**
 * Seeded, deterministic fault injection. The same seed, rules and request sequence always give the same faults.
 */
export type InjectedError = 500 | 503 | 429 | 'reset';

export type LatencyDistribution =
  | { distribution: 'fixed'; ms: number }
  | { distribution: 'uniform'; minMs: number; maxMs: number }
  | { distribution: 'exponential'; meanMs: number; maxMs?: number };

export interface FaultMatch {
  method?: string;
  /** Swagger operationId, e.g. `PrivateEndpoints_Get` (case-insensitive). */
  operationId?: string;
  /** Resource type, e.g. `Microsoft.Network/privateDnsZones/A` (case-insensitive). */
  resourceType?: string;
  /** Case-insensitive regular expression tested against the request path. */
  path?: string;
}

export interface FaultRule {
  name?: string;
  match?: FaultMatch;
  /** Probability (0..1) that a matching request fails with one of `errors`. */
  errorRate?: number;
  /** Errors to pick from (weighted); default `[500]`. */
  errors?: Array<InjectedError | { error: InjectedError; weight: number }>;
  /** Latency (emulated ms) added to matching requests. */
  latency?: LatencyDistribution;
  /** Leave the first N matching requests alone. */
  skip?: number;
  /** Inject at most this many errors, then stop. */
  maxErrors?: number;
  /** Retry-After seconds sent with injected 429/503 (default 1). */
  retryAfterSeconds?: number;
  /**
   * Also send `retry-after-ms`: the Retry-After read as emulated time and converted to real ms, as throttled
   * answers do (so a faster emulator clock shortens the wait). Default false: only `Retry-After` in seconds.
   */
  scaleRetryAfter?: boolean;
}

/**
 * Another writer between a client's read and its conditional write (Private DNS's etag semantics: a write with
 * `If-Match <etag>` succeeds only while the record set still has that etag — Microsoft, "Private DNS records
 * overview"; ../shared/azure-reference/04-private-dns-recordsets.md): just before a matching request that carries
 * `If-Match` or `If-None-Match` is handled, the stored resource is rewritten unchanged (`touch`: a new etag, as
 * when someone saves it again) or deleted (`delete`: an admin removes it), so the client's precondition fails
 * (412) or finds the resource gone. Nothing happens when the resource does not exist.
 */
export interface WriteRaceRule {
  name?: string;
  match?: FaultMatch;
  /** Probability (0..1) that a matching conditional write races another writer. */
  rate: number;
  action: 'touch' | 'delete';
  /** Leave the first N matching requests alone. */
  skip?: number;
  /** Race at most this many times, then stop. */
  maxRaces?: number;
}

/** Private endpoints whose NIC reports no FQDNs for the first `reads` NIC reads (Backup grows them later). */
export interface EmptyFqdnRule {
  /** Private endpoint resource id or name (case-insensitive). */
  privateEndpoint: string;
  reads: number;
}

export interface FaultConfig {
  seed?: number;
  rules?: FaultRule[];
  emptyNicFqdns?: EmptyFqdnRule[];
  writeRaces?: WriteRaceRule[];
}

export interface FaultDecision {
  latencyMs: number;
  error?: InjectedError;
  retryAfterSeconds?: number;
  scaleRetryAfter?: boolean;
  rule?: string;
}

export interface RaceDecision {
  action: WriteRaceRule['action'];
  rule: string;
}

export interface FaultTarget {
  method: string;
  path: string;
  operationId: string;
  resourceType: string;
}

/**
 * mulberry32: small, fast, good enough for test randomness, and reproducible. The emulator's one seeded generator
 * (faults, Event Grid chaos, Backup's simulated ids and names).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RuleState {
  rule: { match?: FaultMatch | undefined };
  pathRe?: RegExp;
  seen: number;
  injected: number;
}

interface FaultRuleState extends RuleState {
  rule: FaultRule;
}

interface RaceRuleState extends RuleState {
  rule: WriteRaceRule;
}

export class FaultInjector {
  private random: () => number = seededRandom(1);
  private rules: FaultRuleState[] = [];
  private races: RaceRuleState[] = [];
  private emptyFqdns = new Map<string, number>();
  private config: FaultConfig = {};
  /** Faults injected so far, by rule name (or index). */
  readonly injectedCounts = new Map<string, number>();

  configure(config: FaultConfig): void {
    for (const rule of config.rules ?? []) {
      if (rule.errorRate !== undefined && !(rule.errorRate >= 0 && rule.errorRate <= 1)) {
        throw new RangeError(`errorRate must be within 0..1, got ${rule.errorRate}`);
      }
      if (rule.match?.path !== undefined) new RegExp(rule.match.path, 'i');
    }
    for (const race of config.writeRaces ?? []) {
      if (!(race.rate >= 0 && race.rate <= 1))
        throw new RangeError(`rate must be within 0..1, got ${race.rate}`);
      if (race.match?.path !== undefined) new RegExp(race.match.path, 'i');
    }
    this.config = structuredClone(config);
    this.random = seededRandom(config.seed ?? 1);
    this.rules = (config.rules ?? []).map((rule) => ({
      rule,
      ...(rule.match?.path !== undefined ? { pathRe: new RegExp(rule.match.path, 'i') } : {}),
      seen: 0,
      injected: 0,
    }));
    this.races = (config.writeRaces ?? []).map((rule) => ({
      rule,
      ...(rule.match?.path !== undefined ? { pathRe: new RegExp(rule.match.path, 'i') } : {}),
      seen: 0,
      injected: 0,
    }));
    this.emptyFqdns = new Map(
      (config.emptyNicFqdns ?? []).map((r) => [r.privateEndpoint.toLowerCase(), r.reads]),
    );
    this.injectedCounts.clear();
  }

  snapshot(): FaultConfig & { injected: Record<string, number> } {
    return { ...structuredClone(this.config), injected: Object.fromEntries(this.injectedCounts) };
  }

  reset(): void {
    this.configure({});
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  get racesActive(): boolean {
    return this.races.length > 0;
  }

  /** Whether a conditional write races another writer, and how (first matching rule that fires wins). */
  decideRace(target: FaultTarget): RaceDecision | undefined {
    for (const [index, state] of this.races.entries()) {
      if (!this.matches(state, target)) continue;
      state.seen++;
      const { rule } = state;
      if (state.seen <= (rule.skip ?? 0)) continue;
      if (rule.maxRaces !== undefined && state.injected >= rule.maxRaces) continue;
      if (this.random() < rule.rate) {
        state.injected++;
        const name = rule.name ?? `race${index}`;
        this.injectedCounts.set(name, (this.injectedCounts.get(name) ?? 0) + 1);
        return { action: rule.action, rule: name };
      }
    }
    return undefined;
  }

  decide(target: FaultTarget): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const [index, state] of this.rules.entries()) {
      if (!this.matches(state, target)) continue;
      state.seen++;
      const { rule } = state;
      if (state.seen <= (rule.skip ?? 0)) continue;
      if (rule.latency) decision.latencyMs += this.sampleLatency(rule.latency);
      if (
        decision.error === undefined &&
        rule.errorRate &&
        (rule.maxErrors === undefined || state.injected < rule.maxErrors)
      ) {
        if (this.random() < rule.errorRate) {
          state.injected++;
          decision.error = this.pickError(rule.errors ?? [500]);
          decision.retryAfterSeconds = rule.retryAfterSeconds ?? 1;
          if (rule.scaleRetryAfter) decision.scaleRetryAfter = true;
          decision.rule = rule.name ?? `rule${index}`;
          this.injectedCounts.set(decision.rule, (this.injectedCounts.get(decision.rule) ?? 0) + 1);
        }
      }
    }
    return decision;
  }

  /**
   * Called on each NIC read of a private endpoint's NIC: true while the endpoint's FQDNs must still look empty
   * (and counts the read down).
   */
  consumeEmptyFqdnRead(privateEndpointId: string, privateEndpointName: string): boolean {
    for (const key of [privateEndpointId.toLowerCase(), privateEndpointName.toLowerCase()]) {
      const left = this.emptyFqdns.get(key);
      if (left !== undefined && left > 0) {
        this.emptyFqdns.set(key, left - 1);
        return true;
      }
    }
    return false;
  }

  /** True while NIC reads of the endpoint still come back empty (does not count a read). */
  fqdnsHidden(privateEndpointId: string, privateEndpointName: string): boolean {
    return [privateEndpointId.toLowerCase(), privateEndpointName.toLowerCase()].some(
      (key) => (this.emptyFqdns.get(key) ?? 0) > 0,
    );
  }

  private matches(state: RuleState, target: FaultTarget): boolean {
    const m = state.rule.match;
    if (!m) return true;
    if (m.method && m.method.toUpperCase() !== target.method) return false;
    if (m.operationId && m.operationId.toLowerCase() !== target.operationId.toLowerCase()) return false;
    if (m.resourceType && m.resourceType.toLowerCase() !== target.resourceType.toLowerCase()) return false;
    if (state.pathRe && !state.pathRe.test(target.path)) return false;
    return true;
  }

  private sampleLatency(latency: LatencyDistribution): number {
    switch (latency.distribution) {
      case 'fixed':
        return latency.ms;
      case 'uniform':
        return latency.minMs + this.random() * (latency.maxMs - latency.minMs);
      case 'exponential': {
        const value = -Math.log(1 - this.random()) * latency.meanMs;
        return latency.maxMs !== undefined ? Math.min(value, latency.maxMs) : value;
      }
    }
  }

  private pickError(errors: NonNullable<FaultRule['errors']>): InjectedError {
    const weighted = errors.map((e) => (typeof e === 'object' ? e : { error: e, weight: 1 }));
    const total = weighted.reduce((s, e) => s + e.weight, 0);
    let x = this.random() * total;
    for (const e of weighted) {
      x -= e.weight;
      if (x < 0) return e.error;
    }
    return (weighted[weighted.length - 1] as { error: InjectedError }).error;
  }
}
