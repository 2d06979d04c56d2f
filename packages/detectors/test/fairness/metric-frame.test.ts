import { groupKey, type UserAttributes } from '@modelwatch/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapMetricFrame, metricFrame, type GroupMetric } from '../../src/fairness/metric-frame.js';
import { expectClose, loadFixture } from '../scipy-fixtures.js';

interface Column {
  readonly y_true: number[];
  readonly y_pred: number[];
  readonly score: number[];
  readonly observed: number[];
  readonly [feature: string]: (number | string)[];
}
interface Reference {
  readonly overall: number;
  readonly by_group: Record<string, number>;
  readonly difference: number;
  readonly ratio: number;
}
interface Case {
  readonly seed: number;
  readonly features: string[];
  readonly columns: Column;
  readonly metrics: Record<'accuracy' | 'selection_rate' | 'mean_absolute_error', Reference>;
}

interface Row {
  readonly user: string;
  readonly yTrue: number;
  readonly yPred: number;
  readonly score: number;
  readonly observed: number;
}

const mean = (rows: readonly Row[], f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0) / rows.length;
const metrics: Record<keyof Case['metrics'], GroupMetric<Row>> = {
  accuracy: (rows) => mean(rows, (r) => (r.yTrue === r.yPred ? 1 : 0)),
  selection_rate: (rows) => mean(rows, (r) => r.yPred),
  mean_absolute_error: (rows) => mean(rows, (r) => Math.abs(r.observed - r.score)),
};

const { cases } = loadFixture<{ cases: Case[] }>('fairness/fairlearn-metric-frame.json');

describe('metricFrame agrees with Fairlearn MetricFrame', () => {
  for (const c of cases) {
    const attributes = new Map<string, UserAttributes>();
    const rows: Row[] = c.columns.y_true.map((yTrue, i) => {
      const user = String(i);
      const a: Record<string, string> = { gender: '', age: '', occupation: '' };
      for (const f of c.features) a[f] = String(c.columns[f]![i]);
      attributes.set(user, a as UserAttributes);
      return { user, yTrue, yPred: c.columns.y_pred[i]!, score: c.columns.score[i]!, observed: c.columns.observed[i]! };
    });
    const group = groupKey((u) => attributes.get(u), c.features);
    for (const [name, reference] of Object.entries(c.metrics) as [keyof Case['metrics'], Reference][]) {
      it(`case ${c.seed} (${c.features.join(' × ')}): ${name}`, () => {
        const frame = metricFrame({ rows, group, metric: metrics[name], minGroupSize: 1 });
        expectClose(frame.overall!, reference.overall, 'overall');
        expect(frame.byGroup.map((g) => g.group)).toEqual(Object.keys(reference.by_group).sort());
        for (const g of frame.byGroup) expectClose(g.value!, reference.by_group[g.group]!, `by_group ${g.group}`);
        expectClose(frame.difference!, reference.difference, 'difference()');
        expectClose(frame.ratio!, reference.ratio, 'ratio()');
      });
    }
  }
});

type Unit = { readonly user: string; readonly group: string; readonly x: number };
const meanX: GroupMetric<Unit> = (rows) => rows.reduce((s, r) => s + r.x, 0) / rows.length;

describe('metricFrame', () => {
  it('reports every size, flags small groups and leaves them out of the gaps', () => {
    const rows: Unit[] = [
      ...Array.from({ length: 5 }, (_, i) => ({ user: `a${i}`, group: 'a', x: 1 })),
      ...Array.from({ length: 5 }, (_, i) => ({ user: `b${i}`, group: 'b', x: 0.5 })),
      { user: 'c0', group: 'c', x: 0 },
    ];
    const frame = metricFrame({ rows, group: (r) => r.group, metric: meanX, minGroupSize: 3 });
    expect(frame.byGroup).toEqual([
      { group: 'a', size: 5, value: 1, small: false },
      { group: 'b', size: 5, value: 0.5, small: false },
      { group: 'c', size: 1, value: 0, small: true },
    ]);
    expect(frame).toMatchObject({ pair: { max: 'a', min: 'b' }, difference: 0.5, ratio: 0.5 });
    expect(frame.overall).toBeCloseTo(7.5 / 11, 12);
  });

  it('has no gap with fewer than two groups that count, and no ratio for signed values', () => {
    const rows: Unit[] = [{ user: '1', group: 'a', x: -1 }, { user: '2', group: 'b', x: 2 }];
    expect(metricFrame({ rows, group: (r) => r.group, metric: meanX, minGroupSize: 2 })).toMatchObject({ pair: null, difference: null, ratio: null });
    expect(metricFrame({ rows, group: (r) => r.group, metric: meanX, minGroupSize: 1 })).toMatchObject({ difference: 3, ratio: null });
    expect(() => metricFrame({ rows, group: (r) => r.group, metric: meanX, minGroupSize: 0 })).toThrow(/minGroupSize/);
  });

  const units = fc.array(fc.record({ group: fc.constantFrom('a', 'b', 'c'), x: fc.integer({ min: 0, max: 9 }) }), { minLength: 1, maxLength: 40 });
  it('does not depend on row order, and relabelling groups permutes the lines', () => {
    fc.assert(
      fc.property(units, fc.integer(), (raw, seed) => {
        const rows = raw.map((r, i) => ({ ...r, user: String(i) }));
        const shuffled = [...rows].sort((p, q) => ((Number(p.user) * 7919 + seed) % 101) - ((Number(q.user) * 7919 + seed) % 101));
        const frame = metricFrame({ rows, group: (r) => r.group, metric: meanX, minGroupSize: 1 });
        expect(metricFrame({ rows: shuffled, group: (r) => r.group, metric: meanX, minGroupSize: 1 })).toEqual(frame);
        const rename: Record<string, string> = { a: 'z', b: 'y', c: 'x' };
        const renamed = metricFrame({ rows, group: (r) => rename[r.group]!, metric: meanX, minGroupSize: 1 });
        expect(renamed.difference).toEqual(frame.difference);
        for (const g of frame.byGroup) expect(renamed.byGroup.find((h) => h.group === rename[g.group])).toEqual({ ...g, group: rename[g.group] });
      }),
      { numRuns: 100, seed: 6 },
    );
  });
});

