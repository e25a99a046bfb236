/** Parsing of ARM resource ids: `/subscriptions/{s}[/resourceGroups/{rg}][/providers/{ns}/{type}/{name}[/{type}/{name}...]]`. */
export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup?: string;
  /** Full type as ARM spells it, e.g. `Microsoft.Network/privateDnsZones/A`; `Microsoft.Resources/subscriptions` and `Microsoft.Resources/resourceGroups` for those scopes. */
  type: string;
  /** Last name segment. */
  name: string;
  /** Id of the parent resource (the resource group, subscription or enclosing resource); '' for a subscription. */
  parentId: string;
}

export function parseResourceId(id: string): ParsedResourceId | undefined {
  const parts = id.split('/');
  // parts[0] is '' because ids start with '/'.
  if (parts[0] !== '' || parts[1]?.toLowerCase() !== 'subscriptions' || !parts[2]) return undefined;
  const subscriptionId = parts[2];
  if (parts.length === 3) {
    return { subscriptionId, type: 'Microsoft.Resources/subscriptions', name: subscriptionId, parentId: '' };
  }
  let i = 3;
  let resourceGroup: string | undefined;
  if (parts[i]?.toLowerCase() === 'resourcegroups') {
    resourceGroup = parts[i + 1];
    if (!resourceGroup) return undefined;
    i += 2;
    if (parts.length === i) {
      return {
        subscriptionId,
        resourceGroup,
        type: 'Microsoft.Resources/resourceGroups',
        name: resourceGroup,
        parentId: parts.slice(0, 3).join('/'),
      };
    }
  }
  if (parts[i]?.toLowerCase() !== 'providers' || !parts[i + 1]) return undefined;
  const namespace = parts[i + 1] as string;
  const rest = parts.slice(i + 2);
  if (rest.length < 2 || rest.length % 2 !== 0 || rest.some((p) => p === '')) return undefined;
  const types: string[] = [];
  for (let k = 0; k < rest.length; k += 2) types.push(rest[k] as string);
  const name = rest[rest.length - 1] as string;
  const parentId = parts.slice(0, parts.length - 2).join('/');
  const scopeOnly = rest.length === 2;
  return {
    subscriptionId,
    ...(resourceGroup !== undefined ? { resourceGroup } : {}),
    type: `${namespace}/${types.join('/')}`,
    name,
    // A top-level resource's parent is its resource group (or subscription), not the `/providers/ns` segment.
    parentId: scopeOnly ? parts.slice(0, i).join('/') : parentId,
  };
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function subscriptionId(id: string): string | undefined {
  return parseResourceId(id)?.subscriptionId;
}

export function keyOf(id: string): string {
  return id.toLowerCase();
}
