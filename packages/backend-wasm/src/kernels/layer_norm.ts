import { cpuKernel } from '@internimage/backend-cpu';
import { layerNormModule } from '../layer_norm_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate, reserve } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceLayerNorm = reference('LayerNorm');
type LayerNorm = (input: number, output: number, rows: number, c: number, w: number, b: number, eps: number) => void;
let instance: WasmKernel<{ layer_norm: LayerNorm }> | undefined;

/** LayerNorm over a last axis that is a multiple of 4 in the WASM SIMD kernel; other widths use the reference kernel. */
export const layerNormConfig = cpuKernel('LayerNorm', (args, be) => {
  const { inputs: { x, weight, bias }, attrs: { eps } } = args;
  const C = x.shape[x.shape.length - 1]!;
  if (C % 4 !== 0 || C === 0) return referenceLayerNorm(args);
  instance ??= instantiate(() => layerNormModule());
  const { memory, exports: { layer_norm: run } } = instance;
  const xv = be.floats(x);
  const pw = xv.byteLength;
  const pb = pw + C * 4;
  const po = pb + C * 4;
  reserve(memory, po + xv.byteLength);
  const heap = new Float32Array(memory.buffer);
  heap.set(xv, 0);
  if (weight) heap.set(be.floats(weight), pw / 4);
  else heap.fill(1, pw / 4, pw / 4 + C);
  if (bias) heap.set(be.floats(bias), pb / 4);
  else heap.fill(0, pb / 4, pb / 4 + C);
  run(0, po, xv.length / C, C, pw, pb, eps);
  const { info, out } = be.allocFloat(x.shape);
  out.set(new Float32Array(memory.buffer, po, xv.length));
  return info;
}, 'wasm');
