import { forEachMatrixPair } from '../batched_matrices.js';
import { cpuKernel } from '../cpu_backend.js';

export const matMulConfig = cpuKernel('MatMul', ({ inputs: { a, b }, attrs: { transposeA, transposeB, outShape } }, cpu) => {
  const av = cpu.floats(a);
  const bv = cpu.floats(b);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const bc = b.shape[b.shape.length - 1]!;
  const [m, n] = outShape.slice(-2) as [number, number];
  const k = transposeA ? ar : ac;
  // Element strides of row i / column kk in a, and of kk / column j in b, honouring the transposes.
  const [aRow, aK] = transposeA ? [1, ac] : [ac, 1];
  const [bK, bCol] = transposeB ? [1, bc] : [bc, 1];
  const { info, out } = cpu.allocFloat(outShape);
  forEachMatrixPair(a, b, outShape, (bi, oa, ob) => {
    const base = bi * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let kk = 0; kk < k; kk++) acc += av[oa + i * aRow + kk * aK]! * bv[ob + kk * bK + j * bCol]!;
        out[base + i * n + j] = acc;
      }
    }
  });
  return info;
});
