/**
 * The ARM events this app reacts to. One list, shared by the event parser and the spoke Event Grid
 * subscription in infra/ (a test keeps the two equal).
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

export type WatchedEventType = (typeof WATCHED_EVENT_TYPES)[number];
export type WatchedOperation = (typeof WATCHED_OPERATIONS)[number];
