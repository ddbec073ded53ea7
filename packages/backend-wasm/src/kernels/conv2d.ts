import { cpuKernel, imageStrides } from '@internimage/backend-cpu';
import { gemm, packTransposed } from '../gemm.js';
import { packedFor } from '../weights_cache.js';
import { depthwiseNHWC, isSimdDepthwise } from './depthwise.js';
import { reference } from './reference.js';

const referenceConv2d = reference('Conv2D');

/**
 * Convolution as GEMM: each group's input patches (im2col, zero padding included) times its weights. Depthwise
 * convolutions have nothing to gain from GEMM: NHWC stride-1 ones (the DCNv3 offset branch) take a WASM SIMD kernel,
 * others the reference loop.
 */
export const conv2dConfig = cpuKernel('Conv2D', (args, be) => {
  const { inputs: { x, weight, bias }, attrs: g } = args;
  const inPerGroup = g.inChannels / g.groups;
  if (isSimdDepthwise(g)) {
    const { info, out } = be.allocFloat(g.outShape);
    depthwiseNHWC(be.floats(x), be.floats(weight), bias ? be.floats(bias) : undefined, g, out);
    return info;
  }
  if (inPerGroup === 1 && g.groups > 1) return referenceConv2d(args);
  const xv = be.floats(x);
  const xs = imageStrides(g.dataFormat, g.inChannels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.outChannels, g.outH, g.outW);
  const outPerGroup = g.outChannels / g.groups;
  const patch = inPerGroup * g.kH * g.kW;
  const rows = g.batch * g.outH * g.outW;
  const { info, out } = be.allocFloat(g.outShape);
  const cols = new Float32Array(rows * patch);
  const result = new Float32Array(rows * outPerGroup);
  const bv = bias ? be.floats(bias) : undefined;
  const wv = be.floats(weight);
  for (let grp = 0; grp < g.groups; grp++) {
    // Patch column q = (ky·kW + kx)·inPerGroup + ci; weights reordered to match, as B[patch × outPerGroup].
    const w = packedFor(weight.dataId, `conv ${g.groups}`, () => packAll(wv, g.outChannels, inPerGroup, g.kH, g.kW, g.groups))[grp]!;
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
    gemm(cols, w, result, rows, outPerGroup, patch);
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
  return info;
}, 'wasm');

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
