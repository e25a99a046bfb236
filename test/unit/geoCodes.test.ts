import fs from 'node:fs';
import path from 'node:path';
import { geoCodeForLocation, geoCodeTable, isKnownGeoCode } from '../../src/core/geoCodes';
import { SHARED_REFERENCE, describeIfShared } from './support/arm';

describe('geo codes', () => {
  it.each([
    ['eastus', 'eus'],
    ['East US', 'eus'],
    ['northeurope', 'ne'],
    ['uksouth', 'uks'],
    ['westus3', 'wus3'],
    ['germanywestcentral', 'gwc'],
  ])('%s → %s', (location, code) => {
    expect(geoCodeForLocation(location)).toBe(code);
    expect(isKnownGeoCode(code.toUpperCase())).toBe(true);
  });

  it.each(['polandcentral', 'italynorth', 'mars'])('has no code for %s', (location) => {
    expect(geoCodeForLocation(location)).toBeUndefined();
  });

  it('has unique locations and codes', () => {
    const table = geoCodeTable();
    expect(new Set(table.map(([l]) => l)).size).toBe(table.length);
    expect(new Set(table.map(([, c]) => c)).size).toBe(table.length);
  });
});

describeIfShared('geo codes against the published list', () => {
  it('matches geo-code-list.json entry for entry', () => {
    const json = JSON.parse(fs.readFileSync(path.join(SHARED_REFERENCE, 'geo-code-list.json'), 'utf8')) as {
      primary: { geoCode: string; armLocation_derived: string }[];
    };
    const published = json.primary.map((e) => [e.armLocation_derived, e.geoCode]).sort();
    const ours = geoCodeTable()
      .map(([l, c]) => [l, c])
      .sort();
    expect(ours).toEqual(published);
  });
});
