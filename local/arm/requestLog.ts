/** Request log (bounded) and counters by method, resource type, operation and status. */
export interface RequestLogEntry {
  seq: number;
  /** Emulated epoch ms when the request arrived. */
  time: number;
  method: string;
  path: string;
  apiVersion?: string;
  operationId?: string;
  resourceType?: string;
  subscriptionId?: string;
  status: number;
  errorCode?: string;
  /** Set when the response came from fault injection or throttling. */
  injected?: string;
  /** Real milliseconds spent handling the request. */
  durationMs: number;
  /** Emulated milliseconds of modelled Azure latency added to this request (absent when none). */
  latencyMs?: number;
}

export interface RequestCounters {
  total: number;
  byMethod: Record<string, number>;
  byResourceType: Record<string, number>;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  throttled: number;
  injectedFaults: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private counters: RequestCounters = emptyCounters();

  constructor(public capacity = 10_000) {}

  record(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    if (this.capacity > 0) {
      this.entries.push(full);
      // Trim in batches so the hot path stays O(1) amortised.
      if (this.entries.length >= this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
    }
    const c = this.counters;
    c.total++;
    inc(c.byMethod, entry.method);
    inc(c.byResourceType, entry.resourceType ?? '(none)');
    inc(c.byOperation, entry.operationId ?? '(unmatched)');
    inc(c.byStatus, String(entry.status));
    if (entry.injected === 'throttled') c.throttled++;
    else if (entry.injected) c.injectedFaults++;
    return full;
  }

  /** Log entries, oldest first; `sinceSeq` returns only newer ones. */
  list(
    filter: { sinceSeq?: number; operationId?: string; method?: string; limit?: number } = {},
  ): RequestLogEntry[] {
    let out = this.entries.length > this.capacity ? this.entries.slice(-this.capacity) : this.entries;
    if (filter.sinceSeq !== undefined) out = out.filter((e) => e.seq > (filter.sinceSeq as number));
    if (filter.operationId)
      out = out.filter((e) => e.operationId?.toLowerCase() === filter.operationId?.toLowerCase());
    if (filter.method) out = out.filter((e) => e.method === filter.method?.toUpperCase());
    if (filter.limit !== undefined) out = out.slice(-filter.limit);
    return out.map((e) => ({ ...e }));
  }

  snapshot(): RequestCounters {
    return structuredClone(this.counters);
  }

  /** Count for one operationId (convenience for tests). */
  count(operationId: string): number {
    return this.counters.byOperation[operationId] ?? 0;
  }

  get lastSeq(): number {
    return this.seq;
  }

  reset(): void {
    this.entries = [];
    this.counters = emptyCounters();
  }
}

function emptyCounters(): RequestCounters {
  return {
    total: 0,
    byMethod: {},
    byResourceType: {},
    byOperation: {},
    byStatus: {},
    throttled: 0,
    injectedFaults: 0,
  };
}

function inc(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}
