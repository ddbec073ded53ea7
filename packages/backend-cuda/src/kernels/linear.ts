import { sizeOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { GEMM_MODE_CODE } from '../settings.js';

/** The GEMM's epilogue codes (kernels/cuda/api.h, enum Epilogue). */
const EPILOGUE = { none: 0, gelu: 1 } as const;

/** y = act(x·Wᵀ + b): A = x [rows, in] and B(k, n) = W[n, k], both contiguous along k; bias in the epilogue. */
export const linearConfig = cudaKernel('Linear', ({ inputs: { x, weight, bias }, attrs: { activation } }, be) => {
  const [outF, inF] = weight.shape as [number, number];
  const rows = sizeOf(x.shape.slice(0, -1));
  const out = be.alloc([...x.shape.slice(0, -1), outF], 'float32', 'Linear');
  if (rows === 0 || outF === 0) return out.info;
  be.device.gemm('Linear', {
    M: rows, N: outF, K: inF,
    A: be.ptr(x), sAm: inF, sAk: 1,
    B: be.ptr(weight), sBk: 1, sBn: inF,
    C: out.ptr, cRows: rows, sCb: 0, sCm: outF, sCn: 1,
    bias: be.ptr(bias), epilogue: EPILOGUE[activation],
    batchShape: [], batchA: [], batchB: [], batches: 1, sCbatch: 0,
    mode: GEMM_MODE_CODE[be.device.settings.gemm],
  });
  return out.info;
});
