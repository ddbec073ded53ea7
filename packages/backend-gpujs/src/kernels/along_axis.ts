/** (outer, length, inner) around `axis`: element k of line (o, n) sits at o·length·inner + k·inner + n. */
export function lines(shape: readonly number[], axis: number): { outer: number; length: number; inner: number } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, length: shape[axis]!, inner };
}
