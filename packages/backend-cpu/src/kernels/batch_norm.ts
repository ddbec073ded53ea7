import { lines } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const batchNormConfig = cpuKernel('BatchNorm', ({ inputs: { x, mean, variance, weight, bias }, attrs: { eps, channelAxis } }, cpu) => {
  const xv = cpu.floats(x);
  const mv = cpu.floats(mean);
  const vv = cpu.floats(variance);
  const w = weight && cpu.floats(weight);
  const b = bias && cpu.floats(bias);
  const { outer, length: channels, inner } = lines(x.shape, channelAxis);
  const { info, out } = cpu.allocFloat(x.shape);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const scale = (w ? w[c]! : 1) / Math.sqrt(vv[c]! + eps);
      const shift = (b ? b[c]! : 0) - mv[c]! * scale;
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = xv[base + i]! * scale + shift;
    }
  }
  return info;
});
