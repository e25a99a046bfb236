import {
  networkInterfaceResource,
  privateEndpointResource,
  BACKUP_V1_SIBLING_SUFFIXES,
} from '../core/endpoint';
import type { NetworkInterfaceResource, PrivateEndpointResource } from '../core/endpoint';
import { canonicalId, parseResourceId } from '../core/resourceId';
import type { z } from 'zod';
import type { AzureClients } from './clients';
import { listAllPages, toAzureError, withRetry } from './errors';
import type { RetryOptions } from './errors';
import type { EndpointReader, EndpointScope, EndpointWithNics, ScopeListing } from './ports';
import { breathe } from './slices';

/** Rows per Resource Graph page (the service maximum). */
export const RESOURCE_GRAPH_PAGE_SIZE = 1000;

export interface EndpointReaderOptions {
  readonly retry?: RetryOptions;
  /** Never use Resource Graph; list per subscription with ARM (for identities without Resource Graph access). */
  readonly disableResourceGraph?: boolean;
}

/** What an SDK call hands to `onResponse`: the HTTP response with the body as ARM sent it. */
interface RawResponse {
  readonly parsedBody?: unknown;
  readonly bodyAsText?: string | null;
}

function wireBody(raw: RawResponse): unknown {
  if (raw.parsedBody !== undefined) return raw.parsedBody;
  if (raw.bodyAsText) return JSON.parse(raw.bodyAsText) as unknown;
  return undefined;
}

/**
 * Runs an SDK call and returns the body exactly as ARM sent it (the wire shape with `properties` nested), which
 * is what the core parsers and Resource Graph rows share. Falls back to the SDK's own model (also accepted by the
 * core parsers) when the raw body is not available.
 */
async function wire<T>(call: (onResponse: (raw: RawResponse) => void) => Promise<T>): Promise<unknown> {
  let body: unknown;
  const result = await call((raw) => {
    body = wireBody(raw);
  });
  return body ?? result;
}

function endpointTypeMatches(raw: unknown, type: string): boolean {
  return (
    !!raw &&
    typeof raw === 'object' &&
    typeof (raw as { type?: unknown }).type === 'string' &&
    (raw as { type: string }).type.toLowerCase() === type.toLowerCase()
  );
}

/** The Resource Graph query: endpoints joined with their NIC (one per endpoint), scoped by subscription list. */
export function scopeQuery(scope: EndpointScope): string {
  const where: string[] = ["type =~ 'microsoft.network/privateendpoints'"];
  const groups = (scope.resourceGroups ?? []).map((entry) => {
    const [sub = '', rg = ''] = entry.split('/');
    return `(subscriptionId =~ '${kqlString(sub)}' and resourceGroup =~ '${kqlString(rg)}')`;
  });
  if (groups.length > 0) where.push(groups.length === 1 ? (groups[0] ?? '') : `(${groups.join(' or ')})`);
  if (scope.backupOnly) where.push(BACKUP_ENDPOINTS);
  return [
    `Resources | where ${where.join(' and ')}`,
    '| extend nicKey = tolower(tostring(properties.networkInterfaces[0].id))',
    "| join kind=leftouter (Resources | where type =~ 'microsoft.network/networkinterfaces'",
    '    | project nicKey = tolower(id), nicId = id, nicName = name, nicType = type, nicLocation = location, nicProperties = properties) on nicKey',
    '| project id, name, type, location, subscriptionId, resourceGroup, properties, nicId, nicName, nicType, nicLocation, nicProperties',
    '| order by id asc',
  ].join('\n');
}

/**
 * KQL condition for Backup endpoints: a connection with an `AzureBackup` group id (`contains` is case-insensitive
 * and also matches `AzureBackup_Secondary`), or a v1 sibling by its name.
 */
const BACKUP_ENDPOINTS = `(tostring(properties.privateLinkServiceConnections) contains 'azurebackup' or tostring(properties.manualPrivateLinkServiceConnections) contains 'azurebackup' or ${BACKUP_V1_SIBLING_SUFFIXES.map((s) => `name endswith '${s}'`).join(' or ')})`;

