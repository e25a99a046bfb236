/**
 * Microsoft.Network/privateDnsZones: zones (LRO put), record sets (A fully validated; other types stored as
 * given), virtual network links. Names come back lower-cased, as Private DNS returns them. Etags are bare guids
 * and change on every write; `If-Match` / `If-None-Match: *` give 412 `PreconditionFailed` on mismatch.
 *
 * The parts live in privateDns/: wire.ts (types, limits, schemas, preconditions), model.ts (zones, record sets and
 * links over the store), routes.ts (zones, links and the rate-limited router) and recordSetRoutes.ts; here are the
 * in-process service, seeding and the control API.
 */
import { z } from 'zod';
import type { ArmProvider, EmulatorContext } from '../context';
import { addControlRoute, parseBody } from '../control';
import { ArmError, badRequest, parentResourceNotFound, parseOrBadRequest } from '../errors';
import { PRIVATE_DNS_ZONE_TYPE, PRIVATE_DNS_RATE_LIMITS, type PrivateDnsService } from './privateDns/wire';
import { privateDnsModel } from './privateDns/model';
import { registerRecordSetRoutes } from './privateDns/recordSetRoutes';
import { registerZoneAndLinkRoutes } from './privateDns/routes';

export {
  checkPreconditions,
  PRIVATE_DNS_LIMITS,
  PRIVATE_DNS_LIMITS_BY_OPERATION,
  PRIVATE_DNS_RATE_LIMITS,
  PRIVATE_DNS_READ_HEADER,
  PRIVATE_DNS_READ_LIMIT,
  PRIVATE_DNS_ZONE_TYPE,
  RECORD_SET_WRITE_LIMIT,
  RECORD_TYPES,
  VIRTUAL_NETWORK_LINK_TYPE,
} from './privateDns/wire';
export type { ARecordInput, PrivateDnsService, RecordType } from './privateDns/wire';

export const privateDnsProvider: ArmProvider = {
  name: 'privateDns',
  register(ctx: EmulatorContext): void {
    for (const [name, limit] of Object.entries(PRIVATE_DNS_RATE_LIMITS))
      ctx.throttle.defineLimit(name, limit);
    const model = privateDnsModel(ctx);
    const {
      zoneId,
      presentZone,
      createZone,
      validateARecords,
      buildRecordSet,
      listRecordSets,
      linkVirtualNetwork,
      zonesLinkedTo,
    } = model;
    registerZoneAndLinkRoutes(ctx, model);
    registerRecordSetRoutes(ctx, model);

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
