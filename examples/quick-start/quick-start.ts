// The README's code, runnable: log lines in, hourly rating statistics out.
//   npx tsc -b && node examples/dist/quick-start/quick-start.js
import { createSimulation, decode, formatLogLine, parseLogLine, ratingWindows, tumbling } from '@modelwatch/core';
import { from, map } from 'rxjs';

// Any source of log lines will do: a file, a socket, Kafka. Here, six simulated hours.
const lines$ = from(createSimulation({ seed: 1, duration: 6 * 3_600_000 }).generate()).pipe(map(formatLogLine));

lines$
  .pipe(
    decode(parseLogLine, { deadLetter: (e) => console.warn(e.code, e.reason) }), // bad lines are values, never lost
    ratingWindows({ assigner: tumbling(3_600_000), outOfOrderness: 60_000 }), // windows by event time, not arrival
  )
  .subscribe(({ window, value }) => {
    const { total, mean } = value.result();
    console.log(`${new Date(window.start).toISOString().slice(11, 16)}  ${String(total).padStart(4)} ratings, mean ${mean.toFixed(2)}`);
  });
