/**
 * infra/ deploys unchanged into every Azure cloud: no template hard-codes a host name of one cloud (host names
 * come from `environment()` or from resources), and the hub evaluated in US Government and 21Vianet sets
 * AZURE_CLOUD and the Key Vault reference of that cloud.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAppConfig } from '../../src/core/config';
import type { ArmCloud, ArmValue } from './armExpression';
import { text } from './armExpression';
import { REPO_ROOT } from './armTemplate';
import { expandHub, only, props } from './fixtures';

const TEMPLATES = ['hub.json', 'spoke.json', 'workbook.json', 'alerts.json'];

/** DNS suffixes that name one cloud's endpoints (public, US Government, 21Vianet). */
const CLOUD_HOSTS =
  /\b(windows\.net|azure\.com|azure\.net|azurewebsites\.net|microsoftonline\.(com|us)|usgovcloudapi\.net|azure\.us|chinacloudapi\.cn|azure\.cn|applicationinsights\.azure\.com|monitor\.azure\.com)\b/i;

/** Every string value of a template with its JSON path, minus schemas and human descriptions. */
function strings(value: unknown, at: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$schema' || key === 'description' || key === 'metadata') continue;
      strings(v, `${at}.${key}`, out);
    }
  }
  return out;
}

describe('templates for every Azure cloud', () => {
  it.each(TEMPLATES)('%s names no cloud-specific host (environment() supplies them)', (file) => {
    const template = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'infra', file), 'utf8')) as unknown;
    const found = strings(template, '$', []).filter(([, v]) => CLOUD_HOSTS.test(v));
    expect(found).toEqual([]);
  });

  it.each([
    ['AzureCloud', '.vault.azure.net'],
    ['AzureUSGovernment', '.vault.usgovcloudapi.net'],
    ['AzureChinaCloud', '.vault.azure.cn'],
  ] as const)(
    'the hub in %s sets AZURE_CLOUD and a Key Vault reference of that cloud',
    (cloud: ArmCloud, vault) => {
      const site = props(only(expandHub({}, cloud), 'Microsoft.Web/sites'));
      const settings = new Map(
        (site['siteConfig'] as { appSettings: { name: string; value: ArmValue }[] }).appSettings.map((s) => [
          s.name,
          s.value,
        ]),
      );
      expect(settings.get('AZURE_CLOUD')).toBe(cloud);
      expect(text(settings.get('APPROVAL_WEBHOOK_SECRET'))).toContain(`${vault}/secrets/`);
      // The value the template writes is one the app accepts.
      expect(
        parseAppConfig({
          HUB_SUBSCRIPTION_ID: '00000000-0000-0000-0000-00000000a001',
          HUB_ZONE_RESOURCE_GROUP: 'rg-hub-dns',
          SPOKE_SUBSCRIPTION_IDS: '00000000-0000-0000-0000-00000000b001',
          AZURE_CLOUD: text(settings.get('AZURE_CLOUD')),
        }).cloud,
      ).toBe(cloud);
    },
  );
});
