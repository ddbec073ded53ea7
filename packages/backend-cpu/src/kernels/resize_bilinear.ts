import { bilinearTaps, imageStrides } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const resizeBilinearConfig = cpuKernel('ResizeBilinear', ({ inputs: { x }, attrs: g }, cpu) => {
  const xv = cpu.floats(x);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const rows = bilinearTaps(g.inH, g.outH, g.scaleH, g.alignCorners);
  const cols = bilinearTaps(g.inW, g.outW, g.scaleW, g.alignCorners);
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const base = n * xs.n + c * xs.c;
      for (let oy = 0; oy < g.outH; oy++) {
        const r0 = base + rows.i0[oy]! * xs.h;
        const r1 = base + rows.i1[oy]! * xs.h;
        const ly = rows.lambda[oy]!;
        for (let ox = 0; ox < g.outW; ox++) {
          const c0 = cols.i0[ox]! * xs.w;
          const c1 = cols.i1[ox]! * xs.w;
          const lx = cols.lambda[ox]!;
          const top = (1 - lx) * xv[r0 + c0]! + lx * xv[r0 + c1]!;
          const bottom = (1 - lx) * xv[r1 + c0]! + lx * xv[r1 + c1]!;
          out[n * os.n + c * os.c + oy * os.h + ox * os.w] = (1 - ly) * top + ly * bottom;
        }
      }
    }
  }
  return info;
});
