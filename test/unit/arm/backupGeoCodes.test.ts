/**
 * The emulator's own Backup geo-code table (local/arm/backupGeoCodes.ts): complete against the app's table, and
 * the published part entry for entry as Microsoft's list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { backupGeoCodeEntries, backupGeoCodeOf } from '../../../local/arm/backupGeoCodes';
import { geoCodeTable } from '../../../src/core/geoCodes';
import { SHARED_REFERENCE, describeIfShared } from '../support/arm';

describe("the emulator's Backup geo codes", () => {
  it.each([
    ['eastus', 'eus'],
    ['East US 2', 'eus2'],
    ['westeurope', 'we'],
    ['polandcentral', 'plc'],
    ['chinaeast3', 'sha3'],
  ])('%s → %s', (location, code) => {
    expect(backupGeoCodeOf(location)).toBe(code);
  });

  it.each(['marsnorth', '', 'eus'])('knows no code for %j', (location) => {
    expect(backupGeoCodeOf(location)).toBeUndefined();
  });

  it('has unique locations and codes', () => {
    const all = backupGeoCodeEntries();
    expect(new Set(all.map(([l]) => l)).size).toBe(all.length);
    expect(new Set(all.map(([, c]) => c)).size).toBe(all.length);
    expect(all).toHaveLength(backupGeoCodeEntries('published').length + backupGeoCodeEntries('newer').length);
  });

  it("covers every region of the app's table, with the same code", () => {
    const disagreements = geoCodeTable()
      .filter(([location, code]) => backupGeoCodeOf(location) !== code)
      .map(([location, code]) => `${location}: app ${code}, emulator ${backupGeoCodeOf(location) ?? 'none'}`);
    expect(disagreements).toEqual([]);
  });
});

describeIfShared("the emulator's Backup geo codes against the published list", () => {
  it('holds geo-code-list.json (2022-03-07) entry for entry', () => {
    const json = JSON.parse(fs.readFileSync(path.join(SHARED_REFERENCE, 'geo-code-list.json'), 'utf8')) as {
      primary: { geoCode: string; armLocation_derived: string }[];
    };
    const published = json.primary.map((e) => [e.armLocation_derived, e.geoCode]).sort();
    expect(backupGeoCodeEntries('published').sort()).toEqual(published);
  });

  it('lists as newer only regions and codes that list lacks', () => {
    const published = backupGeoCodeEntries('published');
    const locations = new Set(published.map(([l]) => l));
    const codes = new Set(published.map(([, c]) => c));
    for (const [location, code] of backupGeoCodeEntries('newer')) {
      expect([location, locations.has(location) || codes.has(code)]).toEqual([location, false]);
    }
  });
});
