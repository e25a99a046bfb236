/**
 * Write log: every completed change to the resource store (writes and deletes, from ARM requests and from the
 * emulator's own simulators), in order, with the emulated time, the resource before and after, and who made it
 * (internal, or the caller's token claims). Request logs say which calls were made; this says what they changed,
 * so a test can replay the history of a record set or of a private endpoint's connection state.
 *
 * Entries hold the store's own objects (the store never mutates what it handed out), so recording is cheap.
 */
import type { ArmResource, ResourceChange } from './store';

export interface WriteActor {
  /** True for writes the emulator made itself (control API, simulators), false for ARM requests. */
  readonly internal: boolean;
  /** Token claims of the caller, when there was one. */
  readonly oid?: string;
  readonly appid?: string;
  /** HTTP method of the request that made the change (absent for internal writes). */
  readonly method?: string;
  readonly operationName?: string;
  readonly correlationId?: string;
}

export interface WriteLogEntry {
  readonly seq: number;
  /** Emulated epoch ms of the change. */
  readonly time: number;
  readonly kind: 'write' | 'delete';
  readonly id: string;
  /** Lower-cased full resource type, e.g. `microsoft.network/privatednszones/a`. */
  readonly type: string;
  /** The resource before the change (undefined on create). */
  readonly before: ArmResource | undefined;
  /** The resource after the change (undefined on delete). */
  readonly after: ArmResource | undefined;
  /** False for the accepted-but-unfinished write of a long-running operation. */
  readonly final: boolean;
  readonly actor: WriteActor;
}

export interface WriteLogFilter {
  readonly sinceSeq?: number;
  /** Full resource type, any case. */
  readonly type?: string;
  /** Only this resource (any case). */
  readonly id?: string;
}

/** The connection states a private endpoint shows, lower-cased `privateLinkServiceId` → status. */
export interface EndpointConnectionState {
  readonly privateLinkServiceId: string;
  readonly status: string;
  readonly manual: boolean;
}

/** Connection states of a private endpoint resource (both connection lists), in wire shape. */
export function connectionStatesOf(endpoint: ArmResource | undefined): EndpointConnectionState[] {
  const props = (endpoint?.properties ?? {}) as Record<string, unknown>;
  const out: EndpointConnectionState[] = [];
  for (const [list, manual] of [
    ['privateLinkServiceConnections', false],
    ['manualPrivateLinkServiceConnections', true],
  ] as const) {
    const connections = (props[list] as { properties?: Record<string, unknown> }[] | undefined) ?? [];
    for (const c of connections) {
      const p = c.properties ?? {};
      const state = p.privateLinkServiceConnectionState as { status?: string } | undefined;
      out.push({
        privateLinkServiceId: (typeof p.privateLinkServiceId === 'string'
          ? p.privateLinkServiceId
          : ''
        ).toLowerCase(),
        status: state?.status ?? '',
        manual,
      });
    }
  }
  return out;
}

function typeOf(id: string): string {
  // Provider namespace + type segments: /providers/<ns>/<type>/<name>[/<child type>/<child name>]...
  const parts = id.split('/');
  const at = parts.findIndex((p) => p.toLowerCase() === 'providers');
  if (at < 0)
    return parts.length <= 3 ? 'microsoft.resources/subscriptions' : 'microsoft.resources/resourcegroups';
  const rest = parts.slice(at + 1);
  const types = [rest[0] ?? ''];
  for (let i = 1; i < rest.length; i += 2) types.push(rest[i] ?? '');
  return types.join('/').toLowerCase();
}

export class WriteLog {
  private entries: WriteLogEntry[] = [];
  private seq = 0;

  constructor(public capacity = 50_000) {}

  record(change: ResourceChange, time: number): WriteLogEntry {
    const { context } = change;
    const claims = context.claims ?? {};
    const actor: WriteActor = {
      internal: context.internal === true,
      ...(typeof claims.oid === 'string' ? { oid: claims.oid } : {}),
      ...(typeof claims.appid === 'string' ? { appid: claims.appid } : {}),
      ...(context.httpRequest ? { method: context.httpRequest.method } : {}),
      ...(context.operationName !== undefined ? { operationName: context.operationName } : {}),
      ...(context.correlationId !== undefined ? { correlationId: context.correlationId } : {}),
    };
    const entry: WriteLogEntry = {
      seq: ++this.seq,
      time,
      kind: change.kind,
      id: change.resource.id,
      type: typeOf(change.resource.id),
      before: change.previous,
      after: change.kind === 'write' ? change.resource : undefined,
      final: context.final !== false,
      actor,
    };
    if (this.capacity > 0) {
      this.entries.push(entry);
      if (this.entries.length >= this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
    }
    return entry;
  }

  /** Entries, oldest first. */
  list(filter: WriteLogFilter = {}): WriteLogEntry[] {
    let out = this.entries.length > this.capacity ? this.entries.slice(-this.capacity) : this.entries;
    if (filter.sinceSeq !== undefined) out = out.filter((e) => e.seq > (filter.sinceSeq as number));
    if (filter.type !== undefined) {
      const type = filter.type.toLowerCase();
      out = out.filter((e) => e.type === type);
    }
    if (filter.id !== undefined) {
      const id = filter.id.toLowerCase();
      out = out.filter((e) => e.id.toLowerCase() === id);
    }
    return [...out];
  }

  /** Connection-state history of a private endpoint: one entry per change of its states (or its deletion). */
  connectionHistory(
    privateEndpointId: string,
  ): { seq: number; time: number; states: EndpointConnectionState[]; deleted: boolean }[] {
    const out: { seq: number; time: number; states: EndpointConnectionState[]; deleted: boolean }[] = [];
    let last = '';
    for (const e of this.list({ id: privateEndpointId })) {
      const states = e.kind === 'delete' ? [] : connectionStatesOf(e.after);
      const key = `${e.kind}:${JSON.stringify(states)}`;
      if (key === last) continue;
      last = key;
      out.push({ seq: e.seq, time: e.time, states, deleted: e.kind === 'delete' });
    }
    return out;
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
