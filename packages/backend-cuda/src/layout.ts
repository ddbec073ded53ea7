// Index-space helpers shared by the kernels: contiguous strides, merging axes before a strided walk, lines along
// one axis, image strides per data format.
import type { DataFormat } from '@internimage/core';
import { stridesOf } from '@internimage/core';

export { stridesOf };

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

/** (outer, length, inner) around `axis`: element k of line (o, i) sits at o·length·inner + k·inner + i. */
export function lines(shape: readonly number[], axis: number): { outer: number; length: number; inner: number } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, length: shape[axis]!, inner };
}

export interface ImageStrides {
  n: number;
  c: number;
  h: number;
  w: number;
}

export function imageStrides(format: DataFormat, channels: number, height: number, width: number): ImageStrides {
  return format === 'NCHW'
    ? { n: channels * height * width, c: height * width, h: width, w: 1 }
    : { n: height * width * channels, c: 1, h: width * channels, w: channels };
}
