import { broadcastStrides, sizeOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { GEMM_MODE_CODE } from '../settings.js';
import { coalesce } from '../layout.js';

export const matMulConfig = cudaKernel('MatMul', ({ inputs: { a, b }, attrs: { transposeA, transposeB, outShape } }, be) => {
  const out = be.alloc(outShape, 'float32', 'MatMul');
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, n] = outShape.slice(-2) as [number, number];
  const k = transposeA ? ar : ac;
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  if (m === 0 || n === 0 || batches === 0) return out.info;
  const walk = coalesce(
    batchShape,
    broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * ar * ac),
    broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * br * bc),
  );
  be.device.gemm('MatMul', {
    M: m, N: n, K: k,
    A: be.ptr(a), sAm: transposeA ? 1 : ac, sAk: transposeA ? ac : 1,
    B: be.ptr(b), sBk: transposeB ? 1 : bc, sBn: transposeB ? bc : 1,
    C: out.ptr, cRows: m, sCb: 0, sCm: n, sCn: 1,
    bias: 0, epilogue: 0,
    batchShape: walk.shape, batchA: walk.strides[0]!, batchB: walk.strides[1]!, batches, sCbatch: m * n,
    mode: GEMM_MODE_CODE[be.device.settings.gemm],
  });
  return out.info;
});
