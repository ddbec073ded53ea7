// mmcv's ConvModule as the UPerHead uses it, on channels-last (NHWC) images: convolution without bias, inference
// BatchNorm (eps 1e-5), ReLU.
import type { Tensor } from '@internimage/core';
import { batchNorm, concat, conv2d, linear, relu, reshape, slice, tidy } from '@internimage/core';
import type { ParamsView } from '../layers/params_view.js';

/**
 * Upper bound on the patch matrix of one convolution call (bytes). GEMM-based backends build patches of
 * kH·kW·inChannels values per output pixel: the 3×3, 2048-channel fpn_bottleneck would need 1.2 GB at 512×512, so
 * taller images are convolved in horizontal bands (each with its one-row halo).
 */
const MAX_PATCH_BYTES = 128 * 2 ** 20;

/** A 'same'-padded k×k convolution (stride 1) of an NHWC image, in row bands when the patch matrix would be large. */
export function convSame(x: Tensor, weight: Tensor): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const k = weight.shape[2]!;
  if (k === 1) return linear(x, reshape(weight, weight.shape.slice(0, 2) as number[]));
  const half = (k - 1) / 2;
  const rowBytes = n * w * k * k * c * 4;
  const band = Math.max(1, Math.floor(MAX_PATCH_BYTES / rowBytes));
  if (band >= h) return conv2d(x, weight, { padding: half, dataFormat: 'NHWC' });
  const parts: Tensor[] = [];
  for (let y0 = 0; y0 < h; y0 += band) {
    const y1 = Math.min(y0 + band, h);
    const top = Math.max(y0 - half, 0);
    const bottom = Math.min(y1 + half, h);
    parts.push(tidy(() => conv2d(slice(x, [0, top, 0, 0], [n, bottom - top, w, c]), weight, {
      padding: [half - (y0 - top), half - (bottom - y1), half, half], dataFormat: 'NHWC',
    })));
  }
  const out = concat(parts, 1);
  for (const p of parts) p.dispose();
  return out;
}

/** conv → bn → relu with the weights under `p` (`<p>.conv.weight`, `<p>.bn.*`). */
export function convModule(p: ParamsView, x: Tensor): Tensor {
  return tidy(() => {
    const y = convSame(x, p.get('conv.weight'));
    return relu(batchNorm(y, p.get('bn.running_mean'), p.get('bn.running_var'), {
      weight: p.get('bn.weight'), bias: p.get('bn.bias'), eps: 1e-5, axis: -1,
    }));
  });
}
