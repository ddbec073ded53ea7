import { cpuKernel } from '../cpu_backend.js';
import { imageStrides } from '../layout.js';

/** The two source indices and the weight of the second, per output index along one axis (PyTorch's arithmetic). */
export function bilinearTaps(inSize: number, outSize: number, scale: number, alignCorners: boolean) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const lambda = new Float64Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners ? d * scale : Math.max((d + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = Math.min(lo + 1, inSize - 1);
    lambda[d] = src - lo;
  }
  return { i0, i1, lambda };
}

export const resizeBilinearConfig = cpuKernel('ResizeBilinear', ({ inputs: { x }, attrs: g }, cpu) => {
  const xv = cpu.floats(x);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const rows = bilinearTaps(g.inH, g.outH, g.scaleH, g.alignCorners);
  const cols = bilinearTaps(g.inW, g.outW, g.scaleW, g.alignCorners);
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const base = n * xs.n + c * xs.c;
      for (let oy = 0; oy < g.outH; oy++) {
        const r0 = base + rows.i0[oy]! * xs.h;
        const r1 = base + rows.i1[oy]! * xs.h;
        const ly = rows.lambda[oy]!;
        for (let ox = 0; ox < g.outW; ox++) {
          const c0 = cols.i0[ox]! * xs.w;
          const c1 = cols.i1[ox]! * xs.w;
          const lx = cols.lambda[ox]!;
          const top = (1 - lx) * xv[r0 + c0]! + lx * xv[r0 + c1]!;
          const bottom = (1 - lx) * xv[r1 + c0]! + lx * xv[r1 + c1]!;
          out[n * os.n + c * os.c + oy * os.h + ox * os.w] = (1 - ly) * top + ly * bottom;
        }
      }
    }
  }
  return info;
});
