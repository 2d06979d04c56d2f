import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignVariant, growthbookBucketRanges, growthbookChooseVariation, growthbookHash, growthbookInNamespace, type BucketRange, type Experiment } from '../../src/index.js';

// GrowthBook's own SDK test cases; fixtures/growthbook/README.md says where they come from.
interface RunExperiment {
  key: string;
  variations: unknown[];
  weights?: number[];
  coverage?: number;
  seed?: string;
  hashVersion?: number;
  namespace?: [string, number, number];
}
interface Cases {
  hash: [string, string, number, number | null][];
  getBucketRange: [string, [number, number, number[] | null], [number, number][]][];
  chooseVariation: [string, number, BucketRange[], number][];
  inNamespace: [string, string, [string, number, number], boolean][];
  run: [string, { attributes: { id: string } }, RunExperiment, number, boolean, boolean][];
}
const cases = JSON.parse(readFileSync(new URL('../fixtures/growthbook/cases.json', import.meta.url), 'utf8')) as Cases;

/** A GrowthBook experiment as a modelwatch one: variant names are the variation indexes. */
function fromGrowthbook(x: RunExperiment): Experiment {
  const n = x.variations.length;
  const weights = x.weights ?? new Array<number>(n).fill(1 / n);
  return {
    key: x.key,
    ...(x.seed !== undefined && { salt: x.seed }),
    variants: weights.map((weight, i) => ({ name: String(i), weight })),
    ...(x.coverage !== undefined && { coverage: x.coverage }),
    ...(x.namespace && { namespace: { name: x.namespace[0], start: x.namespace[1], end: x.namespace[2] } }),
    hashing: x.hashVersion === 2 ? 'growthbook-v2' : 'growthbook-v1',
  };
}

describe('GrowthBook compatibility', () => {
  it.each(cases.hash)('hashes seed %j and value %j with version %i to %j', (seed, value, version, expected) => {
    expect(growthbookHash(seed, value, version)).toBe(expected);
  });

  it.each(cases.getBucketRange)('bucket ranges: %s', (_, [n, coverage, weights], expected) => {
    const ranges = growthbookBucketRanges(n, coverage, weights ?? undefined);
    expect(ranges).toHaveLength(expected.length);
    ranges.forEach(([start, end], i) => {
      expect(start).toBeCloseTo(expected[i]![0], 12);
      expect(end).toBeCloseTo(expected[i]![1], 12);
    });
  });

  it.each(cases.chooseVariation)('chooses a variation: %s', (_, position, ranges, expected) => {
    expect(growthbookChooseVariation(position, ranges)).toBe(expected);
  });

  it.each(cases.inNamespace)('namespaces: %s', (_, id, namespace, expected) => {
    expect(growthbookInNamespace(id, namespace)).toBe(expected);
  });

  it.each(cases.run)('assigns as GrowthBook runs an experiment: %s', (_, { attributes }, experiment, value, inExperiment) => {
    const variant = assignVariant(attributes.id, fromGrowthbook(experiment));
    expect(variant).toBe(inExperiment ? String(value) : undefined);
  });

  it('refuses weights GrowthBook would silently replace', () => {
    const x: Experiment = { key: 'k', hashing: 'growthbook-v2', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] };
    expect(() => assignVariant('1', x)).toThrow(/give weights that sum to 1 \(got 2\)/);
  });
});
