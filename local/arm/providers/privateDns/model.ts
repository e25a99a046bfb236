/**
 * The Private DNS model over the store: zones as ARM shows them (record-set counts, the SOA record), record sets
 * (names, FQDNs, A-record validation), virtual network links, and which zones a VNet sees.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { badRequest, parentResourceNotFound } from '../../errors';
import { resourceGroupId } from '../../resourceId';
import type { ArmRequest } from '../../router';
import type { ArmResource, WriteContext } from '../../store';
import { parseIpv4 } from '../network/ipam';
import type { linkBodySchema } from './wire';
import {
  PRIVATE_DNS_ZONE_TYPE,
  VIRTUAL_NETWORK_LINK_TYPE,
  RECORD_TYPES,
  PRIVATE_DNS_LIMITS,
  canonicalType,
  type RecordType,
} from './wire';

export function privateDnsModel(ctx: EmulatorContext) {
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
  return {
    zoneId,
    zoneIdOf,
    requireZone,
    recordTypeOf,
    countRecordSets,
    presentZone,
    writeZone,
    soaFor,
    createZone,
    recordName,
    recordFqdn,
    validateARecords,
    buildRecordSet,
    listRecordSets,
    linkIdOf,
    writeLink,
    linkVirtualNetwork,
    zonesLinkedTo,
  };
}

export type PrivateDnsModel = ReturnType<typeof privateDnsModel>;
