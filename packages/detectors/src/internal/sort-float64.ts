/**
 * An ascending copy of finite numbers, in the order `Float64Array.prototype.sort`
 * gives (−0 before +0), by a least-significant-digit radix sort of their
 * bits: O(n), about twice as fast as the built-in sort at 10,000 to
 * 100,000 values (`bench/two-sample.bench.ts` times the tests that sort).
 * Inputs shorter than 2,048 values use the built-in sort. NaN is not expected (callers check
 * finiteness first).
 */

/** Below this length the built-in sort is as fast. */
const RADIX_MIN = 2048;
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const MASK = BUCKETS - 1;
/** Digits of the 64-bit key: 6 × 11 bits (the top one holds 9). */
const DIGITS = 6;
/** The key is read through 32-bit words, low word first: little-endian only (elsewhere the built-in sort). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Digit d of the key (hi, lo): bits [11d, 11d + 11). */
function digit(hi: number, lo: number, d: number): number {
  if (d < 2) return (lo >>> (DIGIT_BITS * d)) & MASK;
  if (d === 2) return ((lo >>> 22) | (hi << 10)) & MASK;
  return (hi >>> (DIGIT_BITS * d - 32)) & MASK;
}

/**
 * Sorts a copy of `values` ascending.
 *
 * @example
 * ```ts
 * sortedCopy([3, -0, 1, 0]); // Float64Array [-0, 0, 1, 3]
 * ```
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = Float64Array.from(values);
  if (n < RADIX_MIN || !LITTLE_ENDIAN) return out.sort();
  // Keys: IEEE-754 bits as unsigned 64-bit integers that order as the numbers do (negatives: every bit flipped; positives: the sign bit set).
  const bits = new Uint32Array(out.buffer);
  let hiA = new Uint32Array(n);
  let loA = new Uint32Array(n);
  const counts = new Uint32Array(DIGITS * BUCKETS);
  for (let i = 0; i < n; i++) {
    let lo = bits[2 * i]!;
    let hi = bits[2 * i + 1]!;
    if (hi >>> 31) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    hiA[i] = hi;
    loA[i] = lo;
    counts[lo & MASK]! += 1;
    counts[BUCKETS + ((lo >>> 11) & MASK)]! += 1;
    counts[2 * BUCKETS + (((lo >>> 22) | (hi << 10)) & MASK)]! += 1;
    counts[3 * BUCKETS + ((hi >>> 1) & MASK)]! += 1;
    counts[4 * BUCKETS + ((hi >>> 12) & MASK)]! += 1;
    counts[5 * BUCKETS + (hi >>> 23)]! += 1;
  }
  let hiB = new Uint32Array(n);
  let loB = new Uint32Array(n);
  for (let d = 0; d < DIGITS; d++) {
    const base = d * BUCKETS;
    // A digit every key shares moves nothing: skip it.
    if (counts[base + digit(hiA[0]!, loA[0]!, d)] === n) continue;
    let at = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b]!;
      counts[base + b] = at;
      at += c;
    }
    if (d === 2) {
      for (let i = 0; i < n; i++) {
        const hi = hiA[i]!;
        const lo = loA[i]!;
        const to = counts[base + (((lo >>> 22) | (hi << 10)) & MASK)]!++;
        hiB[to] = hi;
        loB[to] = lo;
      }
    } else {
      // The digit lies in one word: the low word for digits 0 and 1, the high one above.
      const word = d < 2 ? loA : hiA;
      const shift = d < 2 ? DIGIT_BITS * d : DIGIT_BITS * d - 32;
      for (let i = 0; i < n; i++) {
        const to = counts[base + ((word[i]! >>> shift) & MASK)]!++;
        hiB[to] = hiA[i]!;
        loB[to] = loA[i]!;
      }
    }
    [hiA, hiB] = [hiB, hiA];
    [loA, loB] = [loB, loA];
  }
  for (let i = 0; i < n; i++) {
    const hi = hiA[i]!;
    const lo = loA[i]!;
    if (hi >>> 31) {
      bits[2 * i + 1] = hi & 0x7fffffff;
      bits[2 * i] = lo;
    } else {
      bits[2 * i + 1] = ~hi >>> 0;
      bits[2 * i] = ~lo >>> 0;
    }
  }
  return out;
}
