/**
 * Azure Backup, as far as private endpoints go. A Recovery Services vault gets private endpoints (group
 * `AzureBackup`); a connection made by the vault's owner is approved at once, anyone else's waits as `Pending`
 * in the vault's connections and in the endpoint's manual connections. Then the service's phases:
 *
 * - a new vault endpoint shows two service roles (`rec2`, `id1`); the other roles arrive with the vault's first
 *   registration/discovery (`discover`), as Backup's own change to the endpoint's NIC;
 * - v1: `discover` creates `<pe>_ecs_blob` and `<pe>_ecs_queue` (communication storage), `firstBackup` creates
 *   `<pe>_prot_blob` (backup data), `addStorage` another `<pe>_prot<n>_blob` — real endpoints with manual
 *   connections and NICs carrying the storage FQDNs, in the vault endpoint's subnet, written with the vault's
 *   managed identity;
 * - v2: no extra endpoints; the vault endpoint's NIC (and `customDnsConfigs`) grows by the storage FQDNs.
 *
 * Endpoints and NICs are made and changed through the Network provider's service (the vault is registered as
 * its private-link target), so Resource Graph and ARM reads see every change. Event Grid does not see Backup's own
 * changes to an existing endpoint or NIC (`options.serviceChangeEvents`, default off); it sees the v1 storage
 * endpoints Backup creates (`options.siblingEndpointEvents`, default on) — see local/arm/README.md for why.
 *
 * Over ~400 lines on purpose: `BackupSimulator` is one state machine per vault (registration, discovery, first
 * backup, added storage, approvals) whose phases read and change the same vault state; the table-free helpers
 * are already elsewhere (backupFqdns.ts, backupGeoCodes.ts).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from './context';
import { ArmError } from './errors';
import { parseResourceId } from './resourceId';
import type { ArmResource, WriteContext } from './store';
import type { EndpointMember, LinkRequest, NetworkService, PrivateLinkTarget } from './providers/network';
import {
  BACKUP_POD_ROLES,
  INITIAL_BACKUP_ROLES,
  backupConnectionName,
  backupGeoCode,
  backupServiceFqdns,
  backupStorageAccountName,
  newBackupVaultId,
  newStorageStamp,
  storageFqdn,
  v1StorageEndpointName,
} from './backupFqdns';
import type { BackupStorageKind, StorageService } from './backupFqdns';
import { seededRandom } from './faults';

export type BackupExperience = 'v1' | 'v2';
export type ConnectionStatus = 'Pending' | 'Approved' | 'Rejected' | 'Disconnected';
export type BackupAction = 'discover' | 'firstBackup' | 'addStorage';

export const VAULT_TYPE = 'Microsoft.RecoveryServices/vaults';
export const BACKUP_GROUP_ID = 'AzureBackup';

export interface VaultConnection {
  name: string;
  endpointId: string;
  groupIds: string[];
  status: ConnectionStatus;
  description: string;
  actionsRequired: string;
  provisioningState: 'Succeeded' | 'Pending' | 'Deleting' | 'Failed';
}

export interface VaultState {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** The 19-digit id in every Backup FQDN. */
  backupVaultId: string;
  geo: string;
  experience: BackupExperience;
  stamp: string;
  principalId: string;
  discovered: boolean;
  backedUp: boolean;
  ecsAccount?: string;
  protAccounts: string[];
  connections: Map<string, VaultConnection>;
}

export interface CreateVaultInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  experience?: BackupExperience;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  tags?: Record<string, string>;
}

export interface CreateVaultEndpointInput {
  /** Vault resource id. */
  vaultId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Subnet resource id (must exist in the store). */
  subnetId: string;
  location?: string;
  /** Who creates it: the vault's owner (approved at once) or someone else (`Pending`). Default: owner when the endpoint is in the vault's subscription or a trusted one. */
  byVaultOwner?: boolean;
  requestMessage?: string;
}

export interface CreatedVaultEndpoint {
  endpoint: ArmResource;
  nic: ArmResource;
  connectionName: string;
  status: ConnectionStatus;
}

export interface BackupActionResult {
  vaultId: string;
  action: BackupAction;
  /** Endpoint ids created by the action (v1). */
  createdEndpoints: string[];
  /** NIC and endpoint ids rewritten by the action (v2). */
  updatedResources: string[];
  /** FQDNs that appeared. */
  fqdns: string[];
}

