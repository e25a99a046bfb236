/**
 * The Event Grid filter a Private DNS sync subscribes with: ARM write/delete events of private endpoints and their
 * NICs (Microsoft.Resources event types; `data.operationName` names the operation). The app keeps its own copy in
 * src/core/operations.ts; test/unit/local-filter.test.ts checks that the two agree.
 */
export const WATCHED_EVENT_TYPES = [
  'Microsoft.Resources.ResourceWriteSuccess',
  'Microsoft.Resources.ResourceDeleteSuccess',
] as const;

export const WATCHED_OPERATIONS = [
  'Microsoft.Network/privateEndpoints/write',
  'Microsoft.Network/privateEndpoints/delete',
  'Microsoft.Network/networkInterfaces/write',
] as const;
