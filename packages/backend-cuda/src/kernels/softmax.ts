import { lines } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';

export const softmaxConfig = cudaKernel('Softmax', ({ inputs: { x }, attrs: { axis } }, be) => {
  const out = be.alloc(x.shape, 'float32', 'Softmax');
  const { outer, length, inner } = lines(x.shape, axis);
  be.device.softmax('Softmax', be.ptr(x), out.ptr, outer, length, inner);
  return out.info;
});
