import { readFileSync } from 'node:fs';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { cloudProfile } from '../core/clouds';
import type { AzureCloudName } from '../core/clouds';
import { TELEMETRY_COUNTERS } from '../core/telemetry';
import { recordCount } from './telemetry';

/** The public cloud's token scope and endpoint (see `cloudProfile` for the others). */
export const ARM_SCOPE = cloudProfile('AzureCloud').credentialScope;
export const PUBLIC_ARM_ENDPOINT = cloudProfile('AzureCloud').resourceManager;
const USER_AGENT = 'privatelink-dns-sync';

export interface AzureClientOptions {
  /**
   * Defaults to the credential `identity` names, with `managedIdentityClientId` when given:
   * `ManagedIdentityCredential` for the Function app, `DefaultAzureCredential` for the CLI.
   */
  readonly credential?: TokenCredential;
  /**
   * `managed-identity` (the default: the Function app signs in only as its managed identity, through the host's
   * IDENTITY_ENDPOINT / IDENTITY_HEADER, which `local/arm` serves too) or `default` (DefaultAzureCredential: the
   * CLI on a workstation with `az login`, environment credentials, or a VM's identity).
   */
  readonly identity?: 'managed-identity' | 'default';
  /**
   * The Azure cloud (AZURE_CLOUD): its Resource Manager endpoint, token scope and sign-in authority. Default
   * AzureCloud.
   */
  readonly cloud?: AzureCloudName;
  /** ARM endpoint; defaults to the cloud's. Point it at `local/arm` for tests and demos. */
  readonly armEndpoint?: string;
  /** PEM of an extra CA to trust for `armEndpoint` (the emulator's self-signed certificate). */
  readonly caPem?: string;
  /** File holding that PEM (read once, here). */
  readonly caFile?: string;
  /** Client id of a user-assigned managed identity. */
  readonly managedIdentityClientId?: string;
  /**
   * Retries the SDK pipeline makes on its own. Default 0: the adapters retry themselves, so every 429 and 5xx is
   * seen, honoured (`Retry-After`) and counted.
   */
  readonly sdkRetries?: number;
}

/** Options every `@azure/arm-*` client accepts (classic and modular generations alike). */
export interface CommonClientOptions {
  readonly endpoint: string;
  readonly credentialScopes: string[];
  readonly credentials: { scopes: string[] };
  readonly tlsOptions?: { ca: string };
  readonly retryOptions: { maxRetries: number };
  readonly userAgentOptions: { userAgentPrefix: string };
  readonly additionalPolicies: { policy: PipelinePolicy; position: 'perRetry' }[];
}

/**
 * The resource type an ARM request addresses: the segments after the last `providers/<namespace>/`, names
 * dropped (`privateDnsZones/A` for a record set, `privateEndpoints` for an endpoint); `resources` for Resource
 * Graph and other provider-level calls.
 */
export function armResourceType(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'unknown';
  }
  const segments = path.split('/').filter((s) => s !== '');
  const at = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (at < 0 || at + 2 >= segments.length) return 'resources';
  const rest = segments.slice(at + 2);
  const types = rest.filter((_, i) => i % 2 === 0);
  return types.join('/') || 'resources';
}

/**
 * Counts every 429 Azure Resource Manager answers (`ArmThrottled`), retried or not. It sits per retry, so a
 * retry the SDK makes by itself is counted too.
 */
export const throttleTelemetryPolicy: PipelinePolicy = {
  name: 'pldsThrottleTelemetry',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status === 429) {
      recordCount(TELEMETRY_COUNTERS.armThrottled, {
        method: request.method,
        resourceType: armResourceType(request.url),
        status: 429,
      });
    }
    return response;
  },
};

/**
 * Creates and caches the ARM clients. One instance per process (or per CLI run); clients are per subscription
 * because the SDKs bind the subscription id at construction.
 */
