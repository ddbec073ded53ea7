import { bilinearTaps } from '@internimage/core';
import { wasmKernel } from '../wasm_backend.js';

/**
 * Separable bilinear resize: each input row an output row needs is interpolated along the width once (into one of
 * two row buffers, reused while consecutive output rows read it), then output rows blend two such rows. A row is
 * outW pixels of `inner` contiguous values: one plane of an NCHW image at a time (inner 1), or a whole NHWC image
 * (inner = channels).
 */
export const resizeBilinearConfig = wasmKernel('ResizeBilinear', ({ inputs: { x }, attrs: g }, be) => {
  const xv = be.floats(x);
  const { info, out } = be.allocFloat(g.outShape);
  const rowsTap = bilinearTaps(g.inH, g.outH, g.scaleH, g.alignCorners, Float32Array);
  const colsTap = bilinearTaps(g.inW, g.outW, g.scaleW, g.alignCorners, Float32Array);
  const nchw = g.dataFormat === 'NCHW';
  const inner = nchw ? 1 : g.channels;
  const planes = nchw ? g.batch * g.channels : g.batch;
  const inRow = g.inW * inner;
  const outRow = g.outW * inner;
  const buffers = [new Float32Array(outRow), new Float32Array(outRow)];
  const held = [-1, -1];
  const rowOf = (plane: number, y: number): Float32Array => {
    const slot = held[0] === y ? 0 : held[1] === y ? 1 : -1;
    if (slot >= 0) return buffers[slot]!;
    // Replace the buffer holding the lower row: output rows read input rows in increasing order.
    const s = held[0]! < held[1]! ? 0 : 1;
    const buf = buffers[s]!;
    const src = plane * g.inH * inRow + y * inRow;
    for (let ox = 0; ox < g.outW; ox++) {
      const a = src + colsTap.i0[ox]! * inner;
      const b = src + colsTap.i1[ox]! * inner;
      const l = colsTap.lambda[ox]!;
      for (let c = 0, o = ox * inner; c < inner; c++, o++) buf[o] = (1 - l) * xv[a + c]! + l * xv[b + c]!;
    }
    held[s] = y;
    return buf;
  };
  for (let p = 0; p < planes; p++) {
    held[0] = held[1] = -1;
    for (let oy = 0; oy < g.outH; oy++) {
      const top = rowOf(p, rowsTap.i0[oy]!);
      const bottom = rowOf(p, rowsTap.i1[oy]!);
      const l = rowsTap.lambda[oy]!;
      const dst = (p * g.outH + oy) * outRow;
      for (let i = 0; i < outRow; i++) out[dst + i] = (1 - l) * top[i]! + l * bottom[i]!;
    }
  }
  return info;
});
