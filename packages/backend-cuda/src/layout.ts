// Merging axes before a strided walk on the device (the other index helpers are core's, in its shape module).

/**
 * Drops length-1 axes and merges neighbouring axes that every stride set walks contiguously, so the device walks
 * as few axes as possible (and never more than the addon's limit of 8 for the tensors the library makes).
 */
export function coalesce(shape: readonly number[], ...strideSets: ReadonlyArray<readonly number[]>): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strideSets.every((s, k) => outStrides[k]![last] === s[d]! * n);
    if (mergeable) {
      outShape[last]! *= n;
      strideSets.forEach((s, k) => { outStrides[k]![last] = s[d]!; });
    } else {
      outShape.push(n);
      strideSets.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  if (shape.some((n) => n === 0)) return { shape: [0], strides: strideSets.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}
