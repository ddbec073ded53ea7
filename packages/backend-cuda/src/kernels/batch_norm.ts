import { lines } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';

export const batchNormConfig = cudaKernel('BatchNorm', ({ inputs: { x, mean, variance, weight, bias }, attrs: { eps, channelAxis } }, be) => {
  const out = be.alloc(x.shape, 'float32', 'BatchNorm');
  const { outer, length, inner } = lines(x.shape, channelAxis);
  be.device.batchNorm('BatchNorm', be.ptr(x), be.ptr(mean), be.ptr(variance), be.ptr(weight), be.ptr(bias), out.ptr,
    outer, length, inner, eps);
  return out.info;
});
