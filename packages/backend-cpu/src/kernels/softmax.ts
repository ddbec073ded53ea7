import { lines } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const softmaxConfig = cpuKernel('Softmax', ({ inputs: { x }, attrs: { axis } }, cpu) => {
  const xv = cpu.floats(x);
  const { outer, length, inner } = lines(x.shape, axis);
  const { info, out } = cpu.allocFloat(x.shape);
  const e = new Float64Array(length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let m = -Infinity;
      for (let k = 0; k < length; k++) m = Math.max(m, xv[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < length; k++) s += e[k] = Math.exp(xv[base + k * inner]! - m);
      for (let k = 0; k < length; k++) out[base + k * inner] = e[k]! / s;
    }
  }
  return info;
});
