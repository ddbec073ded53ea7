import { sizeOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';

export const layerNormConfig = cudaKernel('LayerNorm', ({ inputs: { x, weight, bias }, attrs: { eps } }, be) => {
  const out = be.alloc(x.shape, 'float32', 'LayerNorm');
  const cols = x.shape[x.shape.length - 1] ?? 1;
  const rows = cols === 0 ? 0 : sizeOf(x.shape) / cols;
  be.device.layerNorm('LayerNorm', be.ptr(x), be.ptr(weight), be.ptr(bias), out.ptr, rows, cols, eps);
  return out.info;
});