describe('bootstrapMetricFrame', () => {
  it('gives identical groups a zero gap with an interval covering zero', () => {
    const xs = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1];
    const rows = ['a', 'b'].flatMap((group) => xs.map((x, i) => ({ user: `${group}${i}`, group, x })));
    const frame = bootstrapMetricFrame({ rows, group: (r) => r.group, metric: meanX, minGroupSize: 2 }, { seed: 3, replicates: 400 });
    expect(frame.difference).toBe(0);
    expect(frame.differenceCi!.low).toBeLessThan(0);
    expect(frame.differenceCi!.high).toBeGreaterThan(0);
    expect(frame.ratioCi!.low).toBeLessThan(1);
    expect(frame.ratioCi!.high).toBeGreaterThan(1);
  });

  it('bootstraps a ratio metric by summing drawn rows, with the same estimates and like intervals', () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({ user: String(i), group: i % 3 === 0 ? 'a' : 'b', x: ((i * 37) % 11) / 10 }));
    const asFunction = bootstrapMetricFrame({ rows, group: (r) => r.group, metric: meanX }, { seed: 4, replicates: 2000 });
    const asRatio = bootstrapMetricFrame({ rows, group: (r) => r.group, metric: { numerator: (r) => r.x, denominator: () => 1 } }, { seed: 4, replicates: 2000 });
    expect(asRatio.byGroup.map((g) => g.value)).toEqual(asFunction.byGroup.map((g) => g.value));
    expect(asRatio.difference).toBeCloseTo(asFunction.difference!, 12);
    for (const [a, b] of [[asRatio.differenceCi!, asFunction.differenceCi!], [asRatio.overallCi!, asFunction.overallCi!], [asRatio.byGroup[0]!.ci!, asFunction.byGroup[0]!.ci!]] as const) {
      expect(Math.abs(a.low - b.low)).toBeLessThan(0.01);
      expect(Math.abs(a.high - b.high)).toBeLessThan(0.01);
    }
  });

  it('is reproducible from its seed', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ user: String(i), group: i % 3 === 0 ? 'a' : 'b', x: (i * 37) % 11 }));
    const options = { rows, group: (r: Unit) => r.group, metric: meanX, minGroupSize: 5 };
    expect(bootstrapMetricFrame(options, { seed: 9, replicates: 200 })).toEqual(bootstrapMetricFrame(options, { seed: 9, replicates: 200 }));
    expect(() => bootstrapMetricFrame(options, { seed: 9, replicates: 1 })).toThrow(/replicates/);
    expect(() => bootstrapMetricFrame(options, { seed: 9, confidence: 95 })).toThrow(/confidence/);
  });

  // Two groups of Bernoulli users, p = 0.3 and 0.45, 150 users each: the 95%
  // intervals of a group's value and of the gap should cover the truth about
  // 95% of the time. 300 seeded data sets x 300 replicates, half of them
  // bootstrapped through the ratio-of-sums path.
  it('covers the true value and the true gap at about the nominal rate', () => {
    let coveredValue = 0;
    let coveredGap = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      let state = (t * 2654435761) >>> 0;
      const next = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
      const rows = ['a', 'b'].flatMap((group) =>
        Array.from({ length: 150 }, (_, i) => ({ user: `${group}${i}`, group, x: next() < (group === 'a' ? 0.3 : 0.45) ? 1 : 0 })),
      );
      const metric = t % 2 === 0 ? meanX : { numerator: (r: Unit) => r.x, denominator: () => 1 };
      const frame = bootstrapMetricFrame({ rows, group: (r) => r.group, metric }, { seed: t, replicates: 300 });
      const a = frame.byGroup[0]!.ci!;
      if (a.low <= 0.3 && 0.3 <= a.high) coveredValue++;
      const gap = frame.differenceCi!;
      const truth = frame.pair!.max === 'b' ? 0.15 : -0.15;
      if (gap.low <= truth && truth <= gap.high) coveredGap++;
    }
    console.log(`bootstrap 95% CI coverage: group value ${coveredValue / trials}, gap ${coveredGap / trials}`);
    expect(coveredValue / trials).toBeGreaterThan(0.9);
    expect(coveredValue / trials).toBeLessThan(0.985);
    expect(coveredGap / trials).toBeGreaterThan(0.9);
    expect(coveredGap / trials).toBeLessThan(0.985);
  });
});
