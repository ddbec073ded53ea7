import { cpuKernel } from '@internimage/backend-cpu';
import { reference } from './reference.js';

const referenceTranspose = reference('Transpose');

/**
 * Axes that stay neighbours in the output are merged first (NCHW→NHWC is a transpose of [N, C, H·W] to
 * [N, H·W, C]); up to four merged axes run as plain nested loops, more take the reference kernel's walk.
 */
export const transposeConfig = cpuKernel('Transpose', (args, be) => {
  const { inputs: { x }, attrs: { perm } } = args;
  const { sizes, strides } = mergedAxes(x.shape, perm);
  if (sizes.length > 4) return referenceTranspose(args);
  while (sizes.length < 4) { sizes.unshift(1); strides.unshift(0); }
  const [s0, s1, s2, s3] = sizes as [number, number, number, number];
  const [t0, t1, t2, t3] = strides as [number, number, number, number];
  const xv = be.values(x);
  const { info, out } = be.alloc(perm.map((p) => x.shape[p]!), x.dtype);
  let o = 0;
  for (let i0 = 0; i0 < s0; i0++) {
    for (let i1 = 0; i1 < s1; i1++) {
      for (let i2 = 0; i2 < s2; i2++) {
        const base = i0 * t0 + i1 * t1 + i2 * t2;
        for (let i3 = 0; i3 < s3; i3++) out[o++] = xv[base + i3 * t3]!;
      }
    }
  }
  return info;
}, 'wasm');

/** Output-order sizes and input strides, with runs of output axes that are consecutive in the input merged. */
export function mergedAxes(shape: readonly number[], perm: readonly number[]): { sizes: number[]; strides: number[] } {
  const inStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const sizes: number[] = [];
  const strides: number[] = [];
  let prev = -2;
  for (const p of perm) {
    if (shape[p] === 1) continue;
    if (p === prev + 1 && sizes.length > 0) {
      sizes[sizes.length - 1]! *= shape[p]!;
      strides[strides.length - 1] = inStrides[p]!;
    } else {
      sizes.push(shape[p]!);
      strides.push(inStrides[p]!);
    }
    prev = p;
  }
  return { sizes, strides };
}
