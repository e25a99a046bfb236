import type { IncomingMessage, ServerResponse } from 'node:http';
import { DurableError, type DurableEngine, type OrchestrationStatusJson } from './engine';

/**
 * The Durable Functions HTTP API, served twice: on the RPC base URL the durable client binding
 * points at (`/durabletask/...`, loopback only, no key, as the extension's local RPC endpoint) and
 * under `/runtime/webhooks/durabletask/...` on the main server (the management URLs from
 * `createCheckStatusResponse`, which carry a system key).
 */
export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export function managementUrls(webhookBase: string, taskHubName: string, key: string): ManagementUrls {
  const q = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage&code=${encodeURIComponent(key)}`;
  const instance = `${webhookBase}/instances/INSTANCEID`;
  return {
    id: 'INSTANCEID',
    statusQueryGetUri: `${instance}?${q}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${q}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${instance}?${q}`,
    restartPostUri: `${instance}/restart?${q}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${q}`,
    resumePostUri: `${instance}/resume?reason={text}&${q}`,
  };
}

export function linksFor(urls: ManagementUrls, instanceId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(urls))
    out[k] = v.split('INSTANCEID').join(encodeURIComponent(instanceId));
  out.id = instanceId;
  return out;
}

export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new DurableError(413, 'Request body too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function statusCodeOf(status: OrchestrationStatusJson): number {
  return status.runtimeStatus === 'Pending' || status.runtimeStatus === 'Running' ? 202 : 200;
}

/**
 * Handles one request whose path (below the API base) is `subPath`. Returns false when the path is
 * not part of the API.
 */
export async function handleDurableApi(
  engine: DurableEngine,
  urls: ManagementUrls,
  subPath: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const parts = subPath
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  const method = (req.method ?? 'GET').toUpperCase();
  const q = url.searchParams;
  try {
    // POST orchestrators/{name}[/{instanceId}]
    if (parts[0] === 'orchestrators' && parts.length >= 2 && parts.length <= 3 && method === 'POST') {
      const body = (await readBody(req)).toString('utf8');
      const record = engine.startNew(parts[1] ?? '', parts[2], body.length > 0 ? body : undefined);
      const links = linksFor(urls, record.instanceId);
      sendJson(res, 202, links, { Location: links.statusQueryGetUri ?? '' });
      return true;
    }
    if (parts[0] === 'instances') {
      const id = parts[1];
      if (id === undefined) {
        if (method === 'GET') {
          const statuses = q.get('runtimeStatus');
          const from = q.get('createdTimeFrom');
          const to = q.get('createdTimeTo');
          sendJson(
            res,
            200,
            engine.listInstances({
              runtimeStatus: statuses ? statuses.split(',').filter((s) => s.length > 0) : undefined,
              createdTimeFrom: from ? new Date(from) : undefined,
              createdTimeTo: to ? new Date(to) : undefined,
              instanceIdPrefix: q.get('instanceIdPrefix') ?? undefined,
            }),
          );
          return true;
        }
        if (method === 'DELETE') {
          const statuses = q.get('runtimeStatus')?.split(',');
          let deleted = 0;
          for (const status of engine.listInstances({ runtimeStatus: statuses })) {
            if (
              ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus) &&
              engine.purge(status.instanceId)
            )
              deleted++;
          }
          sendJson(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
          return true;
        }
        return false;
      }
      const action = parts[2];
      if (action === undefined && method === 'GET') {
        const status = engine.getStatus(id, q.get('showHistory') === 'true', q.get('showInput') !== 'false');
        if (!status) {
          sendJson(res, 404, { message: `No instance with ID '${id}' found.` });
        } else {
          sendJson(
            res,
            statusCodeOf(status),
            status,
            statusCodeOf(status) === 202 ? { Location: linksFor(urls, id).statusQueryGetUri ?? '' } : {},
          );
        }
        return true;
      }
      if (action === undefined && method === 'DELETE') {
        const purged = engine.purge(id);
        sendJson(res, purged ? 200 : 404, { instancesDeleted: purged ? 1 : 0 });
        return true;
      }
      if (action === 'raiseEvent' && parts[3] && method === 'POST') {
        // As the extension's handler: the instance's status first (404 unknown, 410 Completed, Failed or
        // Terminated, both without content), then the body (400 unless application/json and valid JSON).
        const body = (await readBody(req)).toString('utf8');
        const status = engine.getStatus(id, false, false);
        if (!status || ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus)) {
          res.writeHead(status ? 410 : 404);
          res.end();
          return true;
        }
        const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (body.length > 0 && mediaType !== 'application/json') {
          sendJson(res, 400, { message: 'Only application/json request content is supported' });
          return true;
        }
        if (body.length > 0) JSON.parse(body);
        const outcome = engine.raiseEvent(id, parts[3], body.length > 0 ? body : undefined);
        sendJson(res, outcome === 'accepted' ? 202 : outcome === 'gone' ? 410 : 404, undefined);
        return true;
      }
      if (action === 'terminate' && method === 'POST') {
        const outcome = engine.terminate(id, q.get('reason') ?? '');
        sendJson(res, outcome === 'accepted' ? 202 : outcome === 'gone' ? 410 : 404, undefined);
        return true;
      }
      if (['rewind', 'suspend', 'resume', 'restart'].includes(action ?? '') && method === 'POST') {
        sendJson(res, 501, { message: `'${action}' is not supported by the local host.` });
        return true;
      }
      return false;
    }
    // entities/{name}/{key}
    if (parts[0] === 'entities' && parts.length === 3) {
      const name = parts[1] ?? '';
      const key = parts[2] ?? '';
      if (method === 'GET') {
        const { exists, state } = engine.readEntity(name, key);
        sendJson(res, exists ? 200 : 404, exists ? state : undefined);
        return true;
      }
      if (method === 'POST') {
        const body = (await readBody(req)).toString('utf8');
        if (body.length > 0) JSON.parse(body);
        const op = q.get('op') ?? '';
        engine.signalEntity(name, key, op, body.length > 0 ? body : undefined);
        sendJson(res, 202, undefined);
        return true;
      }
    }
    return false;
  } catch (error) {
    if (error instanceof DurableError) {
      sendJson(res, error.status, { message: error.message });
    } else if (error instanceof SyntaxError) {
      sendJson(res, 400, { message: `Body is not valid JSON: ${error.message}` });
    } else {
      sendJson(res, 500, { message: error instanceof Error ? error.message : String(error) });
    }
    return true;
  }
}