export interface DnsEntry {
  fqdn: string;
  /** Record name in the private zone (`<vaultId>-ab-pod01-fc1`, `abcdefpod01ecs1`). */
  recordName: string;
  /** Private zone that should hold it (`privatelink.eus.backup.windowsazure.com`, `privatelink.blob.core.windows.net`). */
  zone: string;
  ip: string;
  endpointId: string;
}

export interface BackupSimulatorOptions {
  seed?: number;
  /** Experience of vaults created through ARM (the vault API cannot say). Default v1. */
  defaultExperience?: BackupExperience;
  /**
   * Publish Event Grid events for Backup's own later changes to an existing vault endpoint or its NIC (service
   * roles arriving, v2 storage FQDNs). Default false: whether Azure publishes them is not known, so tests see
   * none unless they ask.
   */
  serviceChangeEvents?: boolean;
  /**
   * Publish Event Grid events for the v1 storage endpoints Backup creates (`<pe>_ecs_blob`, ...). Default true:
   * Backup creates them through ARM with the vault's managed identity (the documented role assignments), and the
   * subscription topic publishes every successful ARM write.
   */
  siblingEndpointEvents?: boolean;
}

/** Subscription Backup's storage accounts live in (not the customer's). */
const SERVICE_SUBSCRIPTION = '5fc1a2b3-0000-4000-8000-00000000ab00';

/** Zone and record name of a Backup or storage FQDN (with or without `.privatelink.` inside). */
export function privateZoneFor(fqdn: string): { zone: string; recordName: string } {
  const lower = fqdn.toLowerCase();
  const backup = /^([^.]+)\.(?:privatelink\.)?([a-z0-9]+)\.backup\.windowsazure\.com$/.exec(lower);
  if (backup)
    return { zone: `privatelink.${backup[2]}.backup.windowsazure.com`, recordName: backup[1] as string };
  const storage = /^([^.]+)\.(?:privatelink\.)?(blob|queue)\.core\.windows\.net$/.exec(lower);
  if (storage)
    return { zone: `privatelink.${storage[2]}.core.windows.net`, recordName: storage[1] as string };
  throw new Error(`no private zone is known for '${fqdn}'`);
}

export class BackupSimulator {
  private readonly vaults = new Map<string, VaultState>();
  private readonly random: () => number;
  readonly options: Required<BackupSimulatorOptions>;

  constructor(
    private readonly ctx: EmulatorContext,
    options: BackupSimulatorOptions = {},
  ) {
    this.options = {
      seed: options.seed ?? 7,
      defaultExperience: options.defaultExperience ?? 'v1',
      serviceChangeEvents: options.serviceChangeEvents ?? false,
      siblingEndpointEvents: options.siblingEndpointEvents ?? true,
    };
    this.random = seededRandom(this.options.seed);
  }

  private get network(): NetworkService {
    return this.ctx.service<NetworkService>('network');
  }

  reset(): void {
    this.vaults.clear();
    this.trusted.clear();
  }

  /** Internal state of a vault (by resource id), or undefined. */
  state(vaultId: string): VaultState | undefined {
    return this.vaults.get(vaultId.toLowerCase());
  }

  private requireState(vaultId: string): VaultState {
    const s = this.state(vaultId);
    if (!s || !this.ctx.store.has(vaultId)) {
      const parsed = parseResourceId(vaultId);
      throw new ArmError(
        404,
        'ResourceNotFound',
        `The Resource '${VAULT_TYPE}/${parsed?.name ?? vaultId}' under resource group '${parsed?.resourceGroup ?? '?'}' was not found.`,
      );
    }
    return s;
  }

  /** Registers Backup state for a vault created through ARM (or returns the existing state). */
  adoptVault(vault: ArmResource, experience?: BackupExperience): VaultState {
    const existing = this.state(vault.id);
    if (existing) return existing;
    const parsed = parseResourceId(vault.id);
    if (!parsed?.resourceGroup) throw new Error(`not a vault id: ${vault.id}`);
    const location = (
      typeof vault.location === 'string' ? vault.location : this.ctx.defaultLocation
    ).toLowerCase();
    const identity = vault.identity as { principalId?: string } | undefined;
    const s: VaultState = {
      id: vault.id,
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      name: parsed.name,
      location,
      backupVaultId: newBackupVaultId(this.random),
      geo: backupGeoCode(location),
      experience: experience ?? this.options.defaultExperience,
      stamp: newStorageStamp(this.random),
      principalId: identity?.principalId ?? randomUUID(),
      discovered: false,
      backedUp: false,
      protAccounts: [],
      connections: new Map(),
    };
    this.vaults.set(vault.id.toLowerCase(), s);
    return s;
  }

