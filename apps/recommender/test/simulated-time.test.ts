// The demo's pieces in the recommender: an accelerated clock, the service's
// exposures stamped with it, faults injected while it runs (an outage), and
// paced users who write each line at its simulated time and rate lower
// after a rating shift.
import { createSimulation, parseLogLine, type TelemetryEvent } from '@modelwatch/core';
import { memoryTelemetry } from '@modelwatch/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainModels, type ModelFile } from '../src/models.js';
import { startService, type RunningService } from '../src/service.js';
import { acceleratedClock } from '../src/simulated-clock.js';
import { runSimulatedUsers } from '../src/simulated-users.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 26);
let models: ModelFile;
const running: RunningService[] = [];
beforeAll(() => {
  models = trainModels(createSimulation({ seed: 1, duration: 6 * HOUR, sessionsPerMinute: 40 }).generate());
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.shutdown()));
});

describe('acceleratedClock', () => {
  it('runs speed times as fast as real time, in whole milliseconds, and waits until a simulated time', async () => {
    const clock = acceleratedClock({ start, speed: 3_600 });
    const t0 = performance.now();
    await clock.until(start + 60_000); // a simulated minute: about 17 ms
    expect(clock.now()).toBeGreaterThanOrEqual(start + 60_000);
    expect(Number.isInteger(clock.now())).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    await clock.until(start); // already past: at once
  });

  it('refuses a speed it cannot run at, saying what it takes', () => {
    expect(() => acceleratedClock({ start, speed: 0 })).toThrow(/speed from above 0 to 1e6/);
    expect(() => acceleratedClock({ start: 0.5, speed: 1 })).toThrow(/whole start/);
  });
});

describe('the service on a simulated clock', () => {
  it('stamps its exposures with the clock, and answers 503 while a fault is injected, then recovers', async () => {
    const bus = memoryTelemetry();
    const events: TelemetryEvent[] = [];
    bus.lines.subscribe((l) => {
      const e = parseLogLine(l);
      if (!('code' in e)) events.push(e);
    });
    const service = await startService({
      port: 0, host: '127.0.0.1', instance: 'rec-2', models, serve: 'popular', upstreams: {}, budgetMs: 1000, drainMs: 1000, unreadyDelayMs: 0,
      experiment: { key: 'x', variants: [{ name: 'popular', weight: 1 }] }, telemetry: bus, injectLatencyMs: 0, injectErrorRate: 0, now: () => start,
    });
    running.push(service);
    const ask = () => fetch(`http://127.0.0.1:${service.port}/recommend/1`).then((r) => r.status);
    expect(await ask()).toBe(200);
    service.inject({ errorRate: 1 });
    expect(await ask()).toBe(503);
    service.inject({ errorRate: 0 });
    expect(await ask()).toBe(200);
    expect(() => service.inject({ errorRate: 2 })).toThrow(/errorRate must be a share from 0 to 1/);
    expect(events.map((e) => (e.kind === 'recommendation' ? [e.time, e.status] : []))).toEqual([[start, 200], [start, 503], [start, 200]]);
  });
});

describe('paced simulated users', () => {
  it('write each line when the clock reaches its time, and a stopped run writes nothing more', async () => {
    const bus = memoryTelemetry();
    const lines: { written: number; event: TelemetryEvent }[] = [];
    const clock = acceleratedClock({ start, speed: 360 }); // six simulated minutes a second
    bus.lines.subscribe((l) => {
      const e = parseLogLine(l);
      if (!('code' in e)) lines.push({ written: clock.now(), event: e });
    });
    const service = await startService({
      port: 0, host: '127.0.0.1', instance: 'rec-1', models, serve: 'personal', upstreams: {}, budgetMs: 1000, drainMs: 1000, unreadyDelayMs: 0,
      experiment: { key: 'x', variants: [{ name: 'personal', weight: 1 }] }, telemetry: bus, injectLatencyMs: 0, injectErrorRate: 0, now: clock.now,
    });
    running.push(service);
    const stop = new AbortController();
    void clock.until(start + 30 * 60_000).then(() => stop.abort());
    const result = await runSimulatedUsers({
      url: `http://127.0.0.1:${service.port}`, seed: 1, telemetry: bus, clock, sessions: 1_000_000, sessionsPerSecond: 30 / 60, concurrency: 8, signal: stop.signal,
    });
    const stoppedAt = clock.now();
    expect(result.failed).toBe(0);
    // About 900 were due; a loaded machine answers fewer in time.
    expect(result.sessions).toBeGreaterThan(450);
    // No line is written before its time (slack for the timers: a real millisecond is 0.36 simulated seconds).
    expect(lines.filter((l) => l.event.time > l.written + 2_000)).toEqual([]);
    // Sessions came at the pace asked, in the half hour before the stop: about 30 a simulated minute.
    const asked = lines.filter((l) => l.event.kind === 'recommendation');
    expect(asked.length).toBe(result.sessions);
    // (A recommendation is dated when it is answered: one asked just before the stop may be answered a little after it.)
    expect(asked.at(-1)!.event.time).toBeLessThanOrEqual(stoppedAt);
    // Watching had begun, and nothing is dated after the stop.
    expect(lines.some((l) => l.event.kind === 'watch' && l.event.minute > 5)).toBe(true);
    expect(lines.filter((l) => l.event.time > stoppedAt)).toEqual([]);
  }, 60_000);
});
