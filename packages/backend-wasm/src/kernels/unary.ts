import { cpuKernel } from '@internimage/backend-cpu';
import { ERF_BLOCK_BYTES, erfModule } from '../erf_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate, reserve } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceUnary = reference('Unary');
type Elementwise = (input: number, output: number, bytes: number) => void;
let instance: WasmKernel<{ erf: Elementwise; gelu: Elementwise }> | undefined;

/** GELU and erf run in the WASM SIMD kernel (rational erf, error ≤ 3.7e-7); every other unary op is the reference kernel. */
export const unaryConfig = cpuKernel('Unary', (args, be) => {
  const { inputs: { x }, attrs: { op } } = args;
  if (op !== 'gelu' && op !== 'erf') return referenceUnary(args);
  instance ??= instantiate(erfModule);
  const { memory, exports } = instance;
  const xv = be.floats(x);
  const bytes = Math.ceil((xv.length * 4) / ERF_BLOCK_BYTES) * ERF_BLOCK_BYTES;
  reserve(memory, 2 * bytes);
  new Float32Array(memory.buffer, 0, xv.length).set(xv);
  exports[op](0, bytes, bytes);
  const { info, out } = be.allocFloat(x.shape);
  out.set(new Float32Array(memory.buffer, bytes, xv.length));
  return info;
}, 'wasm');
