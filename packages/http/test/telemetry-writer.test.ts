// The writers' promise: `write` never throws. An event the log format cannot
// hold is counted as lost and the writer goes on with the next.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '@modelwatch/core';
import { memoryTelemetry, streamTelemetry } from '../src/index.js';

/** A stream that keeps every chunk written to it, as text. */
function collected(): { readonly out: PassThrough; readonly chunks: string[] } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { out, chunks };
}

const good: TelemetryEvent = { kind: 'rate', time: Date.UTC(2026, 0, 1), user: '7', movie: 'up+2009', rating: 4 };
const unformattable: TelemetryEvent[] = [
  { ...good, time: Date.UTC(2026, 0, 1) + 0.5 },
  { ...good, time: Number.NaN },
  { ...good, user: 'a,b' },
];

describe('telemetry writers', () => {
  it('memoryTelemetry counts an event the log format refuses as lost and goes on', async () => {
    const bus = memoryTelemetry();
    const lines: string[] = [];
    bus.lines.subscribe((l) => lines.push(l));
    for (const e of unformattable) expect(() => bus.write(e)).not.toThrow();
    bus.write(good);
    await bus.close();
    expect(lines).toEqual(['2026-01-01T00:00:00,7,GET /rate/up+2009=4']);
    expect(bus.stats).toMatchObject({ written: 4, lost: 3 });
  });

  it('streamTelemetry does the same', async () => {
    const { out, chunks } = collected();
    const telemetry = streamTelemetry(out);
    for (const e of unformattable) expect(() => telemetry.write(e)).not.toThrow();
    telemetry.write(good);
    await telemetry.close();
    expect(chunks.join('')).toBe('2026-01-01T00:00:00,7,GET /rate/up+2009=4\n');
    expect(telemetry.stats).toMatchObject({ written: 4, lost: 3 });
  });

  it('streamTelemetry writes a turn\'s lines together, in whole lines of at most 4,096 bytes a write, all in order', async () => {
    const { out, chunks } = collected();
    const telemetry = streamTelemetry(out);
    const events = Array.from({ length: 200 }, (_, i): TelemetryEvent => ({ ...good, user: `user-${i}` }));
    for (const e of events.slice(0, 100)) telemetry.write(e);
    await new Promise((r) => setImmediate(r));
    for (const e of events.slice(100)) telemetry.write(e);
    await telemetry.close();
    expect(chunks.length).toBeLessThan(events.length / 10);
    for (const c of chunks) {
      expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4_096);
      expect(c.endsWith('\n')).toBe(true);
    }
    expect(chunks.join('').trim().split('\n')).toEqual(events.map((e) => `2026-01-01T00:00:00,${e.user},GET /rate/up+2009=4`));
  });
});
