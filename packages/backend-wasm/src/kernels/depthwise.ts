import type { Conv2DInfo } from '@internimage/core';

/** Whether a convolution is depthwise over NHWC data (the DCNv3 offset branch), the case depthwiseNHWC handles. */
export function isDepthwiseNHWC(g: Conv2DInfo): boolean {
  return g.dataFormat === 'NHWC' && g.groups === g.inChannels && g.outChannels === g.inChannels;
}

/**
 * Depthwise convolution on NHWC data: for each output pixel and tap, one pass over the contiguous channels, which
 * the JIT turns into tight loops (the reference visits one channel at a time across all taps).
 */
export function depthwiseNHWC(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, g: Conv2DInfo, out: Float32Array): void {
  const C = g.inChannels;
  const taps = g.kH * g.kW;
  // Weights OIHW [C, 1, kH, kW] → per tap, a row of C.
  const wt = new Float32Array(taps * C);
  for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) wt[t * C + c] = w[c * taps + t]!;
  const acc = new Float32Array(C);
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        if (bias) acc.set(bias);
        else acc.fill(0);
        for (let ky = 0; ky < g.kH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix < 0 || ix >= g.inW) continue;
            const src = ((n * g.inH + iy) * g.inW + ix) * C;
            const wo = (ky * g.kW + kx) * C;
            for (let c = 0; c < C; c++) acc[c]! += x[src + c]! * wt[wo + c]!;
          }
        }
        out.set(acc, ((n * g.outH + oy) * g.outW + ox) * C);
      }
    }
  }
}

