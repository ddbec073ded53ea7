import { imageStrides } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const avgPool2dConfig = cpuKernel('AvgPool2D', ({ inputs: { x }, attrs: g }, cpu) => {
  const xv = cpu.floats(x);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          const y0 = oy * g.strideH - g.padTop;
          const x0 = ox * g.strideW - g.padLeft;
          let acc = 0;
          let inside = 0;
          for (let iy = Math.max(y0, 0); iy < Math.min(y0 + g.kH, g.inH); iy++) {
            for (let ix = Math.max(x0, 0); ix < Math.min(x0 + g.kW, g.inW); ix++) {
              acc += xv[n * xs.n + c * xs.c + iy * xs.h + ix * xs.w]!;
              inside++;
            }
          }
          // Without ceil mode every window lies inside the padded input, so counting padding means kH·kW.
          out[n * os.n + c * os.c + oy * os.h + ox * os.w] = acc / (g.countIncludePad ? g.kH * g.kW : inside);
        }
      }
    }
  }
  return info;
});
