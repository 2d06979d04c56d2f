import type { Histogram, Sample, SortedSample } from '../summaries.js';
import { sumOf } from './compensated-sum.js';
import { sortedCopy } from './sort-float64.js';

/** A sample reduced to its distinct values (strictly ascending) and their counts. */
export interface DistinctCounts {
  readonly values: Float64Array;
  readonly counts: Float64Array;
  /** Σ counts: the number of observations. */
  readonly total: number;
}

/** True for plain arrays and typed arrays, which also have a `values` method. */
export function isArrayOfNumbers(x: object): x is readonly number[] | Float64Array {
  return Array.isArray(x) || x instanceof Float64Array;
}

function isSortedSample(sample: SortedSample | Histogram): sample is SortedSample {
  return 'sorted' in sample;
}

/** Throws a RangeError naming `name[index]` unless `value` is finite. */
export function requireFinite(value: number, name: string, index: number): void {
  if (Number.isNaN(value)) {
    throw new RangeError(`${name}[${index}] is NaN; remove or impute missing values before testing`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name}[${index}] is ${value}; the tests need finite values, so clip or drop it first`);
  }
}

/** Run-length encodes ascending values. */
function runLengths(sorted: Float64Array | readonly number[]): DistinctCounts {
  const n = sorted.length;
  const values = new Float64Array(n);
  const counts = new Float64Array(n);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const value = sorted[i]!;
    if (distinct > 0 && values[distinct - 1] === value) counts[distinct - 1]! += 1;
    else {
      values[distinct] = value;
      counts[distinct++] = 1;
    }
  }
  return { values: values.slice(0, distinct), counts: counts.slice(0, distinct), total: n };
}

/** Throws a RangeError naming the first value of `values` that is not finite. */
export function requireAllFinite(values: Float64Array | readonly number[], name: string): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) requireFinite(values[i]!, name, i);
}

function fromSorted(sorted: Float64Array | readonly number[], name: string): DistinctCounts {
  for (let i = 0; i < sorted.length; i++) {
    const value = sorted[i]!;
    if (!Number.isFinite(value)) requireFinite(value, `${name}.sorted`, i);
    if (i > 0 && value < sorted[i - 1]!) throw new RangeError(`${name}.sorted is not ascending at index ${i}; build it with sortedSample()`);
  }
  return runLengths(sorted);
}

function fromHistogram({ values, counts }: Histogram, name: string): DistinctCounts {
  if (values.length !== counts.length) {
    throw new RangeError(`${name} has ${values.length} values but ${counts.length} counts; give one count per value`);
  }
  const keep: number[] = [];
  values.forEach((value, i) => {
    requireFinite(value, `${name}.values`, i);
    if (i > 0 && value <= values[i - 1]!) {
      throw new RangeError(`${name}.values must be strictly ascending (index ${i}); build it with histogram()`);
    }
    const count = counts[i]!;
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`${name}.counts[${i}] is ${count}; counts must be non-negative whole numbers`);
    }
    if (count > 0) keep.push(i);
  });
  const kept = {
    values: Float64Array.from(keep, (i) => values[i]!),
    counts: Float64Array.from(keep, (i) => counts[i]!),
  };
  return { ...kept, total: sumOf(kept.counts) };
}

/**
 * Reduces any {@link Sample} to distinct ascending values with counts,
 * validating it on the way (`name` is used in error messages). Zero counts
 * are dropped; the result may be empty.
 *
 * @throws RangeError on NaN or infinite values, unsorted sorted samples, or
 * malformed histograms.
 */
export function distinctCounts(sample: Sample, name: string): DistinctCounts {
  if (isArrayOfNumbers(sample)) {
    requireAllFinite(sample, name);
    return runLengths(sortedCopy(sample));
  }
  return isSortedSample(sample) ? fromSorted(sample.sorted, name) : fromHistogram(sample, name);
}

/**
 * Like {@link distinctCounts}, and also requires at least `minimum`
 * observations.
 *
 * @throws RangeError when there are fewer, naming the test in `testName`.
 */
export function requireCounts(sample: Sample, name: string, minimum: number, testName: string): DistinctCounts {
  const counts = distinctCounts(sample, name);
  if (counts.total < minimum) {
    throw new RangeError(
      `${testName} needs at least ${minimum} observation${minimum === 1 ? '' : 's'} in ${name} but got ${counts.total}; wait for more data or widen the window`,
    );
  }
  return counts;
}

/**
 * Visits the distinct values of two samples together, ascending, with the
 * number of observations each sample has at that value (0 if none).
 */
export function forEachPooledValue(
  a: DistinctCounts,
  b: DistinctCounts,
  visit: (value: number, countA: number, countB: number) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? a.values[i]! : Infinity;
    const vb = j < b.values.length ? b.values[j]! : Infinity;
    const value = Math.min(va, vb);
    const countA = va === value ? a.counts[i++]! : 0;
    const countB = vb === value ? b.counts[j++]! : 0;
    visit(value, countA, countB);
  }
}
