import { describe, expect, it } from 'vitest';
import { kolmogorovSf } from '../src/distributions/kolmogorov.js';
import { ksTwoSampleExactSf } from '../src/distributions/ks-two-sample-exact.js';
import { smirnovSf } from '../src/distributions/smirnov.js';
import { chiSquareSf, normalSf, studentTSf } from '../src/distributions/tails.js';
import { expectClose, loadFixture } from './scipy-fixtures.js';

interface Fixtures {
  tails: {
    normal: { x: number; sf: number }[];
    studentT: { x: number; df: number; sf: number }[];
    chiSquare: { x: number; df: number; sf: number }[];
  };
  kolmogorov: { n: number; x: number; sf: number }[];
  smirnov: { n: number; x: number; sf: number }[];
  ksExact: { n1: number; n2: number; h: number; pValue: number }[];
}

const fixtures = loadFixture<Fixtures>('scipy-distributions.json');

describe('upper tails against scipy', () => {
  it('normal sf, down to 1e-300', () => {
    for (const { x, sf } of fixtures.tails.normal) expectClose(normalSf(x), sf, `normalSf(${x})`);
  });
  it('Student t sf, including fractional df', () => {
    for (const { x, df, sf } of fixtures.tails.studentT) expectClose(studentTSf(x, df), sf, `studentTSf(${x}, ${df})`);
  });
  it('chi-square sf', () => {
    for (const { x, df, sf } of fixtures.tails.chiSquare) expectClose(chiSquareSf(x, df), sf, `chiSquareSf(${x}, ${df})`);
  });
});

describe('Kolmogorov-Smirnov distributions against scipy', () => {
  it('kstwo.sf through every branch', () => {
    for (const { n, x, sf } of fixtures.kolmogorov) expectClose(kolmogorovSf(n, x), sf, `kolmogorovSf(${n}, ${x})`);
  });
  it('smirnov', () => {
    for (const { n, x, sf } of fixtures.smirnov) expectClose(smirnovSf(n, x), sf, `smirnovSf(${n}, ${x})`);
  });
  it('exact two-sample p-values', () => {
    for (const { n1, n2, h, pValue } of fixtures.ksExact) {
      expectClose(ksTwoSampleExactSf(n1, n2, h), pValue, `ksTwoSampleExactSf(${n1}, ${n2}, ${h})`);
      expect(ksTwoSampleExactSf(n2, n1, h)).toBe(ksTwoSampleExactSf(n1, n2, h));
    }
  });
});
