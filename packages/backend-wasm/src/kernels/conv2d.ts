import { imageStrides } from '@internimage/backend-cpu/shared';
import { wasmKernel } from '../wasm_backend.js';
import type { Conv2DInfo } from '@internimage/core';
import { gemm, packTransposed } from '../gemm.js';
import { addressOf, heap, withScratch } from '../heap.js';
import { im2colModule } from '../im2col_kernel.js';
import { runParts, splitWork } from '../threads.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { packedFor } from '../weights_cache.js';
import { depthwiseNHWC, isSimdDepthwise, packDepthwise } from './depthwise.js';
import { reference } from './reference.js';

const referenceConv2d = reference('Conv2D');

/**
 * Convolution as GEMM: each group's input patches (im2col, zero padding included) times its weights. Depthwise
 * convolutions have nothing to gain from GEMM: NHWC stride-1 ones (the DCNv3 offset branch) take a WASM SIMD kernel,
 * others the reference loop.
 */
export const conv2dConfig = wasmKernel('Conv2D', (args, be) => {
  const { inputs: { x, weight, bias }, attrs: g } = args;
  const inPerGroup = g.inChannels / g.groups;
  if (isSimdDepthwise(g)) {
    const { info, out } = be.allocFloat(g.outShape);
    const packed = packedFor(weight.dataId, 'depthwise', () => packDepthwise(be.floats(weight), g.inChannels, g.kH * g.kW));
    depthwiseNHWC(be.floats(x), packed, bias ? be.floats(bias) : undefined, g, out);
    return info;
  }
  if (inPerGroup === 1 && g.groups > 1) return referenceConv2d(args);
  const xv = be.floats(x);
  const bv = bias ? be.floats(bias) : undefined;
  const wv = be.floats(weight);
  const weightsOf = (grp: number) =>
    packedFor(weight.dataId, `conv ${g.groups}`, () => packAll(wv, g.outChannels, inPerGroup, g.kH, g.kW, g.groups))[grp]!;
  const { info, out } = be.allocFloat(g.outShape);
  const rows = g.batch * g.outH * g.outW;
  const patch = inPerGroup * g.kH * g.kW;
  const outPerGroup = g.outChannels / g.groups;
  if (g.dataFormat === 'NHWC' && g.groups === 1) {
    // The output rows are GEMM rows (no scatter, and the bias is the GEMM's).
    withScratch(rows * patch * 4, (at) => {
      const cols = heap().floats(at, rows * patch);
      im2colNHWC(xv, g, cols);
      gemm(cols, weightsOf(0), out, rows, g.outChannels, patch, bv);
    });
    return info;
  }
  const colsBytes = Math.ceil((rows * patch * 4) / 64) * 64;
  withScratch(colsBytes + rows * outPerGroup * 4, (at) => {
    const cols = heap().floats(at, rows * patch);
    const xs = imageStrides(g.dataFormat, g.inChannels, g.inH, g.inW);
    const os = imageStrides(g.dataFormat, g.outChannels, g.outH, g.outW);
    const result = heap().floats(at + colsBytes, rows * outPerGroup);
    for (let grp = 0; grp < g.groups; grp++) {
      // Patch column q = (ky·kW + kx)·inPerGroup + ci; weights reordered to match, as B[patch × outPerGroup].
      let r = 0;
      for (let n = 0; n < g.batch; n++) {
        for (let oy = 0; oy < g.outH; oy++) {
          for (let ox = 0; ox < g.outW; ox++, r++) {
            let q = r * patch;
            for (let ky = 0; ky < g.kH; ky++) {
              const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
              for (let kx = 0; kx < g.kW; kx++) {
                const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
                const inside = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW;
                const base = n * xs.n + (grp * inPerGroup) * xs.c + iy * xs.h + ix * xs.w;
                for (let ci = 0; ci < inPerGroup; ci++) cols[q++] = inside ? xv[base + ci * xs.c]! : 0;
              }
            }
          }
        }
      }
      gemm(cols, weightsOf(grp), result, rows, outPerGroup, patch);
      r = 0;
      for (let n = 0; n < g.batch; n++) {
        for (let oy = 0; oy < g.outH; oy++) {
          for (let ox = 0; ox < g.outW; ox++, r++) {
            const dst = n * os.n + oy * os.h + ox * os.w;
            for (let o = 0; o < outPerGroup; o++) {
              const oc = grp * outPerGroup + o;
              out[dst + oc * os.c] = result[r * outPerGroup + o]! + (bv ? bv[oc]! : 0);
            }
          }
        }
      }
    }
  });
  return info;
});

let im2col: WasmKernel<unknown> | undefined;

/** Patch rows (ky, kx, ci) of an NHWC input, one per output pixel, by the WASM kernel (pixels split between threads). */
function im2colNHWC(xv: Float32Array, g: Conv2DInfo, cols: Float32Array): void {
  const kernel = (im2col ??= instantiate(im2colModule));
  const x = addressOf(xv);
  const patchBytes = g.kH * g.kW * g.inChannels * 4;
  const geometry = [g.outH, g.outW, g.inChannels, g.inH, g.inW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft,
    g.dilationH, g.dilationW];
  runParts(kernel, 'im2col', splitWork(g.batch * g.outH * g.outW, 64).map(([p0, pixels]) =>
    [x, addressOf(cols) + p0 * patchBytes, p0, pixels, ...geometry]));
}

/** Per group: B[(ky, kx, ci) × o] from OIHW weights. */
function packAll(w: Float32Array, outC: number, inPerGroup: number, kH: number, kW: number, groups: number) {
  const outPerGroup = outC / groups;
  const patch = inPerGroup * kH * kW;
  return Array.from({ length: groups }, (_, grp) => {
    // As a "linear weight" [outPerGroup × patch] with the patch order above, then transposed and padded.
    const lin = new Float32Array(outPerGroup * patch);
    for (let o = 0; o < outPerGroup; o++) {
      for (let ky = 0; ky < kH; ky++) {
        for (let kx = 0; kx < kW; kx++) {
          for (let ci = 0; ci < inPerGroup; ci++) {
            lin[o * patch + (ky * kW + kx) * inPerGroup + ci] = w[(((grp * outPerGroup + o) * inPerGroup + ci) * kH + ky) * kW + kx]!;
          }
        }
      }
    }
    return packTransposed(lin, outPerGroup, patch);
  });
}