export class AzureClients {
  readonly credential: TokenCredential;
  readonly endpoint: string;
  readonly resourceGraphEndpoint: string;
  readonly cloud: AzureCloudName;
  /** The token scope every client asks for: the cloud's Resource Manager scope (also for `local/arm`). */
  readonly credentialScope: string;
  readonly clientOptions: CommonClientOptions;
  private readonly cache = new Map<string, unknown>();

  constructor(options: AzureClientOptions = {}) {
    const profile = cloudProfile(options.cloud);
    this.cloud = profile.name;
    this.credential = options.credential ?? defaultCredential(options, profile.authorityHost);
    this.endpoint = (options.armEndpoint ?? profile.resourceManager).replace(/\/+$/, '');
    // Resource Graph answers on Resource Manager's endpoint in every cloud; an override (local/arm) serves both.
    this.resourceGraphEndpoint = (options.armEndpoint ?? profile.resourceGraph).replace(/\/+$/, '');
    this.credentialScope = profile.credentialScope;
    const ca = options.caPem ?? (options.caFile ? readCaFile(options.caFile) : undefined);
    this.clientOptions = {
      endpoint: this.endpoint,
      credentialScopes: [this.credentialScope],
      credentials: { scopes: [this.credentialScope] },
      ...(ca ? { tlsOptions: { ca } } : {}),
      retryOptions: { maxRetries: options.sdkRetries ?? 0 },
      userAgentOptions: { userAgentPrefix: USER_AGENT },
      additionalPolicies: [{ policy: throttleTelemetryPolicy, position: 'perRetry' }],
    };
  }

  network(subscriptionId: string): NetworkManagementClient {
    return this.cached(
      `network|${subscriptionId}`,
      () => new NetworkManagementClient(this.credential, subscriptionId, this.clientOptions),
    );
  }

  privateDns(subscriptionId: string): PrivateDnsManagementClient {
    return this.cached(
      `dns|${subscriptionId}`,
      () => new PrivateDnsManagementClient(this.credential, subscriptionId, this.clientOptions),
    );
  }

  recoveryServices(subscriptionId: string): RecoveryServicesClient {
    return this.cached(
      `rsv|${subscriptionId}`,
      () => new RecoveryServicesClient(this.credential, subscriptionId, this.clientOptions),
    );
  }

  backup(subscriptionId: string): RecoveryServicesBackupClient {
    return this.cached(
      `backup|${subscriptionId}`,
      () => new RecoveryServicesBackupClient(this.credential, subscriptionId, this.clientOptions),
    );
  }

  /** Resource Graph is tenant-wide; the subscriptions go into each query. */
  resourceGraph(): ResourceGraphClient {
    return this.cached(
      'graph',
      () =>
        new ResourceGraphClient(this.credential, {
          ...this.clientOptions,
          endpoint: this.resourceGraphEndpoint,
        }),
    );
  }

  private cached<T>(key: string, make: () => T): T {
    const lower = key.toLowerCase();
    let client = this.cache.get(lower) as T | undefined;
    if (client === undefined) {
      client = make();
      this.cache.set(lower, client);
    }
    return client;
  }
}

/**
 * The one factory: `createAzureClients({ armEndpoint, caFile })` for `local/arm`, `{ cloud }` for Azure (`{}` is
 * the public cloud).
 */
export function createAzureClients(options: AzureClientOptions = {}): AzureClients {
  return new AzureClients(options);
}

function defaultCredential(options: AzureClientOptions, authorityHost: string): TokenCredential {
  const clientId = options.managedIdentityClientId;
  if ((options.identity ?? 'managed-identity') === 'managed-identity') {
    return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  }
  return new DefaultAzureCredential({
    authorityHost,
    ...(clientId ? { managedIdentityClientId: clientId } : {}),
  });
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new Error(`cannot read CA file ${file} (${code === 'ENOENT' ? 'no such file' : code})`);
  }
}
