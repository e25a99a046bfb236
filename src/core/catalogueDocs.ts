/**
 * The supported clouds and services as Markdown, generated from the cloud table and the zone catalogue:
 * docs/services.md holds this between its markers (test/unit/catalogue-docs.test.ts keeps it in step) and
 * `privatelink-dns-sync catalogue` prints it.
 */
import { cloudProfiles } from './clouds';
import type { AzureCloudName } from './clouds';
import { catalogueRows } from './zoneCatalogue';
import type { CatalogueRow, ZoneSpec } from './zoneCatalogue';
import { UNCONFIRMED_SUFFIXES } from './zoneCatalogueRows';

const SOURCE_LABEL: Record<CatalogueRow['source']['page'], string> = {
  learn: 'Microsoft table',
  alz: 'ALZ hub module',
  'alz-older': 'ALZ hub module (older)',
  'learn-2021': 'Microsoft table (2021)',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function zoneCell(zone: ZoneSpec): string {
  const notes = [
    ...(zone.aliases ?? []).map((a) => `also \`<name>.${a}\``),
    ...(zone.records && zone.records.some((r) => r !== '{name}')
      ? [`records ${zone.records.map((r) => `\`${r}\``).join(', ')}`]
      : []),
    ...(zone.optional ? ['used when the hub holds it'] : []),
  ];
  return `\`${zone.zone}\`${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** The table of clouds: what `AZURE_CLOUD` selects. */
export function renderCloudTable(): string {
  const lines = [
    '| Cloud | `AZURE_CLOUD` | Resource Manager and Resource Graph | Token scope | Sign-in authority | Backup zones |',
    '|---|---|---|---|---|---|',
    ...cloudProfiles().map(
      (p) =>
        `| ${p.displayName} | \`${p.name}\` | ${p.resourceManager} | \`${p.credentialScope}\` | ${p.authorityHost} | ${
          p.backupZoneSuffix
            ? `\`privatelink.{regionCode}.${p.backupZoneSuffix}\``
            : 'none listed by Microsoft'
        } |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The services of one cloud, one row per resource type and sub-resource, in the order of the source table. */
export function renderServiceTable(cloud: AzureCloudName): string {
  const lines = [
    '| Section | Service | Resource type | Sub-resources | Private DNS zones | Source |',
    '|---|---|---|---|---|---|',
    ...catalogueRows(cloud).map((r) =>
      [
        '',
        cell(r.section),
        cell(r.service),
        `\`${cell(r.resourceType)}\``,
        r.subResources.map((s) => `\`${s}\``).join(', '),
        r.zones.map(zoneCell).join('<br>'),
        `${SOURCE_LABEL[r.source.page]}: ${cell(r.source.table)}`,
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Everything docs/services.md generates: clouds, then each cloud's services, then the skipped suffixes. */
export function renderCatalogueMarkdown(): string {
  const parts = ['## Clouds\n', renderCloudTable()];
  for (const profile of cloudProfiles()) {
    const rows = catalogueRows(profile.name);
    parts.push(
      `\n## ${profile.displayName} (\`AZURE_CLOUD=${profile.name}\`): ${rows.length} rows\n`,
      renderServiceTable(profile.name),
    );
  }
  parts.push(
    '\n## Names skipped on purpose\n',
    '| Cloud | Suffix | Why |',
    '|---|---|---|',
    ...UNCONFIRMED_SUFFIXES.map((u) => `| \`${u.cloud}\` | \`${u.suffix}\` | ${cell(u.reason)} |`),
    '',
  );
  return parts.join('\n');
}
