/**
 * Microsoft.RecoveryServices: vaults (`Vaults_Get`, `_ListByResourceGroup`, `_ListBySubscriptionId`,
 * `_CreateOrUpdate`, 2026-07-01 as `@azure/arm-recoveryservices` 7 sends) and the vault's private endpoint
 * connections from the Backup API (`PrivateEndpointConnection_Get/_Put/_Delete`, bms.json 2023-06-01 as
 * `@azure/arm-recoveryservicesbackup` 12 sends). Backup's behaviour behind the vault (endpoints, phases) is the
 * `BackupSimulator`, published as the `backup` service and under `/_emulator/backup`.
 *
 * Slightly over ~400 lines: the vault routes and the Backup connection routes share the vault lookups and the
 * connection shapes of one resource.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BackupSimulator, buildVault, VAULT_TYPE } from '../backupSimulator';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import { ArmError, resourceNotFound } from '../errors';
import { listScope, paginate } from '../paging';
import type { NetworkService } from './network';
import type { ArmRequest, ArmResponse } from '../router';
import type { ArmResource } from '../store';

/** 2026-07-01 is what arm-recoveryservices 7 sends; the older ones are what earlier majors and tools send. */
export const VAULT_API_VERSIONS = ['2026-07-01', '2025-02-01', '2024-04-01', '2023-04-01'] as const;
/** 2023-06-01 is what arm-recoveryservicesbackup 12 sends. */
export const BACKUP_PEC_API_VERSIONS = ['2023-06-01', '2024-04-01', '2024-10-01', '2025-02-01'] as const;

const RG_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults';
const VAULT_PATH = `${RG_PATH}/{vaultName}`;
const PEC_PATH = `${VAULT_PATH}/privateEndpointConnections/{privateEndpointConnectionName}`;

/** Vault properties a client may set; everything else in `properties` is read-only and ignored. */
const WRITABLE_VAULT_PROPERTIES = [
  'upgradeDetails',
  'encryption',
  'moveDetails',
  'publicNetworkAccess',
  'monitoringSettings',
  'costManagementSettings',
  'restoreSettings',
  'redundancySettings',
  'securitySettings',
  'resourceGuardOperationRequests',
] as const;

const IDENTITY_TYPES = ['SystemAssigned', 'None', 'UserAssigned', 'SystemAssigned, UserAssigned'];
const DECISIONS = ['Approved', 'Rejected', 'Disconnected'] as const;

function vaultId(req: ArmRequest): string {
  return `/subscriptions/${req.params.subscriptionId}/resourceGroups/${req.params.resourceGroupName}/providers/${VAULT_TYPE}/${req.params.vaultName}`;
}

