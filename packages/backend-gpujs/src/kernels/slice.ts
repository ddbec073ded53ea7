import { stridesOf } from '@internimage/core';
import { decompose, kernelSource, names, offsetExpr } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

export function sliceSource(shape: readonly number[], begin: readonly number[], size: readonly number[]): string {
  const strides = stridesOf(shape);
  const start = begin.reduce((acc, b, d) => acc + b * strides[d]!, 0);
  const coords = names('c', size.length);
  return kernelSource(['x'], decompose('i', size, coords, 's') + `return x[${offsetExpr(coords, strides, start)}];\n`);
}

export const sliceKernel = gpujsKernel('Slice', ({ inputs: { x }, attrs: { begin, size } }, backend) =>
  backend.run({
    name: 'Slice', source: sliceSource(x.shape, begin, size), inputs: [x], shape: size, dtype: x.dtype,
    split: begin[0] === 0 && size[0] === x.shape[0]
      ? { source: (rows) => sliceSource(withRows(x.shape, rows), begin, withRows(size, rows)), follows: [true] }
      : undefined,
  }));
