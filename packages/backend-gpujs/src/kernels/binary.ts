import type { BinaryOpName } from '@internimage/core';
import { broadcastStrides, shapesEqual } from '@internimage/core';
import { decompose, kernelSource, names, offsetExpr } from '../codegen.js';
import { followsLeading, gpujsKernel, withRows } from './kernel.js';

// `r` from `p` and `q`. NaN operands give NaN for maximum/minimum, as in PyTorch. pow keeps the sign of a negative
// base raised to an integer power (WGSL's pow is undefined for negative bases).
const BODY: Record<BinaryOpName, string> = {
  add: 'r = p + q;\n',
  sub: 'r = p - q;\n',
  mul: 'r = p * q;\n',
  div: 'r = p / q;\n',
  maximum: 'r = p;\nif (q > p) { r = q; }\nif (p != p || q != q) { r = p + q; }\n',
  minimum: 'r = p;\nif (q < p) { r = q; }\nif (p != p || q != q) { r = p + q; }\n',
  pow: `if (q == 0) { r = 1; } else {
if (p >= 0) { r = Math.pow(p, q); } else {
if (q == Math.floor(q)) {
r = Math.pow(-p, q);
if (q - 2 * Math.floor(q * 0.5) != 0) { r = -r; }
} else { r = Math.pow(p, q); }
}
}
`,
};

export function binarySource(op: BinaryOpName, aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): string {
  const coords = names('c', outShape.length);
  const sameA = shapesEqual(aShape, outShape);
  const sameB = shapesEqual(bShape, outShape);
  const needCoords = !sameA || !sameB;
  const aIndex = sameA ? 'i' : offsetExpr(coords, broadcastStrides(aShape, outShape));
  const bIndex = sameB ? 'i' : offsetExpr(coords, broadcastStrides(bShape, outShape));
  const body = (needCoords ? decompose('i', outShape, coords, 'o') : '') +
    `var p = a[${aIndex}];\nvar q = b[${bIndex}];\nvar r = 0.0;\n${BODY[op]}return r;\n`;
  return kernelSource(['a', 'b'], body);
}

export const binaryKernel = gpujsKernel('Binary', ({ inputs: { a, b }, attrs: { op, outShape } }, backend) => {
  const follows = [followsLeading(a.shape, outShape), followsLeading(b.shape, outShape)];
  const part = (shape: readonly number[], j: number, rows: number) => (follows[j] ? withRows(shape, rows) : shape);
  return backend.run({
    name: 'Binary', source: binarySource(op, a.shape, b.shape, outShape), inputs: [a, b], shape: outShape, dtype: a.dtype,
    split: { source: (rows) => binarySource(op, part(a.shape, 0, rows), part(b.shape, 1, rows), withRows(outShape, rows)), follows },
  });
});
