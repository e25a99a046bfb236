/**
 * One local Azure for an app: the ARM emulator (`local/arm`, with Event Grid delivery and the Backup simulator), an
 * optional DNS server answering from the emulated Private DNS zones (`local/dns`) and the in-process Functions host
 * (`local/host`) running the app. The app is a parameter (its entry module, its settings, the Event Grid function to
 * subscribe): nothing here knows which app it hosts. The demo, the end-to-end tests and the benchmarks start their
 * worlds through `startLocalStack`.
 */
import { randomBytes } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackupSimulator } from '../arm/backupSimulator';
import type { DeliveryChaos, WebhookSubscriptionSpec } from '../arm/eventGridDelivery';
import type { EventGridService } from '../arm/eventGridProvider';
import type { NetworkService } from '../arm/providers/network';
import type { PrivateDnsService } from '../arm/providers/privateDns';
import { startArmEmulator } from '../arm/server';
import type { ArmEmulator, ArmEmulatorOptions } from '../arm/server';
import { armDnsSource } from '../dns/armSource';
import { startDnsServer } from '../dns/server';
import type { RunningDnsServer } from '../dns/server';
import { startLocalHost } from '../host';
import type { LocalHost, LocalHostOptions, TimeMode } from '../host';
import type { HostLog } from '../host/invoker';

export { waitUntil } from './wait';
export type { WaitCheck } from './wait';

export interface LocalStackOptions {
  /** Module(s) that register the app's functions, as an absolute path or resolved from the cwd. */
  readonly appEntry: string | string[];
  /** The emulator's options, its seed among them. */
  readonly emulator?: ArmEmulatorOptions;
  /** App settings besides the emulator's own (`ARM_ENDPOINT`, `IDENTITY_*`, the CA file). */
  readonly settings?: Record<string, string>;
  /** Working folder (the CA file, `host/` for durable state); a fresh temp folder by default, removed on stop. */
  readonly stateDir?: string;
  /** Start a DNS server answering for the Private DNS zones linked to this VNet (none by default). */
  readonly dnsForVnetId?: string;
  readonly timeMode?: TimeMode;
  /** Run the app's timer triggers on the host clock (default false: callers start them with `runTimerNow`). */
  readonly runTimerTriggers?: boolean;
  /** How long stopping the host waits for running invocations (the host's default when absent). */
  readonly stopGraceMs?: number;
  readonly log?: HostLog;
}

/** An Event Grid subscription of a spoke to one of the app's Event Grid triggers. */
export type AppSubscriptionSpec = Omit<WebhookSubscriptionSpec, 'subscriptionId' | 'endpointUrl'> & {
  /** The app's Event Grid trigger that receives the events. */
  readonly functionName: string;
};

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
}

export interface LocalStack {
  readonly emu: ArmEmulator;
  /** The DNS server, when `dnsForVnetId` was given. */
  readonly dns: RunningDnsServer | undefined;
  /** A resolver asking that DNS server (asks nothing useful without one). */
  readonly resolver: dnsPromises.Resolver;
  /** The running host (a new object after `restartHost`). */
  readonly host: LocalHost;
  /** The working folder and the host's durable state folder inside it. */
  readonly stateDir: string;
  readonly hostStateDir: string;
  /** The app settings the host runs with. */
  readonly settings: Record<string, string>;
  readonly backup: BackupSimulator;
  readonly network: NetworkService;
  readonly privateDns: PrivateDnsService;
  readonly eventGrid: EventGridService;
  /** Stops the host and starts a new one on the same port, state folder and keys; its clock never runs back. */
  restartHost(): Promise<LocalHost>;
  /** Subscribes a spoke to one of the app's Event Grid triggers (the validation handshake runs). */
  subscribe(subscriptionId: string, spec: AppSubscriptionSpec): Promise<void>;
  /** A request to an `/api` route with the host key. */
  api(method: string, route: string, body?: string, headers?: Record<string, string>): Promise<HttpResult>;
  stop(): Promise<void>;
}

/** Starts emulator, DNS server (when asked) and host with the app; stops what started when a later part fails. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'plds-stack-'));
  // The app must authenticate through the emulator's managed-identity endpoint, not a developer login.
  for (const name of Object.keys(process.env)) if (name.startsWith('AZURE_')) delete process.env[name];

  const emu = await startArmEmulator(options.emulator ?? {});
  const stops: (() => Promise<void>)[] = [() => emu.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (ownsStateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const caFile = emu.writeCaFile(path.join(stateDir, 'arm-ca.pem'));
    const privateDns = emu.service<PrivateDnsService>('privateDns');
    let dns: RunningDnsServer | undefined;
    if (options.dnsForVnetId !== undefined) {
      const server = await startDnsServer({ source: armDnsSource(emu, options.dnsForVnetId) });
      stops.push(() => server.stop());
      dns = server;
    }
    const settings = { ...emu.env(caFile), ...(options.settings ?? {}) };
    const hostStateDir = path.join(stateDir, 'host');
    const hostOptions: LocalHostOptions = {
      appEntry: options.appEntry,
      stateDir: hostStateDir,
      settings,
      timeMode: options.timeMode ?? 'real',
      runTimerTriggers: options.runTimerTriggers ?? false,
      // Fixed keys, so a restarted host accepts the URLs Event Grid already has.
      functionKeys: {
        host: [randomKey()],
        system: { eventgrid_extension: randomKey(), durabletask_extension: randomKey() },
      },
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
      ...(options.log ? { log: options.log } : {}),
    };
    let host = await startLocalHost(hostOptions);
    stops.push(() => host.stop());
    const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
    if (dns) resolver.setServers([dns.server]);
    const eventGrid = emu.service<EventGridService>('eventGrid');

    const stack: LocalStack = {
      emu,
      dns,
      resolver,
      get host() {
        return host;
      },
      stateDir,
      hostStateDir,
      settings,
      backup: emu.service<BackupSimulator>('backup'),
      network: emu.service<NetworkService>('network'),
      privateDns,
      eventGrid,
      async restartHost() {
        const port = Number(new URL(host.baseUrl).port);
        const virtualNow = host.now();
        await host.stop();
        host = await startLocalHost({ ...hostOptions, port });
        // Time does not run backwards across a restart (entities keep timestamps of the old clock).
        const behind = virtualNow - host.now();
        if (behind > 0) host.advanceTime(behind);
        return host;
      },
      async subscribe(subscriptionId, { functionName, ...spec }) {
        await eventGrid.subscribe({ ...spec, subscriptionId, endpointUrl: host.eventGridUrl(functionName) });
      },
      async api(method, route, body, headers = {}) {
        const send = () =>
          fetch(`${host.baseUrl}/api/${route}`, {
            method,
            headers: {
              'x-functions-key': host.keys.host[0] ?? '',
              'content-type': 'application/json',
              ...headers,
            },
            ...(body !== undefined ? { body } : {}),
          });
        let response: Response;
        try {
          response = await send();
        } catch (error) {
          // A kept-alive connection to a host that was restarted is closed before the request is read: resend once.
          const cause = (error as { cause?: { code?: string } }).cause;
          if (cause?.code !== 'UND_ERR_SOCKET') throw error;
          response = await send();
        }
        const text = await response.text();
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        return { status: response.status, json, text };
      },
      stop: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Chaos for the deliveries of one subscription (re-exported for callers that pass it through). */
export type { DeliveryChaos };

function randomKey(): string {
  return randomBytes(24).toString('base64url');
}
