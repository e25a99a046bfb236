/**
 * Least privilege and no shared secrets, checked on the templates expanded for concrete parameter values
 * (every combination of the parameters that change what is granted).
 */
import type { ArmValue } from './armExpression';
import type { ResourceInstance } from './armTemplate';
import { assignmentScopeId, loadTemplate, parameterFileValues, targetId } from './armTemplate';
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
import { text, uniqueStringOf } from './armExpression';

const uniqueString = (...parts: string[]): string => uniqueStringOf(parts);

/** A parameter's value as the expansion saw it (defaults applied). */
function parameterValue(instances: ResourceInstance[], name: string): ArmValue {
  const first = instances[0];
  if (!first) throw new Error('nothing expanded');
  return first.scope.parameters[name] ?? null;
}

/**
 * Built-in roles (ids are the same in every tenant) the hub identity may hold. Their actions are Microsoft's
 * definition; the allow-list below names each with where it is granted and why.
 */
const BUILT_IN = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
} as const;

/** Roles that must never appear, whatever the scope. */
const FORBIDDEN = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bf4b7d',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  privateDnsZoneContributor: 'b12aa53e-6015-4669-85d0-8515ebb3ae7f',
} as const;

/** Exactly what the app calls on the hub zones: zone get/list, A record get/list, create/update, delete. */
const ZONE_RECORD_ACTIONS = [
  'Microsoft.Network/privateDnsZones/read',
  'Microsoft.Network/privateDnsZones/A/read',
  'Microsoft.Network/privateDnsZones/A/write',
  'Microsoft.Network/privateDnsZones/A/delete',
];
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

/** One role assignment as deployed: the role's name, its actions (custom roles) and the scope. */
interface Grant {
  readonly role: string;
  readonly actions: string[];
  readonly scope: string;
}

const roleGuidOf = (id: string): string => id.slice(id.lastIndexOf('/') + 1);

/** Every deployed role assignment with its role resolved: built-in by id, custom from the template itself. */
function grantsOf(instances: ResourceInstance[]): Grant[] {
  const custom = new Map<string, { name: string; actions: string[] }>();
  for (const d of deployed(instances, 'Microsoft.Authorization/roleDefinitions')) {
    const permissions = props(d)['permissions'] as { actions: string[]; dataActions: string[] }[];
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.dataActions).toEqual([]);
    const id = `/subscriptions/${d.target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${d.name}`;
    custom.set(id.toLowerCase(), {
      name: text(props(d)['roleName']),
      actions: [...(permissions[0]?.actions ?? [])].sort(),
    });
  }
  return deployed(instances, 'Microsoft.Authorization/roleAssignments')
    .map((a) => {
      const roleId = text(props(a)['roleDefinitionId']);
      const builtIn = BUILT_IN[roleGuidOf(roleId) as keyof typeof BUILT_IN];
      const role = builtIn ? { name: builtIn, actions: ['(built-in)'] } : custom.get(roleId.toLowerCase());
      if (!role)
        throw new Error(`role assignment ${a.name} grants ${roleId}, defined nowhere in the template`);
      return { role: role.name, actions: role.actions, scope: assignmentScopeId(a) };
    })
    .sort((x, y) => `${x.role}${x.scope}`.localeCompare(`${y.role}${y.scope}`));
}

const sortGrants = (list: Grant[]): Grant[] =>
  list
    .map((g) => ({ ...g, actions: [...g.actions].sort() }))
    .sort((x, y) => `${x.role}${x.scope}`.localeCompare(`${y.role}${y.scope}`));

