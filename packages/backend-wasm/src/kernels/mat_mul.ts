import { forEachMatrixPair } from '@internimage/backend-cpu/shared';
import { wasmKernel } from '../wasm_backend.js';
import { gemm } from '../gemm.js';

/** A [rows×cols] matrix at `offset`, transposed or not, as a contiguous row-major copy when needed. */
function matrix(v: Float32Array, offset: number, rows: number, cols: number, transpose: boolean): Float32Array {
  if (!transpose) return v.subarray(offset, offset + rows * cols);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = v[offset + i * cols + j]!;
  return out;
}

export const matMulConfig = wasmKernel('MatMul', ({ inputs: { a, b }, attrs: { transposeA, transposeB, outShape } }, be) => {
  const av = be.floats(a);
  const bv = be.floats(b);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, n] = outShape.slice(-2) as [number, number];
  const k = transposeA ? ar : ac;
  const { info, out } = be.allocFloat(outShape);
  forEachMatrixPair(a, b, outShape, (bi, oa, ob) => {
    gemm(matrix(av, oa, ar, ac, transposeA), matrix(bv, ob, br, bc, transposeB), out.subarray(bi * m * n), m, n, k);
  });
  return info;
});
