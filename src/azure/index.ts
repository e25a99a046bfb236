/** The Azure side of privatelink-dns-sync: ports, their ARM implementations, the client factory and applyPlan. */
import type { AzureClients } from './clients';
import { ArmEndpointReader } from './endpointReader';
import type { EndpointReaderOptions } from './endpointReader';
import type { RetryOptions } from './errors';
import type { AzurePorts } from './ports';
import { PrivateDnsRecordStore } from './recordStore';
import { RecoveryServicesVaultGateway } from './vaultGateway';
import { PrivateDnsZoneReader } from './zoneReader';

export * from './ports';
export { AzureClients, createAzureClients, ARM_SCOPE } from './clients';
export type { AzureClientOptions } from './clients';
export { applyPlan, applyWrites } from './applyPlan';
export type {
  ApplyCounts,
  ApplyPlanDeps,
  ApplyReport,
  ApplyFailure,
  ApplyOutcome,
  ApplyProgress,
  PendingWrite,
} from './applyPlan';
export { SlidingWindowBudget, SlidingWindowPacer, unpaced } from './pacer';
export { GrantedSlotsPacer } from './grantedSlotsPacer';
export type { SlidingWindowPacerOptions } from './pacer';
export { toAzureError, withRetry, retryAfterMs } from './errors';
export type { RetryOptions } from './errors';
export { ArmEndpointReader, scopeQuery, filterScope } from './endpointReader';
export { PrivateDnsRecordStore, recordSetId, zoneId } from './recordStore';
export { PrivateDnsZoneReader } from './zoneReader';
export { RecoveryServicesVaultGateway } from './vaultGateway';

export interface AzurePortsOptions {
  readonly retry?: RetryOptions;
  /** Awaited before every request to the hub's Private DNS (record and zone reads): a read budget. */
  readonly hubReadGate?: () => Promise<void>;
  readonly disableResourceGraph?: boolean;
  /** Poll interval for approve/reject (default 1000 ms). */
  readonly pollIntervalMs?: number;
}

/** All ports over one set of clients. */
export function createAzurePorts(clients: AzureClients, options: AzurePortsOptions = {}): AzurePorts {
  const readerOptions: EndpointReaderOptions = {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.disableResourceGraph ? { disableResourceGraph: true } : {}),
  };
  const hubRetry: RetryOptions = {
    ...(options.retry ?? {}),
    ...(options.hubReadGate ? { beforeAttempt: options.hubReadGate } : {}),
  };
  return {
    endpoints: new ArmEndpointReader(clients, readerOptions),
    records: new PrivateDnsRecordStore(clients, hubRetry),
    zones: new PrivateDnsZoneReader(clients, hubRetry),
    vaults: new RecoveryServicesVaultGateway(clients, {
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    }),
  };
}
