/** Shared setup for integration tests against the local ARM emulator. */
import https from 'node:https';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../arm/server';

export const HUB_SUBSCRIPTION = '00000000-0000-4000-8000-00000000a0b1';
export const SPOKE_SUBSCRIPTION = '00000000-0000-4000-8000-00000000c0d2';
export const SPOKE_RG = 'rg-spoke';
export const HUB_RG = 'rg-hub-dns';
export const SPOKE_VNET_ID = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
export const SPOKE_SUBNET_ID = `${SPOKE_VNET_ID}/subnets/snet-pe`;
export const HUB_VNET_ID = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;

/** A hub subscription with a DNS resource group and VNet, and a spoke with a VNet for private endpoints. */
export const standardSeed: NonNullable<ArmEmulatorOptions['seed']> = {
  subscriptions: [
    {
      subscriptionId: HUB_SUBSCRIPTION,
      displayName: 'hub',
      resourceGroups: [
        {
          name: HUB_RG,
          location: 'eastus',
          virtualNetworks: [
            {
              name: 'vnet-hub',
              addressPrefixes: ['10.0.0.0/16'],
              subnets: [{ name: 'snet-dns', addressPrefix: '10.0.0.0/24' }],
            },
          ],
        },
      ],
    },
    {
      subscriptionId: SPOKE_SUBSCRIPTION,
      displayName: 'spoke',
      resourceGroups: [
        {
          name: SPOKE_RG,
          location: 'eastus',
          virtualNetworks: [
            {
              name: 'vnet-spoke',
              addressPrefixes: ['10.12.0.0/16'],
              subnets: [{ name: 'snet-pe', addressPrefix: '10.12.0.0/24' }],
            },
          ],
        },
      ],
    },
  ],
};

/** Client options on the emulator without the SDK's retries, so a test sees every answer (429s and faults too). */
export function withoutRetries(emu: ArmEmulator): ReturnType<ArmEmulator['clientOptions']> & {
  retryOptions: { maxRetries: number };
} {
  return { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
}

export async function startSeededEmulator(options: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  return startArmEmulator({ seed: standardSeed, ...options });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary ARM JSON
  json: any;
}

/** A plain HTTPS request to the emulator (trusting its CA), with a bearer token unless `token: null`. */
export async function armRequest(
  emu: ArmEmulator,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<RawResponse> {
  const token =
    options.token === undefined
      ? (await emu.credential().getToken('https://management.azure.com/.default')).token
      : options.token;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${emu.url}${path}`,
      {
        method,
        ca: emu.caPem,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface CapturedResponse {
  method: string;
  url: string;
  status: number;
  body: unknown;
  /** Parsed JSON the client sent (undefined without a body). */
  requestBody: unknown;
}

/** Records every raw response a real SDK client receives (a pipeline policy; the client is otherwise unchanged). */
export function captureResponses(client: {
  pipeline: { addPolicy(policy: unknown): void };
}): CapturedResponse[] {
  const captured: CapturedResponse[] = [];
  client.pipeline.addPolicy({
    name: 'captureEmulatorResponses',
    async sendRequest(
      request: { method: string; url: string; body?: unknown },
      next: (r: unknown) => Promise<{ status: number; bodyAsText?: string | null }>,
    ) {
      const response = await next(request);
      let body: unknown;
      try {
        body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
      } catch {
        body = response.bodyAsText;
      }
      const requestBody =
        typeof request.body === 'string' ? (JSON.parse(request.body) as unknown) : undefined;
      captured.push({ method: request.method, url: request.url, status: response.status, body, requestBody });
      return response;
    },
  });
  return captured;
}

/** What a failed SDK call throws (a `RestError`), as far as the tests read it. */
export interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
  response?: { headers: { get(name: string): string | undefined } };
  details?: {
    error?: { code?: string; message?: string; details?: Array<{ code: string; message: string }> };
  };
}

/** The error `p` rejects with; throws when it resolves instead. */
export async function failure(p: Promise<unknown>): Promise<RestErrorLike> {
  try {
    await p;
  } catch (e) {
    return e as RestErrorLike;
  }
  throw new Error('expected the call to fail');
}

/** A response read straight from the wire, named by the operation the request was meant for. */
export interface RawOperationResponse {
  operationId: string;
  status: number;
  body: unknown;
}

/** Sends each `[operationId, method, path, body?]` with `armRequest` and keeps the responses (error bodies). */
export async function sendRaw(
  emu: ArmEmulator,
  requests: ReadonlyArray<readonly [operationId: string, method: string, path: string, body?: unknown]>,
): Promise<RawOperationResponse[]> {
  const responses: RawOperationResponse[] = [];
  for (const [operationId, method, path, body] of requests) {
    const res = await armRequest(emu, method, path, body === undefined ? {} : { body });
    responses.push({ operationId, status: res.status, body: res.json });
  }
  return responses;
}

/** The operationId of the emulator route that served a captured request. */
export function routedOperationId(emu: ArmEmulator, c: { method: string; url: string }): string {
  const match = emu.router.match(c.method, new URL(c.url).pathname);
  if (!match || 'methodMismatch' in match) throw new Error(`Unrouted ${c.method} ${c.url}`);
  return match.route.operationId;
}
