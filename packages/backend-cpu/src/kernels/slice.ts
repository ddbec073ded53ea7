import { stridesOf, walk } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const sliceConfig = cpuKernel('Slice', ({ inputs: { x }, attrs: { begin, size } }, cpu) => {
  const xv = cpu.values(x);
  const strides = stridesOf(x.shape);
  const start = begin.reduce((acc, b, d) => acc + b * strides[d]!, 0);
  const { info, out } = cpu.alloc(size, x.dtype);
  walk(size, [strides], (i, [src]) => {
    out[i] = xv[start + src!]!;
  });
  return info;
});
