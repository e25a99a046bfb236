/**
 * Deploying twice changes nothing: every resource name is a pure function of the parameters and the
 * deployment target (no utcNow()/newGuid(), no runtime values), and role assignment names are
 * guid(scope, principal, role) so a second deployment finds the same assignments.
 */
import type { ArmValue } from './armExpression';
import { Opaque, parseExpression, text } from './armExpression';
import type { ResourceInstance } from './armTemplate';
import {
  TEMPLATE_FILES,
  assignmentScopeId,
  expandTemplate,
  functionsCalledIn,
  loadTemplate,
} from './armTemplate';
import { HUB_TARGET, expandHub, expandSpoke, props } from './fixtures';

const NON_DETERMINISTIC = ['utcNow', 'newGuid'];

describe('deploying twice changes nothing', () => {
  it.each(TEMPLATE_FILES)('%s: no utcNow() or newGuid() anywhere in the template', (file) => {
    const called = functionsCalledIn(loadTemplate(file));
    for (const fn of NON_DETERMINISTIC) expect(called.has(fn)).toBe(false);
  });

  it.each(TEMPLATE_FILES)('%s: resource names use no runtime-only value (reference/list*)', (file) => {
    const template = loadTemplate(file);
    // Names are evaluated for real below; an Opaque name would mean it depends on deployment-time state.
    const expanded =
      file === 'hub.json'
        ? expandHub()
        : file === 'spoke.json'
          ? expandSpoke()
          : expandTemplate(
              template,
              HUB_TARGET,
              {
                appInsightsResourceId:
                  '/subscriptions/x/resourceGroups/y/providers/Microsoft.Insights/components/z',
              },
              file,
            );
    for (const r of expanded) {
      expect(r.name).not.toMatch(/<reference|<listKeys/);
    }
  });

  it('the same parameters give the same names and ids, twice', () => {
    const names = (xs: ResourceInstance[]) => xs.map((x) => `${x.type}|${x.name}|${x.condition}`);
    expect(names(expandHub())).toEqual(names(expandHub()));
    expect(names(expandSpoke())).toEqual(names(expandSpoke()));
  });

  it('role assignment names are guid(scope, principal, role)', () => {
    const all = [
      ...expandHub(),
      ...expandHub({ dnsRoleScope: 'resourceGroup' }),
      ...expandSpoke(),
      ...expandSpoke({ watchedResourceGroups: [] }),
    ];
    const assignments = all.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');
    expect(assignments.length).toBeGreaterThan(8);
    for (const a of assignments) {
      const raw = text(a.raw['name']);
      expect(parseExpression(raw)).toMatchObject({ kind: 'call', name: 'guid' });
      expect((parseExpression(raw) as { args: unknown[] }).args).toHaveLength(3);
      const p = props(a);
      const principal: ArmValue = p['principalId'] ?? null;
      // The hub identity's object id is only known after it exists, and ARM needs names at the start of the
      // deployment, so the hub names use the identity's resource id as the principal key.
      const principalKey =
        principal instanceof Opaque
          ? text(principal.text.match(/^reference\(([^,]+),/)?.[1])
          : text(principal);
      expect(a.name).toBe(`guid(${assignmentScopeId(a)}|${principalKey}|${text(p['roleDefinitionId'])})`);
    }
  });

  it('custom role and workbook names are deterministic guid() values too', () => {
    const role = expandSpoke().find((r) => r.type === 'Microsoft.Authorization/roleDefinitions');
    expect(text(role?.raw['name'])).toBe("[variables('customRoleGuid')]");
    expect(role?.name).toMatch(/^guid\(/);
    const workbook = loadTemplate('workbook.json').resources[0];
    expect(text(workbook?.['name'])).toMatch(
      /^\[guid\(resourceGroup\(\)\.id, parameters\('appInsightsResourceId'\)/,
    );
  });
});
