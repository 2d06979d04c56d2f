/**
 * Fast, allocation-free conversion between epoch milliseconds and the log
 * stream's `YYYY-MM-DDTHH:MM:SS[.fff]` UTC timestamps. `Date` parsing is
 * locale- and engine-tolerant and slow; the hot path needs neither.
 */

/**
 * The latest valid event time, 9999-12-31T23:59:59.999Z: the last instant a
 * four-digit year can hold.
 *
 * @example
 * ```ts
 * new Date(MAX_EVENT_TIME).toISOString(); // '9999-12-31T23:59:59.999Z'
 * ```
 */
export const MAX_EVENT_TIME = 253402300799999;

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `n` ASCII digits at `at`; -1 if any is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(at + i) - 48; // NaN past the end
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

let lastDate = -1;
let lastDays = 0;

/** Result of {@link scanTimestamp}: the time, and where parsing stopped or failed. */
export interface ScannedTimestamp {
  /** Epoch ms, or -1 when the text is not a valid timestamp. */
  time: number;
  /** Index after the timestamp, or of the offending character. */
  end: number;
}

/**
 * Reads a UTC timestamp `YYYY-MM-DDTHH:MM:SS` with an optional fraction of
 * 1–9 digits (kept to the millisecond) and an optional `Z`, starting at
 * `start`. Writes into `out` to avoid allocating on the hot path.
 */
export function scanTimestamp(s: string, start: number, out: ScannedTimestamp): ScannedTimestamp {
  out.time = -1;
  const year = digits(s, start, 4);
  if (year < 0 || s.charCodeAt(start + 4) !== 45 /* - */) return fail(out, start);
  const month = digits(s, start + 5, 2);
  if (month < 1 || month > 12 || s.charCodeAt(start + 7) !== 45) return fail(out, start + 5);
  const day = digits(s, start + 8, 2);
  // Consecutive lines mostly share a date: reuse the last one's day number, checked already.
  const date = (year * 100 + month) * 100 + day;
  if (date !== lastDate) {
    if (day < 1 || day > daysInMonth(year, month)) return fail(out, start + 8);
    lastDays = daysFromCivil(year, month, day);
    lastDate = date;
  }
  const t = s.charCodeAt(start + 10);
  if (t !== 84 /* T */ && t !== 32 /* space */) return fail(out, start + 10);
  const hour = digits(s, start + 11, 2);
  if (hour < 0 || hour > 23 || s.charCodeAt(start + 13) !== 58 /* : */) return fail(out, start + 11);
  const minute = digits(s, start + 14, 2);
  if (minute < 0 || minute > 59 || s.charCodeAt(start + 16) !== 58) return fail(out, start + 14);
  const second = digits(s, start + 17, 2);
  if (second < 0 || second > 59) return fail(out, start + 17);
  let i = start + 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    let n = 0;
    for (;;) {
      const c = s.charCodeAt(i) - 48;
      if (!(c >= 0 && c <= 9)) break;
      if (n < 3) ms = ms * 10 + c;
      n++;
      i++;
    }
    if (n === 0 || n > 9) return fail(out, i);
    for (; n < 3; n++) ms *= 10;
  }
  if (s.charCodeAt(i) === 90 /* Z */) i++;
  out.time = lastDays * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  out.end = i;
  return out;
}

function fail(out: ScannedTimestamp, at: number): ScannedTimestamp {
  out.time = -1;
  out.end = at;
  return out;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * Formats epoch ms as `YYYY-MM-DDTHH:MM:SS`, adding `.fff` only when the
 * milliseconds are not zero, as the movie-log stream writes them.
 *
 * @example
 * ```ts
 * formatTimestamp(Date.UTC(2026, 10, 26, 4, 53, 58)); // '2026-11-26T04:53:58'
 * ```
 */
export function formatTimestamp(time: number): string {
  // Consecutive lines mostly share a second: its text is kept, and only the milliseconds change.
  if (Number.isInteger(time) && time >= 0 && time <= MAX_EVENT_TIME) {
    const second = Math.floor(time / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      lastBase = secondText(time);
    }
    const ms = time - second * 1000;
    return ms === 0 ? lastBase : `${lastBase}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
  }
  const ms = new Date(time).getUTCMilliseconds();
  const base = secondText(time);
  return ms === 0 ? base : `${base}.${String(ms).padStart(3, '0')}`;
}

let lastSecond = -1;
let lastBase = '';

/** `YYYY-MM-DDTHH:MM:SS` of epoch ms. */
function secondText(time: number): string {
  const d = new Date(time);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}
