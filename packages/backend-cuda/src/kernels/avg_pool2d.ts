import { imageStrides } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';

export const avgPool2dConfig = cudaKernel('AvgPool2D', ({ inputs: { x }, attrs: g }, be) => {
  const out = be.alloc(g.outShape, 'float32', 'AvgPool2D');
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  be.device.avgPool2d('AvgPool2D', {
    ...g, x: be.ptr(x), out: out.ptr,
    xsN: xs.n, xsC: xs.c, xsH: xs.h, xsW: xs.w, osN: os.n, osC: os.c, osH: os.h, osW: os.w,
  });
  return out.info;
});