  /** Creates a vault with a system-assigned identity, as the Backup docs recommend. */
  createVault(input: CreateVaultInput): ArmResource {
    const location = (input.location ?? this.ctx.defaultLocation).toLowerCase();
    backupGeoCode(location);
    this.ctx.ensureResourceGroup(input.subscriptionId, input.resourceGroup, location);
    const id = `/subscriptions/${input.subscriptionId}/resourceGroups/${input.resourceGroup}/providers/${VAULT_TYPE}/${input.name}`;
    if (this.ctx.store.has(id)) throw new ArmError(409, 'Conflict', `Vault '${input.name}' already exists.`);
    const vault = buildVault({
      id,
      name: input.name,
      location,
      tags: input.tags,
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: this.ctx.tokens.tenantId },
      sku: { name: 'RS0', tier: 'Standard' },
      properties: { publicNetworkAccess: input.publicNetworkAccess ?? 'Enabled' },
    });
    this.adoptVault(vault, input.experience);
    return this.writeVault(id, vault, this.ctx.internalContext(`${VAULT_TYPE}/write`));
  }

  /** Writes the vault with its connection list (and endpoint state) rebuilt from the simulator's state. */
  writeVault(vaultId: string, base?: ArmResource, context?: WriteContext): ArmResource {
    const s = this.state(vaultId);
    if (!s) throw new Error(`no Backup state for ${vaultId}`);
    const current = base ?? this.ctx.store.get(vaultId);
    if (!current) throw new Error(`vault ${vaultId} is not stored`);
    const properties = { ...((current.properties as Record<string, unknown> | undefined) ?? {}) };
    const connections = [...s.connections.values()].map((c) => this.connectionInVault(s, c));
    if (connections.length > 0) properties.privateEndpointConnections = connections;
    else delete properties.privateEndpointConnections;
    properties.privateEndpointStateForBackup = connections.length > 0 ? 'Enabled' : 'None';
    properties.privateEndpointStateForSiteRecovery ??= 'None';
    const stamp = new Date(this.ctx.clock.now()).toISOString().replace('Z', '0000Z');
    const etag = `W/"datetime'${encodeURIComponent(stamp)}'"`;
    return this.ctx.store.put(
      { ...current, properties },
      { etag: () => etag, context: context ?? this.ctx.internalContext(`${VAULT_TYPE}/write`) },
    );
  }

  private connectionId(s: VaultState, c: VaultConnection): string {
    return `${s.id}/privateEndpointConnections/${c.name}`;
  }

  private connectionInVault(s: VaultState, c: VaultConnection): Record<string, unknown> {
    return {
      id: this.connectionId(s, c),
      name: c.name,
      type: `${VAULT_TYPE}/privateEndpointConnections`,
      location: s.location,
      properties: this.connectionProperties(c),
    };
  }

  private connectionProperties(c: VaultConnection): Record<string, unknown> {
    return {
      provisioningState: c.provisioningState,
      privateEndpoint: { id: c.endpointId },
      groupIds: c.groupIds,
      privateLinkServiceConnectionState: {
        status: c.status,
        description: c.description,
        actionsRequired: c.actionsRequired,
      },
    };
  }

  /** The connection as the Backup API returns it (`PrivateEndpointConnection_Get`). */
  connectionResource(vaultId: string, name: string): Record<string, unknown> | undefined {
    const s = this.state(vaultId);
    const c = s?.connections.get(name.toLowerCase());
    return s && c ? this.connectionInVault(s, c) : undefined;
  }

  /**
   * Context of Backup's own later change to an existing endpoint or NIC: no ARM request carries it, so Event Grid
   * publishes nothing unless `serviceChangeEvents` is on.
   */
  private serviceChangeContext(operationName: string): WriteContext {
    return { ...this.ctx.internalContext(operationName), silent: !this.options.serviceChangeEvents };
  }

  /** Context of writes Backup makes itself, signed as the vault's managed identity. */
  private vaultContext(s: VaultState, operationName: string): WriteContext {
    return {
      ...this.ctx.internalContext(operationName),
      claims: {
        oid: s.principalId,
        appid: s.principalId,
        tid: this.ctx.tokens.tenantId,
        idtyp: 'app',
        xms_mirid: s.id,
      },
    };
  }

  // ---- the vault as a private-link target ------------------------------------------------------------------

  /** Subscriptions whose endpoints the vault approves at once (besides its own). */
  private readonly trusted = new Map<string, Set<string>>();

  /** Lets endpoints from `subscriptionId` be auto-approved by the vault (its owner works there too). */
  trustSubscription(vaultId: string, subscriptionId: string): void {
    const key = vaultId.toLowerCase();
    const set = this.trusted.get(key) ?? new Set<string>();
    set.add(subscriptionId.toLowerCase());
    this.trusted.set(key, set);
  }

  private ownerCreates(s: VaultState, request: LinkRequest): boolean {
    if (request.manual) return false;
    const sub = request.subscriptionId.toLowerCase();
    return (
      sub === s.subscriptionId.toLowerCase() || (this.trusted.get(s.id.toLowerCase())?.has(sub) ?? false)
    );
  }

  /** The hooks the Network provider calls when an endpoint targets a vault. */
  linkTarget(): PrivateLinkTarget {
    const stateOf = (request: LinkRequest): VaultState => {
      const vault = this.ctx.store.get(request.targetId);
      if (!vault) {
        const parsed = parseResourceId(request.targetId);
        throw new ArmError(
          400,
          'PrivateLinkServiceNotFound',
          `Recovery Services vault '${parsed?.name ?? request.targetId}' referenced by the private endpoint was not found.`,
        );
      }
      return this.adoptVault(vault);
    };
    return {
      resourceType: VAULT_TYPE,
      validate: (request) => {
        stateOf(request);
        const ok =
          request.groupIds.length === 1 && BACKUP_GROUP_IDS.includes(request.groupIds[0]!.toLowerCase());
        if (!ok) {
          throw new ArmError(
            400,
            'PrivateEndpointGroupIdNotSupported',
            `Recovery Services vault endpoints take exactly one group id (AzureBackup, AzureBackup_Secondary or AzureSiteRecovery), not [${request.groupIds.join(', ')}].`,
          );
        }
      },
      initialState: (request) => {
        const s = stateOf(request);
        return this.ownerCreates(s, request)
          ? { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' }
          : {
              status: 'Pending',
              description: request.requestMessage ?? 'Awaiting approval',
              actionsRequired: 'None',
            };
      },
      members: (request) => {
        const s = stateOf(request);
        return this.ownerCreates(s, request) ? this.serviceMembers(s) : [placeholderMember()];
      },
      onCreated: (endpoint, request) => {
        const s = stateOf(request);
        const status = connectionStatusOf(endpoint, s.id);
        const c: VaultConnection = {
          name: backupConnectionName(request.privateEndpointName, s.backupVaultId, randomUUID()),
          endpointId: endpoint.id,
          groupIds: [request.groupIds[0] ?? BACKUP_GROUP_ID],
          status: status.status,
          description: status.description,
          actionsRequired: 'None',
          provisioningState: 'Succeeded',
        };
        s.connections.set(c.name.toLowerCase(), c);
        this.writeVault(s.id);
        if (c.status === 'Approved') this.catchUp(s, c);
      },
      onDeleted: (endpoint) => {
        for (const s of this.vaults.values()) {
          let changed = false;
          for (const [key, c] of s.connections) {
            if (c.endpointId.toLowerCase() === endpoint.id.toLowerCase()) {
              s.connections.delete(key);
              changed = true;
            }
          }
          if (changed && this.ctx.store.has(s.id)) this.writeVault(s.id);
        }
      },
    };
  }

  /** One member per Backup service role in `roles` (default: the roles a new endpoint shows), each with its FQDN. */
  private serviceMembers(s: VaultState, roles: readonly string[] = INITIAL_BACKUP_ROLES): EndpointMember[] {
    return backupServiceFqdns(s.backupVaultId, s.location, roles).map((fqdn) => ({
      groupId: BACKUP_GROUP_ID,
      requiredMemberName: fqdn.split('.')[0]!.split('-').slice(1).join('-'),
      fqdns: [fqdn],
    }));
  }

  /**
   * The vault's registration brings the remaining service roles to an approved endpoint's NIC (one ip
   * configuration each, after the ones it has), as Backup's own change.
   */
  private settleRoles(s: VaultState, c: VaultConnection, result: BackupActionResult): void {
    if (!this.ctx.store.has(c.endpointId)) return;
    const current = this.network.members(c.endpointId);
    const have = new Set(current.map((m) => m.requiredMemberName.toLowerCase()));
    const missing = this.serviceMembers(s, BACKUP_POD_ROLES).filter(
      (m) => !have.has(m.requiredMemberName.toLowerCase()),
    );
    if (missing.length === 0) return;
    this.network.setMembers(
      c.endpointId,
      [...current, ...missing],
      this.serviceChangeContext('Microsoft.Network/networkInterfaces/write'),
    );
    result.fqdns.push(...missing.flatMap((m) => m.fqdns));
    const nicId = this.network.getNetworkInterface(c.endpointId)?.id;
    for (const id of [nicId, c.endpointId])
      if (id !== undefined && !result.updatedResources.includes(id)) result.updatedResources.push(id);
  }

  /** Creates a private endpoint to the vault (group AzureBackup) through the Network provider. */
  createVaultEndpoint(input: CreateVaultEndpointInput): CreatedVaultEndpoint {
    const s = this.requireState(input.vaultId);
    const owner =
      input.byVaultOwner ??
      (input.subscriptionId.toLowerCase() === s.subscriptionId.toLowerCase() ||
        (this.trusted.get(s.id.toLowerCase())?.has(input.subscriptionId.toLowerCase()) ?? false));
    const endpoint = this.network.createPrivateEndpoint({
      subscriptionId: input.subscriptionId,
      resourceGroup: input.resourceGroup,
      name: input.name,
      location: (input.location ?? s.location).toLowerCase(),
      subnetId: input.subnetId,
      connection: {
        privateLinkServiceId: s.id,
        groupIds: [BACKUP_GROUP_ID],
        ...(input.requestMessage !== undefined ? { requestMessage: input.requestMessage } : {}),
      },
      manual: !owner,
      // The owner's endpoint is approved whatever subscription it lives in.
      ...(owner
        ? {
            state: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' },
            members: this.serviceMembers(s),
          }
        : {}),
      context: this.ctx.internalContext('Microsoft.Network/privateEndpoints/write'),
    });
    const connection = [...s.connections.values()].find(
      (c) => c.endpointId.toLowerCase() === endpoint.id.toLowerCase(),
    );
    if (!connection) throw new Error(`vault ${s.id} did not record a connection for ${endpoint.id}`);
    const nic = this.network.getNetworkInterface(endpoint.id);
    if (!nic) throw new Error(`endpoint ${endpoint.id} has no NIC`);
    return {
      endpoint: this.ctx.store.get(endpoint.id) ?? endpoint,
      nic,
      connectionName: connection.name,
      status: connection.status,
    };
  }

  /** Applies an owner's decision on a connection; the endpoint's connection state and NIC follow. */
  setConnectionState(
    vaultId: string,
    connectionName: string,
    status: Exclude<ConnectionStatus, 'Pending'>,
    description?: string,
  ): VaultConnection {
    const s = this.requireState(vaultId);
    const c = s.connections.get(connectionName.toLowerCase());
    if (!c) {
      throw new ArmError(
        404,
        'ResourceNotFound',
        `Private endpoint connection '${connectionName}' was not found on vault '${s.name}'.`,
      );
    }
    c.status = status;
    c.description = description ?? `${status} by the vault owner`;
    c.provisioningState = 'Succeeded';
    this.syncEndpoint(s, c);
    this.writeVault(s.id);
    if (status === 'Approved') this.catchUp(s, c);
    return c;
  }

  /** Marks a connection as being updated or deleted (while a long-running call runs). */
  markConnection(
    vaultId: string,
    connectionName: string,
    provisioningState: VaultConnection['provisioningState'],
  ): void {
    const s = this.requireState(vaultId);
    const c = s.connections.get(connectionName.toLowerCase());
    if (!c) return;
    c.provisioningState = provisioningState;
    this.writeVault(s.id);
  }

  /** Removes a connection from the vault; the endpoint is left `Disconnected`. */
  removeConnection(vaultId: string, connectionName: string): boolean {
    const s = this.requireState(vaultId);
    const c = s.connections.get(connectionName.toLowerCase());
    if (!c) return false;
    s.connections.delete(connectionName.toLowerCase());
    c.status = 'Disconnected';
    c.description = 'Connection removed by the vault owner';
    this.syncEndpoint(s, c);
    this.writeVault(s.id);
    return true;
  }

  /** Rewrites the endpoint's connection state and its NIC members (FQDNs only while approved). */
  private syncEndpoint(s: VaultState, c: VaultConnection): void {
    if (!this.ctx.store.has(c.endpointId)) return;
    const context = this.ctx.internalContext('Microsoft.Network/privateEndpoints/write');
    this.network.setConnectionState(
      c.endpointId,
      { status: c.status, description: c.description, actionsRequired: c.actionsRequired },
      { context },
    );
    // An endpoint approved before keeps what Backup gave it; a newly approved one starts like a new endpoint.
    const current = this.network.members(c.endpointId);
    const approvedBefore = current.some((m) => m.fqdns.length > 0);
    this.network.setMembers(
      c.endpointId,
      c.status !== 'Approved' ? [placeholderMember()] : approvedBefore ? current : this.serviceMembers(s),
      context,
    );
  }

  /**
   * An approved endpoint gets what the vault's earlier phases already produced: it starts with the first two roles
   * like any new endpoint, then Backup brings the rest and the storage at once.
   */
  private catchUp(s: VaultState, c: VaultConnection): void {
    if (s.discovered) {
      const result = this.emptyResult(s, 'discover');
      this.settleRoles(s, c, result);
      this.applyPhase(s, 'ecs', [c], 0, 'discover');
    }
    if (s.backedUp)
      for (let i = 0; i < s.protAccounts.length; i++) this.applyPhase(s, 'prot', [c], i, 'firstBackup');
  }

  private emptyResult(s: VaultState, action: BackupAction): BackupActionResult {
    return { vaultId: s.id, action, createdEndpoints: [], updatedResources: [], fqdns: [] };
  }

  private approvedConnections(s: VaultState): VaultConnection[] {
    return [...s.connections.values()].filter(
      (c) => c.status === 'Approved' && this.ctx.store.has(c.endpointId),
    );
  }

  /**
   * Registration/discovery: the approved endpoints get the remaining service roles, and Backup starts using its
   * communication storage account (blob + queue).
   */
  discover(vaultId: string): BackupActionResult {
    const s = this.requireState(vaultId);
    s.ecsAccount ??= backupStorageAccountName(s.stamp, 'ecs', 101 + Math.floor(this.random() * 20));
    s.discovered = true;
    const roles = this.emptyResult(s, 'discover');
    for (const c of this.approvedConnections(s)) this.settleRoles(s, c, roles);
    const storage = this.applyPhase(s, 'ecs', this.approvedConnections(s), 0, 'discover');
    return {
      ...storage,
      updatedResources: [...new Set([...roles.updatedResources, ...storage.updatedResources])],
      fqdns: [...roles.fqdns, ...storage.fqdns],
    };
  }

  /** First backup: Backup allocates its first data storage account (blob). Needs `discover` first. */
  firstBackup(vaultId: string): BackupActionResult {
    const s = this.requirePhaseReady(vaultId, 'firstBackup');
    if (s.protAccounts.length === 0) s.protAccounts.push(backupStorageAccountName(s.stamp, 'prot', 120));
    s.backedUp = true;
    return this.applyPhase(s, 'prot', this.approvedConnections(s), 0, 'firstBackup');
  }

  /** Later growth: Backup allocates another data storage account. Needs `firstBackup` first. */
  addStorage(vaultId: string): BackupActionResult {
    const s = this.requirePhaseReady(vaultId, 'addStorage');
    s.protAccounts.push(backupStorageAccountName(s.stamp, 'prot', 120 + s.protAccounts.length));
    return this.applyPhase(s, 'prot', this.approvedConnections(s), s.protAccounts.length - 1, 'addStorage');
  }

  /** The vault's state, once the phase before `action` has run (409 with Backup's error code otherwise). */
  private requirePhaseReady(vaultId: string, action: 'firstBackup' | 'addStorage'): VaultState {
    const s = this.requireState(vaultId);
    const missing =
      action === 'firstBackup'
        ? !s.discovered && {
            code: 'UserErrorBackupNotRegistered',
            why: 'has nothing registered yet',
            run: 'discover',
          }
        : !s.backedUp && { code: 'UserErrorNoBackupYet', why: 'has no backup yet', run: 'firstBackup' };
    if (missing) {
      throw new ArmError(409, missing.code, `Vault '${s.name}' ${missing.why}: run ${missing.run} first.`);
    }
    return s;
  }

  run(vaultId: string, action: BackupAction): BackupActionResult {
    if (action === 'discover') return this.discover(vaultId);
    if (action === 'firstBackup') return this.firstBackup(vaultId);
    return this.addStorage(vaultId);
  }

  private applyPhase(
    s: VaultState,
    kind: BackupStorageKind,
    connections: VaultConnection[],
    protIndex: number,
    action: BackupAction,
  ): BackupActionResult {
    const result = this.emptyResult(s, action);
    const account = kind === 'ecs' ? s.ecsAccount : s.protAccounts[protIndex];
    if (account === undefined) return result;
    const services: StorageService[] = kind === 'ecs' ? ['blob', 'queue'] : ['blob'];
    for (const c of connections) {
      const vaultEndpoint = this.ctx.store.get(c.endpointId);
      if (!vaultEndpoint) continue;
      const parsed = parseResourceId(vaultEndpoint.id)!;
      const subnetId = (vaultEndpoint.properties as { subnet: { id: string } }).subnet.id;
      if (s.experience === 'v1') {
        for (const service of services) {
          const name = v1StorageEndpointName(parsed.name, kind, service, kind === 'prot' ? protIndex + 1 : 1);
          const id = `/subscriptions/${parsed.subscriptionId}/resourceGroups/${parsed.resourceGroup ?? ''}/providers/Microsoft.Network/privateEndpoints/${name}`;
          if (this.ctx.store.has(id)) continue;
          const fqdn = storageFqdn(account, service);
          this.network.createPrivateEndpoint({
            subscriptionId: parsed.subscriptionId,
            resourceGroup: parsed.resourceGroup ?? '',
            name,
            location: typeof vaultEndpoint.location === 'string' ? vaultEndpoint.location : s.location,
            subnetId,
            connection: {
              privateLinkServiceId: `/subscriptions/${SERVICE_SUBSCRIPTION}/resourceGroups/${s.geo}-backup-storage/providers/Microsoft.Storage/storageAccounts/${account}`,
              groupIds: [service],
              requestMessage: `Azure Backup storage for vault ${s.name}`,
            },
            manual: true,
            state: { status: 'Approved', description: 'Approved by Azure Backup', actionsRequired: 'None' },
            members: [{ groupId: service, requiredMemberName: service, fqdns: [fqdn] }],
            context: {
              ...this.vaultContext(s, 'Microsoft.Network/privateEndpoints/write'),
              silent: !this.options.siblingEndpointEvents,
            },
          });
          result.createdEndpoints.push(id);
          result.fqdns.push(fqdn);
        }
      } else {
        const have = new Set(
          this.network.members(vaultEndpoint.id).flatMap((m) => m.fqdns.map((f) => f.toLowerCase())),
        );
        for (const service of services) {
          const fqdn = storageFqdn(account, service);
          if (have.has(fqdn)) continue;
          this.network.upsertMember(
            vaultEndpoint.id,
            { groupId: BACKUP_GROUP_ID, requiredMemberName: `${account}_${service}`, fqdns: [fqdn] },
            this.serviceChangeContext('Microsoft.Network/networkInterfaces/write'),
          );
          result.fqdns.push(fqdn);
          const nicId = this.network.getNetworkInterface(vaultEndpoint.id)?.id;
          for (const id of [nicId, vaultEndpoint.id])
            if (id !== undefined && !result.updatedResources.includes(id)) result.updatedResources.push(id);
        }
      }
    }
    return result;
  }

  /** What Microsoft's PrivateIP.ps1 would list for the vault: every FQDN on its endpoints' NICs, with zone and IP. */
  dnsEntries(vaultId: string): DnsEntry[] {
    const s = this.requireState(vaultId);
    const endpoints: ArmResource[] = [];
    for (const c of s.connections.values()) {
      const ep = this.ctx.store.get(c.endpointId);
      if (!ep) continue;
      endpoints.push(ep);
      const parsed = parseResourceId(ep.id)!;
      const siblings = new RegExp(`^${escapeRegExp(parsed.name)}_(ecs|prot)\\d*_(blob|queue)$`, 'i');
      const scope = `/subscriptions/${parsed.subscriptionId}/resourceGroups/${parsed.resourceGroup ?? ''}`;
      for (const sibling of this.ctx.store.listByType('Microsoft.Network/privateEndpoints', scope)) {
        if (siblings.test(sibling.name)) endpoints.push(sibling);
      }
    }
    const out: DnsEntry[] = [];
    for (const ep of endpoints) {
      const nic = this.network.getNetworkInterface(ep.id);
      if (!nic) continue;
      for (const cfg of nicConfigs(nic)) {
        for (const fqdn of cfg.fqdns)
          out.push({ fqdn, ...privateZoneFor(fqdn), ip: cfg.ip, endpointId: ep.id });
      }
    }
    return out;
  }

  /** A summary for tests and the control API. */
  describe(vaultId: string): Record<string, unknown> {
    const s = this.requireState(vaultId);
    return {
      id: s.id,
      backupVaultId: s.backupVaultId,
      geo: s.geo,
      experience: s.experience,
      principalId: s.principalId,
      discovered: s.discovered,
      backedUp: s.backedUp,
      storageAccounts: { ecs: s.ecsAccount ?? null, prot: s.protAccounts },
      connections: [...s.connections.values()].map((c) => ({
        name: c.name,
        endpointId: c.endpointId,
        status: c.status,
        provisioningState: c.provisioningState,
      })),
    };
  }
}

