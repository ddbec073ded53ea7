// Index-space helpers for ops and for every backend's kernels: sizes, strides, broadcasting, walks over strided
// index spaces, lines along an axis, image strides per data format, convolution output sizes, and bilinear taps.
import type { DataFormat } from './kernel_names.js';
import { fmtShape } from './errors.js';

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** NumPy broadcasting; null when the shapes are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides to read an operand of `shape` while iterating over the broadcast `outShape`: 0 along broadcast axes.
 * Kernels of every backend use this to index broadcast inputs.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j]!;
  });
}

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
  const total = sizeOf(shape);
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

/**
 * Splits `shape` around `axis` into (outer, length, inner) so a kernel can visit each 1-D line along the axis:
 * element k of line (o, i) sits at o·length·inner + k·inner + i.
 */
export function lines(shape: readonly number[], axis: number): { outer: number; length: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), length: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/** Element strides of an image tensor's n, c, h and w axes. */
export interface ImageStrides {
  n: number;
  c: number;
  h: number;
  w: number;
}

/** Element strides of an image tensor with `channels`×`height`×`width` in either layout. */
export function imageStrides(format: DataFormat, channels: number, height: number, width: number): ImageStrides {
  return format === 'NCHW'
    ? { n: channels * height * width, c: height * width, h: width, w: 1 }
    : { n: height * width * channels, c: 1, h: width * channels, w: channels };
}

/** Output length of a convolution or pooling window along one axis (`padding`: both sides together). */
export function convOutputSize(input: number, kernel: number, stride: number, padding: number, dilation = 1): number {
  return Math.floor((input + padding - (dilation * (kernel - 1) + 1)) / stride) + 1;
}

/**
 * The two source indices and the weight of the second, per output index along one axis of a bilinear resize
 * (PyTorch's arithmetic). `Lambda` picks the weights' precision: the kernel blends in that precision.
 */
export function bilinearTaps<L extends Float32ArrayConstructor | Float64ArrayConstructor = Float64ArrayConstructor>(
  inSize: number, outSize: number, scale: number, alignCorners: boolean, Lambda: L = Float64Array as L,
): { i0: Int32Array; i1: Int32Array; lambda: InstanceType<L> } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const lambda = new Lambda(outSize) as InstanceType<L>;
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners ? d * scale : Math.max((d + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = Math.min(lo + 1, inSize - 1);
    lambda[d] = src - lo;
  }
  return { i0, i1, lambda };
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export { fmtShape };
