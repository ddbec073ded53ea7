import { lines } from '@internimage/core';
import { divmod, kernelSource } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

/** Each element recomputes its line's maximum and sum of exponentials (lines are short in InternImage). */
export function softmaxSource(shape: readonly number[], axis: number): string {
  const { length, inner } = lines(shape, axis);
  const body = divmod('i', length * inner, 'o', 'rest') + divmod('rest', inner, 'own', 'n') +
    `var base = o * ${length * inner} + n;\nvar m = x[base];\n` +
    `for (var k = 1; k < ${length}; k++) { m = Math.max(m, x[base + k * ${inner}]); }\n` +
    `var s = 0.0;\nfor (var k2 = 0; k2 < ${length}; k2++) { s = s + Math.exp(x[base + k2 * ${inner}] - m); }\n` +
    'return Math.exp(x[i] - m) / s;\n';
  return kernelSource(['x'], body);
}

export const softmaxKernel = gpujsKernel('Softmax', ({ inputs: { x }, attrs: { axis } }, backend) =>
  backend.run({
    name: 'Softmax', source: softmaxSource(x.shape, axis), inputs: [x], shape: x.shape, dtype: 'float32',
    split: axis === 0 ? undefined : { source: (rows) => softmaxSource(withRows(x.shape, rows), axis), follows: [true] },
  }));