/** Lower-cased group ids a vault accepts. */
const BACKUP_GROUP_IDS = ['azurebackup', 'azurebackup_secondary', 'azuresiterecovery'];

/** A member with an address but no FQDN: what an endpoint that is not (or no longer) approved keeps. */
function placeholderMember(): EndpointMember {
  return { groupId: BACKUP_GROUP_ID, requiredMemberName: BACKUP_GROUP_ID, fqdns: [] };
}

function connectionStatusOf(
  endpoint: ArmResource,
  vaultId: string,
): { status: ConnectionStatus; description: string } {
  const props = endpoint.properties as Record<
    string,
    Array<{ properties: Record<string, unknown> }> | undefined
  >;
  for (const list of [props.privateLinkServiceConnections, props.manualPrivateLinkServiceConnections]) {
    for (const c of list ?? []) {
      if (String(c.properties.privateLinkServiceId).toLowerCase() !== vaultId.toLowerCase()) continue;
      const st = c.properties.privateLinkServiceConnectionState as
        { status?: string; description?: string } | undefined;
      const status =
        (['Pending', 'Approved', 'Rejected', 'Disconnected'] as const).find((x) => x === st?.status) ??
        'Pending';
      return { status, description: st?.description ?? '' };
    }
  }
  return { status: 'Pending', description: '' };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** IPs and FQDNs of a NIC's ip configurations. */
function nicConfigs(nic: ArmResource): { ip: string; fqdns: string[] }[] {
  const list =
    ((nic.properties as Record<string, unknown> | undefined)?.ipConfigurations as
      Record<string, unknown>[] | undefined) ?? [];
  return list.map((cfg) => {
    const p = (cfg.properties ?? {}) as {
      privateIPAddress?: string;
      privateLinkConnectionProperties?: { fqdns?: string[] };
    };
    return { ip: p.privateIPAddress ?? '', fqdns: [...(p.privateLinkConnectionProperties?.fqdns ?? [])] };
  });
}

/** A vault in the 2026-07-01 wire shape, with the defaults a new vault gets. */
export function buildVault(v: {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string> | undefined;
  identity?: Record<string, unknown> | undefined;
  sku?: Record<string, unknown> | undefined;
  properties?: Record<string, unknown>;
}): ArmResource {
  const vault: ArmResource = {
    id: v.id,
    name: v.name,
    type: VAULT_TYPE,
    location: v.location,
    properties: {
      provisioningState: 'Succeeded',
      privateEndpointStateForBackup: 'None',
      privateEndpointStateForSiteRecovery: 'None',
      publicNetworkAccess: 'Enabled',
      backupStorageVersion: 'V2',
      secureScore: 'None',
      bcdrSecurityLevel: 'Poor',
      redundancySettings: { standardTierStorageRedundancy: 'GeoRedundant', crossRegionRestore: 'Disabled' },
      securitySettings: {
        softDeleteSettings: {
          softDeleteState: 'Enabled',
          softDeleteRetentionPeriodInDays: 14,
          enhancedSecurityState: 'Enabled',
        },
        immutabilitySettings: { state: 'Disabled' },
        multiUserAuthorization: 'Disabled',
      },
      ...(v.properties ?? {}),
    },
    sku: v.sku ?? { name: 'RS0', tier: 'Standard' },
  };
  if (v.tags !== undefined) vault.tags = v.tags;
  if (v.identity !== undefined) vault.identity = v.identity;
  return vault;
}
