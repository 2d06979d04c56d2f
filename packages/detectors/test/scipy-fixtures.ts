import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Reads a JSON fixture written by fixtures/generate_scipy_fixtures.py. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** Relative error allowed against scipy. */
export const RELATIVE_TOLERANCE = 1e-9;

/** Below this, p-values are compared absolutely (they sit in or near the subnormal range). */
export const ABSOLUTE_FLOOR = 1e-300;

/** |actual − expected| / |expected|, or 0 when both are equal (including both 0). */
export function relativeError(actual: number, expected: number): number {
  return actual === expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
}

/** Expects agreement with scipy to {@link RELATIVE_TOLERANCE}, or within {@link ABSOLUTE_FLOOR} for tiny values. */
export function expectClose(actual: number, expected: number, what: string): void {
  const close = relativeError(actual, expected) <= RELATIVE_TOLERANCE || Math.abs(actual - expected) <= ABSOLUTE_FLOOR;
  expect(close, `${what}: got ${actual}, scipy ${expected} (relative error ${relativeError(actual, expected)})`).toBe(true);
}
