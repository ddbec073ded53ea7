import { stridesOf, walk } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const padConfig = cpuKernel('Pad', ({ inputs: { x }, attrs: { paddings, value } }, cpu) => {
  const xv = cpu.values(x);
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const outStrides = stridesOf(outShape);
  const start = paddings.reduce((acc, [before], d) => acc + before * outStrides[d]!, 0);
  const { info, out } = cpu.alloc(outShape, x.dtype);
  out.fill(value);
  walk(x.shape, [outStrides], (i, [dst]) => {
    out[start + dst!] = xv[i]!;
  });
  return info;
});
