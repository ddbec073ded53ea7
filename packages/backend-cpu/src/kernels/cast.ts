import type { KernelConfig } from '@internimage/core';
import { asCpu } from '../cpu_backend.js';

export const castConfig: KernelConfig<'Cast'> = {
  kernelName: 'Cast',
  backendName: 'cpu',
  kernelFunc: ({ inputs: { x }, attrs: { dtype }, backend }) => {
    const cpu = asCpu(backend);
    const xv = cpu.values(x);
    const { info, out } = cpu.alloc(x.shape, dtype);
    for (let i = 0; i < xv.length; i++) out[i] = dtype === 'int32' ? Math.trunc(xv[i]!) : xv[i]!;
    return info;
  },
};
