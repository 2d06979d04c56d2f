// Lines per second of parseLogLine on a million simulator lines, against
// JSON.parse of the same events as JSON, in the same process and run.
// Rounds alternate between the two so drift on a shared machine hits both.
//   npx tsx bench/parse-log-line.bench.ts [lines] [rounds]
import { createSimulation, formatJsonEvent, formatLogLine, isParseError, parseJsonEvent, parseLogLine } from '@modelwatch/core';

const count = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 7);

console.log(`generating ${count.toLocaleString()} simulator events…`);
const lines: string[] = [];
const jsons: string[] = [];
for (const e of createSimulation({ seed: 1, duration: 30 * 86_400_000, sessionsPerMinute: 20 }).generate()) {
  lines.push(formatLogLine(e));
  jsons.push(formatJsonEvent(e));
  if (lines.length === count) break;
}
const kinds = { watch: 0, rate: 0, recommendation: 0 };
for (const l of lines) {
  const r = parseLogLine(l);
  if (isParseError(r)) throw new Error(`the benchmark's own line failed to parse: ${r.reason}`);
  kinds[r.kind]++;
}
console.log(`mix: ${JSON.stringify(kinds)}; mean line ${(lines.reduce((s, l) => s + l.length, 0) / count).toFixed(0)} chars, mean JSON ${(jsons.reduce((s, l) => s + l.length, 0) / count).toFixed(0)} chars`);

let sink = 0;
function time(parse: (s: string) => unknown, input: string[]): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < input.length; i++) if (parse(input[i]!) !== null) sink++;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const cases = {
  parseLogLine: () => time((s) => parseLogLine(s), lines),
  'JSON.parse': () => time((s) => JSON.parse(s), jsons),
  'parseJsonEvent (JSON.parse + validation)': () => time((s) => parseJsonEvent(s), jsons),
};
const seconds: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(cases)) seconds[name]!.push(run());
  process.stdout.write(`round ${r + 1}/${rounds} done\r`);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, count / median(v)]));
console.log(`\nmedian of ${rounds} rounds, ${count.toLocaleString()} lines each (sink ${sink}):`);
for (const [name, r] of Object.entries(rate)) console.log(`  ${name.padEnd(42)} ${(r / 1e6).toFixed(2)} M lines/s`);
console.log(`ratio parseLogLine / JSON.parse: ${(rate['parseLogLine']! / rate['JSON.parse']!).toFixed(2)}x (goal: at least 1.00x)`);
