import type { Resample2DInfo, TensorInfo } from '@internimage/core';
import { imageStrides } from '@internimage/core';
import type { CudaBackend } from '../cuda_backend.js';
import { cudaKernel } from '../cuda_backend.js';

/** Allocates the output of a resampling from x and the pointers and strides of its launch. */
function buffers(be: CudaBackend, x: TensorInfo, g: Resample2DInfo, name: string) {
  const out = be.alloc(g.outShape, 'float32', name);
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const os = imageStrides(g.dataFormat, g.channels, g.outH, g.outW);
  const pointers = {
    x: be.ptr(x), out: out.ptr,
    xsN: xs.n, xsC: xs.c, xsH: xs.h, xsW: xs.w, osN: os.n, osC: os.c, osH: os.h, osW: os.w,
  };
  return { out, pointers };
}

export const resizeBilinearConfig = cudaKernel('ResizeBilinear', ({ inputs: { x }, attrs: g }, be) => {
  const { out, pointers } = buffers(be, x, g, 'ResizeBilinear');
  be.device.resizeBilinear('ResizeBilinear', { ...g, ...pointers });
  return out.info;
});

export const adaptiveAvgPool2dConfig = cudaKernel('AdaptiveAvgPool2D', ({ inputs: { x }, attrs: g }, be) => {
  const { out, pointers } = buffers(be, x, g, 'AdaptiveAvgPool2D');
  // One launch struct serves both ops; the bilinear fields are unused by pooling.
  be.device.adaptiveAvgPool2d('AdaptiveAvgPool2D', { ...g, alignCorners: false, scaleH: 0, scaleW: 0, ...pointers });
  return out.info;
});
