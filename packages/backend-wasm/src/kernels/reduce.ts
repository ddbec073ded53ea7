import { wasmKernel } from '../wasm_backend.js';
import { reference } from './reference.js';

const referenceReduce = reference('Reduce');

/**
 * Sum and mean over one run of consecutive axes (the global average pool: NHWC over H and W) as [outer, reduced,
 * inner] with the inner axis contiguous, in float64 and in the reference kernel's order (so the same bits); the
 * reference kernel's per-element walk took 25 ms on a batch of 8 (300k values). Other reductions: the reference.
 */
export const reduceConfig = wasmKernel('Reduce', (args, be) => {
  const { inputs: { x }, attrs: { op, axes, keepDims } } = args;
  const sorted = [...axes].sort((a, b) => a - b);
  const consecutive = sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1);
  if ((op !== 'sum' && op !== 'mean') || sorted.length === 0 || !consecutive || x.dtype !== 'float32') return referenceReduce(args);
  const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
  const outer = size(x.shape.slice(0, sorted[0]!));
  const reduced = size(sorted.map((a) => x.shape[a]!));
  const inner = size(x.shape.slice(sorted[sorted.length - 1]! + 1));
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const { info, out } = be.allocFloat(outShape);
  const xv = be.floats(x);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let r = 0, at = o * reduced * inner; r < reduced; r++, at += inner) {
      for (let i = 0; i < inner; i++) acc[i] += xv[at + i]!;
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = op === 'mean' ? acc[i]! / reduced : acc[i]!;
  }
  return info;
});
