import { cudaKernel } from '../cuda_backend.js';
import { lines } from '../layout.js';

export const softmaxConfig = cudaKernel('Softmax', ({ inputs: { x }, attrs: { axis } }, be) => {
  const out = be.alloc(x.shape, 'float32', 'Softmax');
  const { outer, length, inner } = lines(x.shape, axis);
  be.device.softmax('Softmax', be.ptr(x), out.ptr, outer, length, inner);
  return out.info;
});
