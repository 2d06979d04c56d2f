// The examples' command lines: `--help` (or `-h`) prints the usage and exits,
// and an unknown flag or a stray argument is an error that says what is
// accepted, so a mistyped `--metric-port` does not run without metrics.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** The flags given (strings for `type: 'string'`, true for a boolean), and the other arguments. */
export interface CommandLine<O extends Options> {
  readonly values: { readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };
  readonly positionals: readonly string[];
}

/** Parses `process.argv` strictly against `options` (plus `--help`); prints `usage` and exits on `--help` (0) or on a mistake (2). */
export function commandLine<const O extends Options>(usage: string, options: O, positionals: { max: number } = { max: 0 }): CommandLine<O> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    const config: ParseArgsConfig = { args: process.argv.slice(2), options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true };
    parsed = parseArgs(config);
    if (parsed.positionals.length > positionals.max) throw new Error(`unexpected argument '${parsed.positionals[positionals.max]}'`);
  } catch (e) {
    const message = (e as Error).message;
    console.error(`${/^Unknown option '([^']+)'/.exec(message)?.[1]?.replace(/^/, 'unknown flag ') ?? message}\n\n${usage}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed as CommandLine<O>;
}

/** A whole number from the command line, or exit 2 saying what was wrong. */
export function wholeNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) {
    console.error(`${name} must be a whole number; got '${text}'`);
    process.exit(2);
  }
  return Number(text);
}
