import { stridesOf } from '@internimage/core';
import { decompose, kernelSource, lit, names } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

export function padSource(shape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>, value: number): string {
  const outShape = shape.map((d, k) => d + paddings[k]![0] + paddings[k]![1]);
  const strides = stridesOf(shape);
  const coords = names('c', outShape.length);
  const inside = shape.map((d, k) => `c${k} >= ${paddings[k]![0]} && c${k} < ${paddings[k]![0] + d}`);
  const src = shape.map((_, k) => `(c${k} - ${paddings[k]![0]}) * ${strides[k]}`);
  const body = decompose('i', outShape, coords, 'p') + `var v = ${lit(value)};\n` +
    (shape.length === 0 ? 'v = x[0];\n' : `if (${inside.join(' && ')}) { v = x[${src.join(' + ')}]; }\n`) + 'return v;\n';
  return kernelSource(['x'], body);
}

export const padKernel = gpujsKernel('Pad', ({ inputs: { x }, attrs: { paddings, value } }, backend) => {
  const outShape = x.shape.map((d, k) => d + paddings[k]![0] + paddings[k]![1]);
  const unpaddedLead = paddings.length > 0 && paddings[0]![0] === 0 && paddings[0]![1] === 0;
  return backend.run({
    name: 'Pad', source: padSource(x.shape, paddings, value), inputs: [x], shape: outShape, dtype: x.dtype,
    split: unpaddedLead ? { source: (rows) => padSource(withRows(x.shape, rows), paddings, value), follows: [true] } : undefined,
  });
});
