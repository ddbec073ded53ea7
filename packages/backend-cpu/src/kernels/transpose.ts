import { stridesOf, walk } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const transposeConfig = cpuKernel('Transpose', ({ inputs: { x }, attrs: { perm } }, cpu) => {
  const xv = cpu.values(x);
  const inStrides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  const { info, out } = cpu.alloc(outShape, x.dtype);
  walk(outShape, [perm.map((p) => inStrides[p]!)], (i, [src]) => {
    out[i] = xv[src!]!;
  });
  return info;
});
