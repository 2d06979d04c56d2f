// The policy as a property for the detectors' operator: a stream with up to k
// values no detector can use (NaN, ±∞, beyond MAX_DETECTOR_VALUE) inserted at
// random positions gives the same findings as the clean stream, and every one
// is counted in the detector's `refused`. The one documented difference: a
// finding's `evidence.index` is its position in the input, refused values included.
import type { ChangePointFinding } from '@modelwatch/core';
import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Adwin, Bocpd, Cusum, detectChanges, Ewma, Kswin, MAX_DETECTOR_VALUE, PageHinkley, type ChangeDetector } from '../../src/index.js';

const detectors: Record<string, () => ChangeDetector> = {
  adwin: () => new Adwin(),
  cusum: () => new Cusum(),
  'page-hinkley': () => new PageHinkley(),
  ewma: () => new Ewma(),
  bocpd: () => new Bocpd(),
  kswin: () => new Kswin(),
};
const BAD = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, MAX_DETECTOR_VALUE * 10, -1e155 * 1e100];
const isBad = (x: number): boolean => !Number.isFinite(x) || Math.abs(x) > MAX_DETECTOR_VALUE;

/** A stream that shifts its level partway, so the detectors find something, with up to 8 bad values inserted. */
const streams = fc
  .tuple(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 300, maxLength: 400 }), fc.integer({ min: 100, max: 250 }), fc.double({ min: 2, max: 20, noNaN: true }))
  .map(([noise, at, shift]) => noise.map((x, i) => x + (i >= at ? shift : 0)))
  .chain((clean) =>
    fc.array(fc.tuple(fc.nat({ max: clean.length }), fc.constantFrom(...BAD)), { maxLength: 8 }).map((inserts) => {
      const dirty = [...clean];
      for (const [at, x] of [...inserts].sort(([a], [b]) => b - a)) dirty.splice(at, 0, x);
      return { clean, dirty, inserted: inserts.length };
    }),
  );

function findings(values: number[], make: () => ChangeDetector): { findings: ChangePointFinding[]; refused: number; error: unknown } {
  let detector: ChangeDetector | undefined;
  const out: ChangePointFinding[] = [];
  let error: unknown;
  const detector$ = (): ChangeDetector => (detector = make());
  from(values).pipe(detectChanges({ detector: detector$, subject: 'x' })).subscribe({ next: (f) => out.push(f), error: (err) => (error = err) });
  return { findings: out, refused: detector?.refused ?? Number.NaN, error };
}

describe('detectChanges with bad values inserted anywhere', () => {
  it.each(Object.keys(detectors))('%s: the same findings as the clean stream, each bad value refused and counted', (name) => {
    let found = 0;
    fc.assert(
      fc.property(streams, ({ clean, dirty, inserted }) => {
        const expected = findings(clean, detectors[name]!);
        const actual = findings(dirty, detectors[name]!);
        found += expected.findings.length > 0 ? 1 : 0;
        expect(actual.error).toBeUndefined();
        expect(actual.refused).toBe(inserted);
        // Position in the input → position among the good values.
        const goodIndex: number[] = [];
        let good = 0;
        for (const x of dirty) goodIndex.push(isBad(x) ? -1 : good++);
        const mapped = actual.findings.map((f) => ({ ...f, detectedAt: 0, evidence: { ...f.evidence, index: goodIndex[f.evidence.index as number] } }));
        expect(mapped).toEqual(expected.findings.map((f) => ({ ...f, detectedAt: 0 })));
      }),
      { numRuns: 40 },
    );
    expect(found).toBeGreaterThan(10); // the property compared findings, not only silence
  });
});
