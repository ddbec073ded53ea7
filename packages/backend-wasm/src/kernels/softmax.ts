import { wasmKernel } from '../wasm_backend.js';
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
 * into the output, exp of all of it at once (SIMD), each line divided by its sum. Other axes: the reference kernel.
 */
export const softmaxConfig = wasmKernel('Softmax', (args, be) => {
  const { inputs: { x }, attrs: { axis } } = args;
  if (axis !== x.shape.length - 1) return referenceSoftmax(args);
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
});
