import { wasmKernel } from '../wasm_backend.js';
import { dcnv3Module } from '../dcnv3_kernel.js';
import { DCNV3_SAMPLE_FLOAT_ARGS, dcnv3SampleModule } from '../dcnv3_sample_kernel.js';
import { addressOf, heap, withAddress, withScratch } from '../heap.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { runParts, splitWork } from '../threads.js';
import { reference } from './reference.js';

type Accumulate = (pairs: number, rows: number, perRow: number, vBase: number, out: number) => void;
type Sample = (...args: number[]) => void;
/** One generated accumulation kernel per channels-per-group D. */
const accumulators = new Map<number, WasmKernel<{ dcnv3_accumulate: Accumulate }>>();
let sampler: WasmKernel<{ dcnv3_sample: Sample }> | undefined;
const referenceDcnv3 = reference('DCNv3');
/** (pixel, group) rows, and output pixels, per thread below which a call stays on one thread. */
const ROWS_PER_THREAD = 256;
const PIXELS_PER_THREAD = 128;
const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/**
 * DCNv3 (internimage-spec.md §2.3) in two WASM SIMD kernels: the sampler turns each (pixel, group, point) into four
 * (corner offset, bilinear weight × mask) pairs — zero where the corner lies outside the image — in a scratch block,
 * four points at a time; the accumulator sums each (pixel, group)'s weighted channel rows. Needs D % 4 = 0 (every
 * InternImage variant has D = 16 or 32); other shapes use the reference kernel.
 */
export const dcnv3Config = wasmKernel('DCNv3', (args, be) => {
  const { inputs: { value, offset, mask }, attrs: g } = args;
  if (g.groupChannels % 4 !== 0) return referenceDcnv3(args);
  const { inH: H, inW: W, groupChannels: D, points: P, group: G } = g;
  const C = G * D;
  const aH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2);
  const aW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2);
  // Per point of a pixel (group-major): gx, gy (the reference's point order: kernel columns outer, rows inner,
  // centre removed if asked) and the group's channel offset in bytes; each table padded to a multiple of 4 points.
  const GP = G * P;
  const GP4 = roundUp(GP, 4);
  const pixels = g.batch * g.outH * g.outW;
  const { info, out } = be.allocFloat(g.outShape);
  let accumulator = accumulators.get(D);
  if (!accumulator) accumulators.set(D, accumulator = instantiate(dcnv3Module(D)));
  sampler ??= instantiate(() => dcnv3SampleModule());
  // The sampler's last vector per pixel may read and write 3 points past the pixel (see dcnv3_sample_kernel.ts).
  const pairsBytes = (pixels * GP + 3) * 32;
  const padded = GP === GP4 ? 0 : 3;
  withScratch(3 * GP4 * 4 + pairsBytes, (tables) => {
    const gx = heap().floats(tables, GP4);
    const gy = heap().floats(tables + GP4 * 4, GP4);
    const channel = heap().ints(tables + 2 * GP4 * 4, GP4);
    let q = 0;
    for (let grp = 0; grp < G; grp++) {
      for (let i = 0; i < g.kernelW; i++) {
        for (let j = 0; j < g.kernelH; j++) {
          if (g.removeCenter && i === Math.floor(g.kernelW / 2) && j === Math.floor(g.kernelH / 2)) continue;
          gx[q] = i * g.dilationW - aW;
          gy[q] = j * g.dilationH - aH;
          channel[q++] = grp * D * 4;
        }
      }
    }
    gx.fill(0, q);
    gy.fill(0, q);
    channel.fill(0, q);
    const pairs = tables + 3 * GP4 * 4;
    const off = be.floats(offset);
    const m = be.floats(mask);
    // Output rows split between threads only when no vector runs past a pixel (it would write into the next part).
    const rows = g.batch * g.outH;
    const parts = GP === GP4 ? splitWork(rows, PIXELS_PER_THREAD / g.outW) : [[0, rows] as [number, number]];
    const perRow = g.outW * GP;
    withAddress(off, (poff) => withAddress(m, (pmask) => {
      runParts(sampler!, 'dcnv3_sample', parts.map(([r0, nr]) => [poff + r0 * perRow * 8, pmask + r0 * perRow * 4,
        pairs + r0 * perRow * 32, r0, nr, g.outH, g.outW, H, W, C * 4, GP, aH - g.padH, aW - g.padW, g.strideH, g.strideW,
        tables, g.offsetScale]), DCNV3_SAMPLE_FLOAT_ARGS);
    }, m.length + padded), off.length + 2 * padded);
    withAddress(be.floats(value), (pv) => runParts(accumulator!, 'dcnv3_accumulate', splitWork(pixels * G, ROWS_PER_THREAD).map(([r0, nr]) =>
      [pairs + r0 * P * 4 * 8, nr, P * 4, pv, addressOf(out) + r0 * D * 4])));
  });
  return info;
});
