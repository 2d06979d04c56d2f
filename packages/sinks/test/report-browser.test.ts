import { createSimulation, type Experiment } from '@modelwatch/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SECTIONS, referenceProfile, renderReport, reportJson, reportPipeline, type ReportData } from '../src/report.js';
import { launchChromium } from './support/chromium.js';

// The report as a reader gets it: a simulated half day with every scenario
// the report draws, rendered, and opened by Debian's chromium with every
// request refused. The screenshot is kept under .tmp/report-browser/.
const HOUR = 3_600_000;
const artifacts = fileURLToPath(new URL('../../../.tmp/report-browser/', import.meta.url));
const start = Date.UTC(2026, 10, 26);
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
let browser: Browser;
let data: ReportData;
let html: string;

beforeAll(async () => {
  const reference = await referenceProfile(createSimulation({ seed: 11, start: start - 24 * HOUR, duration: 12 * HOUR, sessionsPerMinute: 6 }).events());
  const sim = createSimulation({
    seed: 11, start, duration: 12 * HOUR, sessionsPerMinute: 6, instances: ['rec-1:8082', 'rec-2:8082'],
    scenarios: [
      { kind: 'under-represented', group: { gender: 'F' } },
      { kind: 'experiment', at: start + 2 * HOUR, experiment, arms: { treatment: { clickLift: 1.5 } } },
      { kind: 'rating-shift', at: start + 6 * HOUR, delta: -0.7 },
      { kind: 'instance-degradation', at: start + 8 * HOUR, until: start + 9 * HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 },
    ],
  });
  data = await reportPipeline(sim.events(), {
    title: 'Half a simulated day', reference, truth: sim.truth,
    users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length, replicates: 100, window: 6 * HOUR },
    experiment: { experiment, start: start + 2 * HOUR },
  });
  data = { ...data, pipeline: { ...data.pipeline, deadLetters: { 'bad-rating': 3, 'bad-timestamp': 1 } } };
  html = await renderReport(data);
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, 'report.html'), html);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('the HTML report in chromium', () => {
  it('opens with no request and no console error, shows every section, and every chart has marks', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const url = pathToFileURL(join(artifacts, 'report.html')).href;
    const requests: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', async (route) => {
      if (route.request().url() === url) return route.continue(); // the report itself, from disk
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });

    for (const [id, title] of REPORT_SECTIONS) await expect(page.locator(`section#${id} > h2`).textContent()).resolves.toBe(title);
    const charts = await page.locator('figure.chart').evaluateAll((figures) =>
      figures.map((f) => ({
        title: f.querySelector('figcaption strong')?.textContent ?? '',
        label: f.querySelector('[role="img"]')?.getAttribute('aria-label') ?? '',
        marks: f.querySelectorAll('svg g.role-mark > path, svg g.role-mark > rect, svg g.role-mark > line, svg g.role-mark > g > path').length,
      })),
    );
    expect(charts.map((c) => c.title)).toEqual(expect.arrayContaining(['Rating distributions by gender.', 'Drift of rating.', 'Fairness by gender.', 'ranker-v2: lift with always-valid intervals.', 'Availability per instance.', 'Dead letters by reason.']));
    for (const c of charts) {
      expect(c.label.length, c.title).toBeGreaterThan(c.title.length + 10);
      expect(c.marks, c.title).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: join(artifacts, 'report.pdf') });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('has a JSON twin that gives back the same data', () => {
    expect(JSON.parse(reportJson(data))).toEqual(JSON.parse(JSON.stringify(data)));
    expect(html.length).toBeLessThan(2_000_000);
  });
});
