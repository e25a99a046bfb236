/** Every template parameter is documented as Required/Optional; the example parameter files fit their templates. */
import { PARAMETER_FILES, TEMPLATE_FILES, loadTemplate, readJson } from './armTemplate';

describe('template parameters are documented', () => {
  it.each(TEMPLATE_FILES)(
    '%s: every parameter has a Required./Optional. description matching its default',
    (file) => {
      const params = loadTemplate(file).parameters ?? {};
      expect(Object.keys(params).length).toBeGreaterThan(0);
      for (const [name, spec] of Object.entries(params)) {
        const description = spec.metadata?.description ?? '';
        expect([name, description]).toEqual([name, expect.stringMatching(/^(Required|Optional)\. \S/)]);
        const optional = description.startsWith('Optional.');
        expect([name, optional]).toEqual([name, spec.defaultValue !== undefined]);
      }
    },
  );
});

describe('example parameter files', () => {
  it.each(Object.entries(PARAMETER_FILES))(
    '%s sets only parameters of %s and every required one',
    (file, templateFile) => {
      const template = loadTemplate(templateFile);
      const values = readJson<{ parameters: Record<string, unknown> }>(`infra/${file}`).parameters;
      const declared = template.parameters ?? {};
      for (const name of Object.keys(values)) expect(Object.keys(declared)).toContain(name);
      for (const [name, spec] of Object.entries(declared)) {
        if (spec.defaultValue === undefined) expect(Object.keys(values)).toContain(name);
      }
    },
  );
});