const createVaultSchema = z.object({
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  name: z.string().min(1),
  location: z.string().optional(),
  experience: z.enum(['v1', 'v2']).optional(),
  publicNetworkAccess: z.enum(['Enabled', 'Disabled']).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

const createEndpointSchema = z.object({
  vaultId: z.string().min(1),
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  name: z.string().min(1),
  subnetId: z.string().min(1),
  location: z.string().optional(),
  byVaultOwner: z.boolean().optional(),
  requestMessage: z.string().optional(),
});

const actionSchema = z.object({ vaultId: z.string().min(1) });
const trustSchema = z.object({ vaultId: z.string().min(1), subscriptionId: z.string().min(1) });
const decisionSchema = z.object({
  vaultId: z.string().min(1),
  connectionName: z.string().min(1),
  status: z.enum(DECISIONS),
  description: z.string().optional(),
});
const settingsSchema = z.object({
  defaultExperience: z.enum(['v1', 'v2']).optional(),
  serviceChangeEvents: z.boolean().optional(),
  siblingEndpointEvents: z.boolean().optional(),
});

export const recoveryServicesProvider: ArmProvider = {
  name: 'recoveryServices',
  register(ctx: EmulatorContext): void {
    const backup = new BackupSimulator(ctx);
    ctx.provide('backup', backup);
    // Endpoints that target a vault (through ARM or the simulator) ask the vault for their state and FQDNs.
    let network: NetworkService;
    try {
      network = ctx.service<NetworkService>('network');
    } catch {
      throw new Error('The recoveryServices provider needs the network provider registered before it.');
    }
    network.registerLinkTarget(backup.linkTarget());
    ctx.onReset(() => backup.reset());

    const startOperation = (req: ArmRequest, location: string, complete: () => unknown) =>
      ctx.lro.startFor(req, { namespace: 'Microsoft.RecoveryServices', location, complete });

    const getVault = (req: ArmRequest): ArmResource => {
      const vault = ctx.store.get(vaultId(req));
      if (!vault)
        throw resourceNotFound(VAULT_TYPE, req.params.vaultName ?? '', req.params.resourceGroupName);
      return vault;
    };

    ctx.router.add({
      method: 'GET',
      path: VAULT_PATH,
      operationId: 'Vaults_Get',
      resourceType: VAULT_TYPE,
      apiVersions: VAULT_API_VERSIONS,
      handler: (req) => ({ status: 200, body: getVault(req) }),
    });

    const listVaults = (req: ArmRequest): ArmResponse => ({
      status: 200,
      body: paginate(req, ctx.store.listByType(VAULT_TYPE, listScope(req)), ctx.endpoint(), {
        defaultPageSize: 200,
        acceptTop: false,
      }),
    });

    ctx.router.add({
      method: 'GET',
      path: RG_PATH,
      operationId: 'Vaults_ListByResourceGroup',
      resourceType: VAULT_TYPE,
      apiVersions: VAULT_API_VERSIONS,
      handler: listVaults,
    });

    ctx.router.add({
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/vaults',
      operationId: 'Vaults_ListBySubscriptionId',
      resourceType: VAULT_TYPE,
      apiVersions: VAULT_API_VERSIONS,
      handler: listVaults,
    });

    ctx.router.add({
      method: 'PUT',
      path: VAULT_PATH,
      operationId: 'Vaults_CreateOrUpdate',
      resourceType: VAULT_TYPE,
      apiVersions: VAULT_API_VERSIONS,
      armOperation: `${VAULT_TYPE}/write`,
      handler: (req) => putVault(req),
    });

    const putVault = (req: ArmRequest): ArmResponse => {
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new ArmError(400, 'InvalidRequestContent', 'The request content must be a vault object.');
      }
      const location = body.location;
      if (typeof location !== 'string' || location === '')
        throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
      const id = vaultId(req);
      const existing = ctx.store.get(id);
      if (existing && String(existing.location).toLowerCase() !== location.toLowerCase()) {
        throw new ArmError(
          400,
          'LocationNotAvailableForResourceType',
          `The vault '${req.params.vaultName}' exists in '${String(existing.location)}'; its location cannot change.`,
        );
      }
      const identityIn = body.identity as Record<string, unknown> | undefined;
      let identity: Record<string, unknown> | undefined;
      if (identityIn !== undefined && identityIn !== null) {
        const type = identityIn.type;
        if (typeof type !== 'string' || !IDENTITY_TYPES.includes(type)) {
          throw new ArmError(
            400,
            'InvalidIdentityType',
            `identity.type must be one of ${IDENTITY_TYPES.join(', ')}.`,
          );
        }
        if (type !== 'None') {
          const previous = existing?.identity as Record<string, unknown> | undefined;
          identity = { type };
          if (type.includes('SystemAssigned')) {
            identity.principalId =
              typeof previous?.principalId === 'string' ? previous.principalId : randomUUID();
            identity.tenantId = ctx.tokens.tenantId;
          }
          if (identityIn.userAssignedIdentities !== undefined)
            identity.userAssignedIdentities = identityIn.userAssignedIdentities;
        }
      }
      const propsIn = (body.properties ?? {}) as Record<string, unknown>;
      const writable: Record<string, unknown> = {};
      for (const key of WRITABLE_VAULT_PROPERTIES)
        if (propsIn[key] !== undefined) writable[key] = propsIn[key];
      if (
        writable.publicNetworkAccess !== undefined &&
        !['Enabled', 'Disabled'].includes(writable.publicNetworkAccess as string)
      ) {
        throw new ArmError(400, 'BadRequest', 'properties.publicNetworkAccess must be Enabled or Disabled.');
      }
      const base = existing
        ? { ...existing, properties: { ...(existing.properties as Record<string, unknown>), ...writable } }
        : buildVault({
            id,
            name: req.params.vaultName ?? '',
            location: location.toLowerCase(),
            properties: writable,
          });
      const vault: ArmResource = {
        ...base,
        sku: body.sku ?? base.sku,
      };
      if (body.tags !== undefined) vault.tags = body.tags;
      if (identity) vault.identity = identity;
      else delete vault.identity;
      const state = backup.adoptVault(vault);
      if (typeof identity?.principalId === 'string') state.principalId = identity.principalId;
      const stored = backup.writeVault(id, vault, req.context);
      const op = startOperation(req, String(stored.location), () => ctx.store.get(id));
      return { status: existing ? 200 : 201, body: stored, headers: op.headers({ location: true }) };
    };

    const getState = (req: ArmRequest) => {
      getVault(req);
      const state = backup.state(vaultId(req));
      if (!state)
        throw resourceNotFound(VAULT_TYPE, req.params.vaultName ?? '', req.params.resourceGroupName);
      return state;
    };

    /** The vault's Backup state and the connection the path names (`connection` undefined when there is none). */
    const connectionOf = (req: ArmRequest) => {
      const state = getState(req);
      const name = req.params.privateEndpointConnectionName ?? '';
      return { state, name, connection: state.connections.get(name.toLowerCase()) };
    };

    const connectionNotFound = (req: ArmRequest): ArmError =>
      new ArmError(
        404,
        'ResourceNotFound',
        `The Resource '${VAULT_TYPE}/${req.params.vaultName}/privateEndpointConnections/${req.params.privateEndpointConnectionName}' under resource group '${req.params.resourceGroupName}' was not found.`,
      );

    ctx.router.add({
      method: 'GET',
      path: PEC_PATH,
      operationId: 'PrivateEndpointConnection_Get',
      resourceType: `${VAULT_TYPE}/privateEndpointConnections`,
      apiVersions: BACKUP_PEC_API_VERSIONS,
      handler: (req) => {
        getState(req);
        const body = backup.connectionResource(vaultId(req), req.params.privateEndpointConnectionName ?? '');
        if (!body) throw connectionNotFound(req);
        return { status: 200, body };
      },
    });

    ctx.router.add({
      method: 'PUT',
      path: PEC_PATH,
      operationId: 'PrivateEndpointConnection_Put',
      resourceType: `${VAULT_TYPE}/privateEndpointConnections`,
      apiVersions: BACKUP_PEC_API_VERSIONS,
      armOperation: `${VAULT_TYPE}/privateEndpointConnections/write`,
      handler: (req) => {
        const { state, name, connection } = connectionOf(req);
        if (!connection) throw connectionNotFound(req);
        const body = req.body as
          | {
              properties?: {
                privateLinkServiceConnectionState?: { status?: unknown; description?: unknown };
                privateEndpoint?: { id?: unknown };
              };
            }
          | undefined;
        const wanted = body?.properties?.privateLinkServiceConnectionState?.status;
        if (typeof wanted !== 'string' || !(DECISIONS as readonly string[]).includes(wanted)) {
          throw new ArmError(
            400,
            'BadRequest',
            `properties.privateLinkServiceConnectionState.status must be one of ${DECISIONS.join(', ')} (got ${JSON.stringify(wanted ?? null)}).`,
          );
        }
        const endpointInBody = body?.properties?.privateEndpoint?.id;
        if (
          typeof endpointInBody === 'string' &&
          endpointInBody.toLowerCase() !== connection.endpointId.toLowerCase()
        ) {
          throw new ArmError(
            400,
            'BadRequest',
            `properties.privateEndpoint.id does not match the connection's endpoint '${connection.endpointId}'.`,
          );
        }
        if (connection.status === 'Disconnected') {
          throw new ArmError(
            400,
            'BadRequest',
            `Private endpoint connection '${name}' is Disconnected and cannot change state; create a new endpoint.`,
          );
        }
        if (connection.provisioningState === 'Pending' || connection.provisioningState === 'Deleting') {
          throw new ArmError(
            409,
            'AnotherOperationInProgress',
            `Another operation on private endpoint connection '${name}' is in progress.`,
          );
        }
        const description = body?.properties?.privateLinkServiceConnectionState?.description;
        backup.markConnection(state.id, name, 'Pending');
        const accepted = backup.connectionResource(state.id, name);
        if (accepted) {
          // The accepted body already shows the requested state, as the service's 201 does.
          const props = accepted.properties as Record<string, unknown>;
          props.privateLinkServiceConnectionState = {
            status: wanted,
            ...(typeof description === 'string' ? { description } : {}),
          };
        }
        const op = startOperation(req, state.location, () => {
          backup.setConnectionState(
            state.id,
            name,
            wanted as (typeof DECISIONS)[number],
            typeof description === 'string' ? description : undefined,
          );
          return backup.connectionResource(state.id, name);
        });
        return { status: 201, body: accepted, headers: op.headers() };
      },
    });

    ctx.router.add({
      method: 'DELETE',
      path: PEC_PATH,
      operationId: 'PrivateEndpointConnection_Delete',
      resourceType: `${VAULT_TYPE}/privateEndpointConnections`,
      apiVersions: BACKUP_PEC_API_VERSIONS,
      armOperation: `${VAULT_TYPE}/privateEndpointConnections/delete`,
      handler: (req) => {
        const { state, name, connection } = connectionOf(req);
        if (!connection) return { status: 204 };
        backup.markConnection(state.id, name, 'Deleting');
        const op = startOperation(req, state.location, () => {
          backup.removeConnection(state.id, name);
          return undefined;
        });
        return { status: 202, headers: op.headers({ location: true }) };
      },
    });

    // Control API: the Backup simulator.
    addControlRoute(ctx, 'POST', '/backup/vaults', (req) => {
      const input = parseBody(createVaultSchema, req);
      const vault = backup.createVault({
        subscriptionId: input.subscriptionId,
        resourceGroup: input.resourceGroup,
        name: input.name,
        ...(input.location !== undefined ? { location: input.location } : {}),
        ...(input.experience !== undefined ? { experience: input.experience } : {}),
        ...(input.publicNetworkAccess !== undefined
          ? { publicNetworkAccess: input.publicNetworkAccess }
          : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
      });
      return { status: 201, body: { vault, backup: backup.describe(vault.id) } };
    });
    addControlRoute(ctx, 'GET', '/backup/vaults', (req) => {
      const id = req.query.get('vaultId');
      if (!id) throw new ArmError(400, 'InvalidControlRequest', 'Pass ?vaultId=<vault resource id>.');
      return { status: 200, body: { ...backup.describe(id), dnsEntries: backup.dnsEntries(id) } };
    });
    addControlRoute(ctx, 'POST', '/backup/endpoints', (req) => {
      const input = parseBody(createEndpointSchema, req);
      const created = backup.createVaultEndpoint({
        vaultId: input.vaultId,
        subscriptionId: input.subscriptionId,
        resourceGroup: input.resourceGroup,
        name: input.name,
        subnetId: input.subnetId,
        ...(input.location !== undefined ? { location: input.location } : {}),
        ...(input.byVaultOwner !== undefined ? { byVaultOwner: input.byVaultOwner } : {}),
        ...(input.requestMessage !== undefined ? { requestMessage: input.requestMessage } : {}),
      });
      return { status: 201, body: created };
    });
    for (const action of ['discover', 'firstBackup', 'addStorage'] as const) {
      addControlRoute(ctx, 'POST', `/backup/${action}`, (req) => {
        const input = parseBody(actionSchema, req);
        return { status: 200, body: backup.run(input.vaultId, action) };
      });
    }
    addControlRoute(ctx, 'POST', '/backup/connections', (req) => {
      const input = parseBody(decisionSchema, req);
      const c = backup.setConnectionState(
        input.vaultId,
        input.connectionName,
        input.status,
        input.description,
      );
      return { status: 200, body: c };
    });
    addControlRoute(ctx, 'POST', '/backup/trust', (req) => {
      const input = parseBody(trustSchema, req);
      if (!backup.state(input.vaultId))
        throw new ArmError(404, 'ResourceNotFound', `Vault '${input.vaultId}' was not found.`);
      backup.trustSubscription(input.vaultId, input.subscriptionId);
      return { status: 200, body: backup.describe(input.vaultId) };
    });
    addControlRoute(ctx, 'PUT', '/backup/settings', (req) => {
      const input = parseBody(settingsSchema, req);
      if (input.defaultExperience !== undefined) backup.options.defaultExperience = input.defaultExperience;
      if (input.serviceChangeEvents !== undefined)
        backup.options.serviceChangeEvents = input.serviceChangeEvents;
      if (input.siblingEndpointEvents !== undefined)
        backup.options.siblingEndpointEvents = input.siblingEndpointEvents;
      return { status: 200, body: backup.options };
    });
  },
};
