import type { LinearActivation, TensorInfo } from '@internimage/core';
import { UNARY_SOURCES } from './unary.js';
import { divmod, kernelSource } from '../codegen.js';
import type { GpujsBackend } from '../gpujs_backend.js';
import { gpujsKernel } from './kernel.js';

/** Wᵀ [in, out] from W [out, in], so that neighbouring threads (neighbouring outputs) read neighbouring weights. */
export function transposeWeightSource(outF: number, inF: number): string {
  return kernelSource(['w'], `${divmod('i', outF, 'k', 'o')}return w[o * ${inF} + k];\n`);
}

/** y[r, o] = act(b[o] + Σ_k x[r, k]·Wᵀ[k, o]). */
export function linearSource(inF: number, outF: number, bias: boolean, activation: LinearActivation = 'none'): string {
  const body = divmod('i', outF, 'r', 'o') +
    `var acc = ${bias ? 'b[o]' : '0.0'};\nvar xb = r * ${inF};\n` +
    `for (var k = 0; k < ${inF}; k++) { acc = acc + x[xb + k] * wt[k * ${outF} + o]; }\n` +
    (activation === 'gelu' ? `var v = acc;\nvar y = 0.0;\n${UNARY_SOURCES.gelu}return y;\n` : 'return acc;\n');
  return kernelSource(['x', 'wt', ...(bias ? ['b'] : [])], body);
}

/** The weight's transposed copy, made on the device once and kept while the weight lives. */
export function transposedWeight(backend: GpujsBackend, weight: TensorInfo): TensorInfo {
  const [outF, inF] = weight.shape as [number, number];
  return backend.derived(weight, 'linear:transposed', () =>
    backend.run({
      name: 'Linear', source: transposeWeightSource(outF, inF), inputs: [weight], shape: [inF, outF], dtype: 'float32', whole: true,
    }));
}

export const linearKernel = gpujsKernel('Linear', ({ inputs: { x, weight, bias }, attrs: { activation } }, backend) => {
  const [outF, inF] = weight.shape as [number, number];
  const outShape = [...x.shape.slice(0, -1), outF];
  const inputs = [x, transposedWeight(backend, weight), ...(bias ? [bias] : [])];
  const source = linearSource(inF, outF, !!bias, activation);
  return backend.run({
    name: 'Linear', source, inputs, shape: outShape, dtype: 'float32',
    split: x.shape.length > 1 ? { source: () => source, follows: inputs.map((_, j) => j === 0) } : undefined,
  });
});
