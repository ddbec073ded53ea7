import { lines } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

export const argMaxConfig = cpuKernel('ArgMax', ({ inputs: { x }, attrs: { axis, keepDims } }, cpu) => {
  const xv = cpu.values(x);
  const { outer, length, inner } = lines(x.shape, axis);
  const outShape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  const { info, out } = cpu.alloc(outShape, 'int32');
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let best = 0;
      let bestV = xv[base]!;
      for (let k = 1; k < length; k++) {
        const v = xv[base + k * inner]!;
        if (bestV === bestV && (v > bestV || v !== v)) { // first NaN wins, as in PyTorch
          best = k;
          bestV = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
  return info;
});
