/**
 * ARM routes of Private DNS record sets: get, list (all types or one, with `$recordsetnamesuffix` and paging),
 * create or update and patch with etag preconditions and A-record validation, delete.
 */
import type { EmulatorContext } from '../../context';
import { ArmError, badRequest, parseOrBadRequest, resourceNotFound } from '../../errors';
import { paginate } from '../../paging';
import type { ArmRequest, ArmResponse } from '../../router';
import type { ArmResource } from '../../store';
import {
  PRIVATE_DNS_ZONE_TYPE,
  PRIVATE_DNS_LIMITS,
  recordSetBodySchema,
  checkPreconditions,
  stripReadOnly,
  type RecordType,
} from './wire';
import type { PrivateDnsModel } from './model';
import { privateDnsRouter } from './routes';

export function registerRecordSetRoutes(ctx: EmulatorContext, model: PrivateDnsModel): void {
  const {
    requireZone,
    recordTypeOf,
    countRecordSets,
    recordName,
    validateARecords,
    buildRecordSet,
    listRecordSets,
  } = model;
  const { base, route } = privateDnsRouter(ctx, model);
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
}
