import type { ArmClock } from './clock';
import type { FaultInjector } from './faults';
import type { TokenIssuer } from './identity';
import type { LatencyModel } from './latency';
import type { LroManager } from './lro';
import type { EmulatedCloudProfile } from './privateLinkServices';
import type { RequestLog } from './requestLog';
import type { Router } from './router';
import type { ArmResource, ResourceStore, WriteContext } from './store';
import type { Throttler } from './throttling';

/** Seed document: subscriptions, resource groups and whatever provider seeders understand per resource group. */
export interface SeedDocument {
  subscriptions: SeedSubscription[];
}

export interface SeedSubscription {
  subscriptionId: string;
  displayName?: string;
  resourceGroups?: SeedResourceGroup[];
}

export interface SeedResourceGroup {
  name: string;
  location?: string;
  /** Other keys (`virtualNetworks`, `privateDnsZones`, ...) are handed to provider seeders. */
  [key: string]: unknown;
}

/** Called for each seeded resource group, after the group exists; reads the keys it owns from `group`. */
export type Seeder = (
  scope: { subscriptionId: string; resourceGroup: string; location: string },
  group: SeedResourceGroup,
) => void;

/** What a provider gets when it registers: the shared parts of the emulator. */
export interface EmulatorContext {
  readonly store: ResourceStore;
  /** ARM routes (auth, api-version, throttling, faults, logging applied). */
  readonly router: Router;
  /** Control routes under `/_emulator` (no auth, no api-version, not throttled or logged). */
  readonly control: Router;
  readonly clock: ArmClock;
  readonly lro: LroManager;
  readonly throttle: Throttler;
  readonly faults: FaultInjector;
  /** Azure's response and delivery times (off unless the emulator was started or configured with it). */
  readonly latency: LatencyModel;
  readonly log: RequestLog;
  readonly tokens: TokenIssuer;
  /** `https://127.0.0.1:PORT` (valid once the server listens; call it lazily inside handlers). */
  endpoint(): string;
  /** Default location for seeded and created resources. */
  readonly defaultLocation: string;
  /** The Azure cloud the emulator plays: token audiences and the service suffixes NICs show. */
  readonly cloud: EmulatedCloudProfile;
  /** Context for writes the emulator makes on its own (control API, simulators). */
  internalContext(operationName?: string): WriteContext;
  /** Registers a seeder for resource-group keys. */
  addSeeder(seeder: Seeder): void;
  /** Registers a hook run by reset(), after the store is cleared. */
  onReset(hook: () => void): void;
  /** Publishes a provider service (e.g. `network`) so other providers and tests can reach it. */
  provide<T>(name: string, service: T): void;
  /** Gets a published service; throws when missing. */
  service<T>(name: string): T;
  /** Creates the subscription (and nothing else) if missing. */
  ensureSubscription(subscriptionId: string, displayName?: string): ArmResource;
  /** Creates the resource group if missing. */
  ensureResourceGroup(subscriptionId: string, resourceGroup: string, location?: string): ArmResource;
}

export interface ArmProvider {
  name: string;
  register(ctx: EmulatorContext): void;
}
