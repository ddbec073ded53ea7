import { cpuKernel } from '@internimage/backend-cpu';
import { dcnv3Module } from '../dcnv3_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { addressOf, heap, withScratch } from '../heap.js';
import { reference } from './reference.js';

type Accumulate = (pairs: number, rows: number, perRow: number, vBase: number, out: number) => void;
/** One generated kernel per channels-per-group D. */
const instances = new Map<number, WasmKernel<{ dcnv3_accumulate: Accumulate }>>();
const referenceDcnv3 = reference('DCNv3');

/**
 * DCNv3 (internimage-spec.md §2.3). For each output pixel, group and point, the sampled location gives four
 * (corner, weight) pairs — bilinear weight × mask, zero where the corner lies outside the image — written into a
 * scratch block; the WASM kernel then sums the weighted channel rows with SIMD. Needs D % 4 = 0 (every
 * InternImage variant has D = 16 or 32); other shapes use the reference kernel.
 */
export const dcnv3Config = cpuKernel('DCNv3', (args, be) => {
  const { inputs: { value, offset, mask }, attrs: g } = args;
  if (g.groupChannels % 4 !== 0) return referenceDcnv3(args);
  const v = be.floats(value);
  const off = be.floats(offset);
  const m = be.floats(mask);
  const { inH: H, inW: W, groupChannels: D, points: P, group: G } = g;
  const C = G * D;
  const aH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2);
  const aW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2);
  const gx: number[] = [];
  const gy: number[] = [];
  for (let i = 0; i < g.kernelW; i++) {
    for (let j = 0; j < g.kernelH; j++) {
      if (g.removeCenter && i === Math.floor(g.kernelW / 2) && j === Math.floor(g.kernelH / 2)) continue;
      gx.push(i * g.dilationW - aW);
      gy.push(j * g.dilationH - aH);
    }
  }
  const rows = g.batch * g.outH * g.outW * G;
  const { info, out } = be.allocFloat(g.outShape);
  let instance = instances.get(D);
  if (!instance) instances.set(D, instance = instantiate(dcnv3Module(D)));
  const { dcnv3_accumulate: accumulate } = instance.exports;
  const pairsBytes = rows * P * 4 * 8;
  withScratch(pairsBytes, (pairs) => {
    const ints = heap().ints(pairs, pairsBytes / 4);
    const weights = heap().floats(pairs, pairsBytes / 4);
    const s = g.offsetScale;
    // Byte offsets of a pixel's row below and of the next pixel: corner (r, c) of the group is at chan·4 + r·rowBytes + c·C4.
    const C4 = C * 4;
    const rowBytes = W * C4;
    let q = 0;
    for (let n = 0; n < g.batch; n++) {
      for (let ho = 0; ho < g.outH; ho++) {
        const y0 = ho * g.strideH - g.padH + aH;
        for (let wo = 0; wo < g.outW; wo++) {
          const x0 = wo * g.strideW - g.padW + aW;
          const pixel = (n * g.outH + ho) * g.outW + wo;
          for (let grp = 0; grp < G; grp++) {
            const chan4 = (n * H * W * C + grp * D) * 4;
            for (let p = 0; p < P; p++, q += 8) {
              const k = (pixel * G + grp) * P + p;
              const x = x0 + (gx[p]! + off[2 * k]!) * s;
              const y = y0 + (gy[p]! + off[2 * k + 1]!) * s;
              const wm = m[k]!;
              const yl = Math.floor(y);
              const xl = Math.floor(x);
              const ly = y - yl;
              const lx = x - xl;
              const wTop = wm * (1 - ly);
              const wBottom = wm * ly;
              const at = chan4 + yl * rowBytes + xl * C4;
              if (yl >= 0 && xl >= 0 && yl + 1 < H && xl + 1 < W && wm !== 0) {
                // All four corners inside: the common case, without per-corner tests.
                ints[q] = at; weights[q + 1] = wTop * (1 - lx);
                ints[q + 2] = at + C4; weights[q + 3] = wTop * lx;
                ints[q + 4] = at + rowBytes; weights[q + 5] = wBottom * (1 - lx);
                ints[q + 6] = at + rowBytes + C4; weights[q + 7] = wBottom * lx;
                continue;
              }
              if (!(y > -1 && x > -1 && y < H && x < W) || wm === 0) {
                for (let t = 0; t < 8; t += 2) { ints[q + t] = 0; weights[q + t + 1] = 0; }
                continue;
              }
              const top = yl >= 0, bottom = yl + 1 < H, left = xl >= 0, right = xl + 1 < W;
              ints[q] = top && left ? at : 0;
              weights[q + 1] = top && left ? wTop * (1 - lx) : 0;
              ints[q + 2] = top && right ? at + C4 : 0;
              weights[q + 3] = top && right ? wTop * lx : 0;
              ints[q + 4] = bottom && left ? at + rowBytes : 0;
              weights[q + 5] = bottom && left ? wBottom * (1 - lx) : 0;
              ints[q + 6] = bottom && right ? at + rowBytes + C4 : 0;
              weights[q + 7] = bottom && right ? wBottom * lx : 0;
            }
          }
        }
      }
    }
    accumulate(pairs, rows, P * 4, addressOf(v), addressOf(out));
  });
  return info;
}, 'wasm');
