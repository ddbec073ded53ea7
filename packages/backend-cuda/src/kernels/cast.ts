import { sizeOf } from '@internimage/core';
import { cudaKernel, DTYPE_CODE } from '../cuda_backend.js';

export const castConfig = cudaKernel('Cast', ({ inputs: { x }, attrs: { dtype } }, be) => {
  const out = be.alloc(x.shape, dtype, 'Cast');
  be.device.cast('Cast', DTYPE_CODE[x.dtype], DTYPE_CODE[dtype], be.ptr(x), out.ptr, sizeOf(x.shape));
  return out.info;
});
