import { randomUUID } from 'node:crypto';
import { keyOf, parseResourceId } from './resourceId';

/** A stored ARM resource in wire shape (`properties` nested). */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  etag?: string;
  [field: string]: unknown;
}

/** Who did a write and how; Event Grid delivery turns this into event `data`. */
export interface WriteContext {
  /** ARM operation name, e.g. `Microsoft.Network/privateEndpoints/write`. */
  operationName?: string;
  correlationId?: string;
  clientRequestId?: string;
  /** Claims of the caller's bearer token (decoded, unverified). */
  claims?: Record<string, unknown>;
  tenantId?: string;
  httpRequest?: { method: string; url: string; clientIpAddress: string };
  /**
   * false for the intermediate write of a long-running operation (accepted, `provisioningState: Updating`);
   * true (the default) for plain writes and for the write that completes an operation.
   */
  final?: boolean;
  /** Set on writes made by the emulator itself (control API, simulators) rather than by an ARM request. */
  internal?: boolean;
  /**
   * A change a service makes to a resource on its own, outside any ARM request (e.g. Azure Backup adding FQDNs to a
   * vault endpoint's NIC): stored and visible to reads, but no Event Grid event announces it.
   */
  silent?: boolean;
}

export interface ResourceChange {
  kind: 'write' | 'delete';
  /** The resource after the write, or the deleted resource. */
  resource: ArmResource;
  /** The resource before the write (undefined on create). */
  previous: ArmResource | undefined;
  context: WriteContext;
}

export type ChangeListener = (change: ResourceChange) => void;

export interface PutOptions {
  /** Formats the generated etag; Network uses `W/"<guid>"`, Private DNS a bare guid. Default: bare guid. */
  etag?: (guid: string) => string;
  context?: WriteContext;
}

interface Entry {
  resource: ArmResource;
  parentKey: string;
  typeKey: string;
}

/**
 * In-memory resource store keyed by the lower-cased resource id. The id and name are kept exactly as given, so
 * providers decide the casing ARM returns (Network keeps the caller's casing, Private DNS lower-cases record-set
 * names). Every write gets a new etag. Listeners see every write and delete, synchronously and in order.
 */
export class ResourceStore {
  private readonly entries = new Map<string, Entry>();
  /** parentKey + '|' + typeKey → child keys, in insertion order. */
  private readonly children = new Map<string, Set<string>>();
  private readonly byType = new Map<string, Set<string>>();
  private readonly listeners = new Set<ChangeListener>();

  get size(): number {
    return this.entries.size;
  }

  get(id: string): ArmResource | undefined {
    return this.entries.get(keyOf(id))?.resource;
  }

  has(id: string): boolean {
    return this.entries.has(keyOf(id));
  }

  /**
   * Creates or replaces a resource and returns the stored copy (with its new etag). The stored object is
   * frozen-by-convention: callers must not mutate what `get`/`list*` return; write a new object instead.
   */
  put(resource: ArmResource, options: PutOptions = {}): ArmResource {
    const parsed = parseResourceId(resource.id);
    if (!parsed) throw new Error(`Not an ARM resource id: ${resource.id}`);
    const key = keyOf(resource.id);
    const existing = this.entries.get(key);
    const guid = randomUUID();
    const stored: ArmResource = structuredClone(resource);
    stored.etag = options.etag ? options.etag(guid) : guid;
    const entry: Entry = {
      resource: stored,
      parentKey: keyOf(parsed.parentId),
      typeKey: parsed.type.toLowerCase(),
    };
    this.entries.set(key, entry);
    if (!existing) {
      addTo(this.children, `${entry.parentKey}|${entry.typeKey}`, key);
      addTo(this.byType, entry.typeKey, key);
    }
    this.emit({
      kind: 'write',
      resource: stored,
      previous: existing?.resource,
      context: options.context ?? {},
    });
    return stored;
  }

  /** Deletes a resource and (first) all resources whose ids lie under it. Returns the deleted resource. */
  delete(id: string, context: WriteContext = {}): ArmResource | undefined {
    const key = keyOf(id);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const prefix = `${key}/`;
    for (const childKey of [...this.entries.keys()]) {
      if (childKey.startsWith(prefix)) this.remove(childKey, context);
    }
    this.remove(key, context);
    return entry.resource;
  }

  /** Direct children of `parentId` with the given full type (e.g. record sets of type `Microsoft.Network/privateDnsZones/A`). */
  listChildren(parentId: string, type: string): ArmResource[] {
    const keys = this.children.get(`${keyOf(parentId)}|${type.toLowerCase()}`);
    return keys ? this.collect(keys) : [];
  }

  /** Number of direct children of `parentId` with the given type (no copying). */
  countChildren(parentId: string, type: string): number {
    return this.children.get(`${keyOf(parentId)}|${type.toLowerCase()}`)?.size ?? 0;
  }

  /** All resources of a type whose id starts with `scopeId` (a subscription or resource group id), or everywhere. */
  listByType(type: string, scopeId?: string): ArmResource[] {
    const keys = this.byType.get(type.toLowerCase());
    if (!keys) return [];
    const all = this.collect(keys);
    if (scopeId === undefined) return all;
    const prefix = `${keyOf(scopeId)}/`;
    return all.filter((r) => keyOf(r.id).startsWith(prefix));
  }

  /** Every resource whose id equals or lies under `scopeId`. */
  listUnder(scopeId: string): ArmResource[] {
    const key = keyOf(scopeId);
    const prefix = `${key}/`;
    const out: ArmResource[] = [];
    for (const [k, e] of this.entries) if (k === key || k.startsWith(prefix)) out.push(e.resource);
    return out;
  }

  all(): ArmResource[] {
    return [...this.entries.values()].map((e) => e.resource);
  }

  /** Subscribes to writes and deletes; returns an unsubscribe function. Listener errors are isolated. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops everything without emitting changes (used by reset). */
  clear(): void {
    this.entries.clear();
    this.children.clear();
    this.byType.clear();
  }

  private remove(key: string, context: WriteContext): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.children.get(`${entry.parentKey}|${entry.typeKey}`)?.delete(key);
    this.byType.get(entry.typeKey)?.delete(key);
    this.emit({ kind: 'delete', resource: entry.resource, previous: entry.resource, context });
  }

  private collect(keys: Set<string>): ArmResource[] {
    const out: ArmResource[] = [];
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e) out.push(e.resource);
    }
    return out;
  }

  private emit(change: ResourceChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        // A failing subscriber must not break the write that triggered it.
        process.emitWarning(`ARM emulator change listener failed: ${String(err)}`);
      }
    }
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}
