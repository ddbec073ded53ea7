import { cpuKernel } from '../cpu_backend.js';

export const castConfig = cpuKernel('Cast', ({ inputs: { x }, attrs: { dtype } }, cpu) => {
  const xv = cpu.values(x);
  const { info, out } = cpu.alloc(x.shape, dtype);
  for (let i = 0; i < xv.length; i++) out[i] = dtype === 'int32' ? Math.trunc(xv[i]!) : xv[i]!;
  return info;
});
