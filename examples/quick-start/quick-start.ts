// The README's code, runnable: log lines in, hourly rating statistics out.
//   npx tsc -b && node examples/dist/quick-start/quick-start.js [movielog.txt | -] [--out-of-orderness=60000]
// With a file (or `-` for standard input, as in `tail -F movielog.txt | node quick-start.js -`) it reads
// the lines from there; without one it makes six simulated hours of them. A line that does not parse is
// reported with its line number and its start; at the end a summary counts lines, events, dead letters
// and late ratings, those older than the window's watermark allows (raise --out-of-orderness for them).
import { createReadStream } from 'node:fs';
import { createDecodeStats, createSimulation, createWindowStats, decode, formatLogLine, fromLines, parseLogLine, ratingWindows, tumbling } from '@modelwatch/core';
import { from, map, tap, type Observable } from 'rxjs';
import { commandLine, wholeNumber } from '../command-line.js';
import { describeDeadLetter } from '../dead-letter-report.js';

const usage = `usage: node examples/dist/quick-start/quick-start.js [movielog.txt | -] [--out-of-orderness=ms]

Hourly rating statistics from a movie log (or from '-', standard input);
without a file, from six simulated hours.
  --out-of-orderness=ms  how far (event time) a line may come after later ones and still count (default 60000)
  -h, --help             this text`;
const { values, positionals } = commandLine(usage, { 'out-of-orderness': { type: 'string' } }, { max: 1 });
const file = positionals[0];
const outOfOrderness = wholeNumber(values['out-of-orderness'], '--out-of-orderness', 60_000);

const lines$: Observable<string | Uint8Array> =
  file === undefined ? from(createSimulation({ seed: 1, duration: 6 * 3_600_000 }).generate()).pipe(map(formatLogLine)) : fromLines(file === '-' ? process.stdin : createReadStream(file));

let lineNumber = 0; // decode reports a bad line while it handles it, so this is that line's number
const decodeStats = createDecodeStats();
const windowStats = createWindowStats();

lines$
  .pipe(
    tap(() => lineNumber++),
    decode(parseLogLine, { stats: decodeStats, deadLetter: (e) => console.warn(describeDeadLetter(lineNumber, e)) }), // bad lines are values, never lost
    ratingWindows({ assigner: tumbling(3_600_000), outOfOrderness, stats: windowStats }), // windows by event time, not arrival
  )
  .subscribe({
    next: ({ window, value }) => {
      const { total, mean } = value.result();
      console.log(`${new Date(window.start).toISOString().slice(11, 16)}  ${String(total).padStart(4)} ratings, mean ${mean.toFixed(2)}`);
    },
    error: (e: Error) => {
      console.error(`quick-start: ${e.message}`); // e.g. "reading lines failed: ENOENT: no such file or directory, open 'movielog.txt'"
      process.exitCode = 1;
    },
    complete: () => {
      const byCode = Object.entries(decodeStats.byCode).map(([code, n]) => `${code} ${n}`).join(', ');
      const hint = windowStats.dropped > 0 ? ' (raise --out-of-orderness to count them)' : '';
      console.warn(`${lineNumber} lines read: ${decodeStats.decoded} events, ${decodeStats.errors} dead letters${byCode ? ` (${byCode})` : ''}, ${windowStats.dropped} late ratings dropped${hint}`);
    },
  });
