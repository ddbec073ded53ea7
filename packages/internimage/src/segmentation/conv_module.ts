// mmcv's ConvModule as the UPerHead uses it, on channels-last (NHWC) images: convolution without bias, inference
// BatchNorm (eps 1e-5), ReLU.
import type { Tensor } from '@internimage/core';
import {
  batchNorm, concat, conv2d, dispose, keep, linear, relu, reshape, slice, sum, tensor, tidy, transpose,
} from '@internimage/core';
import type { ParamsView } from '../layers/params_view.js';

/** What a k×k convolution needs to run as GEMM + shift: all taps stacked `[k²·out, in]`, and one-hot depthwise shifts. */
interface Prepared {
  /** Tap t = ky·k + kx in rows t·out … (t+1)·out − 1. */
  stacked: Tensor;
  /** `[k²·out, 1, k, k]`: channel t·out + o picks tap t (a shift by (ky − half, kx − half)). */
  shifts: Tensor | null;
}

/** The prepared forms of OIHW weights, computed once per weight tensor and kept until dispose(). */
export class ConvTaps {
  private readonly cache = new Map<Tensor, Prepared>();

  of(weight: Tensor): Prepared {
    let prepared = this.cache.get(weight);
    if (!prepared) {
      const [o, i, kh, kw] = weight.shape as [number, number, number, number];
      const taps = kh * kw;
      // Kept out of the enclosing tidy scopes: they live as long as the cache.
      const stacked = keep(tidy(() => reshape(transpose(weight, [2, 3, 0, 1]), [taps * o, i])));
      let shifts: Tensor | null = null;
      if (taps > 1) {
        const oneHot = new Float32Array(taps * o * taps);
        for (let c = 0; c < taps * o; c++) oneHot[c * taps + Math.floor(c / o)] = 1;
        shifts = keep(tensor(oneHot, [taps * o, 1, kh, kw]));
      }
      prepared = { stacked, shifts };
      this.cache.set(weight, prepared);
    }
    return prepared;
  }

  dispose(): void {
    for (const p of this.cache.values()) dispose(p.stacked, p.shifts ?? undefined);
    this.cache.clear();
  }
}

/** Bound on the per-tap products of one band (k²·out values per pixel; 2.4 GB for the fpn_bottleneck at 512×2048). */
const MAX_PRODUCT_BYTES = 256 * 2 ** 20;

/**
 * A 'same'-padded k×k convolution (stride 1) of an NHWC image without a patch matrix (im2col would hold k²·in values
 * per pixel: 1.2 GB for the fpn_bottleneck of a 512×512 image): one GEMM gives every tap's products per pixel
 * (k²·out channels, K = in), a depthwise convolution with one-hot kernels moves each tap's block to where it
 * contributes, and a sum over the k² blocks finishes it.
 */
export function convSame(x: Tensor, weight: Tensor, taps: ConvTaps, maxProductBytes = MAX_PRODUCT_BYTES): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [o, , k] = weight.shape as [number, number, number, number];
  const { stacked, shifts } = taps.of(weight);
  if (!shifts) return linear(x, stacked);
  const run = (band: Tensor, rows: number) => tidy(() => {
    const products = linear(band, stacked);
    const moved = conv2d(products, shifts, { padding: (k - 1) / 2, groups: k * k * o, dataFormat: 'NHWC' });
    return sum(reshape(moved, [n, rows, w, k * k, o]), { axis: 3 });
  });
  const bandRows = Math.max(1, Math.floor(maxProductBytes / (n * w * k * k * o * 4)));
  if (bandRows >= h) return run(x, h);
  // Row bands with a halo of (k − 1)/2 rows each side; the halo's output rows are dropped.
  const half = (k - 1) / 2;
  const parts: Tensor[] = [];
  try {
    for (let y0 = 0; y0 < h; y0 += bandRows) {
      const y1 = Math.min(y0 + bandRows, h);
      const top = Math.max(y0 - half, 0);
      const bottom = Math.min(y1 + half, h);
      parts.push(tidy(() => {
        const out = run(slice(x, [0, top, 0, 0], [n, bottom - top, w, c]), bottom - top);
        return slice(out, [0, y0 - top, 0, 0], [n, y1 - y0, w, o]);
      }));
    }
    return concat(parts, 1);
  } finally {
    dispose(...parts);
  }
}

/** conv → bn → relu with the weights under `p` (`<p>.conv.weight`, `<p>.bn.*`). */
export function convModule(p: ParamsView, x: Tensor, taps: ConvTaps): Tensor {
  return tidy(() => {
    const y = convSame(x, p.get('conv.weight'), taps);
    return relu(batchNorm(y, p.get('bn.running_mean'), p.get('bn.running_var'), {
      weight: p.get('bn.weight'), bias: p.get('bn.bias'), eps: 1e-5, axis: -1,
    }));
  });
}
