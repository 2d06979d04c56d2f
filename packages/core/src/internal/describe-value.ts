/**
 * A short, safe rendering of any value for an error message: strings quoted
 * and cut at 40 characters, arrays by length, objects by kind, so a message
 * never dumps a record or a megabyte line.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
