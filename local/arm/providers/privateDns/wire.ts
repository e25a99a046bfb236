/**
 * Private DNS wire shapes and rules: resource types, record types, Azure's Private DNS limits (with the operations
 * each one counts), the service interface, request schemas, and the precondition check (`If-Match`,
 * `If-None-Match: *`) every write makes.
 */
import { z } from 'zod';
import { preconditionFailed } from '../../errors';
import type { ArmRequest } from '../../router';
import type { ArmResource, WriteContext } from '../../store';
import type { WindowLimit } from '../../throttling';

export const PRIVATE_DNS_ZONE_TYPE = 'Microsoft.Network/privateDnsZones';
export const VIRTUAL_NETWORK_LINK_TYPE = 'Microsoft.Network/privateDnsZones/virtualNetworkLinks';
/** Record types in the order Private DNS lists them. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** Record-set create/update/delete per zone: 60 in any 60 s. */
export const RECORD_SET_WRITE_LIMIT = 'privateDns.recordSetWrites';
/** Every Private DNS GET (zones, links, record sets, each list page) per subscription: 500 in any 5 minutes. */
export const PRIVATE_DNS_READ_LIMIT = 'privateDns.reads';
/** The header Private DNS GETs carry instead of `x-ms-ratelimit-remaining-subscription-reads`. */
export const PRIVATE_DNS_READ_HEADER = 'x-ms-ratelimit-remaining-subscription-resource-requests';

/**
 * Private DNS's request limits as rolling windows of emulated time (local/arm/README.md gives the source of each).
 * The subscription read budget is ARM's "500 read (GET) operations per 5 minutes" for Azure DNS and Private DNS;
 * the per-zone, per-group and per-subscription operation rates are the Private DNS rows of Azure's DNS limits.
 * Azure lists record creates, updates and deletes as three 60/min rows; the emulator counts them in one window
 * (stricter), as the app's pacer does.
 */
export const PRIVATE_DNS_RATE_LIMITS = {
  [PRIVATE_DNS_READ_LIMIT]: { max: 500, windowMs: 300_000, header: PRIVATE_DNS_READ_HEADER },
  [RECORD_SET_WRITE_LIMIT]: { max: 60, windowMs: 60_000 },
  'privateDns.recordSetGets': { max: 200, windowMs: 60_000 },
  'privateDns.recordSetLists': { max: 100, windowMs: 60_000 },
  'privateDns.zoneGets': { max: 200, windowMs: 60_000 },
  'privateDns.zoneListsByResourceGroup': { max: 100, windowMs: 60_000 },
  'privateDns.zoneListsBySubscription': { max: 60, windowMs: 60_000 },
  'privateDns.zoneWrites': { max: 40, windowMs: 60_000 },
  'privateDns.linkGets': { max: 100, windowMs: 60_000 },
  'privateDns.linkWrites': { max: 60, windowMs: 60_000 },
} as const satisfies Record<string, WindowLimit>;

export type PrivateDnsLimitName = keyof typeof PRIVATE_DNS_RATE_LIMITS;
/** What a limit is counted per: the zone, the resource group of a list, or the subscription. */
export type LimitScope = 'zone' | 'resourceGroup' | 'subscription';

/** The limits each operation draws from. */
export const PRIVATE_DNS_LIMITS_BY_OPERATION: Record<
  string,
  ReadonlyArray<[PrivateDnsLimitName, LimitScope]>
> = {
  PrivateZones_Get: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.zoneGets', 'zone'],
  ],
  PrivateZones_ListByResourceGroup: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.zoneListsByResourceGroup', 'resourceGroup'],
  ],
  PrivateZones_List: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.zoneListsBySubscription', 'subscription'],
  ],
  PrivateZones_CreateOrUpdate: [['privateDns.zoneWrites', 'subscription']],
  VirtualNetworkLinks_Get: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.linkGets', 'zone'],
  ],
  VirtualNetworkLinks_List: [[PRIVATE_DNS_READ_LIMIT, 'subscription']],
  VirtualNetworkLinks_CreateOrUpdate: [['privateDns.linkWrites', 'zone']],
  RecordSets_Get: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.recordSetGets', 'zone'],
  ],
  RecordSets_List: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.recordSetLists', 'zone'],
  ],
  RecordSets_ListByType: [
    [PRIVATE_DNS_READ_LIMIT, 'subscription'],
    ['privateDns.recordSetLists', 'zone'],
  ],
  RecordSets_CreateOrUpdate: [[RECORD_SET_WRITE_LIMIT, 'zone']],
  RecordSets_Update: [[RECORD_SET_WRITE_LIMIT, 'zone']],
  RecordSets_Delete: [[RECORD_SET_WRITE_LIMIT, 'zone']],
};

