// The README's code, runnable: log lines in, hourly rating statistics out.
//   npx tsc -b && node examples/dist/quick-start/quick-start.js [movielog.txt]
// With a file (or `-` for standard input, as in `tail -F movielog.txt | node quick-start.js -`) it reads
// the lines from there; without one it makes six simulated hours of them.
import { createReadStream } from 'node:fs';
import { createSimulation, decode, formatLogLine, fromLines, parseLogLine, ratingWindows, tumbling, type ParseError } from '@modelwatch/core';
import { from, map, type Observable } from 'rxjs';

const file = process.argv[2];
const lines$: Observable<string | Uint8Array | ParseError> =
  file === undefined ? from(createSimulation({ seed: 1, duration: 6 * 3_600_000 }).generate()).pipe(map(formatLogLine)) : fromLines(file === '-' ? process.stdin : createReadStream(file));

lines$
  .pipe(
    decode(parseLogLine, { deadLetter: (e) => console.warn(e.code, e.reason) }), // bad lines are values, never lost
    ratingWindows({ assigner: tumbling(3_600_000), outOfOrderness: 60_000 }), // windows by event time, not arrival
  )
  .subscribe(({ window, value }) => {
    const { total, mean } = value.result();
    console.log(`${new Date(window.start).toISOString().slice(11, 16)}  ${String(total).padStart(4)} ratings, mean ${mean.toFixed(2)}`);
  });