const hubRg = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/${HUB_APP_RESOURCE_GROUP}`;
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
const zoneRoleName = (groupId: string) => `privatelink-dns-sync zone records (${uniqueString(groupId)})`;

describe('hub template: every role assignment, its actions and its scope, against the allow-list', () => {
  const combos = variations({ dnsRoleScope: ['zone', 'resourceGroup'], createKeyVault: [true, false] });

  it.each(combos)('grants exactly the allow-list for %j', (combo) => {
    const instances = expandHub(combo);
    const storage = only(instances, 'Microsoft.Storage/storageAccounts');
    const appInsights = only(instances, 'Microsoft.Insights/components');
    const storageId = `${hubRg}/providers/Microsoft.Storage/storageAccounts/${storage.name}`;
    const appInsightsId = `${hubRg}/providers/Microsoft.Insights/components/${appInsights.name}`;
    const vaultName = text(parameterValue(instances, 'keyVaultName'));
    const secretId = `${hubRg}/providers/Microsoft.KeyVault/vaults/${vaultName}/secrets/approval-webhook-secret`;
    const dnsScopes = combo['dnsRoleScope'] === 'zone' ? zoneIds() : zoneGroupIds();
    const allowList: Grant[] = [
      // Functions host storage and the Durable Functions task hub (blobs/leases, queues, tables).
      { role: 'Storage Blob Data Owner', actions: ['(built-in)'], scope: storageId },
      { role: 'Storage Queue Data Contributor', actions: ['(built-in)'], scope: storageId },
      { role: 'Storage Table Data Contributor', actions: ['(built-in)'], scope: storageId },
      // Telemetry with Entra ID auth (local auth is off).
      { role: 'Monitoring Metrics Publisher', actions: ['(built-in)'], scope: appInsightsId },
      // The approval secret, and nothing else in the vault.
      { role: 'Key Vault Secrets User', actions: ['(built-in)'], scope: secretId },
      // The hub zones: zone read, A record read/write/delete.
      ...dnsScopes.map((scope) => ({
        role: zoneRoleName(
          scope.includes('/providers/') ? scope.slice(0, scope.indexOf('/providers/')) : scope,
        ),
        actions: ZONE_RECORD_ACTIONS,
        scope,
      })),
    ];
    expect(grantsOf(instances)).toEqual(sortGrants(allowList));
  });

  it('defines one zone-records role per zone resource group, assignable only there, with exactly the zone actions', () => {
    const definitions = deployed(expandHub(), 'Microsoft.Authorization/roleDefinitions');
    expect(definitions.map((d) => targetId(d.target)).sort()).toEqual(zoneGroupIds().sort());
    for (const d of definitions) {
      expect(props(d)['type']).toBe('CustomRole');
      expect(props(d)['assignableScopes']).toEqual([targetId(d.target)]);
      const permissions = props(d)['permissions'] as { actions: string[]; notActions: string[] }[];
      expect([...(permissions[0]?.actions ?? [])].sort()).toEqual([...ZONE_RECORD_ACTIONS].sort());
      for (const a of permissions[0]?.actions ?? []) expect(a).not.toContain('*');
    }
  });

  it.each(combos)(
    'never grants Owner/Contributor/Reader/Private DNS Zone Contributor or a subscription (%j)',
    (combo) => {
      for (const a of deployed(expandHub(combo), 'Microsoft.Authorization/roleAssignments')) {
        expect(Object.values(FORBIDDEN)).not.toContain(roleGuidOf(text(props(a)['roleDefinitionId'])));
        const scope = assignmentScopeId(a);
        expect(scope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/);
        // The app's own resource group is never a scope: only resources inside it.
        expect(scope.toLowerCase()).not.toBe(hubRg.toLowerCase());
      }
    },
  );

  it('zone mode covers a zone only when it is listed (a new zone needs a redeploy)', () => {
    const instances = expandHub({
      dnsRoleScope: 'zone',
      hubZoneOverrides: [],
      hubZoneNames: ['privatelink.ne.backup.windowsazure.com'],
    });
    const zoneGrants = grantsOf(instances).filter((g) => g.actions.includes(ZONE_RECORD_ACTIONS[2] ?? ''));
    expect(zoneGrants.map((g) => g.scope)).toEqual([
      `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.ne.backup.windowsazure.com`,
    ]);
  });

  it('a zone override in another subscription gets its role defined and granted there, by nested deployments', () => {
    const other = '00000000-0000-0000-0000-00000000a002';
    const instances = expandHub({
      hubZoneOverrides: [
        { zone: 'privatelink.blob.core.windows.net', resourceGroup: 'rg-dns-x', subscriptionId: other },
      ],
    });
    const grant = grantsOf(instances).find((g) => g.scope.includes('/rg-dns-x/'));
    expect(grant).toEqual({
      role: zoneRoleName(`/subscriptions/${other}/resourceGroups/rg-dns-x`),
      actions: [...ZONE_RECORD_ACTIONS].sort(),
      scope: `/subscriptions/${other}/resourceGroups/rg-dns-x/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`,
    });
  });

  it('every principal is the user-assigned identity, typed ServicePrincipal', () => {
    for (const a of deployed(expandHub(), 'Microsoft.Authorization/roleAssignments')) {
      expect(text(props(a)['principalId'])).toMatch(/reference\(.*userAssignedIdentities\/.*\)\.principalId/);
      expect(props(a)['principalType']).toBe('ServicePrincipal');
    }
  });
});

describe('hub template: the approval secret always exists', () => {
  const secrets = (instances: ResourceInstance[]) => deployed(instances, 'Microsoft.KeyVault/vaults/secrets');

  it.each([true, false])(
    'with a value it is written into the vault (createKeyVault=%s)',
    (createKeyVault) => {
      const value = 'v'.repeat(48);
      const written = secrets(expandHub({ createKeyVault, approvalSecretValue: value }));
      expect(written.map((s) => s.name)).toEqual([expect.stringMatching(/\/approval-webhook-secret$/)]);
      expect(props(written[0] as ResourceInstance)['value']).toBe(value);
    },
  );

  it('without a value the deployment requires it: the role is assigned on the secret itself', () => {
    const instances = expandHub({ approvalSecretValue: '' });
    expect(secrets(instances)).toEqual([]);
    const kv = grantsOf(instances).filter((g) => g.role === 'Key Vault Secrets User');
    expect(kv.map((g) => g.scope)).toEqual([
      expect.stringMatching(/\/vaults\/[^/]+\/secrets\/approval-webhook-secret$/),
    ]);
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

  it('with createKeyVault=false no vault is created and the assignment targets the secret in the named vault', () => {
    const existing = expandHub({ createKeyVault: false, keyVaultName: 'kv-existing' });
    expect(deployed(existing, 'Microsoft.KeyVault/vaults')).toEqual([]);
    expect(grantsOf(existing).map((g) => g.scope)).toContain(
      `${hubRg}/providers/Microsoft.KeyVault/vaults/kv-existing/secrets/approval-webhook-secret`,
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

describe('spoke template: every role assignment, its actions and its scope, against the allow-list', () => {
  const sub = `/subscriptions/${SPOKE_SUBSCRIPTION}`;
  const group = (g: string) => `${sub}/resourceGroups/${g}`;
  const reader = `privatelink-dns-sync spoke reader (${SPOKE_SUBSCRIPTION})`;
  const approver = `privatelink-dns-sync spoke approver (${SPOKE_SUBSCRIPTION})`;

  const spokeCombos = variations({
    watchedResourceGroups: [[], ['rg-backup'], ['rg-backup', 'rg-backup-ne']],
    enableApprovals: [true, false],
    approvalResourceGroups: [[], ['rg-vaults']],
  });

  it.each(spokeCombos)('grants exactly the allow-list for %j', (combo) => {
    const watched = combo['watchedResourceGroups'] as string[];
    const approvalGroups = combo['approvalResourceGroups'] as string[];
    const readScopes = watched.length === 0 ? [sub] : watched.map(group);
    const approvalScopes = !combo['enableApprovals']
      ? []
      : approvalGroups.length > 0
        ? approvalGroups.map(group)
        : watched.length > 0
          ? watched.map(group)
          : [sub];
    const allowList: Grant[] = [
      // Read endpoints, NICs and vaults; one Resource Graph query per listing.
      ...readScopes.map((scope) => ({ role: reader, actions: SPOKE_READ_ACTIONS, scope })),
      // Approve or reject vault connections: only where the vaults live, only when approvals are on.
      ...approvalScopes.map((scope) => ({ role: approver, actions: SPOKE_APPROVAL_ACTIONS, scope })),
    ];
    const instances = expandSpoke(combo);
    expect(grantsOf(instances)).toEqual(sortGrants(allowList));
    for (const a of deployed(instances, 'Microsoft.Authorization/roleAssignments')) {
      expect(props(a)['principalId']).toBe(
        parameterFileValues('spoke.parameters.example.json')['hubPrincipalId'],
      );
      expect(props(a)['principalType']).toBe('ServicePrincipal');
    }
  });

  it('custom roles: no wildcard, no data actions, assignable in this spoke subscription only', () => {
    for (const enableApprovals of [true, false]) {
      const definitions = deployed(
        expandSpoke({ enableApprovals }),
        'Microsoft.Authorization/roleDefinitions',
      );
      expect(definitions).toHaveLength(enableApprovals ? 2 : 1);
      for (const d of definitions) {
        const permissions = props(d)['permissions'] as { actions: string[]; dataActions: string[] }[];
        for (const a of permissions[0]?.actions ?? []) expect(a).not.toContain('*');
        expect(props(d)['assignableScopes']).toEqual([sub]);
        expect(props(d)['type']).toBe('CustomRole');
      }
    }
  });
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
