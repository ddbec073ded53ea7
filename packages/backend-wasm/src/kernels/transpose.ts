import { wasmKernel } from '../wasm_backend.js';
import { addressOf } from '../heap.js';
import { transposeModule } from '../transpose_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceTranspose = reference('Transpose');

let instance: WasmKernel<{ transpose: (...args: number[]) => void }> | undefined;

/**
 * Axes that stay neighbours in the output are merged first (NCHW→NHWC is a transpose of [N, C, H·W] to
 * [N, H·W, C]); up to four merged axes run in the WASM kernel, more take the reference kernel's walk.
 */
export const transposeConfig = wasmKernel('Transpose', (args, be) => {
  const { inputs: { x }, attrs: { perm } } = args;
  const { sizes, strides } = mergedAxes(x.shape, perm);
  if (sizes.length > 4) return referenceTranspose(args);
  while (sizes.length < 4) { sizes.unshift(1); strides.unshift(0); }
  const { info, out } = be.alloc(perm.map((p) => x.shape[p]!), x.dtype);
  instance ??= instantiate(transposeModule);
  instance.exports.transpose(addressOf(be.values(x)), addressOf(out), ...sizes, ...strides.map((t) => t * 4));
  return info;
});

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
