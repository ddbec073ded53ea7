import type { Tensor } from '@internimage/core';
import { conv2d, gelu, transpose } from '@internimage/core';
import { ln } from './norm.js';
import type { ParamsView } from './params_view.js';

/** patch_embed: NCHW image `[N, 3, H, W]` → NHWC `[N, ⌈H/4⌉, ⌈W/4⌉, C]`. */
export function stem(p: ParamsView, image: Tensor): Tensor {
  // The image (3 channels) is turned to NHWC rather than conv1's output (C channels): the same result, less to move.
  const c1 = conv2d(transpose(image, [0, 2, 3, 1]), p.get('conv1.weight'), {
    bias: p.get('conv1.bias'), stride: 2, padding: 1, dataFormat: 'NHWC',
  });
  const h = gelu(ln(p.child('norm1.1'), c1));
  const c2 = conv2d(h, p.get('conv2.weight'), { bias: p.get('conv2.bias'), stride: 2, padding: 1, dataFormat: 'NHWC' });
  return ln(p.child('norm2.1'), c2);
}
