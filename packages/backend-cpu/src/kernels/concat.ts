import { stridesOf, walk } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const concatConfig = cpuKernel('Concat', ({ inputs: { xs }, attrs: { axis } }, cpu) => {
  const first = xs[0]!;
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
  const outStrides = stridesOf(outShape);
  const { info, out } = cpu.alloc(outShape, first.dtype);
  let along = 0;
  for (const t of xs) {
    const tv = cpu.values(t);
    const start = along * outStrides[axis]!;
    walk(t.shape, [outStrides], (i, [dst]) => {
      out[start + dst!] = tv[i]!;
    });
    along += t.shape[axis]!;
  }
  return info;
});
