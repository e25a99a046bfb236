import type { Command } from 'commander';
import { Option } from 'commander';
import { renderCatalogueMarkdown, renderServiceTable } from '../../core/catalogueDocs';
import { AZURE_CLOUD_NAMES } from '../../core/clouds';
import type { AzureCloudName } from '../../core/clouds';
import { catalogueRows } from '../../core/zoneCatalogue';
import type { CliIo } from '../io';
import { EXIT_OK } from '../io';

export interface CatalogueOptions {
  readonly cloud?: AzureCloudName;
  readonly format: 'markdown' | 'tsv';
}

/** The zones the app knows: every cloud, or one, as Markdown (docs/services.md) or one TSV line per zone. */
export function runCatalogue(options: CatalogueOptions, io: CliIo): number {
  if (options.format === 'tsv') {
    const lines = ['cloud\tservice\tresourceType\tsubResources\tzone\tsource'];
    for (const row of catalogueRows(options.cloud)) {
      for (const zone of row.zones) {
        lines.push(
          [
            row.cloud,
            row.service,
            row.resourceType,
            row.subResources.join(','),
            zone.zone,
            row.source.table,
          ].join('\t'),
        );
      }
    }
    io.stdout(`${lines.join('\n')}\n`);
  } else {
    io.stdout(options.cloud ? renderServiceTable(options.cloud) : renderCatalogueMarkdown());
  }
  return EXIT_OK;
}

export function registerCatalogueCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('catalogue')
    .description(
      'List the private link services, sub-resources and private DNS zones the app knows, per cloud',
    )
    .addOption(new Option('--cloud <name>', 'only this cloud').choices(AZURE_CLOUD_NAMES))
    .addOption(
      new Option('--format <format>', 'output format').choices(['markdown', 'tsv']).default('markdown'),
    )
    .action((options: CatalogueOptions) => setExitCode(runCatalogue(options, io)));
}