/** Azure's published Private DNS limits. */
export const PRIVATE_DNS_LIMITS = {
  recordSetsPerZone: 25_000,
  recordsPerRecordSet: 20,
  virtualNetworkLinksPerZone: 1000,
  virtualNetworkLinksWithRegistrationPerZone: 100,
  defaultListPageSize: 100,
  maxListPageSize: 1000,
} as const;

export interface ARecordInput {
  name: string;
  ttl?: number;
  ipv4Addresses: string[];
  metadata?: Record<string, string>;
}

/** In-process API of the Private DNS provider (`emu.service<PrivateDnsService>('privateDns')`). */
export interface PrivateDnsService {
  zoneId(subscriptionId: string, resourceGroup: string, zoneName: string): string;
  createZone(
    subscriptionId: string,
    resourceGroup: string,
    zoneName: string,
    tags?: Record<string, string>,
  ): ArmResource;
  getZone(zoneId: string): ArmResource | undefined;
  listZones(scopeId?: string): ArmResource[];
  /** Record sets of a zone, optionally of one type, in listing order. */
  listRecordSets(zoneId: string, type?: RecordType): ArmResource[];
  getRecordSet(zoneId: string, type: RecordType, name: string): ArmResource | undefined;
  /** Writes an A record set directly (no throttling, no preconditions). */
  putARecordSet(zoneId: string, input: ARecordInput, context?: WriteContext): ArmResource;
  deleteRecordSet(zoneId: string, type: RecordType, name: string, context?: WriteContext): boolean;
  linkVirtualNetwork(
    zoneId: string,
    linkName: string,
    virtualNetworkId: string,
    registrationEnabled?: boolean,
  ): ArmResource;
  /** Zones linked to a virtual network (case-insensitive id match). */
  zonesLinkedTo(virtualNetworkId: string): ArmResource[];
  /**
   * A-record lookup the way a resolver in `virtualNetworkId` would see it: the longest linked zone that is a
   * suffix of `fqdn`, then the record set named by the rest (`@` for the apex). Without a VNet, every zone counts.
   */
  resolveA(
    fqdn: string,
    virtualNetworkId?: string,
  ): { zone: ArmResource; recordSet: ArmResource; ips: string[]; ttl: number } | undefined;
}

export const aRecordsSchema = z.array(z.object({ ipv4Address: z.string() }).loose());
export const recordSetBodySchema = z.looseObject({
  etag: z.string().optional(),
  properties: z
    .looseObject({
      metadata: z.record(z.string(), z.string()).nullable().optional(),
      ttl: z.number().int().min(1).max(2_147_483_647).optional(),
      aRecords: aRecordsSchema.optional(),
    })
    .optional(),
});
export const zoneBodySchema = z.looseObject({
  location: z.string().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
  etag: z.string().optional(),
});
export const linkBodySchema = z.looseObject({
  location: z.string().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
  properties: z.looseObject({
    virtualNetwork: z.looseObject({ id: z.string().min(1) }),
    registrationEnabled: z.boolean().optional(),
    resolutionPolicy: z.enum(['Default', 'NxDomainRedirect']).optional(),
  }),
});

export function canonicalType(raw: string): RecordType | undefined {
  const upper = raw.toUpperCase();
  return (RECORD_TYPES as readonly string[]).includes(upper) ? (upper as RecordType) : undefined;
}

/** Checks `If-Match` / `If-None-Match` against the current resource (ARM semantics; `*` wildcards). */
export function checkPreconditions(req: ArmRequest, existing: ArmResource | undefined, what: string): void {
  const ifMatch = req.header('if-match');
  const ifNoneMatch = req.header('if-none-match');
  if (ifMatch !== undefined) {
    if (!existing) {
      throw preconditionFailed(
        `The ${what} does not exist, so the If-Match condition '${ifMatch}' cannot be met.`,
      );
    }
    if (ifMatch.trim() !== '*' && !etagListMatches(ifMatch, existing.etag)) {
      throw preconditionFailed(
        `The etag '${ifMatch}' in the If-Match header does not match the current etag '${existing.etag ?? ''}' of the ${what}.`,
      );
    }
  }
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && existing) {
    throw preconditionFailed(`The ${what} already exists and If-None-Match is '*'.`);
  }
}

export function etagListMatches(header: string, etag: string | undefined): boolean {
  if (!etag) return false;
  const strip = (s: string): string => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return header.split(',').some((candidate) => strip(candidate) === strip(etag));
}

/** Drops fields the client may echo back but cannot set. */
export function stripReadOnly(props: Record<string, unknown>): Record<string, unknown> {
  const { fqdn: _fqdn, isAutoRegistered: _auto, ...rest } = props;
  return rest;
}
