/** ‖actual − expected‖₂ / ‖expected‖₂, accumulated in float64 (the absolute norm when expected is all zeros). */
export function relativeL2Error(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`relativeL2Error: lengths differ (${actual.length} vs ${expected.length})`);
  }
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    ref += expected[i]! ** 2;
  }
  return ref === 0 ? Math.sqrt(diff) : Math.sqrt(diff / ref);
}
