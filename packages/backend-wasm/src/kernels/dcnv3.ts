import { cpuKernel } from '@internimage/backend-cpu';

/**
 * DCNv3 (internimage-spec.md §2.3) without per-sample allocations: for each output pixel, group and point the
 * location and the four corner weights (already multiplied by the mask) are computed once, then each in-image
 * corner adds its D contiguous channels into a float32 accumulator row.
 */
export const dcnv3Config = cpuKernel('DCNv3', ({ inputs: { value, offset, mask }, attrs: g }, be) => {
  const v = be.floats(value);
  const off = be.floats(offset);
  const m = be.floats(mask);
  const { inH: H, inW: W, groupChannels: D, points: P, group: G } = g;
  const C = G * D;
  const aH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2);
  const aW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2);
  const centreI = Math.floor(g.kernelW / 2);
  const centreJ = Math.floor(g.kernelH / 2);
  const { info, out } = be.allocFloat(g.outShape);
  out.fill(0);
  // Grid offsets of the points in x-outer order, before scaling.
  const gx: number[] = [];
  const gy: number[] = [];
  for (let i = 0; i < g.kernelW; i++) {
    for (let j = 0; j < g.kernelH; j++) {
      if (g.removeCenter && i === centreI && j === centreJ) continue;
      gx.push(i * g.dilationW - aW);
      gy.push(j * g.dilationH - aH);
    }
  }
  const s = g.offsetScale;
  for (let n = 0; n < g.batch; n++) {
    const image = n * H * W * C;
    for (let ho = 0; ho < g.outH; ho++) {
      const y0base = ho * g.strideH - g.padH + aH;
      for (let wo = 0; wo < g.outW; wo++) {
        const x0base = wo * g.strideW - g.padW + aW;
        const pixel = (n * g.outH + ho) * g.outW + wo;
        const outRow = pixel * C;
        for (let grp = 0; grp < G; grp++) {
          const dst = outRow + grp * D;
          const chan = image + grp * D;
          for (let p = 0; p < P; p++) {
            const k = (pixel * G + grp) * P + p;
            const x = x0base + (gx[p]! + off[2 * k]!) * s;
            const y = y0base + (gy[p]! + off[2 * k + 1]!) * s;
            if (!(y > -1 && x > -1 && y < H && x < W)) continue;
            const yl = Math.floor(y);
            const xl = Math.floor(x);
            const ly = y - yl;
            const lx = x - xl;
            const w = m[k]!;
            const w00 = w * (1 - ly) * (1 - lx);
            const w01 = w * (1 - ly) * lx;
            const w10 = w * ly * (1 - lx);
            const w11 = w * ly * lx;
            const top = yl >= 0;
            const bottom = yl + 1 < H;
            const left = xl >= 0;
            const right = xl + 1 < W;
            const r0 = chan + (yl * W + xl) * C;
            const r1 = r0 + W * C;
            if (top && left) for (let d = 0; d < D; d++) out[dst + d]! += w00 * v[r0 + d]!;
            if (top && right) for (let d = 0; d < D; d++) out[dst + d]! += w01 * v[r0 + C + d]!;
            if (bottom && left) for (let d = 0; d < D; d++) out[dst + d]! += w10 * v[r1 + d]!;
            if (bottom && right) for (let d = 0; d < D; d++) out[dst + d]! += w11 * v[r1 + C + d]!;
          }
        }
      }
    }
  }
  return info;
}, 'wasm');