/** The same selection as `BACKUP_ENDPOINTS`, for endpoints listed without Resource Graph. */
function isBackupResource(pe: PrivateEndpointResource): boolean {
  const props = { ...pe, ...(pe.properties ?? {}) };
  const groups = [
    ...(props.privateLinkServiceConnections ?? []),
    ...(props.manualPrivateLinkServiceConnections ?? []),
  ]
    .flatMap((c) => c.properties?.groupIds ?? c.groupIds ?? [])
    .map((g) => g.toLowerCase());
  const name = pe.name.toLowerCase();
  return (
    groups.some((g) => g.includes('azurebackup')) || BACKUP_V1_SIBLING_SUFFIXES.some((s) => name.endsWith(s))
  );
}

function kqlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

interface GraphRow {
  id?: unknown;
  name?: unknown;
  type?: unknown;
  location?: unknown;
  properties?: unknown;
  nicId?: unknown;
  nicName?: unknown;
  nicType?: unknown;
  nicLocation?: unknown;
  nicProperties?: unknown;
}

function isPermissionProblem(code: string, status: number | undefined): boolean {
  return (
    status === 403 ||
    status === 401 ||
    code === 'AuthorizationFailed' ||
    code === 'LinkedAuthorizationFailed' ||
    code === 'Forbidden'
  );
}

/** Keeps endpoints the scope asks for (vault / endpoint / resource groups) plus the Backup v1 siblings of those. */
export function filterScope<T extends PrivateEndpointResource>(
  endpoints: readonly T[],
  scope: EndpointScope,
): T[] {
  return keepScopeRoots(endpoints.filter(inListingScope(scope)), scope);
}

/** The subscription / resource-group part of a scope, as a test on one endpoint. */
function inListingScope(scope: EndpointScope): (pe: PrivateEndpointResource) => boolean {
  const subs = new Set(scope.subscriptionIds.map((s) => s.toLowerCase()));
  const groups = scope.resourceGroups ? new Set(scope.resourceGroups.map((g) => g.toLowerCase())) : undefined;
  return (pe) => {
    const id = parseResourceId(pe.id);
    if (!id || !subs.has(id.subscriptionId)) return false;
    if (scope.backupOnly && !isBackupResource(pe)) return false;
    return !groups || groups.has(`${id.subscriptionId}/${id.resourceGroup}`);
  };
}

/** The vault / endpoint part of a scope: its endpoints and their Backup v1 siblings (all of `inBase` without). */
function keepScopeRoots<T extends PrivateEndpointResource>(inBase: T[], scope: EndpointScope): T[] {
  if (!scope.vaultId && !scope.endpointId) return inBase;
  const vault = scope.vaultId ? canonicalId(scope.vaultId) : undefined;
  const roots = inBase.filter((pe) => {
    if (scope.endpointId && canonicalId(pe.id) !== canonicalId(scope.endpointId)) return false;
    if (!vault) return true;
    const props = { ...pe, ...(pe.properties ?? {}) };
    return [
      ...(props.privateLinkServiceConnections ?? []),
      ...(props.manualPrivateLinkServiceConnections ?? []),
    ].some((c) => canonicalId(c.properties?.privateLinkServiceId ?? c.privateLinkServiceId ?? '') === vault);
  });
  const rootIds = new Set(roots.map((r) => canonicalId(r.id)));
  return inBase.filter((pe) => {
    const id = canonicalId(pe.id);
    if (rootIds.has(id)) return true;
    return BACKUP_V1_SIBLING_SUFFIXES.some(
      (suffix) => id.endsWith(suffix) && rootIds.has(id.slice(0, -suffix.length)),
    );
  });
}

/**
 * Reads private endpoints and their NICs. A scope is listed with one paged Resource Graph query across all
 * allowed subscriptions; when Resource Graph is not permitted (403 / `AuthorizationFailed`) or switched off, it
 * falls back to ARM list calls per subscription (or resource group).
 */
export class ArmEndpointReader implements EndpointReader {
  constructor(
    private readonly clients: AzureClients,
    private readonly options: EndpointReaderOptions = {},
  ) {}

  private get retry(): RetryOptions {
    return this.options.retry ?? {};
  }

