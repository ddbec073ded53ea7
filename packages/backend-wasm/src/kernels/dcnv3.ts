import { cpuKernel } from '@internimage/backend-cpu';
import { dcnv3Module } from '../dcnv3_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate, reserve } from '../wasm_runtime.js';
import { reference } from './reference.js';

type Accumulate = (pairs: number, rows: number, perRow: number, d: number, vBase: number, out: number) => void;
let instance: WasmKernel<{ dcnv3_accumulate: Accumulate }> | undefined;
const referenceDcnv3 = reference('DCNv3');

/**
 * DCNv3 (internimage-spec.md §2.3). For each output pixel, group and point, the sampled location gives four
 * (corner, weight) pairs — bilinear weight × mask, zero where the corner lies outside the image — written straight
 * into the kernel's memory; the WASM kernel then sums the weighted channel rows with SIMD. Needs D % 4 = 0 (every
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
  instance ??= instantiate(dcnv3Module);
  const { memory, exports: { dcnv3_accumulate: accumulate } } = instance;
  const pairsBytes = rows * P * 4 * 8;
  const vBase = pairsBytes;
  const outBase = vBase + v.byteLength;
  reserve(memory, outBase + out.byteLength);
  const ints = new Int32Array(memory.buffer, 0, pairsBytes / 4);
  const weights = new Float32Array(memory.buffer, 0, pairsBytes / 4);
  new Float32Array(memory.buffer, vBase, v.length).set(v);
  const s = g.offsetScale;
  let q = 0;
  for (let n = 0; n < g.batch; n++) {
    const image = n * H * W * C;
    for (let ho = 0; ho < g.outH; ho++) {
      for (let wo = 0; wo < g.outW; wo++) {
        const pixel = (n * g.outH + ho) * g.outW + wo;
        for (let grp = 0; grp < G; grp++) {
          const chan = image + grp * D;
          for (let p = 0; p < P; p++, q += 8) {
            const k = (pixel * G + grp) * P + p;
            const x = wo * g.strideW - g.padW + aW + (gx[p]! + off[2 * k]!) * s;
            const y = ho * g.strideH - g.padH + aH + (gy[p]! + off[2 * k + 1]!) * s;
            const inside = y > -1 && x > -1 && y < H && x < W;
            const yl = Math.floor(y);
            const xl = Math.floor(x);
            const ly = y - yl;
            const lx = x - xl;
            const w = inside ? m[k]! : 0;
            corner(ints, weights, q, yl, xl, w * (1 - ly) * (1 - lx), H, W, C, chan);
            corner(ints, weights, q + 2, yl, xl + 1, w * (1 - ly) * lx, H, W, C, chan);
            corner(ints, weights, q + 4, yl + 1, xl, w * ly * (1 - lx), H, W, C, chan);
            corner(ints, weights, q + 6, yl + 1, xl + 1, w * ly * lx, H, W, C, chan);
          }
        }
      }
    }
  }
  accumulate(0, rows, P * 4, D, vBase, outBase);
  out.set(new Float32Array(memory.buffer, outBase, out.length));
  return info;
}, 'wasm');

/** One (byte offset, weight) pair; corners outside the image (or with zero weight) point at element 0 with weight 0. */
function corner(ints: Int32Array, weights: Float32Array, at: number, r: number, c: number, w: number, H: number, W: number, C: number, chan: number): void {
  const inside = w !== 0 && r >= 0 && r < H && c >= 0 && c < W;
  ints[at] = inside ? (chan + (r * W + c) * C) * 4 : 0;
  weights[at + 1] = inside ? w : 0;
}
