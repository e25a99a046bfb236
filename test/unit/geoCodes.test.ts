import fs from 'node:fs';
import path from 'node:path';
import { geoCodeForLocation, geoCodeTable, isKnownGeoCode, newerGeoCodeTable } from '../../src/core/geoCodes';
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

  it.each([
    ['polandcentral', 'plc'],
    ['Poland Central', 'plc'],
    ['italynorth', 'itn'],
    ['spaincentral', 'spc'],
    ['mexicocentral', 'mxc'],
    ['israelcentral', 'ilc'],
    ['qatarcentral', 'qac'],
    ['New Zealand North', 'nzn'],
    ['taiwannorth', 'twn'],
    ['malaysiawest', 'myw'],
    ['indonesiacentral', 'idc'],
    ['chilecentral', 'clc'],
    ['austriaeast', 'aue'],
    ['belgiumcentral', 'bec'],
    ['denmarkeast', 'dke'],
    ['chinanorth3', 'bjb3'],
    ['chinaeast3', 'sha3'],
  ])('newer region %s → %s', (location, code) => {
    expect(geoCodeForLocation(location)).toBe(code);
    expect(isKnownGeoCode(code)).toBe(true);
  });

  it.each(['mars', 'contosowest', ''])('has no code for %j', (location) => {
    expect(geoCodeForLocation(location)).toBeUndefined();
  });

  it.each(['bj2r', 'ate', 'esc', 'xyz'])('does not know the unsourced or disputed code %s', (code) => {
    expect(isKnownGeoCode(code)).toBe(false);
  });

  it('names at least one source for every newer region', () => {
    for (const entry of newerGeoCodeTable()) {
      expect(entry.sources.length).toBeGreaterThan(0);
      for (const source of entry.sources) {
        expect(source).toMatch(/^(Azure\/[\w.-]+ \S+ @ [0-9a-f]{40}|https:\/\/docs\.azure\.cn\/)/);
      }
    }
  });

  it('has unique locations and codes', () => {
    const table = geoCodeTable();
    expect(new Set(table.map(([l]) => l)).size).toBe(table.length);
    expect(new Set(table.map(([, c]) => c)).size).toBe(table.length);
  });
});

describeIfShared('geo codes against the published list', () => {
  const readPublished = (): string[][] => {
    const json = JSON.parse(fs.readFileSync(path.join(SHARED_REFERENCE, 'geo-code-list.json'), 'utf8')) as {
      primary: { geoCode: string; armLocation_derived: string }[];
    };
    return json.primary.map((e) => [e.armLocation_derived, e.geoCode]).sort();
  };
  const newerLocations = new Set(newerGeoCodeTable().map((e) => e.location));

  it('holds geo-code-list.json entry for entry, apart from the separately sourced newer regions', () => {
    const ours = geoCodeTable()
      .filter(([l]) => !newerLocations.has(l))
      .map(([l, c]) => [l, c])
      .sort();
    expect(ours).toEqual(readPublished());
  });

  it('lists as newer only regions and codes the 2022 list lacks', () => {
    const published = readPublished();
    const publishedLocations = new Set(published.map(([l]) => l));
    const publishedCodes = new Set(published.map(([, c]) => c));
    for (const { location, geoCode } of newerGeoCodeTable()) {
      expect(publishedLocations.has(location)).toBe(false);
      expect(publishedCodes.has(geoCode)).toBe(false);
    }
  });
});
