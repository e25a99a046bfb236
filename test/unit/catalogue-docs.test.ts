/**
 * docs/services.md lists the supported clouds and services as generated from the catalogue. When the catalogue
 * changes, regenerate the block: `UPDATE_DOCS=1 npx jest test/unit/catalogue-docs.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCatalogueMarkdown } from '../../src/core/catalogueDocs';
import { catalogueRows } from '../../src/core/zoneCatalogue';

const FILE = join(__dirname, '../../docs/services.md');
const START = '<!-- catalogue:start -->';
const END = '<!-- catalogue:end -->';

function block(text: string): string {
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/services.md lacks the ${START} … ${END} markers`);
  return text.slice(from + START.length, to);
}

describe('docs/services.md', () => {
  const generated = `\n${renderCatalogueMarkdown()}\n`;

  it('holds the table generated from the catalogue (UPDATE_DOCS=1 rewrites it)', () => {
    let text = readFileSync(FILE, 'utf8');
    if (process.env.UPDATE_DOCS === '1') {
      block(text);
      text = text.slice(0, text.indexOf(START) + START.length) + generated + text.slice(text.indexOf(END));
      writeFileSync(FILE, text);
    }
    expect(block(text)).toBe(generated);
  });

  it('names every row, zone and cloud of the catalogue', () => {
    const text = block(readFileSync(FILE, 'utf8'));
    for (const cloud of ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'])
      expect(text).toContain(`\`${cloud}\``);
    for (const row of catalogueRows()) {
      expect(text).toContain(row.resourceType);
      for (const zone of row.zones) expect(text).toContain(`\`${zone.zone}\``);
    }
  });
});
