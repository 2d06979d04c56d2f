// `npm run demo -- tour`: a tour of the library on the embedded simulator, no Kafka and
// no servers. Each part is a standalone example, run here in turn:
//   1. a day of the service: hourly ratings and availability, SLO burn-rate alerts (examples/serving)
//   2. rating drift against a training profile, with delays against the ground truth (examples/drift)
//   3. an online experiment, reported hour by hour with sequential statistics (examples/experiment)
//   4. fairness by group and by intersection, with bootstrap intervals (examples/fairness)
// With --brokers=host:port it also runs the service through that Kafka broker (examples/kafka);
// with --metrics-port or --smtp, part 1 serves /metrics or emails its findings (examples/serving/outputs.ts).
//   node examples/dist/demo/tour.js [--brokers=127.0.0.1:9092] [--metrics-port=9464] [--smtp=smtp://host:port --mail-to=you@example.com] [--help]
import { fileURLToPath } from 'node:url';
import { commandLine } from '../command-line.js';
import { OUTPUT_FLAGS, OUTPUT_FLAGS_HELP } from '../serving/outputs.js';

const usage = `usage: npm run demo -- tour [flags]   (or node examples/dist/demo/tour.js [flags])

A tour of modelwatch on simulated data: a day of the service, drift, an experiment, fairness.
  --brokers=host:port               also run a part through this Kafka broker
${OUTPUT_FLAGS_HELP}
  -h, --help                        this text`;
const { values } = commandLine(usage, { brokers: { type: 'string' }, ...OUTPUT_FLAGS });
// Each part reads its own flags from process.argv, as when it runs alone.
const flags = (...names: (keyof typeof values)[]): string[] => names.flatMap((n) => (values[n] === undefined ? [] : [`--${n}=${values[n]}`]));
const parts: [title: string, module: string, args: string[]][] = [
  ['A day of the service, read from corrupted log lines', '../serving/serving-day.js', flags('metrics-port', 'smtp', 'mail-to', 'mail-from')],
  ['Rating drift, against the training profile and the last 24 hours', '../drift/rating-drift.js', []],
  ['An online experiment with a real effect', '../experiment/experiment.js', []],
  ['Fairness for an under-represented group', '../fairness/fairness.js', []],
];
if (values.brokers !== undefined) parts.splice(1, 0, ['The same kind of day through a real Kafka broker, at least once', '../kafka/kafka-day.js', flags('brokers')]);

const started = performance.now();
for (const [i, [title, module, args]] of parts.entries()) {
  const heading = `${i + 1}/${parts.length}  ${title}`;
  console.log(`\n${heading}\n${'═'.repeat(heading.length)}`);
  process.argv = [process.argv[0]!, fileURLToPath(new URL(module, import.meta.url)), ...args];
  await import(module); // each example runs to completion when imported
}
const { writeDemoReport } = await import('./report.js');
console.log(`\nThe report of a simulated day with all of the above, in one HTML page: ${await writeDemoReport()}`);
console.log(`\nThe tour took ${((performance.now() - started) / 1000).toFixed(0)} s. Next: \`npm test\` runs the whole suite; the examples are in examples/, the packages in packages/.`);
