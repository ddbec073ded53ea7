import { sizeOf, stridesOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

export const transposeConfig = cudaKernel('Transpose', ({ inputs: { x }, attrs: { perm } }, be) => {
  const outShape = perm.map((p) => x.shape[p]!);
  const out = be.alloc(outShape, x.dtype, 'Transpose');
  if (sizeOf(outShape) === 0) return out.info;
  const inStrides = stridesOf(x.shape);
  const walk = coalesce(outShape, perm.map((p) => inStrides[p]!), stridesOf(outShape));
  be.device.copy('Transpose', be.ptr(x), out.ptr, 0, 0, walk.shape, walk.strides[0]!, walk.strides[1]!);
  return out.info;
});
