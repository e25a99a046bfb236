/**
 * ARM's length and character rules for the ids and names the app accepts from outside — Event Grid events,
 * HTTP bodies and paths, CLI flags — checked before any work is done with them.
 *
 * Source: Microsoft Learn, "Naming rules and restrictions for Azure resources" (resource-name-rules):
 * - Microsoft.Resources resourcegroups: 1-90; underscores, hyphens, periods, parentheses and letters or digits
 *   (Unicode letter categories and decimal digits); can't end with a period.
 * - Microsoft.Network privateEndpoints: 2-64; networkInterfaces: 1-80; both alphanumerics, underscores, periods
 *   and hyphens, starting with an alphanumeric and ending with an alphanumeric or underscore.
 * - Microsoft.RecoveryServices vaults: 2-50; alphanumerics and hyphens, starting with a letter.
 *
 * Names Azure makes itself go beyond those rules, and the app must never refuse what Azure created:
 * - Backup v1 names the sibling endpoints `<endpoint>_ecs_blob`, `_ecs_queue` and `_prot_blob`; with a 64-character
 *   endpoint name these run to 74 characters. Accepted: a valid endpoint name plus one of those suffixes.
 * - A private endpoint's own NIC is named `<endpoint>.nic.<guid>` (up to 105 characters). Accepted: a valid
 *   endpoint name (siblings included) followed by `.nic.<guid>`.
 * - Private endpoint connection names (`<endpoint>.<vault number>.backup.<guid>` for Backup) have no published
 *   rule. Guess, marked as such: the characters Network names use, 1-260 characters (260 is the longest name
 *   limit on that page), which covers every form seen.
 *
 * No published maximum exists for a whole resource id; the types above compose to well under 400 characters.
 * `MAX_RESOURCE_ID_LENGTH` (a guess with ample room) only stops huge inputs before they are split and parsed.
 */
import { parseResourceId } from './resourceId';
import { quoted } from './safeText';
import type { ResourceId } from './types';

export const MAX_RESOURCE_ID_LENGTH = 1024;

