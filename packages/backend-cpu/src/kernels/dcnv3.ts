import { cpuKernel } from '../cpu_backend.js';

/**
 * DCNv3 core operator, docs/internimage.md#the-dcnv3-operator. For each output pixel, group and sampling point the
 * location and its bilinear corner weights are computed once, then applied to the group's D channels.
 */
export const dcnv3Config = cpuKernel('DCNv3', ({ inputs: { value, offset, mask }, attrs: g }, cpu) => {
  const v = cpu.floats(value);
  const off = cpu.floats(offset);
  const m = cpu.floats(mask);
  const { inH: H, inW: W, groupChannels: D, points: P } = g;
  const C = g.group * D;
  const aH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2);
  const aW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2);
  const centreI = Math.floor(g.kernelW / 2);
  const centreJ = Math.floor(g.kernelH / 2);
  const acc = new Float64Array(D);
  const { info, out } = cpu.allocFloat(g.outShape);
  for (let n = 0; n < g.batch; n++) {
    const image = n * H * W * C;
    for (let ho = 0; ho < g.outH; ho++) {
      for (let wo = 0; wo < g.outW; wo++) {
        const pixel = (n * g.outH + ho) * g.outW + wo;
        for (let grp = 0; grp < g.group; grp++) {
          acc.fill(0);
          let p = 0;
          // Points in x-outer order: i walks kernel columns, j kernel rows.
          for (let i = 0; i < g.kernelW; i++) {
            for (let j = 0; j < g.kernelH; j++) {
              if (g.removeCenter && i === centreI && j === centreJ) continue;
              const k = (pixel * g.group + grp) * P + p++;
              const x = wo * g.strideW - g.padW + aW + (i * g.dilationW - aW + off[2 * k]!) * g.offsetScale;
              const y = ho * g.strideH - g.padH + aH + (j * g.dilationH - aH + off[2 * k + 1]!) * g.offsetScale;
              if (!(y > -1 && x > -1 && y < H && x < W)) continue;
              const y0 = Math.floor(y);
              const x0 = Math.floor(x);
              const ly = y - y0;
              const lx = x - x0;
              const weight = m[k]!;
              // Corners outside the image count as zero.
              const corners: Array<[number, number, number]> = [
                [y0, x0, (1 - ly) * (1 - lx)], [y0, x0 + 1, (1 - ly) * lx],
                [y0 + 1, x0, ly * (1 - lx)], [y0 + 1, x0 + 1, ly * lx],
              ];
              for (const [r, c, w] of corners) {
                if (r < 0 || r >= H || c < 0 || c >= W) continue;
                const base = image + (r * W + c) * C + grp * D;
                for (let d = 0; d < D; d++) acc[d]! += weight * w * v[base + d]!;
              }
            }
          }
          for (let d = 0; d < D; d++) out[pixel * C + grp * D + d] = acc[d]!;
        }
      }
    }
  }
  return info;
});
