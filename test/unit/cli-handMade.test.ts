/**
 * Records made by hand (no owner in their metadata), as the CLI finds and takes them over: pure functions over
 * the core planner's output, table-driven. And the command lines the CLI suggests.
 */
import { encodeOwnership } from '../../src/core/ownership';
import { planChanges } from '../../src/core/plan';
import type { CurrentRecordSet, DesiredRecord } from '../../src/core/types';
import { scopeArgs, shellQuote, suggestCommand } from '../../src/cli/live/commandLine';
import { findHandMade, handMadeAdvice, replaceHandMade } from '../../src/cli/live/handMade';

const ZONE = 'privatelink.eus.backup.windowsazure.com';
const PE = '/subscriptions/s/resourcegroups/g/providers/microsoft.network/privateendpoints/pe';
const desired = (name: string, ip: string): DesiredRecord => ({ zone: ZONE, name, ips: [ip], owners: [PE] });
const current = (name: string, ip: string, metadata: Record<string, string> = {}): CurrentRecordSet => ({
  id: `/x/${name}`,
  zone: ZONE,
  name,
  ips: [ip],
  ttl: 3600,
  etag: `etag-${name}`,
  metadata,
});

describe('records made by hand', () => {
  const want = [
    desired('fc1', '10.0.0.4'),
    desired('fab1', '10.0.0.5'),
    desired('rec2', '10.0.0.6'),
    desired('id1', '10.0.0.7'),
  ];
  const stand = [
    current('fc1', '10.0.0.99'), // hand-made, other IP
    current('fab1', '10.0.0.5'), // hand-made, right IP
    current('rec2', '10.0.0.66', encodeOwnership('other-instance', [PE])), // another owner id, other IP
    current('id1', '10.0.0.7', encodeOwnership('privatelink-dns-sync', [PE])), // ours
  ];
  const plan = planChanges(want, stand, { ownerId: 'privatelink-dns-sync', ttl: 10 });

  it('splits them into adoptable (right IPs) and replaceable (other IPs); other owners are not hand-made', () => {
    expect(findHandMade(plan, want, stand)).toEqual({
      adoptable: [
        { zone: ZONE, name: 'fab1', fqdn: `fab1.${ZONE}`, ips: ['10.0.0.5'], wantIps: ['10.0.0.5'] },
      ],
      replaceable: [
        { zone: ZONE, name: 'fc1', fqdn: `fc1.${ZONE}`, ips: ['10.0.0.99'], wantIps: ['10.0.0.4'] },
      ],
    });
  });

  it.each([
    [[`fc1.${ZONE}`], ['fc1'], []],
    [[`FC1.${ZONE.toUpperCase()}.`], ['fc1'], []],
    [[`rec2.${ZONE}`], [], [`rec2.${ZONE}`]],
    [[`fab1.${ZONE}`, 'nowhere.example'], [], [`fab1.${ZONE}`, 'nowhere.example']],
  ])('replacing %j overwrites %j and reports %j as not found', (names, replaced, notFound) => {
    const result = replaceHandMade(plan, want, stand, names, 10);
    expect(result.replaced.map((r) => r.name)).toEqual(replaced);
    expect(result.notFound).toEqual(notFound);
    for (const name of replaced) {
      const adoption = result.plan.adoptions.find((a) => a.name === name);
      // The endpoint's IPs, the app's TTL, the standing etag as precondition, our owner in the metadata.
      expect(adoption).toMatchObject({
        ips: ['10.0.0.4'],
        ttl: 10,
        etag: `etag-${name}`,
        previousIps: ['10.0.0.99'],
      });
      expect(adoption?.metadata.pldsowner).toBe('privatelink-dns-sync');
      expect(result.plan.conflicts.some((c) => c.name === name)).toBe(false);
    }
    // The other owner's record stays a conflict whatever is asked.
    expect(result.plan.conflicts.some((c) => c.name === 'rec2')).toBe(true);
    expect(result.plan.hasChanges).toBe(replaced.length > 0 || plan.hasChanges);
  });

  it('advises the command for each group, with the scope of the run', () => {
    const advice = handMadeAdvice(findHandMade(plan, want, stand), (extra) =>
      suggestCommand('sync', { config: 'local.settings.json', vault: '/v' }, extra),
    );
    expect(advice).toEqual([
      '1 record(s) made by hand (no owner) already hold the right IPs; to have privatelink-dns-sync maintain them, adopt them:',
      '  privatelink-dns-sync sync --config local.settings.json --vault /v --adopt',
      '1 record(s) made by hand (no owner) hold other IPs than their endpoint publishes; they are left as they are:',
      `  fc1.${ZONE} has 10.0.0.99, the endpoint publishes 10.0.0.4`,
      'to replace them with the endpoint IPs (asks for confirmation on a terminal; --yes in scripts):',
      `  privatelink-dns-sync sync --config local.settings.json --vault /v --replace-foreign fc1.${ZONE}`,
    ]);
    expect(handMadeAdvice({ adoptable: [], replaceable: [] }, () => 'x')).toEqual([]);
  });
});

describe('suggested command lines', () => {
  it.each([
    ['plain', 'plain'],
    [
      '/subscriptions/0000/resourceGroups/rg/providers/x',
      '/subscriptions/0000/resourceGroups/rg/providers/x',
    ],
    ['has space', "'has space'"],
    ["it's", "'it'\\''s'"],
    ['$VAULT', "'$VAULT'"],
  ])('quotes %s as %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });

  it('repeats the scope flags of the run in a stable order', () => {
    expect(
      scopeArgs({
        armCa: 'ca.pem',
        vault: '/v',
        config: 'c.json',
        subscription: ['s1', 's2'],
        zoneOverride: ['a=b'],
        resourceGraph: false,
        debug: true,
      }),
    ).toEqual([
      '--config',
      'c.json',
      '--subscription',
      's1',
      '--subscription',
      's2',
      '--vault',
      '/v',
      '--zone-override',
      'a=b',
      '--arm-ca',
      'ca.pem',
      '--no-resource-graph',
    ]);
  });
});
