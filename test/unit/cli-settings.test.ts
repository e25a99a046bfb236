/**
 * Where the CLI's settings come from (--config in its three shapes, the environment, flags) and what `--debug`
 * prints; and the local.settings.json `npm run emulator` writes, which must be the example file with the default
 * ports and must never clobber a file that points elsewhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveLiveContext } from '../../src/cli/live/context';
import { readSettingsFile, SettingsLayers } from '../../src/cli/live/settings';
import { UserInputError } from '../../src/cli/io';
import { ESTATE } from '../../local/estate';
import {
  decideSettings,
  DEFAULT_EMULATOR_VALUES,
  readExample,
  settingsFor,
  writeLocalSettings,
} from '../../local/localSettings';
import type { LocalSettingsFile } from '../../local/localSettings';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plds-settings-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: unknown): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

const HUB = '00000000-0000-0000-0000-00000000a001';
const SPOKE = '00000000-0000-0000-0000-00000000b001';

describe('--config', () => {
  it.each([
    [
      'local.settings.json',
      { IsEncrypted: false, Values: { HUB_SUBSCRIPTION_ID: HUB, FUNCTIONS_WORKER_RUNTIME: 'node' } },
    ],
    ['a flat object of settings', { HUB_SUBSCRIPTION_ID: HUB, SOMETHING_ELSE: 'x' }],
    [
      'az functionapp config appsettings list',
      [
        { name: 'HUB_SUBSCRIPTION_ID', value: HUB, slotSetting: false },
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4', slotSetting: false },
      ],
    ],
  ])('reads %s, keeping only the settings the app knows', (_label, content) => {
    const file = write(`${Math.random().toString(36).slice(2)}.json`, content);
    expect(readSettingsFile(file).values).toEqual({ HUB_SUBSCRIPTION_ID: HUB });
  });

  it('finds a relative ARM_CA_FILE next to the settings file, and keeps the identity endpoint', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'app-'));
    const file = path.join(dir, 'local.settings.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        Values: { ARM_CA_FILE: '.local-state/arm-ca.pem', IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token' },
      }),
    );
    expect(readSettingsFile(file).values).toEqual({
      ARM_CA_FILE: path.join(dir, '.local-state/arm-ca.pem'),
      IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi/token',
    });
  });

  it('rejects a list that is not of name/value pairs', () => {
    expect(() => readSettingsFile(write('bad-list.json', [1, 2]))).toThrow(UserInputError);
  });
});

describe('settings precedence', () => {
  const config = (): string =>
    write('precedence.json', {
      Values: {
        HUB_SUBSCRIPTION_ID: HUB,
        HUB_ZONE_RESOURCE_GROUP: 'rg-from-config',
        SPOKE_SUBSCRIPTION_IDS: SPOKE,
      },
    });

  it('environment, then --config, then flags; --debug prints each value with its source', () => {
    const lines: string[] = [];
    const ctx = resolveLiveContext(
      { config: config(), zoneResourceGroup: 'rg-from-flag', debug: true },
      {
        env: {
          HUB_ZONE_RESOURCE_GROUP: 'rg-from-env',
          OWNER_ID: 'owner-from-env',
          APPROVAL_WEBHOOK_SECRET: 's3cr3t',
        },
        clients: {} as never,
        debug: (line) => lines.push(line),
      },
    );
    expect(ctx.config.hubZoneResourceGroup).toBe('rg-from-flag');
    expect(ctx.config.ownerId).toBe('owner-from-env');
    const text = lines.join('');
    expect(text).toMatch(
      /HUB_ZONE_RESOURCE_GROUP += rg-from-flag {3}\(--zone-resource-group, over environment, over --config \S+precedence\.json\)/,
    );
    expect(text).toMatch(/OWNER_ID += owner-from-env {3}\(environment\)/);
    expect(text).toMatch(/HUB_SUBSCRIPTION_ID += 00000000-0000-0000-0000-00000000a001 {3}\(--config /);
    expect(text).toMatch(/APPROVAL_WEBHOOK_SECRET += \*\*\* {3}\(environment; not used by the CLI\)/);
    expect(text).not.toContain('s3cr3t');
    expect(text).toMatch(/SYNC_POLICY +\(not set: default\)/);
  });

  it('names where a bad setting came from, and ignores settings the CLI does not use', () => {
    const bad = write('bad.json', {
      Values: { HUB_SUBSCRIPTION_ID: 'not-a-guid', SPOKE_SUBSCRIPTION_IDS: SPOKE, RECONCILE_SCHEDULE: 'x' },
    });
    expect(() =>
      resolveLiveContext({ config: bad, zoneResourceGroup: 'rg' }, { env: {}, clients: {} as never }),
    ).toThrow(/^invalid settings: HUB_SUBSCRIPTION_ID \(--config \S+bad\.json\): /);
    const unused = write('unused.json', {
      Values: {
        HUB_SUBSCRIPTION_ID: HUB,
        HUB_ZONE_RESOURCE_GROUP: 'rg',
        SPOKE_SUBSCRIPTION_IDS: SPOKE,
        RECONCILE_SCHEDULE: 'x',
        APPROVAL_MODE: 'webhook',
      },
    });
    expect(
      resolveLiveContext({ config: unused }, { env: {}, clients: {} as never }).config.hubSubscriptionId,
    ).toBe(HUB);
  });

  it('names the source of an unreadable CA file', () => {
    const file = write('ca.json', {
      Values: {
        HUB_SUBSCRIPTION_ID: HUB,
        HUB_ZONE_RESOURCE_GROUP: 'rg',
        SPOKE_SUBSCRIPTION_IDS: SPOKE,
        ARM_ENDPOINT: 'https://127.0.0.1:1',
        ARM_CA_FILE: 'missing-ca.pem',
      },
    });
    expect(() => resolveLiveContext({ config: file }, { env: {} })).toThrow(
      /^ARM_CA_FILE \(--config \S+ca\.json\): cannot read CA file \S+missing-ca\.pem \(no such file\); start the local emulator/,
    );
  });

  it('layers keep the earlier values they shadowed', () => {
    const layers = new SettingsLayers();
    layers.set('OWNER_ID', 'a', 'environment');
    layers.set('OWNER_ID', '', '--owner');
    layers.default('OWNER_ID', 'b', 'derived');
    layers.set('OWNER_ID', 'c', '--owner');
    expect(layers.get('OWNER_ID')).toBe('c');
    expect(layers.describe(new Set(['OWNER_ID'])).find((l) => l.includes('OWNER_ID'))).toMatch(
      /= c {3}\(--owner, over environment\)$/,
    );
  });
});

describe('local.settings.json from npm run emulator', () => {
  const example = readExample();

  it('with the default ports it is the example file, and the example describes the seeded estate', () => {
    expect(settingsFor(example, DEFAULT_EMULATOR_VALUES)).toEqual(example);
    const v = example.Values;
    expect(v.HUB_SUBSCRIPTION_ID).toBe(ESTATE.hubSubscriptionId);
    expect(v.HUB_ZONE_RESOURCE_GROUP).toBe(ESTATE.hubZoneResourceGroup);
    expect(v.HUB_ZONE_OVERRIDES).toBe(
      ESTATE.storageZones.map((z) => `${z}=${ESTATE.storageZoneResourceGroup}`).join(';'),
    );
    expect(v.SPOKE_SUBSCRIPTION_IDS).toBe(`${ESTATE.spokeSubscriptionId},${ESTATE.otherSpokeSubscriptionId}`);
    expect(v.SPOKE_RESOURCE_GROUPS).toBe(`${ESTATE.spokeSubscriptionId}/${ESTATE.spokeResourceGroup}`);
  });

  const emulator = { ...DEFAULT_EMULATOR_VALUES, ARM_ENDPOINT: 'https://127.0.0.1:9443' };
  const withValues = (values: Record<string, string>): LocalSettingsFile => ({
    IsEncrypted: false,
    Values: values,
  });
  it.each([
    ['absent', undefined, 'write'],
    ['unreadable', null, 'keep'],
    ['already the emulator settings', settingsFor(example, emulator), 'unchanged'],
    [
      'an older emulator port, with edits kept',
      withValues({ ...example.Values, OWNER_ID: 'mine' }),
      'update',
    ],
    [
      'pointing at another ARM endpoint',
      withValues({ ARM_ENDPOINT: 'https://management.azure.com' }),
      'keep',
    ],
    ['pointing at Azure (no ARM_ENDPOINT)', withValues({ HUB_SUBSCRIPTION_ID: HUB }), 'keep'],
  ] as const)('a file that is %s: %s', (_label, existing, kind) => {
    const action = decideSettings(existing, settingsFor(example, emulator), emulator);
    expect(action.kind).toBe(kind);
    if (action.kind === 'update') {
      expect(action.changed).toEqual(['ARM_ENDPOINT']);
      expect(action.content.Values.OWNER_ID).toBe('mine');
    }
  });

  it('writes, refreshes, and leaves a foreign file byte for byte', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'emu-'));
    const file = path.join(dir, 'local.settings.json');
    const values = { ...emulator, ARM_CA_FILE: path.join(dir, '.local-state/arm-ca.pem') };
    expect(writeLocalSettings(file, values)).toMatch(/^wrote /);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as LocalSettingsFile;
    expect(written.Values.ARM_CA_FILE).toBe('.local-state/arm-ca.pem');
    expect(writeLocalSettings(file, values)).toMatch(/is up to date$/);
    expect(writeLocalSettings(file, { ...values, ARM_ENDPOINT: 'https://127.0.0.1:9444' })).toMatch(
      /^updated ARM_ENDPOINT in /,
    );
    const foreign = `${JSON.stringify({ IsEncrypted: false, Values: { HUB_SUBSCRIPTION_ID: HUB } })}\n`;
    fs.writeFileSync(file, foreign);
    expect(writeLocalSettings(file, values)).toMatch(
      /^left \S+ as it is \(it points at Azure \(no ARM_ENDPOINT\)\); .*--settings-file/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(foreign);
  });
});
