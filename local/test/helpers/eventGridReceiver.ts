/**
 * A webhook receiver for Event Grid deliveries in tests: answers the validation handshake (Event Grid schema
 * or CloudEvents), records every notification it accepts, and can be told to fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface ReceiverBehaviour {
  /** Answer to the SubscriptionValidationEvent: echo the code (default), send a wrong one, or 202 with no body. */
  validation?: 'echo' | 'wrong' | 'accepted';
  /** Allowed origin for the CloudEvents OPTIONS handshake (default: echo the request origin). */
  allowedOrigin?: string | null;
  /** Status for the next N notifications before accepting (e.g. [500, 503]). */
  failWith?: number[];
}

export class EventGridReceiver {
  readonly requests: ReceivedRequest[] = [];
  behaviour: ReceiverBehaviour;
  private server: http.Server | undefined;
  private port = 0;

  constructor(behaviour: ReceiverBehaviour = {}) {
    this.behaviour = behaviour;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/events`;
  }

  /** Notification bodies accepted (2xx), in arrival order. */
  get accepted(): string[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.headers['aeg-event-type'] === 'Notification' && r.status < 300)
      .map((r) => r.body);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const record = (status: number): void => {
      this.requests.push({ method: req.method ?? '', headers: req.headers, body, status });
    };
    if (req.method === 'OPTIONS') {
      const origin = req.headers['webhook-request-origin'];
      const allowed = this.behaviour.allowedOrigin === undefined ? origin : this.behaviour.allowedOrigin;
      record(200);
      res.writeHead(
        200,
        allowed ? { 'WebHook-Allowed-Origin': String(allowed), Allow: 'POST' } : { Allow: 'POST' },
      );
      res.end();
      return;
    }
    if (req.headers['aeg-event-type'] === 'SubscriptionValidation') {
      const events = JSON.parse(body) as Array<{ data: { validationCode: string } }>;
      const code = events[0]?.data.validationCode ?? '';
      const mode = this.behaviour.validation ?? 'echo';
      if (mode === 'accepted') {
        record(202);
        res.writeHead(202);
        res.end();
        return;
      }
      record(200);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ validationResponse: mode === 'echo' ? code : `not-${code}` }));
      return;
    }
    const fail = this.behaviour.failWith?.shift();
    const status = fail ?? 200;
    record(status);
    res.writeHead(status);
    res.end();
  }
}
