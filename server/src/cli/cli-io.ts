import { type ParseArgsConfig, parseArgs } from 'node:util';
import { AppError } from '../shared/errors.js';

/** The CLI's output: results on stdout, diagnostics on stderr; never `console` (STYLE.md §6). */
export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
export const err = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', 2, message);
  }
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  /** Returns the process exit code; long-running commands resolve when they stop. */
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>;
}

export function parseCommandArgs(command: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${command.usage}`);
  }
}

export function requireOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
  usage: string,
) {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required\n\n${usage}`);
  return value;
}
