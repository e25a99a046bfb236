import { z } from 'zod';
import { isIpv4, sortIps } from './ipv4';
import type { CurrentRecordSet } from './types';

/*
 * A record sets as the Private DNS API lists them (`properties` nested on the wire; the SDK-flattened shape with
 * `aRecords`, `ttl`, `metadata` at the top is accepted too). The zone is taken from the record set id.
 */

const aRecordProps = z.object({
  ttl: z.number().int().optional(),
  metadata: z.record(z.string(), z.string()).optional().nullable(),
  aRecords: z
    .array(z.object({ ipv4Address: z.string().optional() }))
    .optional()
    .nullable(),
  fqdn: z.string().optional(),
});

export const armRecordSet = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  type: z.string().optional(),
  etag: z.string().optional().nullable(),
  properties: aRecordProps.optional(),
  ...aRecordProps.shape,
});
export type ArmRecordSet = z.infer<typeof armRecordSet>;

const RECORD_SET_ID = /\/providers\/microsoft\.network\/privatednszones\/([^/]+)\/([^/]+)\/([^/]+)\/?$/i;

export type RecordSetRead =
  | { readonly ok: true; readonly recordSet: CurrentRecordSet }
  | { readonly ok: false; readonly message: string; readonly notA?: boolean };

/** Reads one listed record set. Non-A record sets are reported with `notA` so callers can pass over them. */
export function readRecordSet(raw: unknown): RecordSetRead {
  const parsed = armRecordSet.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const rs = parsed.data;
  const match = RECORD_SET_ID.exec(rs.id);
  if (!match) return { ok: false, message: `${rs.id} is not a Private DNS record set id` };
  const [, zone = '', recordType = '', name = ''] = match;
  if (recordType.toUpperCase() !== 'A')
    return { ok: false, message: `${rs.id} is not an A record set`, notA: true };
  const props = { ...rs, ...(rs.properties ?? {}) };
  const ips = (props.aRecords ?? []).map((r) => r.ipv4Address ?? '');
  const bad = ips.find((ip) => !isIpv4(ip));
  if (bad !== undefined) return { ok: false, message: `${rs.id}: "${bad}" is not an IPv4 address` };
  return {
    ok: true,
    recordSet: {
      id: rs.id,
      zone: zone.toLowerCase(),
      name: name.toLowerCase(),
      ips: sortIps(ips),
      ttl: props.ttl ?? 0,
      etag: rs.etag ?? '',
      metadata: props.metadata ?? {},
    },
  };
}
