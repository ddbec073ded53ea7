import { lines } from '@internimage/core';
import { divmod, kernelSource } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

/** Index of the first maximum along the line (the first NaN wins, as in PyTorch); int32 values held as floats. */
export function argMaxSource(shape: readonly number[], axis: number): string {
  const { length, inner } = lines(shape, axis);
  const body = divmod('i', inner, 'o', 'n') +
    `var base = o * ${length * inner} + n;\nvar best = 0;\nvar bestV = x[base];\n` +
    `for (var k = 1; k < ${length}; k++) {\nvar v = x[base + k * ${inner}];\n` +
    'if (bestV == bestV && (v > bestV || v != v)) { best = k; bestV = v; }\n}\nreturn best;\n';
  return kernelSource(['x'], body);
}

export const argMaxKernel = gpujsKernel('ArgMax', ({ inputs: { x }, attrs: { axis, keepDims } }, backend) => {
  const outShape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return backend.run({
    name: 'ArgMax', source: argMaxSource(x.shape, axis), inputs: [x], shape: outShape, dtype: 'int32',
    split: axis === 0 ? undefined : { source: (rows) => argMaxSource(withRows(x.shape, rows), axis), follows: [true] },
  });
});
