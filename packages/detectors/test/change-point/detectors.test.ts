import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adwin, Bocpd, Cusum, Ddm, Ewma, HddmA, Kswin, MAX_DETECTOR_VALUE, PageHinkley, type ChangeDetector, type SequentialDetector } from '../../src/index.js';
import { bernoulliStream, normalStream, parityStreams, type LabelledStream } from './streams.js';

interface Case {
  readonly create: () => SequentialDetector;
  readonly kind: 'real' | 'binary';
  /** For the simulated ratings, where they differ from the defaults. */
  readonly forRatings?: () => ChangeDetector;
}

const cases: Record<string, Case> = {
  Adwin: { create: () => new Adwin(), kind: 'real' },
  PageHinkley: { create: () => new PageHinkley(), kind: 'real' },
  Kswin: { create: () => new Kswin({ seed: 3 }), kind: 'real', forRatings: () => new Kswin({ seed: 3, windowSize: 300, statSize: 100 }) },
  Cusum: { create: () => new Cusum({ threshold: 8 }), kind: 'real' },
  Ewma: { create: () => new Ewma(), kind: 'real' },
  Bocpd: { create: () => new Bocpd({ mu0: 0, beta0: 1 }), kind: 'real', forRatings: () => new Bocpd({ mu0: 3.5, beta0: 1.4 }) },
  Ddm: { create: () => new Ddm(), kind: 'binary' },
  HddmA: { create: () => new HddmA(), kind: 'binary' },
};

function alarms(detector: ChangeDetector, values: readonly number[]): number[] {
  const found: number[] = [];
  values.forEach((x, i) => {
    if (detector.update(x)) found.push(i);
  });
  return found;
}

/** True when some alarm falls in [change, change + within). */
function caught(found: readonly number[], change: number, within: number): boolean {
  return found.some((i) => i >= change && i < change + within);
}

const ratings = parityStreams().find((s) => s.name === 'ratings-shift')!;
const shifts: LabelledStream[] = [
  normalStream('up', 11, [[2000, 0], [1000, 1]]),
  normalStream('down', 12, [[2000, 0], [1000, -1]]),
];
const binaryShift = bernoulliStream('error-rate', 13, [[2000, 0.1], [1000, 0.3]]);

