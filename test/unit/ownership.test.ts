import {
  MAX_ENDPOINTS_IN_METADATA,
  decodeOwnership,
  encodeOwnership,
  isOwnedBy,
  metadataProblems,
} from '../../src/core/ownership';
import { canonicalPeId } from './support/arm';

const OWNER = 'privatelink-dns-sync';
const longId = canonicalPeId('p'.repeat(80), '3f6e1d2c-4b5a-4e7f-8a9b-0c1d2e3f4a5b', 'g'.repeat(90));

describe('record ownership metadata', () => {
  it.each([
    ['no endpoints', []],
    ['one endpoint', [canonicalPeId('pe-a')]],
    ['two endpoints', [canonicalPeId('pe-b'), canonicalPeId('pe-a')]],
    ['the longest possible endpoint id', [longId]],
    ['46 endpoints next to one foreign key', Array.from({ length: 46 }, (_, i) => canonicalPeId(`pe-${i}`))],
  ])('round-trips %s within the metadata limits', (_label, ids) => {
    const metadata = encodeOwnership(OWNER, ids, { team: 'network' });
    expect(metadataProblems(metadata)).toEqual([]);
    expect(metadata.team).toBe('network');
    expect(decodeOwnership(metadata)).toEqual({
      ownerId: OWNER,
      endpointIds: [...ids].sort(),
      overflow: false,
    });
  });

  it('marks an overflow when more endpoints need the record than metadata can list', () => {
    const ids = Array.from({ length: MAX_ENDPOINTS_IN_METADATA + 3 }, (_, i) =>
      canonicalPeId(`pe-${String(i).padStart(3, '0')}`),
    );
    const metadata = encodeOwnership(OWNER, ids);
    expect(metadataProblems(metadata)).toEqual([]);
    const decoded = decodeOwnership(metadata);
    expect(decoded?.overflow).toBe(true);
    expect(decoded?.endpointIds).toHaveLength(MAX_ENDPOINTS_IN_METADATA);
    expect(Object.keys(metadata)).toHaveLength(50);
    const exact = encodeOwnership(OWNER, ids.slice(0, MAX_ENDPOINTS_IN_METADATA));
    expect(decodeOwnership(exact)?.overflow).toBe(false);
  });

  it('replaces earlier ownership keys and keeps foreign keys', () => {
    const first = encodeOwnership(OWNER, [canonicalPeId('pe-a'), canonicalPeId('pe-b')]);
    const second = encodeOwnership(OWNER, [canonicalPeId('pe-c')], { ...first, note: 'keep' });
    expect(decodeOwnership(second)?.endpointIds).toEqual([canonicalPeId('pe-c')]);
    expect(second.note).toBe('keep');
    expect(Object.keys(second).filter((k) => k.startsWith('pldsep'))).toEqual(['pldsep0']);
  });

  it('treats records without our owner key as foreign', () => {
    expect(decodeOwnership(undefined)).toBeUndefined();
    expect(decodeOwnership({ createdBy: 'CreateDNSEntries.ps1' })).toBeUndefined();
    expect(isOwnedBy({ PLDSOWNER: OWNER }, OWNER)).toBe(true);
    expect(isOwnedBy({ pldsowner: 'someone-else' }, OWNER)).toBe(false);
  });

  it('ignores unreadable endpoint values', () => {
    expect(decodeOwnership({ pldsowner: OWNER, pldsep0: 'garbage', pldsep1: 'a//b' })?.endpointIds).toEqual(
      [],
    );
  });

  it('reports metadata beyond the limits', () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 51; i++) big[`k${i}`] = 'v';
    big['bad/key'] = 'x'.repeat(300);
    expect(metadataProblems(big)).toHaveLength(3);
  });
});
