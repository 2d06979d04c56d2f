import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createDecodeStats, createLineSourceStats, decode, fromLines, parseLogLine, type DecodeStats, type Experiment, type LineSourceStats, type TelemetryEvent, type UserAttributes } from '@modelwatch/core';
import { tap, type Observable } from 'rxjs';
import { referenceProfile, reportPipeline, type ReportPipelineOptions } from './report-pipeline.js';
import { writeReport } from './write-report.js';

/**
 * The `modelwatch-report` command's help text.
 *
 * @example
 * ```ts
 * console.log(REPORT_COMMAND_HELP);
 * ```
 */
export const REPORT_COMMAND_HELP = `Usage: modelwatch-report [options] <reference> <current>

Reads two periods of a recommender's log (the reference, for example the
training period, and the current one), runs modelwatch's standard pipeline
and writes one self-contained HTML report with a JSON twin beside it.

  <reference>, <current>   a log file, a directory of log files (read in name
                           order), or - for standard input (for one of them)

Options:
  -o, --out <file>             the report (default modelwatch-report.html; the
                               JSON twin gets .json)
  --users <file>               user attributes, CSV with a header row whose
                               first column is user: user,gender,age,occupation
                               (any further columns are attributes too); adds
                               ratings and fairness by gender, age and both
  --catalogue-size <n>         movies in the catalogue, for coverage (default:
                               distinct movies in the reference log; give it
                               when the current log names more)
  --experiment <key:a,b,...>   an experiment whose arms the service assigns by
                               modelwatch's hashing (equal weights): adds the
                               experiment report
  --experiment-start <time>    when the experiment started (UTC, as in the log)
  --window <duration>          window for ratings, drift and serving: 30m, 1h,
                               1d (default 1h)
  --objective <share>          availability objective (default 0.995)
  --title <text>               the report's heading
  -h, --help                   this text

Progress goes to standard error every few seconds; a summary line at the end
counts lines read, events and dead letters by reason.`;

/**
 * Where the command reads and writes: standard streams, and a clock for the progress line.
 *
 * @example
 * ```ts
 * const io: ReportCommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
 * ```
 */
export interface ReportCommandIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Milliseconds between progress lines. Default 2,000. */
  readonly progressEvery?: number;
}

/** A command-line mistake: the message says what to change; the exit code is 2. */
class UsageError extends Error {}

interface Parsed {
  readonly help: boolean;
  readonly inputs: string[];
  readonly flags: Map<string, string>;
}

const VALUED = new Set(['out', 'users', 'catalogue-size', 'experiment', 'experiment-start', 'window', 'objective', 'title']);

