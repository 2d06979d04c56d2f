import fc from 'fast-check';
import type { TelemetryEvent } from '../src/index.js';
import { MAX_EVENT_TIME, MAX_LATENCY_MS } from '../src/index.js';

const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));
/**
 * Text beyond ASCII that ids may hold: accented and other scripts, a soft hyphen and a zero-width joiner
 * (format characters, not whitespace), characters outside the BMP (surrogate pairs), a noncharacter.
 */
export const nonAsciiIdChars = ['é', 'ü', 'ß', 'ñ', 'ø', 'Ж', 'λ', 'ع', 'ह', '日', '本', '한', '\u00ad', '\u200d', '🎬', '𝄞', '\uffff', '¡', '€'];
/** Characters beyond ASCII that no id may hold: C1 controls, Unicode whitespace, U+FEFF, U+FFFD and a lone surrogate. */
export const nonAsciiDelimiters = ['\u0085', '\u0090', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff', '\ufffd', '\ud83c'];
const idChars = [...printable.filter((c) => c !== ','), ...nonAsciiIdChars];
const movieChars = idChars.filter((c) => c !== '/' && c !== '=');

/** Ids as the event rules allow them, biased toward the characters that matter to the codecs. */
export const userId = fc.string({ unit: fc.constantFrom(...idChars), minLength: 1, maxLength: 24 });
export const movieId = fc.string({ unit: fc.constantFrom(...movieChars), minLength: 1, maxLength: 40 });
const time = fc.integer({ min: 0, max: MAX_EVENT_TIME });

/** Any valid telemetry event. */
export const telemetryEvent: fc.Arbitrary<TelemetryEvent> = fc.oneof(
  fc.record({ kind: fc.constant('watch' as const), time, user: userId, movie: movieId, minute: fc.integer({ min: 0, max: 100_000 }) }),
  fc.record({ kind: fc.constant('rate' as const), time, user: userId, movie: movieId, rating: fc.constantFrom(1, 2, 3, 4, 5 as const) }),
  fc.record({
    kind: fc.constant('recommendation' as const),
    time,
    user: userId,
    instance: userId,
    status: fc.integer({ min: 200, max: 299 }),
    movies: fc.array(movieId, { maxLength: 25 }),
    latencyMs: fc.oneof(fc.integer({ min: 0, max: 600_000 }), fc.double({ min: 0, max: MAX_LATENCY_MS, noNaN: true })),
  }),
  fc
    .record({
      kind: fc.constant('recommendation' as const),
      time,
      user: userId,
      instance: userId,
      status: fc.oneof(fc.integer({ min: 0, max: 199 }), fc.integer({ min: 300, max: 999 })),
      movies: fc.constant([] as string[]),
      latencyMs: fc.integer({ min: 0, max: 600_000 }),
      error: fc.option(fc.string({ unit: fc.constantFrom(...printable, ' ', '\t', 'é', '→', '🎬'), minLength: 1, maxLength: 60 }), { nil: undefined }),
    })
    .map(({ error, ...rest }) => (error === undefined ? rest : { ...rest, error })),
);
