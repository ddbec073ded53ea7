import { wasmKernel } from '../wasm_backend.js';
import { elementwise } from '../elementwise.js';
import { ERF_BLOCK_BYTES, erfModule } from '../erf_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceUnary = reference('Unary');
type Elementwise = (input: number, output: number, bytes: number) => void;
let instance: WasmKernel<{ erf: Elementwise; gelu: Elementwise }> | undefined;

/** GELU and erf run in the WASM SIMD kernel (rational erf, error ≤ 3.7e-7); every other unary op is the reference kernel. */
export const unaryConfig = wasmKernel('Unary', (args, be) => {
  const { inputs: { x }, attrs: { op } } = args;
  if (op !== 'gelu' && op !== 'erf') return referenceUnary(args);
  instance ??= instantiate(erfModule);
  const { info, out } = be.allocFloat(x.shape);
  elementwise(instance, op, ERF_BLOCK_BYTES, be.floats(x), out);
  return info;
});
