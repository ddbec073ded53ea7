// mmcv's ConvModule as the UPerHead uses it, on channels-last (NHWC) images: convolution without bias, inference
// BatchNorm (eps 1e-5), ReLU.
import type { Tensor } from '@internimage/core';
import { batchNorm, conv2d, linear, relu, reshape, tidy } from '@internimage/core';
import type { ParamsView } from '../layers/params_view.js';

/** A 'same'-padded k×k convolution (stride 1) of an NHWC image; 1×1 as a linear map over the channels. */
export function convSame(x: Tensor, weight: Tensor): Tensor {
  const k = weight.shape[2]!;
  if (k === 1) return linear(x, reshape(weight, weight.shape.slice(0, 2) as number[]));
  return conv2d(x, weight, { padding: (k - 1) / 2, dataFormat: 'NHWC' });
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
