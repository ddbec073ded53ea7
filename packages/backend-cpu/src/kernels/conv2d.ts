import { imageStrides } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const conv2dConfig = cpuKernel('Conv2D', ({ inputs: { x, weight, bias }, attrs: g }, cpu) => {
  const xv = cpu.floats(x);
  const wv = cpu.floats(weight);
  const bv = bias && cpu.floats(bias);
  const xs = imageStrides(g.dataFormat, g.inChannels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.outChannels, g.outH, g.outW);
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    for (let oc = 0; oc < g.outChannels; oc++) {
      const firstIn = Math.floor(oc / outPerGroup) * inPerGroup;
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          let acc = bv ? bv[oc]! : 0;
          for (let ic = 0; ic < inPerGroup; ic++) {
            for (let ky = 0; ky < g.kH; ky++) {
              const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
              if (iy < 0 || iy >= g.inH) continue;
              for (let kx = 0; kx < g.kW; kx++) {
                const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
                if (ix < 0 || ix >= g.inW) continue;
                const xOff = n * xs.n + (firstIn + ic) * xs.c + iy * xs.h + ix * xs.w;
                acc += xv[xOff]! * wv[((oc * inPerGroup + ic) * g.kH + ky) * g.kW + kx]!;
              }
            }
          }
          out[n * os.n + oc * os.c + oy * os.h + ox * os.w] = acc;
        }
      }
    }
  }
  return info;
});
