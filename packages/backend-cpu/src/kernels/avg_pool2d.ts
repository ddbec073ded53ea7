import { imageStrides } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';
import { windowSum } from './window_sum.js';

export const avgPool2dConfig = cpuKernel('AvgPool2D', ({ inputs: { x }, attrs: g }, cpu) => {
  const xv = cpu.floats(x);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          // The window clipped to the input: [y0, y1) × [x0, x1).
          const y0 = Math.max(oy * g.strideH - g.padTop, 0);
          const x0 = Math.max(ox * g.strideW - g.padLeft, 0);
          const y1 = Math.min(oy * g.strideH - g.padTop + g.kH, g.inH);
          const x1 = Math.min(ox * g.strideW - g.padLeft + g.kW, g.inW);
          const acc = windowSum(xv, n * xs.n + c * xs.c, xs, y0, y1, x0, x1);
          const inside = Math.max(y1 - y0, 0) * Math.max(x1 - x0, 0);
          // Without ceil mode every window lies inside the padded input, so counting padding means kH·kW.
          out[n * os.n + c * os.c + oy * os.h + ox * os.w] = acc / (g.countIncludePad ? g.kH * g.kW : inside);
        }
      }
    }
  }
  return info;
});
