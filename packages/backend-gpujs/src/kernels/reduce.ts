import type { ReduceOpName } from '@internimage/core';
import { sizeOf, stridesOf } from '@internimage/core';
import { decompose, kernelSource, names, offsetExpr } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

const INIT: Record<ReduceOpName, string> = { sum: '0.0', mean: '0.0', max: 'x[base]', min: 'x[base]' };
const STEP: Record<ReduceOpName, string> = {
  sum: 'acc = acc + v;',
  mean: 'acc = acc + v;',
  max: 'if (v > acc || v != v) { acc = v; }',
  min: 'if (v < acc || v != v) { acc = v; }',
};

/** Each output element loops over the reduced axes of its input slice. */
export function reduceSource(op: ReduceOpName, shape: readonly number[], axes: readonly number[]): string {
  const strides = stridesOf(shape);
  const keptAxes = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const keptShape = keptAxes.map((d) => shape[d]!);
  const reducedShape = axes.map((d) => shape[d]!);
  const count = sizeOf(reducedShape);
  const kept = names('o', keptAxes.length);
  const red = names('r', axes.length);
  const base = offsetExpr(kept, keptAxes.map((d) => strides[d]!));
  const body = decompose('i', keptShape, kept, 'k') +
    `var base = ${base};\nvar acc = ${INIT[op]};\n` +
    `for (var k = 0; k < ${count}; k++) {\n${decompose('k', reducedShape, red, 'm')}` +
    `var v = x[base + ${offsetExpr(red, axes.map((d) => strides[d]!))}];\n${STEP[op]}\n}\n` +
    (op === 'mean' ? `acc = acc / ${count};\n` : '') +
    'return acc;\n';
  return kernelSource(['x'], body);
}

export const reduceKernel = gpujsKernel('Reduce', ({ inputs: { x }, attrs: { op, axes, keepDims } }, backend) => {
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return backend.run({
    name: 'Reduce', source: reduceSource(op, x.shape, axes), inputs: [x], shape: outShape, dtype: x.dtype,
    split: axes.includes(0) ? undefined : { source: (rows) => reduceSource(op, withRows(x.shape, rows), axes), follows: [true] },
  });
});
