import type { TensorInfo } from '@internimage/core';
import { divmod, kernelSource } from '../codegen.js';
import { gpujsKernel } from './kernel.js';
import { isDeviceMode } from '../storage.js';

/** Pass 1: per row, [mean, 1/sqrt(var + eps)] (two-pass variance, as the reference). */
export function rowStatsSource(c: number, eps: number): string {
  const body = divmod('i', 2, 'row', 'which') +
    `var base = row * ${c};\nvar mean = 0.0;\n` +
    `for (var k = 0; k < ${c}; k++) { mean = mean + x[base + k]; }\nmean = mean / ${c};\n` +
    `var vr = 0.0;\nfor (var k2 = 0; k2 < ${c}; k2++) { var d = x[base + k2] - mean; vr = vr + d * d; }\n` +
    `var r = mean;\nif (which > 0.5) { r = 1 / Math.sqrt(vr / ${c} + ${eps}); }\nreturn r;\n`;
  return kernelSource(['x'], body);
}

/** Pass 2: (x - mean)·rstd·w + b. */
export function applyNormSource(c: number, weight: boolean, bias: boolean): string {
  const args = ['x', 's', ...(weight ? ['w'] : []), ...(bias ? ['b'] : [])];
  const body = divmod('i', c, 'row', 'k') +
    `var y = (x[i] - s[row * 2]) * s[row * 2 + 1];\n` +
    (weight ? 'y = y * w[k];\n' : '') + (bias ? 'y = y + b[k];\n' : '') + 'return y;\n';
  return kernelSource(args, body);
}

/**
 * One pass: every element recomputes its row's statistics. On a GPU a second kernel launch costs more than the
 * repeated row reads (InternImage rows are 64–4096 long); on a CPU the two-pass form is cheaper.
 */
export function fusedLayerNormSource(c: number, eps: number, weight: boolean, bias: boolean): string {
  const args = ['x', ...(weight ? ['w'] : []), ...(bias ? ['b'] : [])];
  const body = divmod('i', c, 'row', 'k') +
    `var base = row * ${c};\nvar mean = 0.0;\n` +
    `for (var j = 0; j < ${c}; j++) { mean = mean + x[base + j]; }\nmean = mean / ${c};\n` +
    `var vr = 0.0;\nfor (var j2 = 0; j2 < ${c}; j2++) { var d = x[base + j2] - mean; vr = vr + d * d; }\n` +
    `var y = (x[i] - mean) / Math.sqrt(vr / ${c} + ${eps});\n` +
    (weight ? 'y = y * w[k];\n' : '') + (bias ? 'y = y + b[k];\n' : '') + 'return y;\n';
  return kernelSource(args, body);
}

export const layerNormKernel = gpujsKernel('LayerNorm', ({ inputs: { x, weight, bias }, attrs: { eps } }, backend) => {
  const c = x.shape[x.shape.length - 1]!;
  if (isDeviceMode(backend.mode)) {
    const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])] as TensorInfo[];
    const source = fusedLayerNormSource(c, eps, !!weight, !!bias);
    return backend.run({
      name: 'LayerNorm', source, inputs, shape: x.shape, dtype: 'float32',
      split: x.shape.length > 1 ? { source: () => source, follows: inputs.map((_, j) => j === 0) } : undefined,
    });
  }
  // Stats keep x's leading axes ([..., 2]) so that both passes split along the same leading axis.
  const statsSource = rowStatsSource(c, eps);
  const stats = backend.run({
    name: 'LayerNorm', source: statsSource, inputs: [x], shape: [...x.shape.slice(0, -1), 2], dtype: 'float32',
    split: x.shape.length > 1 ? { source: () => statsSource, follows: [true] } : undefined,
  });
  try {
    const inputs = [x, stats, ...(weight ? [weight] : []), ...(bias ? [bias] : [])] as TensorInfo[];
    const source = applyNormSource(c, !!weight, !!bias);
    return backend.run({
      name: 'LayerNorm', source, inputs, shape: x.shape, dtype: 'float32',
      split: x.shape.length > 1 ? { source: () => source, follows: inputs.map((_, j) => j < 2) } : undefined,
    });
  } finally {
    backend.disposeData(stats.dataId);
  }
});
