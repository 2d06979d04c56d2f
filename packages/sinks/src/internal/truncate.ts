/**
 * The marker a cut text ends with.
 *
 * @example
 * ```ts
 * TRUNCATION_MARKER; // '…'
 * ```
 */
export const TRUNCATION_MARKER = '…';

/**
 * `text` cut to at most `max` characters (UTF-16 code units, never
 * splitting a surrogate pair), ending with {@link TRUNCATION_MARKER} when
 * cut, so a bounded value still shows it was longer.
 *
 * @example
 * ```ts
 * truncate('abcdef', 4); // 'abc…'
 * truncate('abc', 4);    // 'abc'
 * ```
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - TRUNCATION_MARKER.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${TRUNCATION_MARKER}`;
}
