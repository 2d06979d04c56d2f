import { parseArgs } from 'node:util';

/**
 * One command-line flag, also read from the environment variable
 * `<PROGRAM>_<NAME>` (upper case, `-` as `_`).
 *
 * @example
 * ```ts
 * const port: Flag = { name: 'port', help: 'port to listen on', default: '8080' };
 * ```
 */
export interface Flag {
  readonly name: string;
  readonly help: string;
  readonly default?: string;
  /** A flag without a value. */
  readonly boolean?: boolean;
}

/**
 * A usage error: printed with the command's help, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('give --brokers or --input');
 * ```
 */
export class UsageError extends Error {}

/**
 * The flag reader of one program: its environment variables are
 * `<PROGRAM>_<FLAG>`, its usage lines `usage: <program> <command> [flags]`.
 *
 * @example
 * ```ts
 * const { readFlags, usage } = commandLine('monitor');
 * ```
 */
export interface CommandLine {
  /** The environment variable of a flag: `MONITOR_METRICS_PORT` for `metrics-port`. */
  envName(flag: string): string;
  /** A command's help: its summary and every flag with its default and environment variable. */
  usage(command: string, summary: string, flags: readonly Flag[]): string;
  /**
   * Reads the flags of a command: the command line first, then the
   * environment (for containers), then the default. An unknown flag or a
   * missing value is a {@link UsageError}.
   */
  readFlags(args: readonly string[], flags: readonly Flag[], env?: NodeJS.ProcessEnv): { help: boolean; values: Map<string, string | undefined> };
}

/**
 * The {@link CommandLine} of a program.
 *
 * @example
 * ```ts
 * const { readFlags } = commandLine('monitor');
 * const { help, values } = readFlags(['--metrics-port=9465'], [{ name: 'metrics-port', help: 'port of /metrics', default: '9465' }]);
 * ```
 */
export function commandLine(program: string): CommandLine {
  const envName = (flag: string): string => `${program.toUpperCase()}_${flag.toUpperCase().replace(/-/g, '_')}`;
  return {
    envName,
    usage(command, summary, flags) {
      const width = Math.max(...flags.map((f) => f.name.length + (f.boolean ? 0 : 8)));
      const lines = flags.map((f) => `  --${(f.boolean ? f.name : `${f.name}=<value>`).padEnd(width + 2)} ${f.help}${f.default !== undefined ? ` (default ${f.default})` : ''}  [${envName(f.name)}]`);
      return `usage: ${program} ${command} [flags]\n\n${summary}\n\nflags (each also from the environment variable in brackets):\n${lines.join('\n')}\n  --help${' '.repeat(width - 2)} show this help\n`;
    },
    readFlags(args, flags, env = process.env) {
      let parsed: { values: Record<string, string | boolean | undefined> };
      try {
        parsed = parseArgs({
          args: [...args],
          strict: true,
          allowPositionals: false,
          options: Object.fromEntries([...flags.map((f) => [f.name, { type: f.boolean ? 'boolean' : 'string' } as const]), ['help', { type: 'boolean' } as const]]),
        }) as { values: Record<string, string | boolean | undefined> };
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const values = new Map<string, string | undefined>();
      for (const f of flags) {
        const given = parsed.values[f.name];
        values.set(f.name, given === undefined ? (env[envName(f.name)] ?? f.default) : String(given));
      }
      return { help: parsed.values['help'] === true, values };
    },
  };
}

/**
 * A flag's value as a whole number from `min` to `max`, or a {@link UsageError} that says so.
 *
 * @example
 * ```ts
 * const port = integer(values, 'port', 0, 65_535);
 * ```
 */
export function integer(values: Map<string, string | undefined>, name: string, min: number, max: number): number {
  const text = values.get(name);
  const n = Number(text);
  if (!(text !== undefined && /^-?\d+$/.test(text) && n >= min && n <= max)) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * A flag's value as a number from 0 to 1, or a {@link UsageError} that says so.
 *
 * @example
 * ```ts
 * const weight = fraction(values, 'personal-weight');
 * ```
 */
export function fraction(values: Map<string, string | undefined>, name: string): number {
  const text = values.get(name);
  const n = Number(text);
  if (!(text !== undefined && text.trim() !== '' && n >= 0 && n <= 1)) throw new UsageError(`--${name} must be a number from 0 to 1, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * A flag's value as one of `choices`, or a {@link UsageError} that lists them.
 *
 * @example
 * ```ts
 * const kind = oneOf(values, 'telemetry', ['stdout', 'kafka', 'none'] as const);
 * ```
 */
export function oneOf<T extends string>(values: Map<string, string | undefined>, name: string, choices: readonly T[]): T {
  const text = values.get(name);
  if (!choices.includes(text as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}
