// The report's size and the time to write it for a simulated month of about
// 10 million events against a day of about 300,000, side by side, and how
// long Debian's chromium takes to load and lay each out. Both runs go through
// the same standard pipeline (hourly rating, drift and serving windows,
// burn-rate alerts, fairness by gender and age, an experiment), so the report
// is built from summaries only; goal: the month's report within 2 MB and
// loaded in under 2 seconds.
//   node --import tsx bench/report.bench.ts [monthEvents=10000000] [dayEvents=300000]
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSimulation, type Experiment } from '@modelwatch/core';
import { referenceProfile, reportPipeline, writeReport } from '@modelwatch/sinks/report';
import { chromium } from 'playwright-core';
import { count, lastValueFrom } from 'rxjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const monthEvents = Number(process.argv[2] ?? 10_000_000);
const dayEvents = Number(process.argv[3] ?? 300_000);
const out = join(process.cwd(), '.tmp', 'bench-report');
const start = Date.UTC(2026, 10, 1);
const instances = ['rec-1:8082', 'rec-2:8082'];
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };

// Sessions per minute that give the wanted number of events, from the events of one simulated day (traffic follows the hour of day).
const perDayAt2 = await lastValueFrom(createSimulation({ seed: 1, start, duration: DAY, sessionsPerMinute: 2, instances }).events().pipe(count()));
const rate = (events: number, duration: number): number => (2 * events) / (perDayAt2 * (duration / DAY));

interface Run { name: string; events: number; pipelineS: number; writeS: number; htmlBytes: number; jsonBytes: number; path: string }

async function run(name: string, duration: number, events: number): Promise<Run> {
  const sessionsPerMinute = rate(events, duration);
  const reference = await referenceProfile(createSimulation({ seed: 2, start: start - DAY, duration: DAY, sessionsPerMinute: rate(dayEvents, DAY), instances }).events());
  const sim = createSimulation({
    seed: 3, start, duration, sessionsPerMinute, instances,
    scenarios: [
      { kind: 'under-represented', group: { gender: 'F' } },
      { kind: 'experiment', at: start + 2 * HOUR, experiment, arms: { treatment: { clickLift: 1.2 } } },
      { kind: 'rating-shift', at: start + duration / 2, delta: -0.5 },
      { kind: 'instance-degradation', at: start + duration * 0.75, until: start + duration * 0.75 + HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 },
    ],
  });
  const t0 = performance.now();
  const data = await reportPipeline(sim.events(), {
    title: `Benchmark: ${name}`, reference, truth: sim.truth,
    users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length },
    experiment: { experiment, start: start + 2 * HOUR },
  });
  const t1 = performance.now();
  const path = join(out, `${name}.html`);
  const written = await writeReport(path, data);
  const t2 = performance.now();
  return { name, events: data.pipeline.events, pipelineS: (t1 - t0) / 1000, writeS: (t2 - t1) / 1000, htmlBytes: statSync(written.html).size, jsonBytes: statSync(written.json).size, path };
}

const runs = [await run('day', DAY, dayEvents), await run('month', 30 * DAY, monthEvents)];

// Chromium: load (navigation to the load event) and a full layout of the page, median of 5 fresh pages.
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--disable-background-networking'] });
const load: Record<string, { loadMs: number; layoutMs: number }> = {};
for (const r of runs) {
  const samples: { loadMs: number; layoutMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const t = performance.now();
    await page.goto(pathToFileURL(r.path).href, { waitUntil: 'load' });
    const loaded = performance.now();
    // Two animation frames after a forced layout: the page has been laid out and painted.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => { void document.body.scrollHeight; requestAnimationFrame(() => done()); }))');
    samples.push({ loadMs: loaded - t, layoutMs: performance.now() - t });
    await page.close();
  }
  samples.sort((a, b) => a.layoutMs - b.layoutMs);
  load[r.name] = samples[2]!;
}
await browser.close();

const mb = (b: number): string => `${(b / 1e6).toFixed(2)} MB`;
console.log(`report           events      pipeline  write   HTML      JSON      chromium load  load+layout (median of 5)`);
for (const r of runs) {
  const l = load[r.name]!;
  console.log(`${r.name.padEnd(8)} ${r.events.toLocaleString('en-US').padStart(14)}  ${r.pipelineS.toFixed(1).padStart(6)} s  ${r.writeS.toFixed(2).padStart(5)} s  ${mb(r.htmlBytes).padStart(8)}  ${mb(r.jsonBytes).padStart(8)}  ${l.loadMs.toFixed(0).padStart(6)} ms      ${l.layoutMs.toFixed(0).padStart(6)} ms`);
}
const [day, month] = runs as [Run, Run];
console.log(`month / day: ${(month.events / day.events).toFixed(1)}x the events, ${(month.htmlBytes / day.htmlBytes).toFixed(2)}x the HTML, ${(month.writeS / day.writeS).toFixed(2)}x the write time`);
console.log(`goal: month within 2 MB (${month.htmlBytes <= 2e6 ? 'met' : 'missed'}) and loaded in under 2 s (${load['month']!.layoutMs < 2000 ? 'met' : 'missed'})`);
