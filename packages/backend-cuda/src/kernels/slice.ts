import { sizeOf, stridesOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

export const sliceConfig = cudaKernel('Slice', ({ inputs: { x }, attrs: { begin, size } }, be) => {
  const out = be.alloc(size, x.dtype, 'Slice');
  if (sizeOf(size) === 0) return out.info;
  const strides = stridesOf(x.shape);
  const start = begin.reduce((acc, b, d) => acc + b * strides[d]!, 0);
  const walk = coalesce(size, strides, stridesOf(size));
  be.device.copy('Slice', be.ptr(x), out.ptr, start, 0, walk.shape, walk.strides[0]!, walk.strides[1]!);
  return out.info;
});