describe.each(Object.entries(cases))('%s', (_, c) => {
  if (c.kind === 'real') {
    it.each(shifts.map((s) => [s.name, s] as const))('catches an abrupt 1σ shift %s within 250 values', (_name, stream) => {
      expect(caught(alarms(c.create(), stream.values), stream.changes[0]!, 250)).toBe(true);
    });
    it('catches the simulated rating shift (−1 star, about 0.8σ) within 250 ratings', () => {
      expect(caught(alarms((c.forRatings ?? c.create)(), ratings.values), ratings.changes[0]!, 250)).toBe(true);
    });
  } else {
    it('catches an error rate rising from 10% to 30% within 250 values', () => {
      expect(caught(alarms(c.create(), binaryShift.values), binaryShift.changes[0]!, 250)).toBe(true);
    });
  }

  it('exposes its state and starts afresh after a detection and on reset', () => {
    const detector = c.create();
    const stream = c.kind === 'real' ? shifts[0]! : binaryShift;
    const first = alarms(detector, stream.values);
    expect(first.length).toBeGreaterThan(0);
    expect(typeof detector.name).toBe('string');
    expect(Number.isFinite(detector.statistic)).toBe(true);
    expect(detector.threshold).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(detector.evidence()))).toBeTypeOf('object');
    const replay = c.create();
    const at = first[0]!;
    stream.values.slice(0, at + 1).forEach((x) => replay.update(x));
    expect(replay.driftDetected).toBe(true);
    replay.update(stream.values[at + 1]!);
    expect(replay.count).toBe(1);
    detector.reset();
    expect(detector.count).toBe(0);
    expect(detector.driftDetected).toBe(false);
    expect(alarms(detector, stream.values)).toEqual(first);
  });

  const unusable = c.kind === 'real' ? [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e155, -1e155, Number.MAX_VALUE] : [Number.NaN, 0.5, 2, -1, Number.POSITIVE_INFINITY];

  it('refuses NaN, infinities and values that would overflow: false, counted, state unchanged, and a message that says what to do', () => {
    const detector = c.create();
    detector.update(c.kind === 'real' ? 0.5 : 0);
    for (const bad of unusable) {
      expect(detector.update(bad)).toBe(false);
      expect(detector.refusal(bad)).toMatch(c.kind === 'real' ? /finite number of magnitude at most 1e\+100.*drop or impute/ : /0 \(a hit\) or 1.*map outcomes to 0\/1/);
    }
    expect(detector.refusal(c.kind === 'real' ? MAX_DETECTOR_VALUE : 1)).toBeUndefined();
    expect(detector.count).toBe(1);
    expect(detector.refused).toBe(unusable.length);
    expect(Number.isNaN(detector.statistic)).toBe(false);
    detector.reset();
    expect(detector.refused).toBe(0);
  });

  const stream = c.kind === 'real' ? shifts[0]! : binaryShift;
  const clean = alarms(c.create(), stream.values);

  it('detects what it detects on the clean stream with up to 8 unusable values inserted anywhere (issue 13, case 5)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: stream.values.length }), fc.constantFrom(...unusable)), { maxLength: 8 }), (inserts) => {
        const dirty: { x: number; at: number }[] = stream.values.map((x, at) => ({ x, at }));
        for (const [position, x] of [...inserts].sort((a, b) => b[0] - a[0])) dirty.splice(position, 0, { x, at: -1 });
        const detector = c.create();
        const found: number[] = [];
        for (const { x, at } of dirty) {
          const alarm = detector.update(x);
          if (at < 0) expect(alarm).toBe(false);
          else if (alarm) found.push(at);
        }
        expect(found).toEqual(clean);
        expect(detector.refused).toBe(inserts.length);
      }),
      { numRuns: 20 },
    );
  });

  if (c.kind === 'real') {
    it('never turns its statistic or threshold into NaN, whatever finite values within the bound it takes', () => {
      const value = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(MAX_DETECTOR_VALUE, -MAX_DETECTOR_VALUE, 1e50, -1e-300, 0));
      fc.assert(
        fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), (values) => {
          const detector = c.create();
          for (const x of values) {
            detector.update(x);
            expect(Number.isNaN(detector.statistic), `statistic after ${x}`).toBe(false);
            expect(Number.isNaN(detector.threshold), `threshold after ${x}`).toBe(false);
          }
          expect(detector.refused).toBe(0);
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe('binary detectors', () => {
  it('refuse values other than 0 and 1', () => {
    const ddm = new Ddm();
    expect(ddm.update(0.5)).toBe(false);
    expect(ddm.refusal(0.5)).toMatch(/map outcomes to 0\/1/);
    expect([ddm.refused, ddm.count]).toEqual([1, 0]);
    expect(new HddmA().update(2)).toBe(false);
  });
  it('warn before they detect', () => {
    const ddm = new Ddm();
    let warned = false;
    for (const x of binaryShift.values) if (!ddm.update(x) && ddm.warningDetected) warned = true;
    expect(warned).toBe(true);
  });
});

describe('parameters', () => {
  it('default to River’s', () => {
    const adwin = new Adwin();
    expect([adwin.delta, adwin.clock, adwin.maxBuckets, adwin.minWindowLength, adwin.gracePeriod]).toEqual([0.002, 32, 5, 5, 10]);
    const ph = new PageHinkley();
    expect([ph.minInstances, ph.delta, ph.threshold, ph.alpha, ph.mode]).toEqual([30, 0.005, 50, 1 - 0.0001, 'both']);
    const kswin = new Kswin();
    expect([kswin.alpha, kswin.windowSize, kswin.statSize]).toEqual([0.005, 100, 30]);
    const ddm = new Ddm();
    expect([ddm.warmStart, ddm.warningThreshold, ddm.driftThreshold]).toEqual([30, 2, 3]);
  });
  it('out of range are refused with the rule', () => {
    expect(() => new Adwin({ delta: 0 })).toThrow(/delta must be in \(0, 1\), got 0/);
    expect(() => new PageHinkley({ mode: 'sideways' as 'up' })).toThrow(/mode must be 'up', 'down' or 'both'/);
    expect(() => new Kswin({ windowSize: 50, statSize: 30 })).toThrow(/statSize must be a whole number from 1 to windowSize \/ 2/);
    expect(() => new Bocpd({ maxRunLength: 10, recent: 20 })).toThrow(/maxRunLength/);
    expect(() => new Cusum({ reference: { mean: 0, sd: 0 } })).toThrow(/reference.sd/);
  });
});

describe('state stays bounded', () => {
  it('Adwin keeps O(log n) buckets and its window sums match the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 3000 }), (values) => {
        const adwin = new Adwin({ clock: 1_000_000 });
        values.forEach((x) => adwin.update(x));
        expect(adwin.width).toBe(values.length);
        expect(adwin.total).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
        expect(adwin.bucketRows).toBeLessThanOrEqual(Math.ceil(Math.log2(values.length / adwin.maxBuckets + 1)) + 1);
      }),
      { numRuns: 60, seed: 5 },
    );
  });
  it('Bocpd tracks at most maxRunLength + 1 run lengths and its posterior sums to 1', () => {
    const bocpd = new Bocpd({ maxRunLength: 50, recent: 10, threshold: 0.999 });
    shifts[0]!.values.forEach((x) => {
      bocpd.update(x);
      expect(bocpd.runLengths).toBeLessThanOrEqual(51);
    });
    let total = 0;
    for (let r = 0; r < bocpd.runLengths; r++) total += bocpd.runLengthProbability(r);
    expect(total).toBeCloseTo(1, 12);
  });
  it('Bocpd takes an extreme outlier without underflowing', () => {
    const bocpd = new Bocpd({ mu0: 0, beta0: 1 });
    shifts[0]!.values.slice(0, 500).forEach((x) => bocpd.update(x));
    bocpd.update(1e6);
    expect(Number.isFinite(bocpd.lastLogPredictive)).toBe(true);
    expect(bocpd.runLengthProbability(0) + bocpd.runLengthProbability(1)).toBeGreaterThan(0.99);
  });
  it('Kswin keeps windowSize values, oldest first', () => {
    const kswin = new Kswin({ windowSize: 10, statSize: 3, alpha: 1e-12 });
    for (let i = 0; i < 25; i++) kswin.update(i);
    expect(kswin.windowLength).toBe(10);
    expect([...kswin.windowValues()]).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });
  it('every detector is deterministic: the same values give the same alarms', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 100, maxLength: 400 }), (values) => {
        for (const c of Object.values(cases)) {
          const input = c.kind === 'real' ? values : values.map((v) => (v > 1 ? 1 : 0));
          expect(alarms(c.create(), input)).toEqual(alarms(c.create(), input));
        }
      }),
      { numRuns: 20, seed: 9 },
    );
  });
});
