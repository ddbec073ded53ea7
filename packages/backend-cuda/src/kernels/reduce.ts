import type { ReduceOpName } from '@internimage/core';
import { stridesOf } from '@internimage/core';
import { cudaKernel, DTYPE_CODE } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

const OPS: Record<ReduceOpName, number> = { sum: 0, mean: 1, max: 2, min: 3 };

export const reduceConfig = cudaKernel('Reduce', ({ inputs: { x }, attrs: { op, axes, keepDims } }, be) => {
  const strides = stridesOf(x.shape);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : keptAxes.map((i) => x.shape[i]!);
  const out = be.alloc(outShape, x.dtype, 'Reduce');
  if (outShape.some((d) => d === 0)) return out.info;
  const kept = coalesce(keptAxes.map((i) => x.shape[i]!), keptAxes.map((i) => strides[i]!));
  const reduced = coalesce(axes.map((i) => x.shape[i]!), axes.map((i) => strides[i]!));
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  be.device.reduce('Reduce', OPS[op], DTYPE_CODE[x.dtype], be.ptr(x), out.ptr, kept.shape, kept.strides[0]!,
    count === 0 ? [] : reduced.shape, count === 0 ? [] : reduced.strides[0]!, count);
  return out.info;
});
