import { sizeOf, stridesOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

/** The 32-bit pattern of `value` in the tensor's dtype. */
function bitsOf(value: number, dtype: 'float32' | 'int32'): number {
  return dtype === 'float32' ? new Uint32Array(Float32Array.of(value).buffer)[0]! : value >>> 0;
}

export const padConfig = cudaKernel('Pad', ({ inputs: { x }, attrs: { paddings, value } }, be) => {
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = be.alloc(outShape, x.dtype, 'Pad');
  const n = sizeOf(outShape);
  if (n === 0) return out.info;
  be.device.fill32('Pad', out.ptr, n, bitsOf(value, x.dtype));
  if (sizeOf(x.shape) === 0) return out.info;
  const outStrides = stridesOf(outShape);
  const start = paddings.reduce((acc, [before], d) => acc + before * outStrides[d]!, 0);
  const walk = coalesce(x.shape, stridesOf(x.shape), outStrides);
  be.device.copy('Pad', be.ptr(x), out.ptr, 0, start, walk.shape, walk.strides[0]!, walk.strides[1]!);
  return out.info;
});
