import type { Resample2DInfo, ResizeBilinearInfo, TensorInfo } from '@internimage/core';
import type { ResampleLaunch } from '../addon.js';
import type { CudaBackend } from '../cuda_backend.js';
import { cudaKernel } from '../cuda_backend.js';
import { imageStrides } from '../layout.js';

/** Allocates the output and describes a resampling launch from x to it. */
function launch(be: CudaBackend, x: TensorInfo, g: Resample2DInfo, name: string, bilinear?: ResizeBilinearInfo) {
  const out = be.alloc(g.outShape, 'float32', name);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const args: ResampleLaunch = {
    x: be.ptr(x), out: out.ptr,
    batch: g.batch, channels: g.channels, inH: g.inH, inW: g.inW, outH: g.outH, outW: g.outW,
    alignCorners: bilinear?.alignCorners ? 1 : 0, scaleH: bilinear?.scaleH ?? 0, scaleW: bilinear?.scaleW ?? 0,
    xsN: xs.n, xsC: xs.c, xsH: xs.h, xsW: xs.w, osN: os.n, osC: os.c, osH: os.h, osW: os.w,
  };
  return { out, args };
}

export const resizeBilinearConfig = cudaKernel('ResizeBilinear', ({ inputs: { x }, attrs }, be) => {
  const { out, args } = launch(be, x, attrs, 'ResizeBilinear', attrs);
  be.device.resizeBilinear('ResizeBilinear', args);
  return out.info;
});

export const adaptiveAvgPool2dConfig = cudaKernel('AdaptiveAvgPool2D', ({ inputs: { x }, attrs }, be) => {
  const { out, args } = launch(be, x, attrs, 'AdaptiveAvgPool2D');
  be.device.adaptiveAvgPool2d('AdaptiveAvgPool2D', args);
  return out.info;
});
