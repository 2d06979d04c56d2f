// Our detectors flag exactly the indices River 0.26.1 flags on the same
// streams with the same parameters (fixture from bench/river/generate_river_reference.py).
// Kswin matches River's KSWIN when River draws through our SeededRandom (bench/river/seeded_random.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Adwin, Ddm, HddmA, Kswin, PageHinkley, type ChangeDetector } from '../../src/index.js';
import { checksum, parityStreams } from './streams.js';

interface Config {
  readonly detector: 'Adwin' | 'PageHinkley' | 'Kswin' | 'Ddm' | 'HddmA';
  readonly options: Record<string, never>;
}
interface Fixture {
  readonly river: string;
  readonly configs: { readonly real: Record<string, Config>; readonly binary: Record<string, Config> };
  readonly streams: ReadonlyArray<{ name: string; kind: 'real' | 'binary'; length: number; checksum: number; detections: Record<string, number[]> }>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/river/river-detections.json', import.meta.url), 'utf8')) as Fixture;
const factories: Record<Config['detector'], (options: Record<string, never>) => ChangeDetector> = {
  Adwin: (o) => new Adwin(o),
  PageHinkley: (o) => new PageHinkley(o),
  Kswin: (o) => new Kswin(o),
  Ddm: (o) => new Ddm(o),
  HddmA: (o) => new HddmA(o),
};

function detect(detector: ChangeDetector, values: readonly number[]): number[] {
  const found: number[] = [];
  values.forEach((x, i) => {
    if (detector.update(x)) found.push(i);
  });
  return found;
}

describe(`River ${fixture.river} parity`, () => {
  const streams = parityStreams();
  for (const expected of fixture.streams) {
    const stream = streams.find((s) => s.name === expected.name)!;
    describe(expected.name, () => {
      it('is the stream River saw', () => {
        expect(stream.values.length).toBe(expected.length);
        expect(checksum(stream.values)).toBeCloseTo(expected.checksum, 6);
      });
      for (const [label, config] of Object.entries(fixture.configs[expected.kind])) {
        it(`${label} flags River's indices`, () => {
          expect(detect(factories[config.detector](config.options), stream.values)).toEqual(expected.detections[label]);
        });
      }
    });
  }
});
