import type { KernelConfig } from '@internimage/core';
import { stridesOf } from '@internimage/core';
import { asCpu } from '../cpu_backend.js';
import { walk } from '../strided.js';

export const sliceConfig: KernelConfig<'Slice'> = {
  kernelName: 'Slice',
  backendName: 'cpu',
  kernelFunc: ({ inputs: { x }, attrs: { begin, size }, backend }) => {
    const cpu = asCpu(backend);
    const xv = cpu.values(x);
    const strides = stridesOf(x.shape);
    const start = begin.reduce((acc, b, d) => acc + b * strides[d]!, 0);
    const { info, out } = cpu.alloc(size, x.dtype);
    walk(size, [strides], (i, [src]) => {
      out[i] = xv[start + src!]!;
    });
    return info;
  },
};
