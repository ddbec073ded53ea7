import { cpuKernel } from '../cpu_backend.js';

export const pixelShuffleConfig = cpuKernel('PixelShuffle', ({ inputs: { x }, attrs: { upscale: r } }, cpu) => {
  const xv = cpu.values(x);
  const [n, cIn, h, w] = x.shape as [number, number, number, number];
  const c = cIn / (r * r);
  const { info, out } = cpu.alloc([n, c, h * r, w * r], x.dtype);
  let src = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < cIn; ch++) {
      const oc = Math.floor(ch / (r * r));
      const i = Math.floor(ch / r) % r;
      const j = ch % r;
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          out[((b * c + oc) * h * r + y * r + i) * w * r + xx * r + j] = xv[src++]!;
        }
      }
    }
  }
  return info;
});
