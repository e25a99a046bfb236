/**
 * The Event Grid webhook (`/runtime/webhooks/eventgrid?functionName=…&code=…`): the eventgrid_extension system key,
 * the subscription validation handshake (Event Grid schema) and the CloudEvents abuse-protection OPTIONS, and each
 * delivered event handed to the function; a function that fails answers 500 so Event Grid retries.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './durable/api';
import { triggerType, type TriggerHost } from './invoker';
import { keyOf, safeEqual, type ResolvedKeys } from './environment';

export interface EventGridWebhookDeps extends TriggerHost {
  readonly keys: ResolvedKeys;
}

export function eventGridWebhookHandler({
  functions,
  keys,
  invoker,
  extraInputsFor,
  log,
}: EventGridWebhookDeps) {
  const handleEventGrid = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const presented = keyOf(req, url);
    const keyOk =
      presented !== undefined &&
      (safeEqual(presented, keys.system.eventgrid_extension) || safeEqual(presented, keys.master));
    if (!keyOk) {
      sendJson(res, 401, {
        message: 'A valid eventgrid_extension system key is required (code query parameter).',
      });
      return;
    }
    if (method === 'OPTIONS') {
      // CloudEvents webhook abuse protection handshake.
      const origin = req.headers['webhook-request-origin'];
      res.writeHead(200, {
        'WebHook-Allowed-Origin': (Array.isArray(origin) ? origin[0] : origin) ?? '*',
        'WebHook-Allowed-Rate': '*',
      });
      res.end();
      return;
    }
    if (method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const functionName = url.searchParams.get('functionName') ?? '';
    const fn = [...functions.values()].find(
      (f) =>
        f.metadata.name.toLowerCase() === functionName.toLowerCase() && triggerType(f) === 'eventgridtrigger',
    );
    if (!fn) {
      sendJson(res, 404, { message: `No Event Grid triggered function named '${functionName}'.` });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      sendJson(res, 400, { message: 'The body is not valid JSON.' });
      return;
    }
    const eventType = String(req.headers['aeg-event-type'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const events = Array.isArray(payload)
      ? (payload as Record<string, unknown>[])
      : [payload as Record<string, unknown>];
    const isCloudEvents =
      contentType.includes('cloudevents') ||
      events.every((e) => e && typeof e === 'object' && 'specversion' in e);
    if (eventType.toLowerCase() === 'subscriptionvalidation') {
      const validation = events.find(
        (e) => e?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent',
      );
      const code = (validation?.data as { validationCode?: string } | undefined)?.validationCode;
      if (!code) {
        sendJson(res, 400, { message: 'SubscriptionValidation without a validationCode.' });
        return;
      }
      sendJson(res, 200, { validationResponse: code });
      return;
    }
    if (eventType.toLowerCase() === 'subscriptiondeletion') {
      res.writeHead(202).end();
      return;
    }
    if (eventType.toLowerCase() !== 'notification' && !isCloudEvents) {
      sendJson(res, 400, { message: "Missing or unknown 'aeg-event-type' header." });
      return;
    }
    const failures: string[] = [];
    for (const event of events) {
      if (!event || typeof event !== 'object') {
        failures.push('an event is not a JSON object');
        continue;
      }
      try {
        await invoker.invoke(fn, { json: JSON.stringify(event) }, extraInputsFor(fn));
      } catch (error) {
        failures.push(`${idOf(event)}: ${error instanceof Error ? error.message : String(error)}`);
        log(
          'error',
          `Event Grid function '${fn.metadata.name}' failed for event ${idOf(event)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
    if (failures.length > 0) {
      sendJson(res, 500, { message: `${failures.length} of ${events.length} event(s) failed`, failures });
    } else {
      res.writeHead(202).end();
    }
  };
  return handleEventGrid;
}

function idOf(event: Record<string, unknown>): string {
  return typeof event.id === 'string' || typeof event.id === 'number' ? String(event.id) : '?';
}
