/** The operator docs stay usable: links and anchors resolve, and the approval test vector is right. */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FUNCTION_NAMES } from '../../src/core/functionNames';
import { REPO_ROOT } from './armTemplate';

const DOCS = ['README.md', ...fs.readdirSync(path.join(REPO_ROOT, 'docs')).map((f) => `docs/${f}`)].filter(
  (f) => f.endsWith('.md'),
);
const read = (file: string): string => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** GitHub-style heading anchors of a Markdown file (code blocks excluded). */
function anchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  const out = new Set<string>();
  for (const m of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (m[1] ?? '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    out.add(slug);
  }
  return out;
}

describe('operator docs', () => {
  it('README links every document under docs/', () => {
    const readme = read('README.md');
    expect(readme).toContain('## Documentation');
    for (const doc of ['deploy', 'migrate', 'security', 'architecture', 'operations', 'troubleshooting']) {
      expect(readme).toContain(`(docs/${doc}.md)`);
    }
    // And any page added later.
    for (const doc of DOCS.filter((f) => f.startsWith('docs/')))
      expect([doc, readme.includes(`(${doc})`)]).toEqual([doc, true]);
  });

  it.each(DOCS)('%s: relative links and anchors resolve', (file) => {
    const text = read(file).replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, anchor] = target.split('#');
      const resolved = rel ? path.join(path.dirname(file), rel) : file;
      expect([target, fs.existsSync(path.join(REPO_ROOT, resolved))]).toEqual([target, true]);
      if (anchor && resolved.endsWith('.md')) {
        expect([target, anchors(read(resolved)).has(anchor)]).toEqual([target, true]);
      }
    }
  });

  it('the approval signature test vector in operations.md is correct', () => {
    const ops = read('docs/operations.md');
    const vector =
      /secret `([^`]+)`, timestamp `(\d+)`, body\s+`([^`]+)`[\s\S]*?x-plds-signature: sha256=([0-9a-f]{64})/.exec(
        ops,
      );
    expect(vector).not.toBeNull();
    const [, secret, timestamp, body, signature] = vector as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    expect(createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')).toBe(signature);
  });

  it('docs name the Event Grid function as FUNCTION_NAMES.eventGridSync', () => {
    expect(read('docs/deploy.md')).toContain(`functionName=${FUNCTION_NAMES.eventGridSync}&code=`);
    expect(read('docs/troubleshooting.md')).toContain(`\`${FUNCTION_NAMES.eventGridSync}\``);
  });

  it('the anchor check finds a missing anchor', () => {
    expect(anchors('# Step 7: the workbook\n## Alerts to set').has('step-7-the-workbook')).toBe(true);
    expect(anchors('## Alerts to set').has('alerts')).toBe(false);
  });
});
