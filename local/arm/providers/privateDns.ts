/**
 * Microsoft.Network/privateDnsZones: zones (LRO put), record sets (A fully validated; other types stored as
 * given), virtual network links. Names come back lower-cased, as Private DNS returns them. Etags are bare guids
 * and change on every write; `If-Match` / `If-None-Match: *` give 412 `PreconditionFailed` on mismatch.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PRIVATE_DNS_API_VERSIONS } from '../apiVersions';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import {
  ArmError,
  badRequest,
  parentResourceNotFound,
  parseOrBadRequest,
  preconditionFailed,
  resourceNotFound,
} from '../errors';
import { listScope, paginate } from '../paging';
import { resourceGroupId } from '../resourceId';
import type { ArmRequest, ArmResponse, RouteDefinition } from '../router';
import type { ArmResource, WriteContext } from '../store';
import type { WindowLimit } from '../throttling';
import { parseIpv4 } from './network/ipam';

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

type PrivateDnsLimitName = keyof typeof PRIVATE_DNS_RATE_LIMITS;
/** What a limit is counted per: the zone, the resource group of a list, or the subscription. */
type LimitScope = 'zone' | 'resourceGroup' | 'subscription';

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

const aRecordsSchema = z.array(z.object({ ipv4Address: z.string() }).loose());
const recordSetBodySchema = z.looseObject({
  etag: z.string().optional(),
  properties: z
    .looseObject({
      metadata: z.record(z.string(), z.string()).nullable().optional(),
      ttl: z.number().int().min(1).max(2_147_483_647).optional(),
      aRecords: aRecordsSchema.optional(),
    })
    .optional(),
});
const zoneBodySchema = z.looseObject({
  location: z.string().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
  etag: z.string().optional(),
});
const linkBodySchema = z.looseObject({
  location: z.string().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
  properties: z.looseObject({
    virtualNetwork: z.looseObject({ id: z.string().min(1) }),
    registrationEnabled: z.boolean().optional(),
    resolutionPolicy: z.enum(['Default', 'NxDomainRedirect']).optional(),
  }),
});