  async getEndpoint(endpointId: string): Promise<EndpointWithNics | undefined> {
    const id = parseResourceId(endpointId);
    if (!id) throw toAzureError(new Error(`"${endpointId}" is not a resource id`), endpointId);
    const client = this.clients.network(id.subscriptionId);
    let raw: unknown;
    try {
      raw = await withRetry(
        endpointId,
        () => wire((onResponse) => client.privateEndpoints.get(id.resourceGroup, id.name, { onResponse })),
        this.retry,
      );
    } catch (error) {
      if (toAzureError(error, endpointId).statusCode === 404) return undefined;
      throw error;
    }
    const endpoint = parseEndpoint(raw, endpointId);
    const nicIds = ({ ...endpoint, ...(endpoint.properties ?? {}) }.networkInterfaces ?? []).map((n) => n.id);
    // NICs are read side by side: one GET each, none waiting for another.
    const read = await Promise.all(nicIds.map((nicId) => this.getNetworkInterface(nicId)));
    const nics = read.filter((nic): nic is NetworkInterfaceResource => nic !== undefined);
    return { endpoint, nics };
  }

  async getNetworkInterface(nicId: string): Promise<NetworkInterfaceResource | undefined> {
    const id = parseResourceId(nicId);
    if (!id) throw toAzureError(new Error(`"${nicId}" is not a resource id`), nicId);
    const client = this.clients.network(id.subscriptionId);
    try {
      const raw = await withRetry(
        nicId,
        () => wire((onResponse) => client.networkInterfaces.get(id.resourceGroup, id.name, { onResponse })),
        this.retry,
      );
      return parseNic(raw, nicId);
    } catch (error) {
      if (toAzureError(error, nicId).statusCode === 404) return undefined;
      throw error;
    }
  }

  async listScope(scope: EndpointScope): Promise<ScopeListing> {
    if (scope.subscriptionIds.length === 0) return { resources: [], source: 'arm', requests: 0 };
    if (scope.endpointId && !scope.vaultId) return this.listEndpointScope(scope);
    if (this.options.disableResourceGraph)
      return this.listWithArm(scope, 'Resource Graph disabled by option');
    try {
      return await this.listWithResourceGraph(scope);
    } catch (raw) {
      const error = toAzureError(raw, '/providers/Microsoft.ResourceGraph/resources');
      if (!isPermissionProblem(error.code, error.statusCode)) throw error;
      return this.listWithArm(scope, `${error.code}: Resource Graph not permitted`);
    }
  }

  /** One endpoint (and its Backup v1 siblings in the same resource group) by direct reads. */
  private async listEndpointScope(scope: EndpointScope): Promise<ScopeListing> {
    const id = parseResourceId(scope.endpointId ?? '');
    if (!id || !scope.subscriptionIds.some((s) => s.toLowerCase() === id.subscriptionId)) {
      return { resources: [], source: 'arm', requests: 0 };
    }
    let requests = 0;
    const resources: (PrivateEndpointResource | NetworkInterfaceResource)[] = [];
    const base = (scope.endpointId ?? '').replace(/\/+$/, '');
    for (const candidate of [base, ...BACKUP_V1_SIBLING_SUFFIXES.map((s) => `${base}${s}`)]) {
      requests++;
      const found = await this.getEndpoint(candidate);
      if (!found) continue;
      requests += found.nics.length;
      resources.push(found.endpoint, ...found.nics);
    }
    return { resources, source: 'arm', requests };
  }

  private async listWithResourceGraph(scope: EndpointScope): Promise<ScopeListing> {
    const client = this.clients.resourceGraph();
    const query = scopeQuery(scope);
    const inScope = inListingScope(scope);
    // Thousands of rows are parsed a slice at a time, so a large listing does not hold the event loop.
    const endpoints: PrivateEndpointResource[] = [];
    const nics = new Map<string, NetworkInterfaceResource>();
    let skipToken: string | undefined;
    let requests = 0;
    do {
      const page = await withRetry(
        '/providers/Microsoft.ResourceGraph/resources',
        () =>
          client.resources({
            query,
            subscriptions: scope.subscriptionIds,
            options: {
              top: RESOURCE_GRAPH_PAGE_SIZE,
              resultFormat: 'objectArray',
              ...(skipToken ? { skipToken } : {}),
            },
          }),
        this.retry,
      );
      requests++;
      const rows = Array.isArray(page.data) ? (page.data as GraphRow[]) : [];
      for (const row of rows) {
        await breathe();
        const rawEndpoint = {
          id: row.id,
          name: row.name,
          type: row.type,
          location: row.location,
          properties: row.properties,
        };
        if (!privateEndpointResource.safeParse(rawEndpoint).success) continue;
        if (inScope(rawEndpoint as PrivateEndpointResource))
          endpoints.push(rawEndpoint as PrivateEndpointResource);
        if (typeof row.nicId === 'string' && row.nicId !== '') {
          const rawNic = {
            id: row.nicId,
            name: row.nicName,
            type: row.nicType,
            location: row.nicLocation,
            properties: row.nicProperties,
          };
          if (networkInterfaceResource.safeParse(rawNic).success) {
            nics.set(canonicalId(row.nicId), rawNic as NetworkInterfaceResource);
          }
        }
      }
      skipToken = page.skipToken || undefined;
    } while (skipToken);
    const kept = keepScopeRoots(endpoints, scope);
    return { resources: [...kept, ...nicsOf(kept, nics)], source: 'resource-graph', requests };
  }

