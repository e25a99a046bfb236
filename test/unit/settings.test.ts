import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_SETTINGS } from '../../src/core/settings';
import { WATCHED_OPERATIONS } from '../../src/core/operations';

describe('app settings table', () => {
  it('has unique upper-case names', () => {
    const names = APP_SETTINGS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('watches endpoint writes and deletes and NIC writes', () => {
    expect(WATCHED_OPERATIONS).toContain('Microsoft.Network/privateEndpoints/write');
    expect(WATCHED_OPERATIONS).toContain('Microsoft.Network/privateEndpoints/delete');
  });
});

describe('README configuration table', () => {
  it('documents every app setting', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const missing = APP_SETTINGS.filter((s) => !readme.includes(`| \`${s.name}\` |`)).map((s) => s.name);
    expect(missing).toEqual([]);
  });
});
