import type { UnaryOpName } from '@internimage/core';
import { sizeOf } from '@internimage/core';
import { cudaKernel, DTYPE_CODE } from '../cuda_backend.js';

/** The UnaryOp codes of kernels/cuda/api.h. */
export const UNARY_OP_CODE: Record<UnaryOpName, number> = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, rsqrt: 5, relu: 6, gelu: 7, geluTanh: 8, sigmoid: 9, silu: 10, tanh: 11, erf: 12,
};

export const unaryConfig = cudaKernel('Unary', ({ inputs: { x }, attrs: { op } }, be) => {
  const out = be.alloc(x.shape, x.dtype, 'Unary');
  be.device.unary('Unary', UNARY_OP_CODE[op], DTYPE_CODE[x.dtype], be.ptr(x), out.ptr, sizeOf(x.shape));
  return out.info;
});
