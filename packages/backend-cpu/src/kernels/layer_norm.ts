import { cpuKernel } from '../cpu_backend.js';

export const layerNormConfig = cpuKernel('LayerNorm', ({ inputs: { x, weight, bias }, attrs: { eps } }, cpu) => {
  const xv = cpu.floats(x);
  const w = weight && cpu.floats(weight);
  const b = bias && cpu.floats(bias);
  const c = x.shape[x.shape.length - 1]!;
  const { info, out } = cpu.allocFloat(x.shape);
  for (let base = 0; base < xv.length; base += c) {
    let mean = 0;
    for (let k = 0; k < c; k++) mean += xv[base + k]!;
    mean /= c;
    let variance = 0;
    for (let k = 0; k < c; k++) variance += (xv[base + k]! - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / c + eps);
    for (let k = 0; k < c; k++) {
      out[base + k] = (xv[base + k]! - mean) * inv * (w ? w[k]! : 1) + (b ? b[k]! : 0);
    }
  }
  return info;
});
