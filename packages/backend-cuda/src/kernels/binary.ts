import type { BinaryOpName } from '@internimage/core';
import { broadcastStrides, sizeOf, stridesOf } from '@internimage/core';
import { cudaKernel, DTYPE_CODE } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

const OPS: Record<BinaryOpName, number> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6 };

export const binaryConfig = cudaKernel('Binary', ({ inputs: { a, b }, attrs: { op, outShape } }, be) => {
  const out = be.alloc(outShape, a.dtype, 'Binary');
  if (sizeOf(outShape) === 0) return out.info;
  const walk = coalesce(outShape, stridesOf(outShape), broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape));
  const [, sa, sb] = walk.strides as [number[], number[], number[]];
  be.device.binary('Binary', OPS[op], DTYPE_CODE[a.dtype], be.ptr(a), be.ptr(b), out.ptr, walk.shape, sa, sb);
  return out.info;
});
