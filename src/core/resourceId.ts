import type { ResourceId } from './types';

/**
 * Parses an ARM resource id case-insensitively (`resourcegroups` and `resourceGroups` both occur in Azure's own
 * events). Returns `undefined` for anything that is not a provider resource inside a resource group.
 */
export function parseResourceId(raw: string): ResourceId | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim().replace(/\/+$/, '');
  const parts = trimmed.split('/');
  // ['', 'subscriptions', s, 'resourceGroups', rg, 'providers', ns, type, name, (childType, childName)*]
  if (parts.length < 9 || parts.length % 2 === 0 || parts[0] !== '') return undefined;
  if (parts.some((p, i) => i > 0 && p === '')) return undefined;
  const [, subs, subscriptionId, rgs, resourceGroup, providers, provider] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (subs.toLowerCase() !== 'subscriptions') return undefined;
  if (rgs.toLowerCase() !== 'resourcegroups') return undefined;
  if (providers.toLowerCase() !== 'providers') return undefined;
  if (!/^[0-9a-f-]{36}$/i.test(subscriptionId)) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/.test(provider)) return undefined;
  const rest = parts.slice(7);
  const types: string[] = [];
  for (let i = 0; i < rest.length; i += 2) types.push(rest[i] as string);
  const name = rest[rest.length - 1] as string;
  return {
    subscriptionId: subscriptionId.toLowerCase(),
    resourceGroup: resourceGroup,
    provider,
    type: types.join('/'),
    name,
    id: canonicalId(trimmed),
  };
}

/**
 * Lower-cased id without surrounding blanks or trailing slash: the key under which resources are compared and
 * stored. Ids as ARM hands them out begin with `/` and end with a visible character other than `/`; those skip
 * the trim and the pattern (the common case, met for every endpoint, NIC and record owner of an estate) and only
 * pay for the lower-casing, which hands back the string itself when it is lower-case already.
 */
export function canonicalId(raw: string): string {
  const last = raw.charCodeAt(raw.length - 1);
  if (isVisibleAscii(raw.charCodeAt(0)) && isVisibleAscii(last) && last !== SLASH) return raw.toLowerCase();
  return raw.trim().replace(/\/+$/, '').toLowerCase();
}

const SLASH = 0x2f;

/** Printable ASCII other than space: never removed by `trim` (NaN, for an empty string, is not). */
function isVisibleAscii(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

/** True when the parsed id is of `provider/type` (compared case-insensitively). */
export function isResourceType(id: ResourceId, fullType: string): boolean {
  return `${id.provider}/${id.type}`.toLowerCase() === fullType.toLowerCase();
}

/** Id of a child resource, e.g. `childId(peId, 'privateDnsZoneGroups', 'default')`. */
export function childId(parentId: string, childType: string, childName: string): string {
  return `${parentId.replace(/\/+$/, '')}/${childType}/${childName}`;
}

/** Id of the parent of a child resource (`.../networkInterfaces/n/ipConfigurations/c` → `.../networkInterfaces/n`). */
export function parentId(id: ResourceId): string | undefined {
  if (!id.type.includes('/')) return undefined;
  return id.id.split('/').slice(0, -2).join('/');
}
