/**
 * Visits every coordinate of `shape` in row-major order and passes, for each stride set, the offset
 * Σ coord[d]·strides[k][d]. Used by broadcasting, reductions, transposes, slices, padding and concatenation.
 */
export function walk(
  shape: readonly number[],
  strides: ReadonlyArray<readonly number[]>,
  visit: (index: number, offsets: readonly number[]) => void,
): void {
  const rank = shape.length;
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const coord = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(strides.length).fill(0);
  for (let i = 0; i < total; i++) {
    visit(i, offsets);
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]!++;
      for (let k = 0; k < strides.length; k++) offsets[k]! += strides[k]![d]!;
      if (coord[d]! < shape[d]!) break;
      for (let k = 0; k < strides.length; k++) offsets[k]! -= strides[k]![d]! * shape[d]!;
      coord[d] = 0;
    }
  }
}
