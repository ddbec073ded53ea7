import { lines } from '@internimage/core';
import { cudaKernel, DTYPE_CODE } from '../cuda_backend.js';

export const argMaxConfig = cudaKernel('ArgMax', ({ inputs: { x }, attrs: { axis, keepDims } }, be) => {
  const outShape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  const out = be.alloc(outShape, 'int32', 'ArgMax');
  const { outer, length, inner } = lines(x.shape, axis);
  be.device.argMax('ArgMax', DTYPE_CODE[x.dtype], be.ptr(x), out.ptr, outer, length, inner);
  return out.info;
});