function parseArgs(args: readonly string[]): Parsed {
  const inputs: string[] = [];
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') help = true;
    else if (a === '-' || !a.startsWith('-')) inputs.push(a);
    else {
      const [name, inline] = a === '-o' ? ['out', undefined] : (a.replace(/^--/, '').split(/=(.*)/s) as [string, string | undefined]);
      if (!VALUED.has(name)) throw new UsageError(`unknown option ${a}; see --help`);
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${a} needs a value; see --help`);
      flags.set(name, value);
    }
  }
  return { help, inputs, flags };
}

function duration(text: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(text);
  if (!m) throw new UsageError(`--window ${text}: give minutes, hours or days, such as 30m, 1h or 1d`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

/**
 * Reads a user-attributes CSV: a header whose first column is `user`, then
 * one user per line. Values may not contain commas (the file is not quoted).
 * Resolves to a lookup and the list of users.
 *
 * @example
 * ```ts
 * // users.csv:  user,gender,age,occupation\n8212,F,25-34,engineer
 * const { lookup, population } = readUserAttributes('users.csv');
 * lookup('8212')?.gender; // 'F'
 * ```
 */
export function readUserAttributes(path: string): { lookup: (user: string) => UserAttributes | undefined; population: string[] } {
  const text = readFileSync(path, 'utf8');
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = rows.shift()?.split(',').map((h) => h.trim()) ?? [];
  if (header[0] !== 'user' || header.length < 2) throw new UsageError(`${path}: the first line must be a header starting with user, such as user,gender,age,occupation (it is "${header.join(',')}")`);
  const users = new Map<string, UserAttributes>();
  rows.forEach((row, i) => {
    const cells = row.split(',').map((c) => c.trim());
    if (cells.length !== header.length) throw new UsageError(`${path} line ${i + 2}: ${cells.length} values where the header has ${header.length}; write one value per column, without commas inside values`);
    const attributes: Record<string, string> = { gender: 'unknown', age: 'unknown', occupation: 'unknown' };
    header.forEach((h, j) => {
      if (j > 0) attributes[h] = cells[j]!;
    });
    users.set(cells[0]!, attributes as UserAttributes);
  });
  return { lookup: (user) => users.get(user), population: [...users.keys()] };
}

/** The chunks of a file, of every file of a directory in name order (with a newline between files), or of standard input. */
async function* chunksOf(input: string, stdin: Readable): AsyncGenerator<Uint8Array | string> {
  if (input === '-') {
    yield* stdin as AsyncIterable<Uint8Array>;
    return;
  }
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${input}: no such file or directory; give a log file, a directory of log files, or - for standard input`);
  const files = stat.isDirectory() ? readdirSync(input).sort().map((f) => join(input, f)).filter((f) => statSync(f).isFile()) : [input];
  if (files.length === 0) throw new UsageError(`${input}: the directory holds no files`);
  for (const file of files) {
    let last = 10;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
      yield chunk;
    }
    if (last !== 10) yield '\n';
  }
}

