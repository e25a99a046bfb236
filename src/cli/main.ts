#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerCatalogueCommand } from './commands/catalogue';
import { registerDoctorCommand } from './commands/doctor';
import { registerExportCommand } from './commands/export';
import { registerPlanCommand } from './commands/plan';
import { registerSyncCommand } from './commands/sync';
import { registerVerifyCommand } from './commands/verify';
import type { CliIo } from './io';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UserInputError, errorLine, processIo, safeLines } from './io';

export const EXIT_CODES_HELP = `
Exit codes:
  0  success: plan printed, sync wrote everything it had to, verify and doctor found nothing wrong
  1  failure: an Azure call failed, sync left a record failed or a needed hub zone is missing,
     verify found a wrong or missing name or zone link, doctor found a failed check
  2  usage error or bad input (unknown flag, bad setting, unreadable file); with --detailed-exitcode
     (plan, sync --dry-run): changes are pending
`;

/** Builds the program; each subcommand lives in its own file under `commands/`. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('privatelink-dns-sync')
    .description('Keeps hub privatelink.* Private DNS zones in step with private endpoints')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: (text) => io.stderr(safeLines(text)) });
  registerPlanCommand(program, io, setExitCode);
  registerSyncCommand(program, io, setExitCode);
  registerVerifyCommand(program, io, setExitCode);
  registerExportCommand(program, io, setExitCode);
  registerDoctorCommand(program, io, setExitCode);
  registerCatalogueCommand(program, io, setExitCode);
  program.addHelpText('after', EXIT_CODES_HELP);
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof UserInputError) {
      io.stderr(errorLine(error.message));
      return EXIT_USAGE;
    }
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof InvalidArgumentError) {
      io.stderr(errorLine(error.message));
      return EXIT_USAGE;
    }
    io.stderr(errorLine(error instanceof Error ? error.message : String(error)));
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
