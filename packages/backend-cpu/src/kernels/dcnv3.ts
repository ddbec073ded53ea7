import type { KernelConfig } from '@internimage/core';
import { asCpu } from '../cpu_backend.js';

/**
 * Bilinear sample of channel `ch` of image `n` at (y, x) in input pixel coordinates, with zero padding per corner
 * and zero outside (−1, H) × (−1, W) (internimage-spec.md §2.3, bilinear0).
 */
function bilinear0(
  v: Float32Array, base: number, h: number, w: number, channels: number, y: number, x: number,
): number {
  if (!(y > -1 && x > -1 && y < h && x < w)) return 0;
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const ly = y - y0;
  const lx = x - x0;
  const at = (r: number, c: number) => (r >= 0 && r < h && c >= 0 && c < w ? v[base + (r * w + c) * channels]! : 0);
  return (1 - ly) * (1 - lx) * at(y0, x0) + (1 - ly) * lx * at(y0, x0 + 1) +
    ly * (1 - lx) * at(y0 + 1, x0) + ly * lx * at(y0 + 1, x0 + 1);
}

export const dcnv3Config: KernelConfig<'DCNv3'> = {
  kernelName: 'DCNv3',
  backendName: 'cpu',
  kernelFunc: ({ inputs: { value, offset, mask }, attrs: g, backend }) => {
    const cpu = asCpu(backend);
    const v = cpu.floats(value);
    const off = cpu.floats(offset);
    const m = cpu.floats(mask);
    const channels = g.group * g.groupChannels;
    const P = g.points;
    const aH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2);
    const aW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2);
    const centreI = Math.floor(g.kernelW / 2);
    const centreJ = Math.floor(g.kernelH / 2);
    const { info, out } = cpu.allocFloat(g.outShape);
    for (let n = 0; n < g.batch; n++) {
      for (let ho = 0; ho < g.outH; ho++) {
        for (let wo = 0; wo < g.outW; wo++) {
          const pixel = (n * g.outH + ho) * g.outW + wo;
          for (let grp = 0; grp < g.group; grp++) {
            for (let c = 0; c < g.groupChannels; c++) {
              const ch = grp * g.groupChannels + c;
              let acc = 0;
              let p = 0;
              // Points in x-outer order: i walks kernel columns, j kernel rows.
              for (let i = 0; i < g.kernelW; i++) {
                for (let j = 0; j < g.kernelH; j++) {
                  if (g.removeCenter && i === centreI && j === centreJ) continue;
                  const k = grp * P + p;
                  const dx = off[pixel * g.group * P * 2 + 2 * k]!;
                  const dy = off[pixel * g.group * P * 2 + 2 * k + 1]!;
                  const x = wo * g.strideW - g.padW + aW + (i * g.dilationW - aW + dx) * g.offsetScale;
                  const y = ho * g.strideH - g.padH + aH + (j * g.dilationH - aH + dy) * g.offsetScale;
                  const sample = bilinear0(v, n * g.inH * g.inW * channels + ch, g.inH, g.inW, channels, y, x);
                  acc += m[pixel * g.group * P + k]! * sample;
                  p++;
                }
              }
              out[pixel * channels + ch] = acc;
            }
          }
        }
      }
    }
    return info;
  },
};
