import { sizeOf } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';
import { geluErf } from '../math.js';

export const linearConfig = cpuKernel('Linear', ({ inputs: { x, weight, bias }, attrs: { activation } }, cpu) => {
  const xv = cpu.floats(x);
  const wv = cpu.floats(weight);
  const bv = bias && cpu.floats(bias);
  const [outF, inF] = weight.shape as [number, number];
  const rows = inF === 0 ? sizeOf(x.shape.slice(0, -1)) : xv.length / inF;
  const { info, out } = cpu.allocFloat([...x.shape.slice(0, -1), outF]);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let acc = bv ? bv[o]! : 0;
      for (let i = 0; i < inF; i++) acc += xv[r * inF + i]! * wv[o * inF + i]!;
      out[r * outF + o] = activation === 'gelu' ? geluErf(acc) : acc;
    }
  }
  return info;
});