/** Backup v1 sibling suffixes (the list `endpoint.ts` reads families by; a unit test keeps the two equal). */
export const SIBLING_NAME_SUFFIXES = ['_ecs_blob', '_ecs_queue', '_prot_blob'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NETWORK_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

export interface NameRule {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** The rule in words, for error messages. */
  readonly rule: string;
}

export const NAME_RULES = {
  resourceGroup: {
    min: 1,
    max: 90,
    pattern: /^[\p{L}\p{Nd}_\-.()]*[\p{L}\p{Nd}_\-()]$/u,
    rule: '1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending in a period',
  },
  privateEndpoint: {
    min: 2,
    max: 64,
    pattern: NETWORK_NAME,
    rule: '2-64 alphanumerics, underscores, periods and hyphens, starting with an alphanumeric and ending with an alphanumeric or underscore',
  },
  networkInterface: {
    min: 1,
    max: 80,
    pattern: NETWORK_NAME,
    rule: '1-80 alphanumerics, underscores, periods and hyphens, starting with an alphanumeric and ending with an alphanumeric or underscore',
  },
  vault: {
    min: 2,
    max: 50,
    pattern: /^[A-Za-z][A-Za-z0-9-]*$/,
    rule: '2-50 alphanumerics and hyphens, starting with a letter',
  },
  vaultConnection: {
    min: 1,
    max: 260,
    pattern: /^[A-Za-z0-9_.-]+$/,
    rule: '1-260 alphanumerics, underscores, periods and hyphens',
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

function plainRule(kind: NameKind, name: string): boolean {
  const rule: NameRule = NAME_RULES[kind];
  return name.length >= rule.min && name.length <= rule.max && rule.pattern.test(name);
}

/** True for a name ARM accepts (or Azure itself creates) for `kind`. */
export function isValidName(kind: NameKind, name: string): boolean {
  if (typeof name !== 'string' || name.length > 2 * MAX_RESOURCE_ID_LENGTH) return false;
  if (plainRule(kind, name)) return true;
  if (kind === 'privateEndpoint') {
    const suffix = SIBLING_NAME_SUFFIXES.find((s) => name.toLowerCase().endsWith(s));
    return suffix !== undefined && plainRule('privateEndpoint', name.slice(0, -suffix.length));
  }
  if (kind === 'networkInterface') {
    const generated = /^(.+)\.nic\.([0-9a-f-]{36})$/i.exec(name);
    return (
      generated !== null &&
      GUID.test(generated[2] ?? '') &&
      isValidName('privateEndpoint', generated[1] ?? '')
    );
  }
  return false;
}

/** Why `name` is not a valid `kind` name (bounded, escaped), or undefined when it is. */
export function nameProblem(kind: NameKind, name: string, what: string = kind): string | undefined {
  if (isValidName(kind, name)) return undefined;
  return `${what} name ${quoted(name, 80)} breaks ARM's naming rule (${NAME_RULES[kind].rule})`;
}

export function isSubscriptionId(value: string): boolean {
  return typeof value === 'string' && GUID.test(value);
}

/** Resource types the app takes ids of, with the name rule of each segment below the provider. */
export const RESOURCE_KINDS = {
  privateEndpoint: { type: 'Microsoft.Network/privateEndpoints', names: ['privateEndpoint'] },
  networkInterface: { type: 'Microsoft.Network/networkInterfaces', names: ['networkInterface'] },
  vault: { type: 'Microsoft.RecoveryServices/vaults', names: ['vault'] },
  vaultConnection: {
    type: 'Microsoft.RecoveryServices/vaults/privateEndpointConnections',
    names: ['vault', 'vaultConnection'],
  },
} as const satisfies Record<string, { type: string; names: readonly NameKind[] }>;

export type ResourceKind = keyof typeof RESOURCE_KINDS;

export type ResourceIdCheck =
  { readonly ok: true; readonly id: ResourceId } | { readonly ok: false; readonly message: string };

/**
 * Checks a resource id of the given kind: bounded length, `/subscriptions/<guid>/resourceGroups/<rg>/providers/…`
 * with the kind's provider and type (case-insensitive, as ARM compares them), and every name by its rule. The
 * message never carries more than a bounded, escaped piece of the input.
 */
export function checkResourceId(raw: unknown, kind: ResourceKind): ResourceIdCheck {
  const spec = RESOURCE_KINDS[kind];
  const refuse = (why: string): ResourceIdCheck => ({ ok: false, message: why });
  if (typeof raw !== 'string') return refuse(`must be a ${spec.type} resource id`);
  if (raw.length > MAX_RESOURCE_ID_LENGTH) {
    return refuse(`is ${raw.length} characters long; a ${spec.type} resource id is far shorter`);
  }
  const id = parseResourceId(raw);
  if (!id || `${id.provider}/${id.type}`.toLowerCase() !== spec.type.toLowerCase()) {
    return refuse(`${quoted(raw, 300)} is not a ${spec.type} resource id`);
  }
  if (!isSubscriptionId(id.subscriptionId)) {
    return refuse(`${quoted(id.subscriptionId, 60)} is not a subscription id (GUID)`);
  }
  const groupProblem = nameProblem('resourceGroup', id.resourceGroup, 'resource group');
  if (groupProblem) return refuse(groupProblem);
  // Names below the provider: ['', subscriptions, s, resourceGroups, rg, providers, ns, type1, name1, type2, name2…]
  const segments = raw.trim().replace(/\/+$/, '').split('/').slice(8);
  const names = segments.filter((_, i) => i % 2 === 0);
  for (const [i, kindOfName] of spec.names.entries()) {
    const problem = nameProblem(kindOfName, names[i] ?? '');
    if (problem) return refuse(problem);
  }
  return { ok: true, id };
}

/** A `subscriptionId/resourceGroup` key (lower-case) after checking both parts. */
export function checkSubscriptionGroup(
  subscriptionId: string,
  resourceGroup: string,
): { readonly ok: true; readonly key: string } | { readonly ok: false; readonly message: string } {
  if (!isSubscriptionId(subscriptionId)) {
    return { ok: false, message: `${quoted(subscriptionId, 60)} is not a subscription id (GUID)` };
  }
  const problem = nameProblem('resourceGroup', resourceGroup, 'resource group');
  if (problem) return { ok: false, message: problem };
  return { ok: true, key: `${subscriptionId}/${resourceGroup}`.toLowerCase() };
}
