import type { Conv2DInfo } from '@internimage/core';
import { depthwiseModule } from '../depthwise_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { addressOf, heap, ownedFloats, withScratch } from '../heap.js';
import { runParts, splitWork } from '../threads.js';

type Depthwise = (...args: number[]) => void;
/** Output pixels per thread below which a call stays on one thread. */
const PIXELS_PER_THREAD = 256;
/** One generated kernel per tap count (kH·kW). */
const instances = new Map<number, WasmKernel<{ depthwise: Depthwise }>>();

/** Depthwise (one filter per channel), NHWC, stride 1, channels a multiple of 4: the DCNv3 offset branch. */
export function isSimdDepthwise(g: Conv2DInfo): boolean {
  return g.dataFormat === 'NHWC' && g.groups === g.inChannels && g.outChannels === g.inChannels &&
    g.strideH === 1 && g.strideW === 1 && g.inChannels % 4 === 0;
}

/** OIHW depthwise weights chunk-major ([C/4][taps][4]) in a heap block of their own (cache it per weight buffer). */
export function packDepthwise(w: Float32Array, channels: number, taps: number): { data: Float32Array } {
  const packed = ownedFloats(channels * taps);
  for (let c = 0; c < channels; c++) for (let t = 0; t < taps; t++) packed.data[((c >> 2) * taps + t) * 4 + (c & 3)] = w[c * taps + t]!;
  return packed;
}

/**
 * The input is copied with a zero border into a scratch block (pad, in WASM), so the kernel never checks bounds; then
 * the kernel computes every output vector of 4 channels, with the tap offsets from a table. Rows split between threads.
 */
export function depthwiseNHWC(
  x: Float32Array, packedWeights: { data: Float32Array }, bias: Float32Array | undefined, g: Conv2DInfo, out: Float32Array,
): void {
  const C = g.inChannels;
  const taps = g.kH * g.kW;
  let instance = instances.get(taps);
  if (!instance) instances.set(taps, instance = instantiate(depthwiseModule(taps)));
  // Padded extent: every tap of every output pixel must land inside.
  const hp = g.outH + g.dilationH * (g.kH - 1);
  const wp = g.outW + g.dilationW * (g.kW - 1);
  const xBytes = g.batch * hp * wp * C * 4;
  const tableBytes = Math.ceil(taps / 16) * 64;
  withScratch(xBytes + tableBytes + (bias ? 0 : C * 4), (px) => {
    const ptable = px + xBytes;
    const table = heap().ints(ptable, taps);
    for (let ky = 0; ky < g.kH; ky++) {
      for (let kx = 0; kx < g.kW; kx++) table[ky * g.kW + kx] = (ky * g.dilationH * wp + kx * g.dilationW) * C * 4;
    }
    let pb = ptable + tableBytes;
    if (bias) pb = addressOf(bias);
    else heap().floats(pb, C).fill(0);
    runParts(instance!, 'pad', splitWork(g.batch * hp, PIXELS_PER_THREAD / wp).map(([r0, nr]) =>
      [addressOf(x), px, r0, nr, hp, wp, g.inH, g.inW, C, g.padTop, g.padLeft]));
    const rowBytes = g.outW * C * 4;
    runParts(instance!, 'depthwise', splitWork(g.batch * g.outH, PIXELS_PER_THREAD / g.outW).map(([r0, nr]) =>
      [px, addressOf(packedWeights.data), pb, addressOf(out) + r0 * rowBytes, r0, nr, g.outH, g.outW, C, hp, wp, ptable]));
  });
}