function sizeOf(input: string): number | null {
  if (input === '-') return null;
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${input}: no such file or directory; give a log file, a directory of log files, or - for standard input`);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(input).reduce((a, f) => a + (statSync(join(input, f)).isFile() ? statSync(join(input, f)).size : 0), 0);
}

function eventsOf(input: string, io: ReportCommandIO, label: string, decodeStats: DecodeStats, lineStats: LineSourceStats): Observable<TelemetryEvent> {
  const total = sizeOf(input);
  const every = io.progressEvery ?? 2000;
  let next = performance.now() + every;
  return fromLines(chunksOf(input, io.stdin), { stats: lineStats }).pipe(
    tap(() => {
      // The clock is read every 1,024 lines, and a progress line printed at most every `every` ms.
      if ((lineStats.lines & 1023) !== 0 || performance.now() < next) return;
      next = performance.now() + every;
      const share = total ? ` (${((100 * lineStats.bytes) / total).toFixed(0)}% of ${(total / 1e6).toFixed(1)} MB)` : '';
      io.stderr.write(`${label}: ${lineStats.lines.toLocaleString('en-US')} lines${share}\n`);
    }),
    decode(parseLogLine, { deadLetter: () => {}, stats: decodeStats }),
  );
}

function experimentOf(flags: Map<string, string>): ReportPipelineOptions['experiment'] {
  const spec = flags.get('experiment');
  if (spec === undefined) {
    if (flags.has('experiment-start')) throw new UsageError('--experiment-start needs --experiment key:arm,arm');
    return undefined;
  }
  const m = /^([^:]+):(.+,.+)$/.exec(spec);
  if (!m) throw new UsageError(`--experiment ${spec}: give the key and at least two arms, such as ranker-v2:control,treatment`);
  const experiment: Experiment = { key: m[1]!, variants: m[2]!.split(',').map((name) => ({ name, weight: 1 })) };
  const startText = flags.get('experiment-start');
  const start = startText === undefined ? Number.NEGATIVE_INFINITY : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(startText) ? startText : `${startText}Z`);
  if (Number.isNaN(start)) throw new UsageError(`--experiment-start ${startText}: give a UTC time such as 2026-11-26T06:00`);
  return { experiment, start: Number.isFinite(start) ? start : 0 };
}

/**
 * The `modelwatch-report` command: reads a reference and a current log (files,
 * directories or standard input), runs {@link reportPipeline} and writes the
 * report and its JSON twin. Resolves to the exit code: 0 done, 2 a usage
 * mistake (the message says what to change), 1 another failure.
 *
 * @example
 * ```ts
 * process.exitCode = await runReportCommand(['training.log', 'today.log', '--users', 'users.csv'], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runReportCommand(args: readonly string[], io: ReportCommandIO): Promise<number> {
  try {
    const { help, inputs, flags } = parseArgs(args);
    if (help) {
      io.stdout.write(`${REPORT_COMMAND_HELP}\n`);
      return 0;
    }
    if (inputs.length !== 2) throw new UsageError(`give a reference log and a current log (got ${inputs.length} input${inputs.length === 1 ? '' : 's'}); see --help`);
    const [referenceInput, currentInput] = inputs as [string, string];
    if (referenceInput === '-' && currentInput === '-') throw new UsageError('only one of the two inputs can be standard input (-)');
    for (const input of inputs) sizeOf(input); // a missing file fails before any reading
    const window = duration(flags.get('window') ?? '1h');
    const objective = Number(flags.get('objective') ?? 0.995);
    if (!(objective > 0 && objective < 1)) throw new UsageError(`--objective ${flags.get('objective')}: give a share between 0 and 1, such as 0.995`);
    const out = flags.get('out') ?? 'modelwatch-report.html';
    const experiment = experimentOf(flags);
    const users = flags.has('users') ? readUserAttributes(flags.get('users')!) : undefined;

    const referenceLines = createLineSourceStats();
    const referenceDecode = createDecodeStats();
    const movies = new Set<string>();
    const reference = await referenceProfile(eventsOf(referenceInput, io, 'reference', referenceDecode, referenceLines).pipe(tap((e) => (e.kind === 'recommendation' ? e.movies.forEach((m) => movies.add(m)) : movies.add(e.movie)))));
    const catalogueText = flags.get('catalogue-size');
    const catalogueSize = catalogueText === undefined ? Math.max(1, movies.size) : Number(catalogueText);
    if (!(Number.isInteger(catalogueSize) && catalogueSize > 0)) throw new UsageError(`--catalogue-size ${catalogueText}: give a whole number of movies, 1 or more`);

    const currentLines = createLineSourceStats();
    const currentDecode = createDecodeStats();
    const data = await reportPipeline(eventsOf(currentInput, io, 'current', currentDecode, currentLines), {
      title: flags.get('title') ?? `modelwatch report: ${currentInput === '-' ? 'standard input' : currentInput} against ${referenceInput === '-' ? 'standard input' : referenceInput}`,
      reference, window, objective, decode: currentDecode, lines: () => currentLines.lines,
      ...(users ? { users: { ...users, catalogueSize } } : {}),
      ...(experiment ? { experiment } : {}),
    });
    const written = await writeReport(out, data);
    const dead = Object.entries(currentDecode.byCode).map(([code, n]) => `${code} ${n}`);
    io.stderr.write(
      `modelwatch-report: ${(referenceLines.lines + currentLines.lines).toLocaleString('en-US')} lines read (reference ${referenceLines.lines.toLocaleString('en-US')}, current ${currentLines.lines.toLocaleString('en-US')}); ` +
        `${(referenceDecode.decoded + currentDecode.decoded).toLocaleString('en-US')} events; ${(referenceDecode.errors + currentDecode.errors).toLocaleString('en-US')} dead letters` +
        `${dead.length ? ` in the current log (${dead.join(', ')})` : ''}${referenceDecode.errors ? `, ${referenceDecode.errors} in the reference` : ''}; ` +
        `${users ? '' : 'no --users, so no fairness section; '}report ${written.html}, data ${written.json}\n`,
    );
    return 0;
  } catch (err) {
    const usage = err instanceof UsageError;
    const message = err instanceof Error ? err.message : String(err);
    const hint = /catalogueSize/.test(message) ? '; give --catalogue-size with the number of movies in the catalogue' : '';
    io.stderr.write(`modelwatch-report: ${message}${hint}\n`);
    return usage ? 2 : 1;
  }
}
