/**
 * `POST /api/resync` (function key): starts a `reconcile` for the requested scope and answers 202 with the app's
 * own status URL (`GET /api/resync/{id}`, resyncStatus.ts). The durable management URLs are never handed out:
 * they carry the task hub's system key, which would let the caller raise events to, or terminate, any instance.
 * The instance's output is the plan (dry run) or the applied report. Bad bodies get 400 with field-level errors,
 * bodies over 64 KiB get 413, an unusable configuration 503.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { FUNCTION_NAMES } from '../../core/functionNames';
import { ORCHESTRATIONS } from '../../durable/names';
import { badRequest, fieldErrors, parseJsonText, readBoundedBody } from '../../durable/http';
import { RESYNC_BODY_MAX_BYTES, resyncBodySchema, toReconcileInput } from './resyncRequest';
import { resyncStatusUrl } from './resyncStatus';
import { configurationInvalid, loadRuntime } from '../../durable/runtime';

/** Instance ids of resync runs: `resync-<uuid>`, the only ids `GET /api/resync/{id}` answers for. */
export function newResyncInstanceId(): string {
  return `resync-${randomUUID()}`;
}

export async function resync(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = loadRuntime();
  if (!loaded.ok) return configurationInvalid(loaded.error);

  const raw = await readBoundedBody(request, RESYNC_BODY_MAX_BYTES);
  if (!raw.ok) return raw.response;
  // An empty body means the defaults: everything, applied.
  const json = raw.text.trim() === '' ? { ok: true as const, value: {} } : parseJsonText(raw.text);
  if (!json.ok) return json.response;
  const body = resyncBodySchema.safeParse(json.value);
  if (!body.success) return badRequest('The resync request is invalid.', fieldErrors(body.error));
  const mapped = toReconcileInput(body.data, loaded.runtime.config);
  if (!mapped.ok) return badRequest('The resync scope is invalid.', mapped.issues);

  const instanceId = await client.startNew(ORCHESTRATIONS.reconcile, {
    instanceId: newResyncInstanceId(),
    input: mapped.input,
  });
  context.log(
    `resync ${instanceId}: scope ${JSON.stringify(mapped.input.scope)}, dryRun ${String(mapped.input.dryRun ?? false)}`,
  );
  const statusUri = resyncStatusUrl(request.url, instanceId);
  return {
    status: 202,
    headers: { Location: statusUri, 'Retry-After': '5' },
    jsonBody: { id: instanceId, statusUri },
  };
}

df.app.client.http(FUNCTION_NAMES.resync, {
  route: 'resync',
  methods: ['POST'],
  authLevel: 'function',
  handler: resync,
});
