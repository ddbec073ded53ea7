import { sizeOf, stridesOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

export const concatConfig = cudaKernel('Concat', ({ inputs: { xs }, attrs: { axis } }, be) => {
  const first = xs[0]!;
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
  const out = be.alloc(outShape, first.dtype, 'Concat');
  const outStrides = stridesOf(outShape);
  let along = 0;
  for (const t of xs) {
    if (sizeOf(t.shape) > 0) {
      const walk = coalesce(t.shape, stridesOf(t.shape), outStrides);
      be.device.copy('Concat', be.ptr(t), out.ptr, 0, along * outStrides[axis]!, walk.shape, walk.strides[0]!, walk.strides[1]!);
    }
    along += t.shape[axis]!;
  }
  return out.info;
});
