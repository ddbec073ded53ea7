import { imageStrides } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';
import { windowSum } from './window_sum.js';

/** PyTorch's adaptive bin i of `outSize` over `inSize`: [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveBin(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

export const adaptiveAvgPool2dConfig = cpuKernel('AdaptiveAvgPool2D', ({ inputs: { x }, attrs: g }, cpu) => {
  const xv = cpu.floats(x);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let oy = 0; oy < g.outH; oy++) {
        const [y0, y1] = adaptiveBin(oy, g.inH, g.outH);
        for (let ox = 0; ox < g.outW; ox++) {
          const [x0, x1] = adaptiveBin(ox, g.inW, g.outW);
          const acc = windowSum(xv, n * xs.n + c * xs.c, xs, y0, y1, x0, x1);
          out[n * os.n + c * os.c + oy * os.h + ox * os.w] = acc / ((y1 - y0) * (x1 - x0));
        }
      }
    }
  }
  return info;
});
