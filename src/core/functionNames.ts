/**
 * Names under which the Functions app registers its triggers. The Event Grid webhook URL that the spoke
 * template points at embeds `eventGridSync` (`.../runtime/webhooks/eventgrid?functionName=eventGridSync`),
 * so the app and infra/ must agree on it; both read it from here.
 */
export const FUNCTION_NAMES = {
  eventGridSync: 'eventGridSync',
  resync: 'resync',
  resyncStatus: 'resyncStatus',
  approvals: 'approvals',
  approvalsList: 'approvalsList',
  reconcileTimer: 'reconcileTimer',
  backupWatch: 'backupWatch',
  health: 'health',
  healthDetails: 'healthDetails',
} as const;

export type FunctionName = (typeof FUNCTION_NAMES)[keyof typeof FUNCTION_NAMES];
