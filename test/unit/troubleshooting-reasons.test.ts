import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IGNORE_REASONS } from '../../src/core/events';
import { CONFLICT_CODES, SKIP_CODES } from '../../src/core/types';

const guide = readFileSync(join(__dirname, '../../docs/troubleshooting.md'), 'utf8');

/** Rows of the guide's reason tables: `| \`code\` | ... |`. */
const documented = new Set([...guide.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));

describe('docs/troubleshooting.md lists every reason the engine can print', () => {
  it.each([
    ['skip', SKIP_CODES],
    ['conflict', CONFLICT_CODES],
    ['ignored event', IGNORE_REASONS],
  ] as const)('every %s code has a row with its fix', (_kind, codes) => {
    expect(codes.filter((c) => !documented.has(c))).toEqual([]);
  });
});
