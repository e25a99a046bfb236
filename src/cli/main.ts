#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerCatalogueCommand } from './commands/catalogue';
import { registerDoctorCommand } from './commands/doctor';
import { registerExportCommand } from './commands/export';
import { registerPlanCommand } from './commands/plan';
import { registerSyncCommand } from './commands/sync';
import { registerVerifyCommand } from './commands/verify';
import { describeFailure } from './errors';
import type { CliIo } from './io';
import { EXIT_OK, EXIT_USAGE, errorLine, processIo, safeLines } from './io';

export const EXIT_CODES_HELP = `
Exit codes:
  0   success: nothing wrong found (and, with --detailed-exitcode, nothing to change)
  1   failure: an Azure call failed, sync left a record failed or a needed hub zone is missing,
      verify found a name that does not resolve as it should, doctor found a failed check,
      or the scope names a vault, endpoint, subscription or resource group that does not exist
  2   with --detailed-exitcode (plan, sync --dry-run): changes are pending
  4   conflicts: a record made by hand (or by another owner) or two endpoints stand in the way;
      nothing else failed. plan and doctor print the command that resolves them
  64  usage error: unknown flag, bad value, invalid setting, unreadable or malformed input file
`;

/** The version in package.json (found from here whether run from src/ with tsx or from dist/). */
export function cliVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'privatelink-dns-sync' && pkg.version) return pkg.version;
    } catch {
      // not here; look one folder up
    }
  }
  return 'unknown';
}

/** Builds the program; each subcommand lives in its own file under `commands/`. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('privatelink-dns-sync')
    .description('Keeps hub privatelink.* Private DNS zones in step with private endpoints')
    .version(cliVersion(), '--version', 'print the version')
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
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const failure = describeFailure(error);
    io.stderr(errorLine(failure.message));
    if (argv.includes('--debug') && failure.detail) io.stderr(`${safeLines(failure.detail)}\n`);
    return failure.code;
  }
}

/** A reader that stops early (`| head`) closes the pipe: end quietly instead of with an EPIPE stack. */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw error;
    });
  }
}

if (require.main === module) {
  exitQuietlyOnClosedPipe();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
