import { relativeL2Error } from '@internimage/core';
import type { TypedArray } from '@internimage/core';

/** Null when `actual` matches; otherwise a message saying what differs. NaN anywhere in actual is a failure. */
export function mismatch(actual: TypedArray, expected: ArrayLike<number>, tolerance: number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) && !Number.isNaN(e)) return `NaN at element ${i} (expected ${e})`;
    if (!Number.isFinite(e) && a !== e && !(Number.isNaN(a) && Number.isNaN(e))) return `element ${i} is ${a}, expected ${e}`;
  }
  const finite = (xs: ArrayLike<number>) => Array.from(xs, (v, i) => (Number.isFinite(expected[i]!) ? v : 0));
  const err = relativeL2Error(finite(actual), finite(expected));
  return err <= tolerance ? null : `relative L2 error ${err.toExponential(3)} > tolerance ${tolerance}`;
}
