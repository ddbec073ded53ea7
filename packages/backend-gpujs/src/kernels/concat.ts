import type { TensorInfo } from '@internimage/core';
import { decompose, kernelSource, names, offsetExpr } from '../codegen.js';
import { sizeOf, stridesOf } from '@internimage/core';
import { gpujsKernel, withRows } from './kernel.js';

/** Each output element finds the input holding its position along `axis` and reads it there. */
export function concatSource(shapes: ReadonlyArray<readonly number[]>, axis: number): string {
  const outShape = [...shapes[0]!];
  outShape[axis] = shapes.reduce((n, s) => n + s[axis]!, 0);
  const coords = names('c', outShape.length);
  let body = decompose('i', outShape, coords, 'k') + 'var v = 0.0;\n';
  let start = 0;
  shapes.forEach((s, j) => {
    const local = coords.map((c, d) => (d === axis ? `(${c} - ${start})` : c));
    const read = `v = x${j}[${offsetExpr(local, stridesOf(s))}];`;
    body += j === 0 ? `if (c${axis} < ${start + s[axis]!}) { ${read} }\n` : `else if (c${axis} < ${start + s[axis]!}) { ${read} }\n`;
    start += s[axis]!;
  });
  return kernelSource(shapes.map((_, j) => `x${j}`), `${body}return v;\n`);
}

export const concatKernel = gpujsKernel('Concat', ({ inputs: { xs }, attrs: { axis } }, backend) => {
  const parts = xs.filter((t) => sizeOf(t.shape) > 0) as TensorInfo[];
  const outShape = [...xs[0]!.shape];
  outShape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
  return backend.run({
    name: 'Concat', source: concatSource(parts.map((t) => t.shape), axis), inputs: parts, shape: outShape, dtype: xs[0]!.dtype,
    split: axis === 0 ? undefined : { source: (rows) => concatSource(parts.map((t) => withRows(t.shape, rows)), axis), follows: parts.map(() => true) },
  });
});
