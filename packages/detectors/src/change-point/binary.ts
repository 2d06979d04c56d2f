import { SequentialDetector } from './detector.js';

/**
 * Shared state of detectors for binary hit/miss streams ({@link Ddm},
 * {@link HddmA}): each value must be 0 (a hit) or 1 (a miss or error), any
 * other is refused (`update` returns false and counts it in `refused`); a
 * detector that has just flagged a change starts afresh on the next value,
 * as in River, and may also raise warnings.
 *
 * @example
 * ```ts
 * const detectors: BinaryDetector[] = [new Ddm(), new HddmA()];
 * for (const d of detectors) if (d.update(1) || d.warningDetected) console.log(d.name);
 * ```
 */
export abstract class BinaryDetector extends SequentialDetector {
  protected warning = false;

  /** Whether the last update raised a warning (and no change). */
  get warningDetected(): boolean {
    return this.warning;
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    this.step(x);
    return this.detected;
  }

  override refusal(x: number): string | undefined {
    return this.accepts(x) ? undefined : `${this.name}.update needs 0 (a hit) or 1 (a miss or error), got ${x}; map outcomes to 0/1 before the detector`;
  }

  protected override accepts(x: number): boolean {
    return x === 0 || x === 1;
  }

  protected override restart(): void {
    this.warning = false;
    super.restart();
  }

  /** Takes in one value (already counted in `n`), setting `detected` and `warning`. */
  protected abstract step(x: number): void;
}
