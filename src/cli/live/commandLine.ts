/**
 * The exact command an operator should run next, built from the scope of the run that suggests it: the same
 * `--config`, subscriptions, vault or endpoint and hub flags, so it can be pasted as is.
 */
import type { ScopeFlags } from './context';

export const CLI_NAME = 'privatelink-dns-sync';

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The scope flags of a run, in a stable order. */
export function scopeArgs(flags: ScopeFlags): string[] {
  const args: string[] = [];
  const add = (flag: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') args.push(flag, value);
  };
  add('--config', flags.config);
  for (const s of flags.subscription ?? []) add('--subscription', s);
  for (const g of flags.resourceGroup ?? []) add('--resource-group', g);
  add('--vault', flags.vault);
  add('--endpoint', flags.endpoint);
  add('--hub-subscription', flags.hubSubscription);
  add('--zone-resource-group', flags.zoneResourceGroup);
  for (const z of flags.zoneOverride ?? []) add('--zone-override', z);
  add('--owner', flags.owner);
  add('--arm-endpoint', flags.armEndpoint);
  add('--arm-ca', flags.armCa);
  if (flags.resourceGraph === false) args.push('--no-resource-graph');
  return args;
}

/** `privatelink-dns-sync <command> <scope flags> <extra>`, quoted for a shell. */
export function suggestCommand(command: string, flags: ScopeFlags, extra: readonly string[] = []): string {
  return [CLI_NAME, command, ...scopeArgs(flags), ...extra].map(shellQuote).join(' ');
}
