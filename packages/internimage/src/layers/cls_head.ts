import type { Tensor } from '@internimage/core';
import { batchNorm, gelu, globalAvgPool2d, linear, reshape } from '@internimage/core';
import type { ParamsView } from './params_view.js';

/** T–XL head: 1×1 conv (no bias) → BatchNorm → GELU → global average pool → linear. NHWC `[N,h,w,F]` → `[N, classes]`. */
export function classificationHead(p: ParamsView, x: Tensor): Tensor {
  const w = p.get('conv_head.0.weight');
  // A 1×1 convolution on NHWC is a linear map over the channel axis with the OIHW weight viewed as [out, in].
  const y = linear(x, reshape(w, w.shape.slice(0, 2) as number[]));
  const bn = batchNorm(y, p.get('conv_head.1.0.running_mean'), p.get('conv_head.1.0.running_var'), {
    weight: p.get('conv_head.1.0.weight'), bias: p.get('conv_head.1.0.bias'), eps: 1e-5, axis: -1,
  });
  const pooled = globalAvgPool2d(gelu(bn), { dataFormat: 'NHWC' });
  return linear(pooled, p.get('head.weight'), p.get('head.bias'));
}