  private async listWithArm(scope: EndpointScope, reason: string): Promise<ScopeListing> {
    let requests = 0;
    const endpoints: PrivateEndpointResource[] = [];
    const nics = new Map<string, NetworkInterfaceResource>();
    const targets: { subscriptionId: string; resourceGroup?: string }[] = scope.resourceGroups?.length
      ? scope.resourceGroups.map((g) => {
          const [subscriptionId = '', resourceGroup = ''] = g.split('/');
          return { subscriptionId, resourceGroup };
        })
      : scope.subscriptionIds.map((subscriptionId) => ({ subscriptionId }));
    for (const target of targets) {
      const client = this.clients.network(target.subscriptionId);
      const where = `/subscriptions/${target.subscriptionId}${target.resourceGroup ? `/resourceGroups/${target.resourceGroup}` : ''}`;
      const collect = async (
        kind: 'privateEndpoints' | 'networkInterfaces',
        sink: (raw: unknown) => void,
      ): Promise<void> => {
        const bodies: unknown[] = [];
        await listAllPages(
          where,
          (continuationToken) => {
            const options = {
              onResponse: (raw: RawResponse) => {
                bodies.push(wireBody(raw));
              },
            };
            const ops = client[kind];
            const pager = target.resourceGroup
              ? ops.list(target.resourceGroup, options)
              : kind === 'privateEndpoints'
                ? client.privateEndpoints.listBySubscription(options)
                : client.networkInterfaces.listAll(options);
            requests++;
            return pager.byPage(continuationToken ? { continuationToken } : {});
          },
          this.retry,
        );
        for (const body of bodies) {
          const value = (body as { value?: unknown } | undefined)?.value;
          if (Array.isArray(value)) for (const item of value) sink(item);
        }
      };
      await collect('privateEndpoints', (raw) => {
        if (
          privateEndpointResource.safeParse(raw).success &&
          endpointTypeMatches(raw, 'Microsoft.Network/privateEndpoints')
        )
          endpoints.push(raw as PrivateEndpointResource);
      });
      await collect('networkInterfaces', (raw) => {
        const parsed = networkInterfaceResource.safeParse(raw);
        if (parsed.success) nics.set(canonicalId(parsed.data.id), raw as NetworkInterfaceResource);
      });
    }
    const kept = filterScope(endpoints, scope);
    return { resources: [...kept, ...nicsOf(kept, nics)], source: 'arm', requests, fallbackReason: reason };
  }
}

function nicsOf(
  endpoints: readonly PrivateEndpointResource[],
  nics: Map<string, NetworkInterfaceResource>,
): NetworkInterfaceResource[] {
  const out = new Set<NetworkInterfaceResource>();
  for (const pe of endpoints) {
    const props = pe.properties;
    const refs =
      props && Object.hasOwn(props, 'networkInterfaces') ? props.networkInterfaces : pe.networkInterfaces;
    for (const ref of refs ?? []) {
      const nic = nics.get(canonicalId(ref.id));
      if (nic) out.add(nic);
    }
  }
  return [...out];
}

/**
 * Checks an ARM body against the engine's schema and hands it on as ARM sent it: validated, but fields the core
 * schema does not name (subnet, ...) stay.
 */
function checkedBody<T>(schema: z.ZodType, raw: unknown, id: string, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw toAzureError(
      new Error(`unexpected ${what} body: ${parsed.error.issues[0]?.message ?? 'invalid'}`),
      id,
    );
  }
  return raw as T;
}

function parseEndpoint(raw: unknown, id: string): PrivateEndpointResource {
  return checkedBody<PrivateEndpointResource>(privateEndpointResource, raw, id, 'private endpoint');
}

function parseNic(raw: unknown, id: string): NetworkInterfaceResource {
  return checkedBody<NetworkInterfaceResource>(networkInterfaceResource, raw, id, 'network interface');
}
