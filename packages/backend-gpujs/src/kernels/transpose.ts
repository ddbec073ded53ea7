import { stridesOf } from '@internimage/core';
import { decompose, kernelSource, names, offsetExpr } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

export function transposeSource(shape: readonly number[], perm: readonly number[]): string {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const coords = names('c', outShape.length);
  const body = decompose('i', outShape, coords, 't') + `return x[${offsetExpr(coords, perm.map((p) => inStrides[p]!))}];\n`;
  return kernelSource(['x'], body);
}

export const transposeKernel = gpujsKernel('Transpose', ({ inputs: { x }, attrs: { perm } }, backend) =>
  backend.run({
    name: 'Transpose', source: transposeSource(x.shape, perm), inputs: [x], shape: perm.map((p) => x.shape[p]!), dtype: x.dtype,
    split: perm[0] === 0 ? { source: (rows) => transposeSource(withRows(x.shape, rows), perm), follows: [true] } : undefined,
  }));
