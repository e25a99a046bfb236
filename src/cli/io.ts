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

/** A mistake in what the user gave us: printed as one line, exit code 2, never a stack trace. */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A commander parser for a flag that takes a positive whole number; a bad value is a usage error (exit 2). */
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
