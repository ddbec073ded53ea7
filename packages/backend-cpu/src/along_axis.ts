/**
 * Splits `shape` around `axis` into (outer, length, inner) so a kernel can visit each 1-D line along the axis:
 * element k of line (o, i) sits at o·length·inner + k·inner + i.
 */
export function lines(shape: readonly number[], axis: number): { outer: number; length: number; inner: number } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, length: shape[axis]!, inner };
}
