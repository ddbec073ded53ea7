import { imageStrides } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { CONV_VARIANT_CODE, GEMM_MODE_CODE } from '../settings.js';

export const conv2dConfig = cudaKernel('Conv2D', ({ inputs: { x, weight, bias }, attrs: g }, be) => {
  const out = be.alloc(g.outShape, 'float32', 'Conv2D');
  const xs = imageStrides(g.dataFormat, g.inChannels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.outChannels, g.outH, g.outW);
  be.device.conv2d('Conv2D', {
    ...g, x: be.ptr(x), w: be.ptr(weight), bias: be.ptr(bias), out: out.ptr,
    xsN: xs.n, xsC: xs.c, xsH: xs.h, xsW: xs.w, osN: os.n, osC: os.c, osH: os.h, osW: os.w,
    variant: CONV_VARIANT_CODE[be.device.settings.conv], gemmMode: GEMM_MODE_CODE[be.device.settings.gemm],
  });
  return out.info;
});
