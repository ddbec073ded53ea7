import { wasmKernel } from '../wasm_backend.js';
import { addressOf, withAddress } from '../heap.js';
import { layerNormModule } from '../layer_norm_kernel.js';
import { runParts, splitWork } from '../threads.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceLayerNorm = reference('LayerNorm');
/** Rows per thread below which a call stays on one thread. */
const ROWS_PER_THREAD = 256;
type LayerNorm = (input: number, output: number, rows: number, c: number, w: number, b: number, eps: number) => void;
let instance: WasmKernel<{ layer_norm: LayerNorm }> | undefined;

/** LayerNorm over a last axis that is a multiple of 4 in the WASM SIMD kernel; other widths use the reference kernel. */
export const layerNormConfig = wasmKernel('LayerNorm', (args, be) => {
  const { inputs: { x, weight, bias }, attrs: { eps } } = args;
  const C = x.shape[x.shape.length - 1]!;
  if (C % 4 !== 0 || C === 0) return referenceLayerNorm(args);
  instance ??= instantiate(() => layerNormModule());
  const xv = be.floats(x);
  const { info, out } = be.allocFloat(x.shape);
  // Without weight or bias: ones and zeros (withAddress copies them into the heap for the call).
  const w = weight ? be.floats(weight) : new Float32Array(C).fill(1);
  const b = bias ? be.floats(bias) : new Float32Array(C);
  withAddress(w, (pw) => withAddress(b, (pb) => withAddress(xv, (px) =>
    runParts(instance!, 'layer_norm', splitWork(xv.length / C, ROWS_PER_THREAD).map(([r0, nr]) =>
      [px + r0 * C * 4, addressOf(out) + r0 * C * 4, nr, C, pw, pb, eps]), [6]))));
  return info;
});
