import { broadcastStrides } from '@internimage/core';
import { decompose, divmod, kernelSource, names, offsetExpr } from '../codegen.js';
import { gpujsKernel } from './kernel.js';

/** One output element per thread: its batch index picks the (broadcast) a and b matrices, then a dot product of k. */
export function matMulSource(
  aShape: readonly number[], bShape: readonly number[], outShape: readonly number[], transposeA: boolean, transposeB: boolean,
): string {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const [m, n] = outShape.slice(-2) as [number, number];
  const k = transposeA ? ar : ac;
  const [aRow, aK] = transposeA ? [1, ac] : [ac, 1];
  const [bK, bCol] = transposeB ? [1, bc] : [bc, 1];
  const batchShape = outShape.slice(0, -2);
  const coords = names('t', batchShape.length);
  const aBatch = broadcastStrides(aShape.slice(0, -2), batchShape).map((s) => s * ar * ac);
  const bBatch = broadcastStrides(bShape.slice(0, -2), batchShape).map((s) => s * br * bc);
  const body = divmod('i', m * n, 'bi', 'cell') + divmod('cell', n, 'row', 'col') + decompose('bi', batchShape, coords, 'b') +
    `var oa = ${offsetExpr(coords, aBatch)} + row * ${aRow};\nvar ob = ${offsetExpr(coords, bBatch)} + col * ${bCol};\n` +
    `var acc = 0.0;\nfor (var kk = 0; kk < ${k}; kk++) { acc = acc + a[oa + kk * ${aK}] * b[ob + kk * ${bK}]; }\nreturn acc;\n`;
  return kernelSource(['a', 'b'], body);
}

export const matMulKernel = gpujsKernel('MatMul', ({ inputs: { a, b }, attrs: { transposeA, transposeB, outShape } }, backend) =>
  backend.run({ name: 'MatMul', source: matMulSource(a.shape, b.shape, outShape, transposeA, transposeB), inputs: [a, b], shape: outShape, dtype: 'float32' }));
