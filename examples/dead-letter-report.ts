// How the examples show a dead-lettered line to a person: where it is (line
// number, column), why it was refused, and how it starts.
import type { ParseError } from '@modelwatch/core';

/** `line 12: bad-rating at column 52: <reason>` and, indented, the line's first 60 characters (bytes shown as Latin-1). */
export function describeDeadLetter(line: number, e: ParseError): string {
  const text = typeof e.raw === 'string' ? e.raw : Buffer.from(e.raw).toString('latin1');
  return `line ${line}: ${e.code} at column ${e.position + 1}: ${e.reason}\n  ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`;
}
