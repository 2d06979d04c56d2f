// Input checks shared by the accumulators: each failure is a RangeError that
// names the accumulator, the field and what was wrong, so a corrupt snapshot
// or a bad value is refused before it touches any state.
import { describeValue as show } from '../internal/describe-value.js';

/** A JSON object read by a `fromJSON`. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Throws unless a running total is still finite after folding in a value or a summary. */
export function requireNoOverflow(total: number, where: string, what: string): void {
  if (!Number.isFinite(total)) throw new RangeError(`${where}: the ${what} would overflow to ${total}`);
}

/** `json` as an object, or a RangeError. */
export function jsonObject(json: unknown, where: string): JsonObject {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new RangeError(`${where}: expected an object; got ${show(json)}`);
  return json as JsonObject;
}

/** Throws `${where}: ${field} must be ${rule}; got ...`. */
export function invalid(where: string, field: string, rule: string, value: unknown): never {
  throw new RangeError(`${where}: ${field} must be ${rule}; got ${show(value)}`);
}

/** A finite number field. */
export function finiteField(obj: JsonObject, field: string, where: string): number {
  const value = obj[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(where, field, 'a finite number', value);
  return value;
}

/** A finite number or null field (null stands for "none yet", e.g. the minimum of nothing). */
export function nullableFiniteField(obj: JsonObject, field: string, where: string): number | null {
  const value = obj[field];
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(where, field, 'a finite number or null', value);
  return value;
}

/** `value` if it is an integer in `[min, max]`, else a RangeError about `field`. */
export function checkInteger(value: unknown, where: string, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(where, field, `an integer in [${min}, ${max}]`, value);
  return value;
}

/** An integer field in `[min, max]`. */
export function integerField(obj: JsonObject, field: string, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  return checkInteger(obj[field], where, field, min, max);
}

/** A string field. */
export function stringField(obj: JsonObject, field: string, where: string): string {
  const value = obj[field];
  if (typeof value !== 'string') invalid(where, field, 'a string', value);
  return value;
}

/** An array field whose every element passes `check` (which throws on a bad one, given its index). */
export function arrayField<T>(obj: JsonObject, field: string, where: string, check: (element: unknown, index: number) => T): T[] {
  const value = obj[field];
  if (!Array.isArray(value)) invalid(where, field, 'an array', value);
  return value.map(check);
}

/** A count in an array: a non-negative safe integer. */
export function countElement(where: string, field: string): (element: unknown, index: number) => number {
  return (element, index) => {
    if (typeof element !== 'number' || !Number.isSafeInteger(element) || element < 0) invalid(where, `${field}[${index}]`, 'a non-negative integer', element);
    return element;
  };
}
