import { parseArgs, type ParseArgsConfig } from 'node:util'

/** A command-line usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>

/** Strict flag parsing: an unknown flag or a missing value is a UsageError naming it. */
export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''))
  }
}

export interface Command {
  name: string
  summary: string
  usage: string
  run(argv: string[], io: Io): Promise<number>
}

export interface Io {
  out(text: string): void
  err(text: string): void
}
