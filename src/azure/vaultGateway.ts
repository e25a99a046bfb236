import { z } from 'zod';
import { canonicalId, parseResourceId } from '../core/resourceId';
import type { AzureClients } from './clients';
import { toAzureError, withRetry } from './errors';
import type { RetryOptions } from './errors';
import { ConnectionStateChangedError } from './ports';
import type { ConnectionDecision, PrivateEndpointConnectionInfo, VaultGateway, VaultInfo } from './ports';

const connectionSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  properties: z
    .object({
      provisioningState: z.string().optional().nullable(),
      privateEndpoint: z.object({ id: z.string().optional() }).optional().nullable(),
      groupIds: z.array(z.string()).optional().nullable(),
      privateLinkServiceConnectionState: z
        .object({
          status: z.string().optional().nullable(),
          description: z.string().optional().nullable(),
        })
        .optional()
        .nullable(),
    })
    .optional()
    .nullable(),
});

const vaultSchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string().optional(),
  identity: z
    .object({ type: z.string().optional().nullable(), principalId: z.string().optional().nullable() })
    .optional()
    .nullable(),
  properties: z
    .object({
      publicNetworkAccess: z.string().optional().nullable(),
      privateEndpointStateForBackup: z.string().optional().nullable(),
      privateEndpointConnections: z.array(connectionSchema).optional().nullable(),
    })
    .optional()
    .nullable(),
});

function toConnection(raw: z.infer<typeof connectionSchema>): PrivateEndpointConnectionInfo {
  const props = raw.properties ?? {};
  const id = raw.id ?? '';
  return {
    id,
    name: raw.name ?? id.split('/').pop() ?? '',
    privateEndpointId: canonicalId(props.privateEndpoint?.id ?? ''),
    status: props.privateLinkServiceConnectionState?.status ?? '',
    description: props.privateLinkServiceConnectionState?.description ?? '',
    groupIds: props.groupIds ?? [],
    provisioningState: props.provisioningState ?? '',
  };
}

export interface VaultGatewayOptions {
  readonly retry?: RetryOptions;
  /** Poll interval for the approve/reject long-running operation (default 1000 ms; Azure's Retry-After wins). */
  readonly pollIntervalMs?: number;
}

/**
 * Recovery Services vaults (`@azure/arm-recoveryservices`) and their private endpoint connections, which live in
 * the Backup API (`@azure/arm-recoveryservicesbackup`, note its vault-name-first argument order).
 */
export class RecoveryServicesVaultGateway implements VaultGateway {
  constructor(
    private readonly clients: AzureClients,
    private readonly options: VaultGatewayOptions = {},
  ) {}

  async getVault(vaultId: string): Promise<VaultInfo | undefined> {
    const id = parseResourceId(vaultId);
    if (!id) throw toAzureError(new Error(`"${vaultId}" is not a resource id`), vaultId);
    let body: unknown;
    try {
      const model = await withRetry(
        vaultId,
        () =>
          this.clients.recoveryServices(id.subscriptionId).vaults.get(id.resourceGroup, id.name, {
            onResponse: (raw) => {
              body = (raw as { parsedBody?: unknown }).parsedBody;
            },
          }),
        this.options.retry ?? {},
      );
      body ??= model;
    } catch (error) {
      if (toAzureError(error, vaultId).statusCode === 404) return undefined;
      throw error;
    }
    const parsed = vaultSchema.safeParse(body);
    if (!parsed.success) {
      throw toAzureError(
        new Error(`unexpected vault body: ${parsed.error.issues[0]?.message ?? ''}`),
        vaultId,
      );
    }
    const vault = parsed.data;
    const props = vault.properties ?? {};
    return {
      id: vault.id,
      name: vault.name,
      location: (vault.location ?? '').toLowerCase(),
      identityType: vault.identity?.type ?? 'None',
      ...(vault.identity?.principalId ? { principalId: vault.identity.principalId } : {}),
      publicNetworkAccess: props.publicNetworkAccess ?? '',
      ...(props.privateEndpointStateForBackup
        ? { privateEndpointStateForBackup: props.privateEndpointStateForBackup }
        : {}),
      connections: (props.privateEndpointConnections ?? []).map(toConnection),
    };
  }

  async listPendingConnections(vaultId: string): Promise<PrivateEndpointConnectionInfo[]> {
    const vault = await this.getVault(vaultId);
    return (vault?.connections ?? []).filter((c) => c.status.toLowerCase() === 'pending');
  }

  async decideConnection(
    connectionId: string,
    decision: ConnectionDecision,
    description: string,
    options: { readonly expectStatus?: string } = {},
  ): Promise<PrivateEndpointConnectionInfo> {
    // .../vaults/{vault}/privateEndpointConnections/{name}
    const parts = connectionId.split('/');
    const name = decodeURIComponent(parts[parts.length - 1] ?? '');
    const vaultId = parts.slice(0, -2).join('/');
    const vault = parseResourceId(vaultId);
    if (!vault || parts[parts.length - 2]?.toLowerCase() !== 'privateendpointconnections' || name === '') {
      throw toAzureError(
        new Error(`"${connectionId}" is not a vault private endpoint connection id`),
        connectionId,
      );
    }
    const ops = this.clients.backup(vault.subscriptionId).privateEndpointConnectionOperations;
    try {
      const current = await withRetry(
        connectionId,
        () => ops.get(vault.name, vault.resourceGroup, name),
        this.options.retry ?? {},
      );
      const status = current.properties?.privateLinkServiceConnectionState?.status ?? '';
      if (options.expectStatus !== undefined && status.toLowerCase() !== options.expectStatus.toLowerCase()) {
        throw new ConnectionStateChangedError(connectionId, options.expectStatus, status);
      }
      const result = await ops.beginPutAndWait(
        vault.name,
        vault.resourceGroup,
        name,
        {
          properties: {
            ...(current.properties?.privateEndpoint
              ? { privateEndpoint: current.properties.privateEndpoint }
              : {}),
            privateLinkServiceConnectionState: { status: decision, description },
          },
        },
        { updateIntervalInMs: this.options.pollIntervalMs ?? 1000 },
      );
      return toConnection({
        id: result.id ?? connectionId,
        name: result.name ?? name,
        properties: {
          provisioningState: result.properties?.provisioningState ?? null,
          privateEndpoint: {
            id: result.properties?.privateEndpoint?.id ?? current.properties?.privateEndpoint?.id ?? '',
          },
          groupIds: result.properties?.groupIds ?? current.properties?.groupIds ?? [],
          privateLinkServiceConnectionState: {
            status: result.properties?.privateLinkServiceConnectionState?.status ?? decision,
            description: result.properties?.privateLinkServiceConnectionState?.description ?? description,
          },
        },
      });
    } catch (error) {
      throw toAzureError(error, connectionId);
    }
  }
}
