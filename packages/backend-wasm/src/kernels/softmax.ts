import { cpuKernel } from '@internimage/backend-cpu';
import { elementwise } from '../elementwise.js';
import { EXP_BLOCK_BYTES } from '../exp_kernel.js';
import { addressOf, withAddress } from '../heap.js';
import { softmaxModule } from '../softmax_kernel.js';
import { runParts, splitWork } from '../threads.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceSoftmax = reference('Softmax');
/** Lines per thread below which a call stays on one thread. */
const LINES_PER_THREAD = 1024;
type Lines = (input: number, output: number, lines: number, length: number) => void;
let instance: WasmKernel<{
  shift: Lines; exp: (input: number, output: number, bytes: number) => void; normalize: (buffer: number, lines: number, length: number) => void;
}> | undefined;

/**
 * Softmax along the last axis (DCNv3's masks: lines of P values) in the WASM kernels: each line minus its maximum
 * into the output, exp of all of it at once (SIMD), each line divided by its sum. Along another axis (the classes of
 * NCHW logits) the same steps run over contiguous rows of the positions after it; a rank-0 input takes the reference
 * kernel.
 */
export const softmaxConfig = cpuKernel('Softmax', (args, be) => {
  const { inputs: { x }, attrs: { axis } } = args;
  if (x.shape.length === 0) return referenceSoftmax(args);
  if (axis !== x.shape.length - 1) {
    const { info, out } = be.allocFloat(x.shape);
    const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
    softmaxAcrossRows(be.floats(x), out, size(x.shape.slice(0, axis)), x.shape[axis]!, size(x.shape.slice(axis + 1)));
    return info;
  }
  const xv = be.floats(x);
  const length = x.shape[axis]!;
  const { info, out } = be.allocFloat(x.shape);
  if (out.length === 0) return info;
  instance ??= instantiate(softmaxModule);
  const lines = xv.length / length;
  const parts = splitWork(lines, LINES_PER_THREAD);
  const po = addressOf(out);
  const bytes = length * 4;
  withAddress(xv, (px) => runParts(instance!, 'shift', parts.map(([l0, nl]) => [px + l0 * bytes, po + l0 * bytes, nl, length])));
  elementwise(instance, 'exp', EXP_BLOCK_BYTES, out, out);
  runParts(instance, 'normalize', parts.map(([l0, nl]) => [po + l0 * bytes, nl, length]));
  return info;
}, 'wasm');

/** Softmax over `length` rows of `inner` contiguous values, for each of `outer` blocks. */
function softmaxAcrossRows(xv: Float32Array, out: Float32Array, outer: number, length: number, inner: number): void {
  if (out.length === 0) return;
  const extreme = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    extreme.fill(-Infinity);
    for (let k = 0; k < length; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) extreme[i] = Math.max(extreme[i]!, xv[row + i]!);
    }
    for (let k = 0; k < length; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) out[row + i] = xv[row + i]! - extreme[i]!;
    }
  }
  instance ??= instantiate(softmaxModule);
  elementwise(instance, 'exp', EXP_BLOCK_BYTES, out, out);
  const sum = extreme;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    sum.fill(0);
    for (let k = 0; k < length; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) sum[i]! += out[row + i]!;
    }
    for (let i = 0; i < inner; i++) sum[i] = 1 / sum[i]!;
    for (let k = 0; k < length; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) out[row + i]! *= sum[i]!;
    }
  }
}
