import type { Accumulator } from './accumulator.js';
import { describeValue } from '../internal/describe-value.js';
import { checkInteger, integerField, invalid, jsonObject, stringField } from './checks.js';

/** Bits of the hash that a register's rank is read from; a register holds 0 (empty) to RANK_BITS + 1. */
const RANK_BITS = 32;
/** One character per register value in the JSON form. */
const REGISTER_DIGITS = '0123456789abcdefghijklmnopqrstuvwx';
/** The two 32-bit halves of a number's IEEE 754 bits, read without allocating. */
const float = new Float64Array(1);
const halves = new Uint32Array(float.buffer);

/**
 * The size of a {@link HyperLogLog}.
 *
 * @example
 * ```ts
 * const perMovie: HyperLogLogOptions = { precision: 10 }; // 1 KiB, ±3.3% standard error
 * ```
 */
export interface HyperLogLogOptions {
  /** p in [4, 18]: m = 2^p one-byte registers and a relative standard error of 1.04/√m (default 12: 4 KiB, ±1.6%). */
  readonly precision?: number;
}

/**
 * What {@link HyperLogLog} reports: the estimated number of distinct items
 * and the relative standard error of such an estimate (1.04/√m).
 *
 * @example
 * ```ts
 * const hll = new HyperLogLog();
 * ['u1', 'u2', 'u1'].forEach((u) => hll.add(u));
 * const { estimate, standardError }: DistinctCountResult = hll.result(); // ≈ 2, 0.01625
 * ```
 */
export interface DistinctCountResult {
  readonly estimate: number;
  /** Relative standard error: about 68% of estimates fall within estimate·(1 ± standardError) of the truth. */
  readonly standardError: number;
}

/**
 * The JSON form of {@link HyperLogLog}: the precision and the registers, one
 * character per register (its value 0–33 as a base-36 digit, `0`–`9` then `a`–`x`).
 *
 * @example
 * ```ts
 * const json: HyperLogLogJSON = { precision: 4, registers: '0000000000000000' };
 * HyperLogLog.fromJSON(json).result().estimate; // 0
 * ```
 */
export interface HyperLogLogJSON {
  readonly precision: number;
  readonly registers: string;
}

/**
 * How many distinct strings or numbers (user ids, movie ids) a stream holds, in 2^p bytes:
 * HyperLogLog (Flajolet et al. 2007) with Ertl's improved estimator (2017),
 * which needs no bias tables and stays accurate from a handful of items — where
 * it behaves like linear counting and is all but exact — to billions. The
 * relative standard error is 1.04/√m for m = 2^p registers.
 *
 * Each item is hashed (cyrb53's two 32-bit lanes: p bits of one pick the
 * register, the other's leading zeros give the rank): a string by its UTF-16
 * code units, a number by the two 32-bit halves of its IEEE 754 bits (−0 as 0),
 * so hashing is the same on every machine and merges agree. The number 7 and
 * the string '7' are different items. Anything else is refused. Merge takes the maximum
 * of each register, so the merged registers are identical to those of one
 * sketch over all the data: merge is exact, associative, commutative and idempotent.
 *
 * @example
 * ```ts
 * const partition0 = new HyperLogLog({ precision: 12 });
 * const partition1 = new HyperLogLog({ precision: 12 });
 * for (let i = 0; i < 60_000; i++) partition0.add(`user-${i}`);
 * for (let i = 40_000; i < 100_000; i++) partition1.add(`user-${i}`);
 * partition0.merge(partition1);
 * partition0.result().estimate; // ≈ 100,000 (± 1.6%)
 * ```
 */
export class HyperLogLog implements Accumulator<string | number, DistinctCountResult, HyperLogLogJSON> {
  /** p: the sketch has 2^p registers. */
  readonly precision: number;
  private readonly registers: Uint8Array;

  constructor(options: HyperLogLogOptions = {}) {
    this.precision = checkInteger(options.precision ?? 12, 'HyperLogLog', 'precision', 4, 18);
    this.registers = new Uint8Array(2 ** this.precision);
  }

  /** Folds in one string or number and returns true; returns false, changing nothing, for any other value. */
  add(item: string | number): boolean {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    if (typeof item === 'string') {
      for (let i = 0; i < item.length; i++) {
        const c = item.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 2654435761);
        h2 = Math.imul(h2 ^ c, 1597334677);
      }
    } else if (typeof item === 'number') {
      // A different seed keeps numbers apart from strings; + 0 turns −0 into 0.
      h1 ^= 0x9e3779b9;
      float[0] = item + 0;
      for (let i = 0; i < 2; i++) {
        const c = halves[i]!;
        h1 = Math.imul(h1 ^ c, 2654435761);
        h2 = Math.imul(h2 ^ c, 1597334677);
      }
    } else return false;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const index = h1 >>> (32 - this.precision);
    const rank = Math.clz32(h2) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
    return true;
  }

  /** Why {@link HyperLogLog.add} would refuse `item`, or undefined if it would take it. */
  refusal(item: string | number): string | undefined {
    return typeof item === 'string' || typeof item === 'number' ? undefined : `HyperLogLog.add: item must be a string or a number; got ${describeValue(item)}`;
  }

  /** Takes the register-wise maximum with another sketch; throws a RangeError if its precision differs. */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) invalid('HyperLogLog.merge', 'the other precision', String(this.precision), other.precision);
    const mine = this.registers;
    const theirs = other.registers;
    for (let i = 0; i < mine.length; i++) if (theirs[i]! > mine[i]!) mine[i] = theirs[i]!;
  }

  /** The estimated distinct count (Ertl's improved estimator) and its relative standard error. */
  result(): DistinctCountResult {
    const m = this.registers.length;
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    for (const r of this.registers) histogram[r]! += 1;
    let z = m * tau(1 - histogram[RANK_BITS + 1]! / m);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += m * sigma(histogram[0]! / m);
    return { estimate: (m * m) / (2 * Math.LN2 * z), standardError: 1.04 / Math.sqrt(m) };
  }

  /** The precision and registers as plain JSON, restored by {@link HyperLogLog.fromJSON}. */
  toJSON(): HyperLogLogJSON {
    return { precision: this.precision, registers: Array.from(this.registers, (r) => REGISTER_DIGITS[r]).join('') };
  }

  /**
   * Restores a {@link HyperLogLog} from {@link HyperLogLog.toJSON}'s output;
   * throws a RangeError naming the field when the JSON is malformed.
   */
  static fromJSON(json: unknown): HyperLogLog {
    const where = 'HyperLogLog.fromJSON';
    const obj = jsonObject(json, where);
    const hll = new HyperLogLog({ precision: integerField(obj, 'precision', where, 4, 18) });
    const registers = stringField(obj, 'registers', where);
    if (registers.length !== hll.registers.length) invalid(where, 'registers', `${hll.registers.length} characters long (2^precision)`, registers);
    for (let i = 0; i < registers.length; i++) {
      const r = REGISTER_DIGITS.indexOf(registers[i]!);
      if (r < 0) invalid(where, `registers[${i}]`, `one of ${REGISTER_DIGITS}`, registers[i]);
      hll.registers[i] = r;
    }
    return hll;
  }
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1), for the share x of empty registers. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

/** Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k) / 3, for the share x of registers not saturated. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === previous) return z / 3;
  }
}
