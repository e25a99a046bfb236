/**
 * Least privilege and no shared secrets, checked on the templates expanded for concrete parameter values
 * (every combination of the parameters that change what is granted).
 */
import type { ArmValue } from './armExpression';
import type { ResourceInstance } from './armTemplate';
import { assignmentScopeId, loadTemplate, parameterFileValues } from './armTemplate';
import {
  HUB_APP_RESOURCE_GROUP,
  HUB_SUBSCRIPTION,
  SPOKE_SUBSCRIPTION,
  deployed,
  expandHub,
  expandSpoke,
  only,
  props,
  variations,
} from './fixtures';
import { text } from './armExpression';

/** Built-in role ids (the same in every tenant) the hub identity may hold, and where. */
const BUILT_IN = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  privateDnsZoneContributor: 'b12aa53e-6015-4669-85d0-8515ebb3ae7f',
} as const;

/** Roles that must never appear, whatever the scope. */
const FORBIDDEN = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bf4b7d',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

const SPOKE_READ_ACTIONS = [
  'Microsoft.Network/privateEndpoints/read',
  'Microsoft.Network/networkInterfaces/read',
  'Microsoft.RecoveryServices/vaults/read',
  'Microsoft.ResourceGraph/resources/read',
];
const SPOKE_APPROVAL_ACTIONS = [
  'Microsoft.RecoveryServices/vaults/privateEndpointConnections/read',
  'Microsoft.RecoveryServices/vaults/privateEndpointConnections/write',
];