function canonicalType(raw: string): RecordType | undefined {
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

function etagListMatches(header: string, etag: string | undefined): boolean {
  if (!etag) return false;
  const strip = (s: string): string => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return header.split(',').some((candidate) => strip(candidate) === strip(etag));
}

export const privateDnsProvider: ArmProvider = {
  name: 'privateDns',
  register(ctx: EmulatorContext): void {
    for (const [name, limit] of Object.entries(PRIVATE_DNS_RATE_LIMITS))
      ctx.throttle.defineLimit(name, limit);
    const base =
      '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateDnsZones';
    const limitKey = (req: ArmRequest, scope: LimitScope): string => {
      const subscriptionId = req.params.subscriptionId as string;
      if (scope === 'subscription') return subscriptionId.toLowerCase();
      if (scope === 'resourceGroup')
        return resourceGroupId(subscriptionId, req.params.resourceGroupName as string).toLowerCase();
      return zoneIdOf(req).toLowerCase();
    };
    const route = (def: Omit<RouteDefinition, 'apiVersions'>): void => {
      const limits = PRIVATE_DNS_LIMITS_BY_OPERATION[def.operationId];
      ctx.router.add({
        ...def,
        apiVersions: PRIVATE_DNS_API_VERSIONS,
        ...(limits
          ? {
              rateLimits: (req: ArmRequest) =>
                limits.map(([limit, scope]) => ({ limit, key: limitKey(req, scope) })),
            }
          : {}),
      });
    };

    const zoneId = (subscriptionId: string, resourceGroup: string, zoneName: string): string =>
      `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/privateDnsZones/${zoneName.toLowerCase()}`;
    const zoneIdOf = (req: ArmRequest): string =>
      zoneId(
        req.params.subscriptionId as string,
        req.params.resourceGroupName as string,
        req.params.privateZoneName as string,
      );

    const requireZone = (req: ArmRequest): ArmResource => {
      const zone = ctx.store.get(zoneIdOf(req));
      if (!zone)
        throw parentResourceNotFound(
          PRIVATE_DNS_ZONE_TYPE,
          (req.params.privateZoneName as string).toLowerCase(),
        );
      return zone;
    };

    const recordTypeOf = (req: ArmRequest): RecordType => {
      const type = canonicalType(req.params.recordType as string);
      if (!type) {
        throw badRequest(
          'InvalidRecordType',
          `The record type '${req.params.recordType as string}' is not supported by Private DNS.`,
        );
      }
      return type;
    };

    const countRecordSets = (zone: ArmResource): number =>
      RECORD_TYPES.reduce((n, t) => n + ctx.store.countChildren(zone.id, `${PRIVATE_DNS_ZONE_TYPE}/${t}`), 0);

    /** Zone as ARM returns it: counts computed at read time (they are not part of the zone's etag). */
    const presentZone = (zone: ArmResource): ArmResource => {
      const records = countRecordSets(zone);
      const links = ctx.store.listChildren(zone.id, VIRTUAL_NETWORK_LINK_TYPE);
      const withRegistration = links.filter(
        (l) => (l.properties as { registrationEnabled?: boolean }).registrationEnabled,
      ).length;
      return {
        ...zone,
        properties: {
          ...(zone.properties as object),
          maxNumberOfRecordSets: PRIVATE_DNS_LIMITS.recordSetsPerZone,
          numberOfRecordSets: records,
          maxNumberOfVirtualNetworkLinks: PRIVATE_DNS_LIMITS.virtualNetworkLinksPerZone,
          numberOfVirtualNetworkLinks: links.length,
          maxNumberOfVirtualNetworkLinksWithRegistration:
            PRIVATE_DNS_LIMITS.virtualNetworkLinksWithRegistrationPerZone,
          numberOfVirtualNetworkLinksWithRegistration: withRegistration,
        },
      };
    };

    const writeZone = (
      id: string,
      name: string,
      tags: Record<string, string> | undefined,
      state: string,
      context: WriteContext,
      previous?: ArmResource,
    ): ArmResource =>
      ctx.store.put(
        {
          id,
          name,
          type: PRIVATE_DNS_ZONE_TYPE,
          location: 'global',
          ...(tags ? { tags } : {}),
          properties: {
            provisioningState: state,
            internalId:
              (previous?.properties as { internalId?: string } | undefined)?.internalId ?? randomUUID(),
          },
        },
        { context },
      );

    const soaFor = (zone: ArmResource): ArmResource => ({
      id: `${zone.id}/SOA/@`,
      name: '@',
      type: `${PRIVATE_DNS_ZONE_TYPE}/SOA`,
      properties: {
        ttl: 3600,
        fqdn: `${zone.name}.`,
        isAutoRegistered: false,
        soaRecord: {
          email: 'azureprivatedns-host.microsoft.com',
          expireTime: 2419200,
          host: 'azureprivatedns.net',
          minimumTtl: 10,
          refreshTime: 3600,
          retryTime: 300,
          serialNumber: 1,
        },
      },
    });

    const createZone = (
      subscriptionId: string,
      resourceGroup: string,
      zoneName: string,
      tags?: Record<string, string>,
    ): ArmResource => {
      ctx.ensureResourceGroup(subscriptionId, resourceGroup);
      const id = zoneId(subscriptionId, resourceGroup, zoneName);
      const existing = ctx.store.get(id);
      const context = ctx.internalContext('Microsoft.Network/privateDnsZones/write');
      const zone = writeZone(
        id,
        zoneName.toLowerCase(),
        tags ?? (existing?.tags as Record<string, string> | undefined),
        'Succeeded',
        context,
        existing,
      );
      if (!existing)
        ctx.store.put(soaFor(zone), {
          context: ctx.internalContext('Microsoft.Network/privateDnsZones/SOA/write'),
        });
      return zone;
    };

    const recordName = (raw: string): string => raw.toLowerCase();
    const recordFqdn = (zone: ArmResource, name: string): string =>
      name === '@' ? `${zone.name}.` : `${name}.${zone.name}.`;

    const validateARecords = (records: Array<{ ipv4Address: string }>): void => {
      if (records.length > PRIVATE_DNS_LIMITS.recordsPerRecordSet) {
        throw badRequest(
          'BadRequest',
          `A record set can hold at most ${PRIVATE_DNS_LIMITS.recordsPerRecordSet} records; got ${records.length}.`,
        );
      }
      for (const r of records) {
        if (parseIpv4(r.ipv4Address) === undefined) {
          throw badRequest('BadRequest', `The IPv4 address '${r.ipv4Address}' is not valid.`);
        }
      }
    };

    const buildRecordSet = (
      zone: ArmResource,
      type: RecordType,
      name: string,
      props: Record<string, unknown>,
    ): ArmResource => ({
      id: `${zone.id}/${type}/${name}`,
      name,
      type: `${PRIVATE_DNS_ZONE_TYPE}/${type}`,
      properties: { ...props, fqdn: recordFqdn(zone, name), isAutoRegistered: false },
    });

    const listRecordSets = (zoneIdValue: string, type?: RecordType): ArmResource[] => {
      const types = type ? [type] : RECORD_TYPES;
      return types.flatMap((t) =>
        ctx.store
          .listChildren(zoneIdValue, `${PRIVATE_DNS_ZONE_TYPE}/${t}`)
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      );
    };

    // ---- zones -------------------------------------------------------------------------------------------
    route({
      method: 'GET',
      path: `${base}/{privateZoneName}`,
      operationId: 'PrivateZones_Get',
      resourceType: PRIVATE_DNS_ZONE_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/read',
      handler: (req) => {
        const zone = ctx.store.get(zoneIdOf(req));
        if (!zone)
          throw resourceNotFound(
            PRIVATE_DNS_ZONE_TYPE,
            (req.params.privateZoneName as string).toLowerCase(),
            req.params.resourceGroupName,
          );
        return { status: 200, body: presentZone(zone) };
      },
    });

    const listZones = (req: ArmRequest): ArmResponse => {
      const zones = ctx.store.listByType(PRIVATE_DNS_ZONE_TYPE, listScope(req));
      const page = paginate(req, zones, ctx.endpoint(), { defaultPageSize: 100, maxPageSize: 1000 });
      return { status: 200, body: { ...page, value: page.value.map(presentZone) } };
    };

    route({
      method: 'GET',
      path: `${base}`,
      operationId: 'PrivateZones_ListByResourceGroup',
      resourceType: PRIVATE_DNS_ZONE_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/read',
      handler: listZones,
    });

    route({
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.Network/privateDnsZones',
      operationId: 'PrivateZones_List',
      resourceType: PRIVATE_DNS_ZONE_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/read',
      handler: listZones,
    });

    route({
      method: 'PUT',
      path: `${base}/{privateZoneName}`,
      operationId: 'PrivateZones_CreateOrUpdate',
      resourceType: PRIVATE_DNS_ZONE_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/write',
      handler: (req): ArmResponse => {
        const body = parseOrBadRequest(
          zoneBodySchema,
          req.body ?? {},
          'InvalidRequestFormat',
          'Cannot parse the request',
        );
        if (body.location !== undefined && body.location.toLowerCase() !== 'global') {
          throw badRequest(
            'InvalidLocation',
            `Private DNS zones are global; location '${body.location}' is not allowed.`,
          );
        }
        const name = (req.params.privateZoneName as string).toLowerCase();
        if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(name)) {
          throw badRequest(
            'InvalidZoneName',
            `The zone name '${name}' is not a valid DNS name with at least two labels.`,
          );
        }
        const id = zoneIdOf(req);
        const existing = ctx.store.get(id);
        checkPreconditions(req, existing, `private DNS zone '${name}'`);
        const tags = body.tags ?? undefined;
        const accepted = writeZone(
          id,
          existing?.name ?? name,
          tags,
          existing ? 'Updating' : 'Creating',
          { ...req.context, final: false },
          existing,
        );
        if (!existing) {
          ctx.store.put(soaFor(accepted), {
            context: { ...req.context, operationName: 'Microsoft.Network/privateDnsZones/SOA/write' },
          });
        }
        const op = ctx.lro.startFor(req, {
          namespace: 'Microsoft.Network',
          location: 'global',
          complete: () => {
            const current = ctx.store.get(id);
            if (!current)
              throw new ArmError(409, 'Conflict', `Zone ${name} was deleted while being written.`);
            return presentZone(
              writeZone(id, current.name, tags, 'Succeeded', { ...req.context, final: true }, current),
            );
          },
        });
        return {
          status: existing ? 200 : 201,
          body: presentZone(accepted),
          headers: op.headers({ location: true }),
        };
      },
    });

    // ---- virtual network links ------------------------------------------------------------------------------
    const linkIdOf = (req: ArmRequest): string =>
      `${zoneIdOf(req)}/virtualNetworkLinks/${req.params.virtualNetworkLinkName as string}`;

    const writeLink = (
      zone: ArmResource,
      linkName: string,
      props: z.infer<typeof linkBodySchema>['properties'],
      tags: Record<string, string> | undefined,
      state: string,
      context: WriteContext,
    ): ArmResource =>
      ctx.store.put(
        {
          id: `${zone.id}/virtualNetworkLinks/${linkName}`,
          name: linkName,
          type: VIRTUAL_NETWORK_LINK_TYPE,
          location: 'global',
          ...(tags ? { tags } : {}),
          properties: {
            virtualNetwork: { id: props.virtualNetwork.id },
            registrationEnabled: props.registrationEnabled ?? false,
            resolutionPolicy: props.resolutionPolicy ?? 'Default',
            virtualNetworkLinkState: state === 'Succeeded' ? 'Completed' : 'InProgress',
            provisioningState: state,
          },
        },
        { context },
      );

    route({
      method: 'GET',
      path: `${base}/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}`,
      operationId: 'VirtualNetworkLinks_Get',
      resourceType: VIRTUAL_NETWORK_LINK_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
      handler: (req) => {
        requireZone(req);
        const link = ctx.store.get(linkIdOf(req));
        if (!link)
          throw resourceNotFound(
            VIRTUAL_NETWORK_LINK_TYPE,
            req.params.virtualNetworkLinkName as string,
            req.params.resourceGroupName,
          );
        return { status: 200, body: link };
      },
    });

    route({
      method: 'GET',
      path: `${base}/{privateZoneName}/virtualNetworkLinks`,
      operationId: 'VirtualNetworkLinks_List',
      resourceType: VIRTUAL_NETWORK_LINK_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
      handler: (req) => {
        const zone = requireZone(req);
        return {
          status: 200,
          body: paginate(req, ctx.store.listChildren(zone.id, VIRTUAL_NETWORK_LINK_TYPE), ctx.endpoint(), {
            defaultPageSize: 100,
            maxPageSize: 1000,
          }),
        };
      },
    });

    route({
      method: 'PUT',
      path: `${base}/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}`,
      operationId: 'VirtualNetworkLinks_CreateOrUpdate',
      resourceType: VIRTUAL_NETWORK_LINK_TYPE,
      armOperation: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write',
      handler: (req): ArmResponse => {
        const zone = requireZone(req);
        const body = parseOrBadRequest(
          linkBodySchema,
          req.body,
          'InvalidRequestFormat',
          'Cannot parse the request',
        );
        const id = linkIdOf(req);
        const existing = ctx.store.get(id);
        checkPreconditions(
          req,
          existing,
          `virtual network link '${req.params.virtualNetworkLinkName as string}'`,
        );
        if (!ctx.store.has(body.properties.virtualNetwork.id)) {
          throw badRequest(
            'InvalidResourceReference',
            `Virtual network ${body.properties.virtualNetwork.id} referenced by the link was not found.`,
          );
        }
        const duplicate = ctx.store
          .listChildren(zone.id, VIRTUAL_NETWORK_LINK_TYPE)
          .find(
            (l) =>
              l.id.toLowerCase() !== id.toLowerCase() &&
              String((l.properties as { virtualNetwork: { id: string } }).virtualNetwork.id).toLowerCase() ===
                body.properties.virtualNetwork.id.toLowerCase(),
          );
        if (duplicate) {
          throw new ArmError(
            409,
            'Conflict',
            `The virtual network is already linked to zone ${zone.name} by link ${duplicate.name}.`,
          );
        }
        const linkName = existing?.name ?? req.params.virtualNetworkLinkName ?? '';
        const tags = body.tags ?? undefined;
        const accepted = writeLink(
          zone,
          linkName,
          body.properties,
          tags,
          existing ? 'Updating' : 'Creating',
          {
            ...req.context,
            final: false,
          },
        );
        const op = ctx.lro.startFor(req, {
          namespace: 'Microsoft.Network',
          location: 'global',
          complete: () =>
            writeLink(zone, linkName, body.properties, tags, 'Succeeded', {
              ...req.context,
              final: true,
            }),
        });
        return { status: existing ? 200 : 201, body: accepted, headers: op.headers({ location: true }) };
      },
    });

    // ---- record sets (the ALL / virtualNetworkLinks literals win over {recordType}) -------------------------
    route({
      method: 'GET',
      path: `${base}/{privateZoneName}/ALL`,
      operationId: 'RecordSets_List',
      resourceType: `${PRIVATE_DNS_ZONE_TYPE}/ALL`,
      armOperation: 'Microsoft.Network/privateDnsZones/ALL/read',
      handler: (req) => listHandler(req, undefined),
    });

    route({
      method: 'GET',
      path: `${base}/{privateZoneName}/{recordType}`,
      operationId: 'RecordSets_ListByType',
      resourceType: `${PRIVATE_DNS_ZONE_TYPE}/A`,
      armOperation: 'Microsoft.Network/privateDnsZones/recordType/read',
      handler: (req) => listHandler(req, recordTypeOf(req)),
    });

    const listHandler = (req: ArmRequest, type: RecordType | undefined): ArmResponse => {
      const zone = requireZone(req);
      let items = listRecordSets(zone.id, type);
      const suffix = req.query.get('$recordsetnamesuffix');
      if (suffix) {
        const s = suffix.toLowerCase().replace(/^\./, '');
        items = items.filter((r) => r.name === s || r.name.endsWith(`.${s}`));
      }
      return {
        status: 200,
        body: paginate(req, items, ctx.endpoint(), {
          defaultPageSize: PRIVATE_DNS_LIMITS.defaultListPageSize,
          maxPageSize: PRIVATE_DNS_LIMITS.maxListPageSize,
        }),
      };
    };

    const recordPath = `${base}/{privateZoneName}/{recordType}/{relativeRecordSetName}`;
    const recordIdOf = (zone: ArmResource, type: RecordType, req: ArmRequest): string =>
      `${zone.id}/${type}/${recordName(req.params.relativeRecordSetName as string)}`;

    route({
      method: 'GET',
      path: recordPath,
      operationId: 'RecordSets_Get',
      resourceType: `${PRIVATE_DNS_ZONE_TYPE}/A`,
      armOperation: 'Microsoft.Network/privateDnsZones/recordType/read',
      handler: (req) => {
        const type = recordTypeOf(req);
        const zone = requireZone(req);
        const record = ctx.store.get(recordIdOf(zone, type, req));
        if (!record) {
          throw resourceNotFound(
            `${PRIVATE_DNS_ZONE_TYPE}/${type}`,
            `${zone.name}/${recordName(req.params.relativeRecordSetName as string)}`,
            req.params.resourceGroupName,
          );
        }
        return { status: 200, body: record };
      },
    });

    /** What a record-set PUT or PATCH names: type, zone, body properties, the lower-cased name, the current set. */
    const recordSetWrite = (req: ArmRequest) => {
      const type = recordTypeOf(req);
      const zone = requireZone(req);
      const parsed = parseOrBadRequest(
        recordSetBodySchema,
        req.body ?? {},
        'BadRequest',
        'Cannot parse the record set',
      );
      const name = recordName(req.params.relativeRecordSetName as string);
      return {
        type,
        zone,
        body: parsed.properties ?? {},
        name,
        existing: ctx.store.get(`${zone.id}/${type}/${name}`),
      };
    };

    const putRecordSet = (
      req: ArmRequest,
      zone: ArmResource,
      type: RecordType,
      name: string,
      props: Record<string, unknown>,
    ): ArmResource =>
      ctx.store.put(buildRecordSet(zone, type, name, props), { context: { ...req.context, final: true } });

    route({
      method: 'PUT',
      path: recordPath,
      operationId: 'RecordSets_CreateOrUpdate',
      resourceType: `${PRIVATE_DNS_ZONE_TYPE}/A`,
      armOperation: 'Microsoft.Network/privateDnsZones/recordType/write',
      handler: (req): ArmResponse => {
        const { type, zone, body, name, existing } = recordSetWrite(req);
        checkPreconditions(req, existing, `record set '${name}' of type ${type}`);
        if (type === 'SOA' && !existing)
          throw badRequest(
            'BadRequest',
            'SOA record sets cannot be created; only the zone apex SOA can be updated.',
          );
        if (!existing && countRecordSets(zone) >= PRIVATE_DNS_LIMITS.recordSetsPerZone) {
          throw new ArmError(
            409,
            'MaxNumberOfRecordSetsExceeded',
            `Zone ${zone.name} already holds the maximum number of record sets.`,
          );
        }
        if (type === 'A') validateARecords(body.aRecords ?? []);
        const props: Record<string, unknown> = { ...stripReadOnly(body) };
        props.ttl = body.ttl ?? 3600;
        if (body.metadata === null || body.metadata === undefined) delete props.metadata;
        if (type === 'A') props.aRecords = (body.aRecords ?? []).map((r) => ({ ipv4Address: r.ipv4Address }));
        return { status: existing ? 200 : 201, body: putRecordSet(req, zone, type, name, props) };
      },
    });

    route({
      method: 'PATCH',
      path: recordPath,
      operationId: 'RecordSets_Update',
      resourceType: `${PRIVATE_DNS_ZONE_TYPE}/A`,
      armOperation: 'Microsoft.Network/privateDnsZones/recordType/write',
      handler: (req): ArmResponse => {
        const { type, zone, body, name, existing } = recordSetWrite(req);
        if (!existing)
          throw resourceNotFound(
            `${PRIVATE_DNS_ZONE_TYPE}/${type}`,
            `${zone.name}/${name}`,
            req.params.resourceGroupName,
          );
        checkPreconditions(req, existing, `record set '${name}' of type ${type}`);
        if (type === 'A' && body.aRecords) validateARecords(body.aRecords);
        const props: Record<string, unknown> = { ...(existing.properties as object), ...stripReadOnly(body) };
        if (body.metadata === null) delete props.metadata;
        if (type === 'A' && body.aRecords)
          props.aRecords = body.aRecords.map((r) => ({ ipv4Address: r.ipv4Address }));
        return { status: 200, body: putRecordSet(req, zone, type, existing.name, props) };
      },
    });

    route({
      method: 'DELETE',
      path: recordPath,
      operationId: 'RecordSets_Delete',
      resourceType: `${PRIVATE_DNS_ZONE_TYPE}/A`,
      armOperation: 'Microsoft.Network/privateDnsZones/recordType/delete',
      handler: (req): ArmResponse => {
        const type = recordTypeOf(req);
        const zone = requireZone(req);
        const id = recordIdOf(zone, type, req);
        const existing = ctx.store.get(id);
        if (type === 'SOA') throw badRequest('BadRequest', 'The SOA record set cannot be deleted.');
        if (req.header('if-match') !== undefined || existing)
          checkPreconditions(req, existing, `record set of type ${type}`);
        if (!existing) return { status: 204 };
        ctx.store.delete(id, { ...req.context, final: true });
        return { status: 200 };
      },
    });

    // ---- in-process service ----------------------------------------------------------------------------------
    const linkVirtualNetwork = (
      zoneIdValue: string,
      linkName: string,
      virtualNetworkId: string,
      registrationEnabled = false,
    ): ArmResource => {
      const zone = ctx.store.get(zoneIdValue);
      if (!zone) throw parentResourceNotFound(PRIVATE_DNS_ZONE_TYPE, zoneIdValue);
      return writeLink(
        zone,
        linkName,
        { virtualNetwork: { id: virtualNetworkId }, registrationEnabled },
        undefined,
        'Succeeded',
        ctx.internalContext('Microsoft.Network/privateDnsZones/virtualNetworkLinks/write'),
      );
    };

    const zonesLinkedTo = (virtualNetworkId: string): ArmResource[] => {
      const wanted = virtualNetworkId.toLowerCase();
      return ctx.store
        .listByType(VIRTUAL_NETWORK_LINK_TYPE)
        .filter(
          (l) =>
            String((l.properties as { virtualNetwork: { id: string } }).virtualNetwork.id).toLowerCase() ===
            wanted,
        )
        .map((l) => ctx.store.get(l.id.slice(0, l.id.toLowerCase().lastIndexOf('/virtualnetworklinks/'))))
        .filter((z): z is ArmResource => z !== undefined);
    };

    const service: PrivateDnsService = {
      zoneId,
      createZone,
      getZone: (id) => {
        const zone = ctx.store.get(id);
        return zone ? presentZone(zone) : undefined;
      },
      listZones: (scopeId) => ctx.store.listByType(PRIVATE_DNS_ZONE_TYPE, scopeId).map(presentZone),
      listRecordSets,
      getRecordSet: (id, type, name) => ctx.store.get(`${id}/${type}/${name.toLowerCase()}`),
      putARecordSet: (id, input, context) => {
        const zone = ctx.store.get(id);
        if (!zone) throw parentResourceNotFound(PRIVATE_DNS_ZONE_TYPE, id);
        const records = input.ipv4Addresses.map((ipv4Address) => ({ ipv4Address }));
        validateARecords(records);
        return ctx.store.put(
          buildRecordSet(zone, 'A', input.name.toLowerCase(), {
            ...(input.metadata ? { metadata: input.metadata } : {}),
            ttl: input.ttl ?? 3600,
            aRecords: records,
          }),
          { context: context ?? ctx.internalContext('Microsoft.Network/privateDnsZones/A/write') },
        );
      },
      deleteRecordSet: (id, type, name, context) =>
        ctx.store.delete(
          `${id}/${type}/${name.toLowerCase()}`,
          context ?? ctx.internalContext(`Microsoft.Network/privateDnsZones/${type}/delete`),
        ) !== undefined,
      linkVirtualNetwork,
      zonesLinkedTo,
      resolveA: (fqdn, virtualNetworkId) => {
        const name = fqdn.toLowerCase().replace(/\.$/, '');
        const zones = virtualNetworkId
          ? zonesLinkedTo(virtualNetworkId)
          : ctx.store.listByType(PRIVATE_DNS_ZONE_TYPE);
        const candidates = zones
          .filter((z) => name === z.name.toLowerCase() || name.endsWith(`.${z.name.toLowerCase()}`))
          .sort((a, b) => b.name.length - a.name.length);
        const zone = candidates[0];
        if (!zone) return undefined;
        const relative =
          name === zone.name.toLowerCase() ? '@' : name.slice(0, name.length - zone.name.length - 1);
        const recordSet = ctx.store.get(`${zone.id}/A/${relative}`);
        if (!recordSet) return undefined;
        const props = recordSet.properties as { ttl?: number; aRecords?: Array<{ ipv4Address: string }> };
        return {
          zone,
          recordSet,
          ips: (props.aRecords ?? []).map((r) => r.ipv4Address),
          ttl: props.ttl ?? 3600,
        };
      },
    };
    ctx.provide('privateDns', service);

    // ---- seeding and control API ---------------------------------------------------------------------------
    const zoneSeedSchema = z.array(
      z.union([
        z.string().min(1),
        z.object({
          name: z.string().min(1),
          tags: z.record(z.string(), z.string()).optional(),
          records: z
            .array(
              z.object({
                name: z.string().min(1),
                ttl: z.number().int().min(1).optional(),
                ipv4Addresses: z.array(z.string()),
                metadata: z.record(z.string(), z.string()).optional(),
              }),
            )
            .optional(),
          links: z
            .array(
              z.object({
                name: z.string().min(1),
                virtualNetworkId: z.string().min(1),
                registrationEnabled: z.boolean().optional(),
              }),
            )
            .optional(),
        }),
      ]),
    );
    ctx.addSeeder((scope, group) => {
      if (group.privateDnsZones === undefined) return;
      const zones = parseOrBadRequest(
        zoneSeedSchema,
        group.privateDnsZones,
        'InvalidSeed',
        `privateDnsZones in ${scope.resourceGroup}`,
      );
      for (const entry of zones) {
        const spec = typeof entry === 'string' ? { name: entry } : entry;
        const zone = createZone(
          scope.subscriptionId,
          scope.resourceGroup,
          spec.name,
          'tags' in spec ? spec.tags : undefined,
        );
        for (const record of ('records' in spec ? spec.records : undefined) ?? [])
          service.putARecordSet(zone.id, record);
        for (const link of ('links' in spec ? spec.links : undefined) ?? []) {
          linkVirtualNetwork(zone.id, link.name, link.virtualNetworkId, link.registrationEnabled);
        }
      }
    });

    addControlRoute(ctx, 'POST', '/privateDns/zones', (req) => {
      const body = parseBody(
        z.object({
          subscriptionId: z.string().min(1),
          resourceGroup: z.string().min(1),
          name: z.string().min(1),
          tags: z.record(z.string(), z.string()).optional(),
        }),
        req,
      );
      return { status: 200, body: createZone(body.subscriptionId, body.resourceGroup, body.name, body.tags) };
    });
    addControlRoute(ctx, 'POST', '/privateDns/links', (req) => {
      const body = parseBody(
        z.object({
          zoneId: z.string().min(1),
          name: z.string().min(1),
          virtualNetworkId: z.string().min(1),
          registrationEnabled: z.boolean().optional(),
        }),
        req,
      );
      return {
        status: 200,
        body: linkVirtualNetwork(body.zoneId, body.name, body.virtualNetworkId, body.registrationEnabled),
      };
    });
    addControlRoute(ctx, 'GET', '/privateDns/resolve', (req) => {
      const fqdn = req.query.get('name');
      if (!fqdn) throw badRequest('InvalidControlRequest', "Query parameter 'name' is required.");
      const answer = service.resolveA(fqdn, req.query.get('virtualNetworkId') ?? undefined);
      if (!answer) throw new ArmError(404, 'NXDOMAIN', `${fqdn} does not resolve in the emulated zones.`);
      return {
        status: 200,
        body: {
          name: fqdn,
          zone: answer.zone.name,
          recordSet: answer.recordSet.id,
          ips: answer.ips,
          ttl: answer.ttl,
        },
      };
    });
  },
};

/** Drops fields the client may echo back but cannot set. */
function stripReadOnly(props: Record<string, unknown>): Record<string, unknown> {
  const { fqdn: _fqdn, isAutoRegistered: _auto, ...rest } = props;
  return rest;
}
