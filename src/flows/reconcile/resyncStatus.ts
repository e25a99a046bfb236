/**
 * `GET /api/resync/{id}` (function key): where a resync run stands — its runtime status, progress (custom
 * status) and, once finished, its output (the plan or the applied report). Only `resync-<uuid>` instances of
 * the `reconcile` orchestration are answered; anything else is 404, so this key cannot read other instances.
 * Nothing here reveals the task hub's system key or a management URL.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { ORCHESTRATIONS } from '../../durable/names';
import { errorResponse } from '../../durable/http';
import { findInstance } from '../../durable/instances';

const RESYNC_ID = /^resync-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `https://host/api/resync/<id>` from the URL the resync request came in on (route prefix kept). */
export function resyncStatusUrl(requestUrl: string, instanceId: string): string {
  const url = new URL(requestUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(instanceId)}`;
}

export async function resyncStatus(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const notFound = errorResponse(404, 'ResyncNotFound', 'No resync run with this id.');
  if (!RESYNC_ID.test(id)) return notFound;
  const status = await findInstance(client, id);
  if (!status || status.name !== ORCHESTRATIONS.reconcile) return notFound;
  const running = ['Pending', 'Running', 'ContinuedAsNew'].includes(status.runtimeStatus);
  return {
    status: running ? 202 : 200,
    ...(running ? { headers: { 'Retry-After': '5' } } : {}),
    jsonBody: {
      id,
      runtimeStatus: status.runtimeStatus,
      createdTime: status.createdTime,
      lastUpdatedTime: status.lastUpdatedTime,
      customStatus: status.customStatus ?? null,
      output: status.output ?? null,
    },
  };
}

df.app.client.http(FUNCTION_NAMES.resyncStatus, {
  route: 'resync/{id}',
  methods: ['GET'],
  authLevel: 'function',
  handler: resyncStatus,
});
