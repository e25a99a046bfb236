import type { RecordSet } from '@azure/arm-privatedns';
import { readRecordSet } from '../core/recordSets';
import type { CurrentRecordSet } from '../core/types';
import type { AzureClients } from './clients';
import { breathe } from './slices';
import { listAllPages, toAzureError, withRetry } from './errors';
import type { RetryOptions } from './errors';
import type { ListRecordSetsOptions, RecordSetContent, RecordSetStore, ZoneRef } from './ports';

/** ARM id of a zone or of an A record set in it (for errors and logs). */
export function zoneId(zone: ZoneRef): string {
  return `/subscriptions/${zone.subscriptionId}/resourceGroups/${zone.resourceGroup}/providers/Microsoft.Network/privateDnsZones/${zone.zone}`;
}

export function recordSetId(zone: ZoneRef, name: string): string {
  return `${zoneId(zone)}/A/${name}`;
}

function toCurrent(rs: RecordSet, zone: ZoneRef, name: string): CurrentRecordSet {
  const read = readRecordSet({ ...rs, id: rs.id ?? recordSetId(zone, name), name: rs.name ?? name });
  if (!read.ok) throw toAzureError(new Error(read.message), recordSetId(zone, name));
  return read.recordSet;
}

function body(content: RecordSetContent): RecordSet {
  return {
    ttl: content.ttl,
    metadata: content.metadata,
    aRecords: content.ips.map((ipv4Address) => ({ ipv4Address })),
  };
}

/**
 * Hub record sets through `@azure/arm-privatedns`. Reads retry transient failures; writes do NOT retry here
 * (`applyPlan` owns write retries, pacing and 412 handling) and throw `AzureOperationError`s.
 */
export class PrivateDnsRecordStore implements RecordSetStore {
  constructor(
    private readonly clients: AzureClients,
    private readonly retry: RetryOptions = {},
  ) {}

  async listRecordSets(zone: ZoneRef, options: ListRecordSetsOptions = {}): Promise<CurrentRecordSet[]> {
    const client = this.clients.privateDns(zone.subscriptionId);
    const wanted = options.names ? new Set(options.names.map((n) => n.toLowerCase())) : undefined;
    const listed = await listAllPages(
      zoneId(zone),
      (continuationToken) =>
        client.recordSets
          .listByType(zone.resourceGroup, zone.zone, 'A', {
            top: 1000,
            ...(options.nameSuffix ? { recordsetnamesuffix: options.nameSuffix } : {}),
          })
          .byPage(continuationToken ? { continuationToken } : {}),
      this.retry,
    );
    const out: CurrentRecordSet[] = [];
    // A zone may hold thousands of record sets: read them a slice at a time (see slices.ts).
    for (const rs of listed) {
      await breathe();
      const read = readRecordSet(rs);
      if (!read.ok) continue;
      if (wanted && !wanted.has(read.recordSet.name)) continue;
      out.push(read.recordSet);
    }
    return out;
  }

  async getRecordSet(zone: ZoneRef, name: string): Promise<CurrentRecordSet | undefined> {
    const id = recordSetId(zone, name);
    try {
      const rs = await withRetry(
        id,
        () =>
          this.clients
            .privateDns(zone.subscriptionId)
            .recordSets.get(zone.resourceGroup, zone.zone, 'A', name),
        this.retry,
      );
      return toCurrent(rs, zone, name);
    } catch (error) {
      if (toAzureError(error, id).statusCode === 404) return undefined;
      throw error;
    }
  }

  async createRecordSet(zone: ZoneRef, content: RecordSetContent): Promise<CurrentRecordSet> {
    const id = recordSetId(zone, content.name);
    try {
      const rs = await this.clients
        .privateDns(zone.subscriptionId)
        .recordSets.createOrUpdate(zone.resourceGroup, zone.zone, 'A', content.name, body(content), {
          ifNoneMatch: '*',
        });
      return toCurrent(rs, zone, content.name);
    } catch (error) {
      throw toAzureError(error, id);
    }
  }

  async updateRecordSet(zone: ZoneRef, content: RecordSetContent, etag: string): Promise<CurrentRecordSet> {
    const id = recordSetId(zone, content.name);
    try {
      const rs = await this.clients
        .privateDns(zone.subscriptionId)
        .recordSets.createOrUpdate(zone.resourceGroup, zone.zone, 'A', content.name, body(content), {
          ...(etag ? { ifMatch: etag } : {}),
        });
      return toCurrent(rs, zone, content.name);
    } catch (error) {
      throw toAzureError(error, id);
    }
  }

  async deleteRecordSet(zone: ZoneRef, name: string, etag: string): Promise<void> {
    const id = recordSetId(zone, name);
    try {
      await this.clients
        .privateDns(zone.subscriptionId)
        .recordSets.delete(zone.resourceGroup, zone.zone, 'A', name, { ...(etag ? { ifMatch: etag } : {}) });
    } catch (error) {
      const azureError = toAzureError(error, id);
      if (azureError.statusCode === 404) return;
      throw azureError;
    }
  }
}
