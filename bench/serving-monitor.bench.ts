// The monitor's events/s on the serving stream (BENCHMARKS.md row 7b): the
// lines the reference system writes (the service's recommendation lines, the
// simulated users' watch and rate lines; the simulator's stream for the
// service's world, seed 1, two instances), read by apps/monitor's
// createMonitor with the options `monitor run` builds from its default flags
// (the deployed monitor: every branch on). The lines are formatted before the
// clock starts; CPU seconds of this process, best of the rounds.
//   taskset -c 0 node --import tsx bench/serving-monitor.bench.ts [hours=6] [rounds=3]
import { createSimulation, formatLogLine } from '@modelwatch/core';
import { Registry } from 'prom-client';
import { from, lastValueFrom } from 'rxjs';
import { createMonitor } from '../apps/monitor/src/index.js';
import { COMMANDS, monitorOptionsFromFlags } from '../apps/monitor/src/monitor-flags.js';

const hours = Number(process.argv[2] ?? 6);
const rounds = Number(process.argv[3] ?? 3);
// `monitor run`'s defaults, with future-dated events allowed: the stream is dated in simulated time.
const flags = new Map<string, string | undefined>(COMMANDS.run.flags.map((f) => [f.name, f.default]));
flags.set('max-future-skew-ms', 'Infinity');
const sim = createSimulation({ seed: 1, start: Date.UTC(2026, 10, 26), duration: hours * 3_600_000, sessionsPerMinute: 40, instances: ['rec-1:8082', 'rec-2:8082'] });
const lines = Array.from(sim.generate(), (e) => formatLogLine(e));
const kinds = new Map<string, number>();
for (const l of lines) {
  const kind = l.includes(',recommendation request ') ? 'recommendation' : l.includes(',GET /rate/') ? 'rate' : 'watch';
  kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
}
console.log(`${lines.length} lines, ${hours} simulated hours: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);

const results: { cpu: number; wall: number; decoded: number }[] = [];
for (let r = 1; r <= rounds; r++) {
  const monitor = createMonitor(monitorOptionsFromFlags(flags, new Registry()));
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  await lastValueFrom(monitor.runLines(from(lines)), { defaultValue: undefined });
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  const decoded = monitor.decode.decoded;
  await monitor.close();
  results.push({ cpu: (cpu.user + cpu.system) / 1e6, wall, decoded });
  console.log(`round ${r}: ${(lines.length / ((cpu.user + cpu.system) / 1e6) / 1e3).toFixed(1)}k events/s of CPU (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), wall ${wall.toFixed(2)} s, ${decoded} lines decoded`);
}
const best = results.reduce((a, b) => (b.cpu < a.cpu ? b : a));
console.log(`monitor: ${(lines.length / best.cpu / 1e3).toFixed(1)}k events/s (best of ${rounds}, CPU), ${((best.cpu / lines.length) * 1e6).toFixed(2)} µs/event`);
console.log(JSON.stringify({ bench: 'serving-monitor', hours, lines: lines.length, kinds: Object.fromEntries(kinds), rounds, bestCpuSeconds: best.cpu, eventsPerSecond: lines.length / best.cpu }));
