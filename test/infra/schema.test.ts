/**
 * Every template and parameter file in infra/ validates against Microsoft's ARM deployment and provider
 * schemas (../shared/azure-reference/arm-schemas, loaded from there, never copied).
 */
import type { JsonObject } from './armTemplate';
import { PARAMETER_FILES, TEMPLATE_FILES, readJson } from './armTemplate';
import { ArmSchemaValidator, SCHEMA_DIR, schemasAvailable, validateDeep } from './armSchemas';

const describeIfSchemas = schemasAvailable ? describe : describe.skip;
if (!schemasAvailable) {
  console.warn(
    `ARM schema tests skipped: ${SCHEMA_DIR} not found (it sits next to the repository checkout).`,
  );
}

describeIfSchemas('ARM schema validation (offline, ajv draft-04)', () => {
  let validator: ArmSchemaValidator;
  beforeAll(() => {
    validator = new ArmSchemaValidator();
  });

  it('loads the deployment roots and the provider files the templates use', () => {
    for (const provider of [
      'Microsoft.Web.json',
      'Microsoft.Storage.json',
      'Microsoft.EventGrid.json',
      'Microsoft.Authorization.json',
      'Microsoft.KeyVault.json',
    ]) {
      expect(validator.loadedFiles.some((f) => f.endsWith(provider))).toBe(true);
    }
  });

  it.each(TEMPLATE_FILES)('%s validates, envelope, every resource and every nested template', (file) => {
    const report = validateDeep(validator, readJson(`infra/${file}`));
    const resourceErrors = report.resources
      .filter((r) => r.errors.length > 0)
      .map((r) => `${r.path} (${r.type}): ${r.errors.join('; ')}`);
    expect(resourceErrors).toEqual([]);
    const templateErrors = report.templates
      .filter((t) => t.errors.length > 0)
      .map((t) => `${t.path}: ${t.errors.map((e) => `${e.instancePath} ${e.message ?? ''}`).join('; ')}`);
    expect(templateErrors).toEqual([]);
    expect(report.resources.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(PARAMETER_FILES))('%s validates as a parameter file', (file) => {
    expect(validator.validateParameterFile(readJson(`infra/${file}`))).toEqual([]);
  });

  describe('rejects broken templates (the check is not vacuous)', () => {
    const hub = (): JsonObject => readJson('infra/hub.json');
    const site = (t: JsonObject): JsonObject =>
      (t['resources'] as JsonObject[]).find((r) => r['type'] === 'Microsoft.Web/sites') as JsonObject;
    const cases: [string, (t: JsonObject) => void, RegExp][] = [
      [
        'a string where an integer belongs',
        (t) => {
          const cfg = (site(t)['properties'] as JsonObject)['functionAppConfig'] as JsonObject;
          (cfg['scaleAndConcurrency'] as JsonObject)['maximumInstanceCount'] = '100';
        },
        /maximumInstanceCount must be integer/,
      ],
      [
        'an unknown runtime name',
        (t) => {
          const cfg = (site(t)['properties'] as JsonObject)['functionAppConfig'] as JsonObject;
          cfg['runtime'] = { name: 'nodejs', version: '22' };
        },
        /runtime\/name must be equal to one of the allowed values/,
      ],
      [
        'an api-version the schemas do not know',
        (t) => {
          site(t)['apiVersion'] = '2099-01-01';
        },
        /no schema for Microsoft\.Web\/sites@2099-01-01/,
      ],
      [
        'a missing required properties object',
        (t) => {
          delete site(t)['properties'];
        },
        /must have required property 'properties'/,
      ],
    ];
    it.each(cases)('%s', (_label, breakIt, message) => {
      const template = hub();
      breakIt(template);
      const report = validateDeep(validator, template);
      const errors = report.resources.flatMap((r) => r.errors).join('\n');
      expect(errors).toMatch(message);
      expect(report.templates[0]?.errors.length).toBeGreaterThan(0);
    });

    it('a typo in a root key', () => {
      const template = hub();
      template['resource'] = template['resources'] ?? [];
      expect(validator.validateTemplate(template).length).toBeGreaterThan(0);
    });
  });

  describe('strict mode: unknown (misspelled) properties fail too', () => {
    let strict: ArmSchemaValidator;
    beforeAll(() => {
      strict = new ArmSchemaValidator(true);
    });

    it.each(TEMPLATE_FILES)('%s has no property the provider schemas do not know', (file) => {
      const report = validateDeep(strict, readJson(`infra/${file}`));
      expect(report.resources.filter((r) => r.errors.length > 0)).toEqual([]);
      expect(report.templates.filter((t) => t.errors.length > 0).map((t) => t.path)).toEqual([]);
    });

    const typo = (file: string, type: string, edit: (resource: JsonObject) => void): JsonObject => {
      const template = readJson(`infra/${file}`);
      const all: JsonObject[] = [];
      const collect = (t: JsonObject): void => {
        for (const r of t['resources'] as JsonObject[]) {
          all.push(r);
          const inner = (r['properties'] as JsonObject | undefined)?.['template'];
          if (inner && typeof inner === 'object') collect(inner as JsonObject);
        }
      };
      collect(template);
      edit(all.find((r) => r['type'] === type) as JsonObject);
      return template;
    };
    const cases: [string, JsonObject][] = [
      [
        'storage allowSharedKeyAcess',
        typo('hub.json', 'Microsoft.Storage/storageAccounts', (r) => {
          const p = r['properties'] as JsonObject;
          p['allowSharedKeyAcess'] = p['allowSharedKeyAccess'] ?? false;
          delete p['allowSharedKeyAccess'];
        }),
      ],
      [
        'advanced filter vaules',
        typo('spoke.json', 'Microsoft.EventGrid/systemTopics/eventSubscriptions', (r) => {
          const filter = (r['properties'] as JsonObject)['filter'] as JsonObject;
          const [f] = filter['advancedFilters'] as JsonObject[];
          f!['vaules'] = f!['values'] ?? [];
          delete f!['values'];
        }),
      ],
      [
        'site httpsOnyl',
        typo('hub.json', 'Microsoft.Web/sites', (r) => {
          (r['properties'] as JsonObject)['httpsOnyl'] = true;
        }),
      ],
    ];
    it.each(cases)(
      '%s fails in strict mode and passes the published schemas (quirk 1)',
      (_label, template) => {
        const strictErrors = validateDeep(strict, template).resources.flatMap((r) => r.errors);
        expect(strictErrors.join('\n')).toMatch(/must NOT have additional properties/);
        expect(validateDeep(validator, template).resources.flatMap((r) => r.errors)).toEqual([]);
      },
    );
  });
});
