/**
 * The hub template sets exactly the deployed app settings (plus the runtime allow-list) and
 * local.settings.example.json holds every setting (plus the local runtime allow-list) — nothing else.
 */
import { APP_SETTINGS } from '../../src/core/settings';
import type { ArmValue } from './armExpression';
import { Opaque, isExpression, text } from './armExpression';
import type { JsonObject } from './armTemplate';
import { loadTemplate, parameterFileValues, readJson } from './armTemplate';
import { expandHub, only, props } from './fixtures';
import { HUB_RUNTIME_SETTINGS, LOCAL_RUNTIME_SETTINGS, RUNTIME_SETTINGS } from './runtimeSettings';

const deployedNames: string[] = APP_SETTINGS.filter((s) => s.deployed).map((s) => s.name);
const allNames: string[] = APP_SETTINGS.map((s) => s.name);
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function rawAppSettings(): { name: string; value: unknown }[] {
  const site = loadTemplate('hub.json').resources.find(
    (r) => r['type'] === 'Microsoft.Web/sites',
  ) as JsonObject;
  const siteConfig = (site['properties'] as JsonObject)['siteConfig'] as JsonObject;
  return siteConfig['appSettings'] as { name: string; value: unknown }[];
}

function evaluatedAppSettings(overrides: Record<string, ArmValue> = {}): Map<string, ArmValue> {
  const site = props(only(expandHub(overrides), 'Microsoft.Web/sites'));
  const list = (site['siteConfig'] as { appSettings: { name: string; value: ArmValue }[] }).appSettings;
  return new Map(list.map((s) => [s.name, s.value]));
}

describe('hub template app settings', () => {
  it('names == deployed APP_SETTINGS + the runtime allow-list', () => {
    const names = rawAppSettings().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(sorted(names)).toEqual(sorted([...deployedNames, ...HUB_RUNTIME_SETTINGS]));
  });

  it('sets no local-only setting and none that Flex Consumption rejects', () => {
    const names = rawAppSettings().map((s) => s.name);
    for (const s of APP_SETTINGS.filter((x) => !x.deployed)) expect(names).not.toContain(s.name);
    expect(names).not.toContain('FUNCTIONS_WORKER_RUNTIME');
    expect(names).not.toContain('FUNCTIONS_EXTENSION_VERSION');
    expect(names).not.toContain('AzureWebJobsStorage');
    expect(names).not.toContain('WEBSITE_RUN_FROM_PACKAGE');
  });

  it('every deployed setting is driven by a parameter, the identity, Key Vault or the cloud, never a literal', () => {
    for (const s of rawAppSettings().filter((x) => deployedNames.includes(x.name))) {
      expect(typeof s.value === 'string' && isExpression(s.value)).toBe(true);
      expect(text(s.value)).toMatch(
        /parameters\(|reference\(|variables\('(approvalSecretUri|zoneOverrideEntries)'\)|^\[environment\(\)\.name\]$/,
      );
    }
  });

  it('evaluated with the example parameters, values have the shapes AppConfig parses', () => {
    const values = evaluatedAppSettings();
    const hubParams = parameterFileValues('hub.parameters.example.json');
    const example = (name: string): string => APP_SETTINGS.find((s) => s.name === name)?.example ?? '';
    // The example estate of the parameter file and the settings table describe the same hub.
    expect(values.get('HUB_SUBSCRIPTION_ID')).toBe(example('HUB_SUBSCRIPTION_ID'));
    expect(values.get('HUB_ZONE_RESOURCE_GROUP')).toBe(example('HUB_ZONE_RESOURCE_GROUP'));
    expect(values.get('HUB_ZONE_OVERRIDES')).toBe(example('HUB_ZONE_OVERRIDES'));
    expect(values.get('SPOKE_SUBSCRIPTION_IDS')).toBe(example('SPOKE_SUBSCRIPTION_IDS'));
    expect(values.get('SYNC_POLICY')).toBe(hubParams['syncPolicy']);
    expect(values.get('RECORD_TTL_SECONDS')).toBe('10');
    expect(values.get('ADOPT_FOREIGN_RECORDS')).toBe('false');
    expect(values.get('APPROVAL_TIMEOUT_HOURS')).toBe('72');
    expect(values.get('RECONCILE_SCHEDULE')).toBe(example('RECONCILE_SCHEDULE'));
    expect(text(values.get('APPROVAL_WEBHOOK_SECRET'))).toMatch(
      /^@Microsoft\.KeyVault\(SecretUri=https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/approval-webhook-secret\)$/,
    );
    expect(text(values.get('AZURE_CLIENT_ID'))).toMatch(/userAssignedIdentities.*\.clientId/);
    // Strings, or values only known at deployment time (identity client id, App Insights connection string).
    for (const [name, value] of values)
      expect([name, typeof value === 'string' || value instanceof Opaque]).toEqual([name, true]);
  });

  it('booleans and lists are rendered as AppConfig expects (lower-case, comma or ; separated)', () => {
    const values = evaluatedAppSettings({
      adoptForeignRecords: true,
      spokeResourceGroups: ['s1/rg-a', 's2/rg-b'],
      approvalAutoSubscriptions: ['s1', 's2'],
      hubZoneOverrides: [
        { zone: 'privatelink.blob.core.windows.net', resourceGroup: 'rg-x', subscriptionId: 'sub-x' },
      ],
    });
    expect(values.get('ADOPT_FOREIGN_RECORDS')).toBe('true');
    expect(values.get('SPOKE_RESOURCE_GROUPS')).toBe('s1/rg-a,s2/rg-b');
    expect(values.get('APPROVAL_AUTO_SUBSCRIPTIONS')).toBe('s1,s2');
    expect(values.get('HUB_ZONE_OVERRIDES')).toBe(
      'privatelink.blob.core.windows.net=/subscriptions/sub-x/resourceGroups/rg-x',
    );
    expect(evaluatedAppSettings({ hubZoneOverrides: [] }).get('HUB_ZONE_OVERRIDES')).toBe('');
  });

  it('the runtime allow-list gives a reason for every entry', () => {
    for (const s of RUNTIME_SETTINGS) {
      expect(s.reason.length).toBeGreaterThan(20);
      expect(allNames).not.toContain(s.name);
    }
  });
});

describe('local.settings.example.json', () => {
  const file = readJson<{ IsEncrypted: boolean; Values: Record<string, string> }>(
    'local.settings.example.json',
  );

  it('is not encrypted and holds every APP_SETTINGS name + the local runtime allow-list, nothing else', () => {
    expect(file.IsEncrypted).toBe(false);
    expect(sorted(Object.keys(file.Values))).toEqual(sorted([...allNames, ...LOCAL_RUNTIME_SETTINGS]));
  });

  it('uses the example value of every setting and the Azurite/node runtime values', () => {
    for (const s of APP_SETTINGS) expect([s.name, file.Values[s.name]]).toEqual([s.name, s.example]);
    expect(file.Values['FUNCTIONS_WORKER_RUNTIME']).toBe('node');
    expect(file.Values['AzureWebJobsStorage']).toBe('UseDevelopmentStorage=true');
    expect(file.Values['DURABLE_TASK_HUB_NAME']).toMatch(/^[A-Za-z][A-Za-z0-9]{2,44}$/);
    for (const v of Object.values(file.Values)) expect(typeof v).toBe('string');
  });
});
