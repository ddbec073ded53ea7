import { cpuKernel } from '@internimage/backend-cpu';
import { elementwise } from '../elementwise.js';
import { EXP_BLOCK_BYTES, expModule } from '../exp_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceSoftmax = reference('Softmax');
let instance: WasmKernel<{ exp: (input: number, output: number, bytes: number) => void }> | undefined;

/**
 * Softmax along the last axis (DCNv3's masks: lines of P values): x − max(line) for every line goes into the output,
 * the WASM kernel takes exp of all of them at once, in place, then each line is divided by its sum. Other axes: the
 * reference kernel.
 */
export const softmaxConfig = cpuKernel('Softmax', (args, be) => {
  const { inputs: { x }, attrs: { axis } } = args;
  if (axis !== x.shape.length - 1) return referenceSoftmax(args);
  const xv = be.floats(x);
  const length = x.shape[axis]!;
  const { info, out } = be.allocFloat(x.shape);
  instance ??= instantiate(expModule);
  for (let base = 0; base < xv.length; base += length) {
    const end = base + length;
    let m = -Infinity;
    for (let i = base; i < end; i++) m = Math.max(m, xv[i]!);
    for (let i = base; i < end; i++) out[i] = xv[i]! - m;
  }
  elementwise(instance.exports.exp, EXP_BLOCK_BYTES, out, out);
  for (let base = 0; base < xv.length; base += length) {
    const end = base + length;
    let s = 0;
    for (let i = base; i < end; i++) s += out[i]!;
    const inv = 1 / s;
    for (let i = base; i < end; i++) out[i] = out[i]! * inv;
  }
  return info;
}, 'wasm');
