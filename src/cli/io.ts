import { InvalidArgumentError } from 'commander';
import { displayText } from '../core/safeText';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A mistake in what the user gave us: printed as one line, exit code 64, never a stack trace. */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

/**
 * Exit codes. 2 for pending changes follows terraform's `-detailed-exitcode`; 64 is sysexits' EX_USAGE, so a
 * script can tell "you called me wrong" from "there is work to do".
 */
export const EXIT_OK = 0;
/** An Azure call failed, a record failed to write, a check or a lookup failed. */
export const EXIT_FAILURE = 1;
/** With `--detailed-exitcode` (plan, sync --dry-run): the plan has changes to make. */
export const EXIT_CHANGES = 2;
/** Conflicts: a record we do not own, or two endpoints, stand in the way; nothing else failed. */
export const EXIT_CONFLICTS = 4;
/** Unknown flag, bad value, invalid setting, unreadable or malformed input file. */
export const EXIT_USAGE = 64;

/**
 * The exit code of a run from what it found, most serious first: a failure (1) outranks conflicts (4), which
 * outrank pending changes (2, only asked for with `--detailed-exitcode`).
 */
export function exitCodeFor(found: {
  readonly failed?: boolean;
  readonly conflicts?: boolean;
  readonly pending?: boolean;
}): number {
  if (found.failed) return EXIT_FAILURE;
  if (found.conflicts) return EXIT_CONFLICTS;
  if (found.pending) return EXIT_CHANGES;
  return EXIT_OK;
}

/** A commander parser for a flag that takes a positive whole number; a bad value is a usage error (exit 64). */
export function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} must be a positive whole number, got "${value}"`);
    return n;
  };
}

/** Longest error line the CLI prints: input echoed in a message is cut, never megabytes on stderr. */
export const ERROR_LINE_MAX = 1000;

/** `error: <message>` as one bounded line with control characters and escape sequences shown as escapes. */
export function errorLine(message: string): string {
  return `error: ${displayText(message, ERROR_LINE_MAX)}\n`;
}

/** Text for stderr with each line bounded and escaped (line breaks kept). */
export function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => displayText(line, ERROR_LINE_MAX))
    .join('\n');
}