const hubRg = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_APP_RESOURCE_GROUP}`;
const roleGuid = (a: ResourceInstance): string => {
  const id = text(props(a)['roleDefinitionId']);
  return id.slice(id.lastIndexOf('/') + 1);
};
const grants = (instances: ResourceInstance[]): { role: string; scope: string }[] =>
  deployed(instances, 'Microsoft.Authorization/roleAssignments')
    .map((a) => ({ role: roleGuid(a), scope: assignmentScopeId(a) }))
    .sort((x, y) => `${x.role}${x.scope}`.localeCompare(`${y.role}${y.scope}`));

const hubParams = parameterFileValues('hub.parameters.example.json');
const zoneIds = (): string[] => {
  const inDefault = (hubParams['hubZoneNames'] as string[]).map(
    (z) =>
      `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${text(hubParams['hubZoneResourceGroup'])}/providers/Microsoft.Network/privateDnsZones/${z}`,
  );
  const overrides = (hubParams['hubZoneOverrides'] as { zone: string; resourceGroup: string }[]).map(
    (o) =>
      `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${o.resourceGroup}/providers/Microsoft.Network/privateDnsZones/${o.zone}`,
  );
  return [...inDefault, ...overrides];
};
const zoneGroupIds = (): string[] => [
  ...new Set(zoneIds().map((id) => id.slice(0, id.indexOf('/providers/')))),
];

describe('hub template: role assignments are exactly the allowed list', () => {
  const combos = variations({ dnsRoleScope: ['zone', 'resourceGroup'], createKeyVault: [true, false] });

  it.each(combos)('grants only the listed roles on the listed scopes for %j', (combo) => {
    const instances = expandHub(combo);
    const site = only(instances, 'Microsoft.Web/sites');
    const storage = only(instances, 'Microsoft.Storage/storageAccounts');
    const appInsights = only(instances, 'Microsoft.Insights/components');
    const storageId = `${hubRg}/providers/Microsoft.Storage/storageAccounts/${storage.name}`;
    const appInsightsId = `${hubRg}/providers/Microsoft.Insights/components/${appInsights.name}`;
    const vaultName = text(
      (props(site)['siteConfig'] as { appSettings: { name: string; value: string }[] }).appSettings
        .find((s) => s.name === 'APPROVAL_WEBHOOK_SECRET')
        ?.value.match(/https:\/\/([^.]+)\.vault\.azure\.net/)?.[1],
    );
    const vaultId = `${hubRg}/providers/Microsoft.KeyVault/vaults/${vaultName}`;
    const dnsScopes = combo['dnsRoleScope'] === 'zone' ? zoneIds() : zoneGroupIds();
    const expected = [
      { role: BUILT_IN.storageBlobDataOwner, scope: storageId },
      { role: BUILT_IN.storageQueueDataContributor, scope: storageId },
      { role: BUILT_IN.storageTableDataContributor, scope: storageId },
      { role: BUILT_IN.monitoringMetricsPublisher, scope: appInsightsId },
      { role: BUILT_IN.keyVaultSecretsUser, scope: vaultId },
      ...dnsScopes.map((scope) => ({ role: BUILT_IN.privateDnsZoneContributor, scope })),
    ].sort((x, y) => `${x.role}${x.scope}`.localeCompare(`${y.role}${y.scope}`));
    expect(grants(instances)).toEqual(expected);
  });

  it.each(combos)('never grants Owner/Contributor/Reader or anything at subscription scope (%j)', (combo) => {
    for (const g of grants(expandHub(combo))) {
      expect(Object.values(FORBIDDEN)).not.toContain(g.role);
      expect(Object.values(BUILT_IN)).toContain(g.role);
      expect(g.scope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/);
      // The app's own resource group is never a scope: only resources inside it.
      expect(g.scope.toLowerCase()).not.toBe(hubRg.toLowerCase());
    }
  });

  it('zone mode covers a zone only when it is listed (a new zone needs a redeploy)', () => {
    const instances = expandHub({
      dnsRoleScope: 'zone',
      hubZoneOverrides: [],
      hubZoneNames: ['privatelink.ne.backup.windowsazure.com'],
    });
    const dns = grants(instances).filter((g) => g.role === BUILT_IN.privateDnsZoneContributor);
    expect(dns).toEqual([
      {
        role: BUILT_IN.privateDnsZoneContributor,
        scope: `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.ne.backup.windowsazure.com`,
      },
    ]);
  });

  it('a zone override in another subscription is granted there, by a nested deployment to that group', () => {
    const other = '00000000-0000-0000-0000-00000000a002';
    const instances = expandHub({
      hubZoneOverrides: [
        { zone: 'privatelink.blob.core.windows.net', resourceGroup: 'rg-dns-x', subscriptionId: other },
      ],
    });
    const dns = grants(instances).filter((g) => g.role === BUILT_IN.privateDnsZoneContributor);
    expect(dns.map((g) => g.scope)).toContain(
      `/subscriptions/${other}/resourceGroups/rg-dns-x/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`,
    );
  });

  it('every principal is the user-assigned identity, typed ServicePrincipal', () => {
    for (const a of deployed(expandHub(), 'Microsoft.Authorization/roleAssignments')) {
      expect(text(props(a)['principalId'])).toMatch(/reference\(.*userAssignedIdentities\/.*\)\.principalId/);
      expect(props(a)['principalType']).toBe('ServicePrincipal');
    }
  });

  it('creates no role definitions in the hub', () => {
    expect(deployed(expandHub(), 'Microsoft.Authorization/roleDefinitions')).toEqual([]);
  });
});

describe('hub template: no shared keys, no local auth', () => {
  const instances = expandHub();

  it('storage allows no shared-key access and no public blobs', () => {
    const storage = props(only(instances, 'Microsoft.Storage/storageAccounts'));
    expect(storage['allowSharedKeyAccess']).toBe(false);
    expect(storage['allowBlobPublicAccess']).toBe(false);
    expect(storage['minimumTlsVersion']).toBe('TLS1_2');
  });

  it('Application Insights has local (instrumentation-key) auth disabled', () => {
    expect(props(only(instances, 'Microsoft.Insights/components'))['DisableLocalAuth']).toBe(true);
  });

  it('the Key Vault it creates uses RBAC, not access policies', () => {
    const vault = props(only(instances, 'Microsoft.KeyVault/vaults'));
    expect(vault['enableRbacAuthorization']).toBe(true);
    expect(vault['accessPolicies']).toBeUndefined();
    expect(deployed(instances, 'Microsoft.KeyVault/vaults/accessPolicies')).toEqual([]);
  });

  it('with createKeyVault=false no vault is created and the assignment targets the named existing vault', () => {
    const existing = expandHub({ createKeyVault: false, keyVaultName: 'kv-existing' });
    expect(deployed(existing, 'Microsoft.KeyVault/vaults')).toEqual([]);
    expect(grants(existing).map((g) => g.scope)).toContain(
      `${hubRg}/providers/Microsoft.KeyVault/vaults/kv-existing`,
    );
  });

  it('the function app reaches storage, deployment package and Key Vault through the identity', () => {
    const site = props(only(instances, 'Microsoft.Web/sites'));
    const config = site['functionAppConfig'] as Record<string, Record<string, Record<string, ArmValue>>>;
    const storage = config['deployment']?.['storage'] as Record<string, Record<string, ArmValue>>;
    expect(storage['authentication']?.['type']).toBe('UserAssignedIdentity');
    expect(site['keyVaultReferenceIdentity']).toMatch(/userAssignedIdentities\//);
    expect(site['httpsOnly']).toBe(true);
    const settings = (site['siteConfig'] as { appSettings: { name: string; value: ArmValue }[] }).appSettings;
    const values = settings.map((s) => text(s.value));
    for (const v of values) {
      expect(v).not.toMatch(/AccountKey=|SharedAccessSignature=|listKeys/i);
    }
    expect(settings.find((s) => s.name === 'AzureWebJobsStorage__credential')?.value).toBe('managedidentity');
  });

  it('runs on Flex Consumption with Node 22', () => {
    const plan = only(instances, 'Microsoft.Web/serverfarms').evaluated;
    expect(plan['sku']).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    const config = props(only(instances, 'Microsoft.Web/sites'))['functionAppConfig'] as Record<
      string,
      ArmValue
    >;
    expect(config['runtime']).toEqual({ name: 'node', version: '22' });
  });
});

describe('spoke template: custom read role, approval write only when enabled', () => {
  const roleOf = (instances: ResourceInstance[]) =>
    only(instances, 'Microsoft.Authorization/roleDefinitions');
  const actionsOf = (instances: ResourceInstance[]): string[] => {
    const permissions = props(roleOf(instances))['permissions'] as {
      actions: string[];
      notActions: string[];
      dataActions: string[];
    }[];
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.dataActions).toEqual([]);
    return [...(permissions[0]?.actions ?? [])].sort();
  };

  it('enableApprovals=false: read actions only', () => {
    expect(actionsOf(expandSpoke({ enableApprovals: false }))).toEqual([...SPOKE_READ_ACTIONS].sort());
  });

  it('enableApprovals=true: read actions plus the vault private endpoint connection read/write', () => {
    expect(actionsOf(expandSpoke({ enableApprovals: true }))).toEqual(
      [...SPOKE_READ_ACTIONS, ...SPOKE_APPROVAL_ACTIONS].sort(),
    );
  });

  it('no wildcard action, and the role is assignable in this spoke subscription only', () => {
    for (const enableApprovals of [true, false]) {
      const instances = expandSpoke({ enableApprovals });
      for (const a of actionsOf(instances)) expect(a).not.toContain('*');
      expect(props(roleOf(instances))['assignableScopes']).toEqual([`/subscriptions/${SPOKE_SUBSCRIPTION}`]);
      expect(props(roleOf(instances))['type']).toBe('CustomRole');
    }
  });

  const spokeCombos = variations({
    watchedResourceGroups: [[], ['rg-backup'], ['rg-backup', 'rg-backup-ne']],
    enableApprovals: [true, false],
  });

  it.each(spokeCombos)(
    'assigns only the custom role, on the subscription or each watched group (%j)',
    (combo) => {
      const instances = expandSpoke(combo);
      const customRoleId = `/subscriptions/${SPOKE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${roleOf(instances).name}`;
      const groups = combo['watchedResourceGroups'] as string[];
      const expectedScopes =
        groups.length === 0
          ? [`/subscriptions/${SPOKE_SUBSCRIPTION}`]
          : groups.map((g) => `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${g}`);
      const assignments = deployed(instances, 'Microsoft.Authorization/roleAssignments');
      expect(assignments.map(assignmentScopeId).sort()).toEqual(expectedScopes.sort());
      for (const a of assignments) {
        expect(props(a)['roleDefinitionId']).toBe(customRoleId);
        expect(props(a)['principalId']).toBe(
          parameterFileValues('spoke.parameters.example.json')['hubPrincipalId'],
        );
        expect(props(a)['principalType']).toBe('ServicePrincipal');
      }
    },
  );
});

describe('workbook and alerts templates grant nothing', () => {
  it.each(['workbook.json', 'alerts.json'])('%s has no role assignments or definitions', (file) => {
    const types = loadTemplate(file).resources.map((r) => r['type']);
    expect(types.filter((t) => text(t).startsWith('Microsoft.Authorization/'))).toEqual([]);
  });
});

describe('no template anywhere turns shared keys or local auth back on', () => {
  function* entries(value: unknown): Generator<[string, unknown]> {
    if (Array.isArray(value)) for (const v of value) yield* entries(v);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        yield [k, v];
        yield* entries(v);
      }
  }
  it.each(['hub.json', 'spoke.json', 'workbook.json', 'alerts.json'])('%s', (file) => {
    for (const [key, value] of entries(loadTemplate(file))) {
      if (key === 'allowSharedKeyAccess') expect(value).toBe(false);
      if (key === 'DisableLocalAuth' || key === 'disableLocalAuth') expect(value).toBe(true);
      if (key === 'enableRbacAuthorization') expect(value).toBe(true);
      if (key === 'accessPolicies') throw new Error(`${file} uses Key Vault access policies`);
    }
  });
});
