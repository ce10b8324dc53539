// The parity measures of shared/parity/mini/README.md.

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`length ${a.length} differs from the reference's ${b.length}`);
}

/** ‖actual − expected‖ / ‖expected‖. */
export function relL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  sameLength(actual, expected);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  if (norm === 0) return diff === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.sqrt(diff / norm);
}

export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  sameLength(actual, expected);
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

/** Fraction of mask pixels that differ. */
export function differingFraction(actual: Uint8Array, expected: Uint8Array): number {
  sameLength(actual, expected);
  let n = 0;
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) n++;
  return n / expected.length;
}

/** Intersection over union of two 0/1 masks; 1 when both are empty. */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] & b[i];
    union += a[i] | b[i];
  }
  return union === 0 ? 1 : inter / union;
}
