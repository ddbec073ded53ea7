import { cudaKernel } from '../cuda_backend.js';
import { imageStrides } from '../layout.js';

export const avgPool2dConfig = cudaKernel('AvgPool2D', ({ inputs: { x }, attrs: g }, be) => {
  const out = be.alloc(g.outShape, 'float32', 'AvgPool2D');
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  be.device.avgPool2d('AvgPool2D', {
    x: be.ptr(x), out: out.ptr,
    batch: g.batch, channels: g.channels, inH: g.inH, inW: g.inW, outH: g.outH, outW: g.outW, kH: g.kH, kW: g.kW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft, countIncludePad: g.countIncludePad ? 1 : 0,
    xsN: xs.n, xsC: xs.c, xsH: xs.h, xsW: xs.w, osN: os.n, osC: os.c, osH: os.h, osW: os.w,
  });
  return out.info;
});
