import type { Conv2DInfo } from '@internimage/core';
import { depthwiseModule } from '../depthwise_kernel.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { addressOf, heap, withScratch } from '../heap.js';
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

/**
 * The input is copied into a scratch block with a zero border (so the kernel never checks bounds), the OIHW
 * weights chunk-major ([C/4][taps][4]) with a table of tap offsets, then the WASM kernel computes every output
 * vector of 4 channels.
 */
export function depthwiseNHWC(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, g: Conv2DInfo, out: Float32Array): void {
  const C = g.inChannels;
  const taps = g.kH * g.kW;
  let instance = instances.get(taps);
  if (!instance) instances.set(taps, instance = instantiate(depthwiseModule(taps)));
  // Padded extent: every tap of every output pixel must land inside.
  const hp = g.outH + g.dilationH * (g.kH - 1);
  const wp = g.outW + g.dilationW * (g.kW - 1);
  const xBytes = g.batch * hp * wp * C * 4;
  const wBytes = taps * C * 4;
  withScratch(xBytes + wBytes + C * 4 + taps * 4, (px) => {
    const pw = px + xBytes;
    const pb = pw + wBytes;
    const ptable = pb + C * 4;
    const h = heap().floats(0, ptable / 4);
    h.fill(0, px / 4, (px + xBytes) / 4);
    for (let n = 0; n < g.batch; n++) {
      for (let y = 0; y < g.inH; y++) {
        const py = y + g.padTop;
        if (py < 0 || py >= hp) continue;
        const srcRow = ((n * g.inH + y) * g.inW) * C;
        const firstX = Math.max(0, -g.padLeft);
        const lastX = Math.min(g.inW, wp - g.padLeft);
        if (lastX <= firstX) continue;
        const dst = px / 4 + ((n * hp + py) * wp + firstX + g.padLeft) * C;
        h.set(x.subarray(srcRow + firstX * C, srcRow + lastX * C), dst);
      }
    }
    for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) h[pw / 4 + ((c >> 2) * taps + t) * 4 + (c & 3)] = w[c * taps + t]!;
    const table = heap().ints(ptable, taps);
    for (let ky = 0; ky < g.kH; ky++) {
      for (let kx = 0; kx < g.kW; kx++) table[ky * g.kW + kx] = (ky * g.dilationH * wp + kx * g.dilationW) * C * 4;
    }
    if (bias) h.set(bias, pb / 4);
    else h.fill(0, pb / 4, pb / 4 + C);
    const rowBytes = g.outW * C * 4;
    runParts(instance!, 'depthwise', splitWork(g.batch * g.outH, PIXELS_PER_THREAD / g.outW).map(([r0, nr]) =>
      [px, pw, pb, addressOf(out) + r0 * rowBytes, r0, nr, g.outH, g.outW, C, hp, wp, ptable]));
  });
}
