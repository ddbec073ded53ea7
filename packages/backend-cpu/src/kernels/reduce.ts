import type { ReduceOpName } from '@internimage/core';
import { sizeOf, stridesOf, walk } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

const INIT: Record<ReduceOpName, number> = { sum: 0, mean: 0, max: -Infinity, min: Infinity };
const STEP: Record<ReduceOpName, (acc: number, v: number) => number> = {
  sum: (acc, v) => acc + v,
  mean: (acc, v) => acc + v,
  max: (acc, v) => (v > acc || v !== v ? v : acc),
  min: (acc, v) => (v < acc || v !== v ? v : acc),
};

export const reduceConfig = cpuKernel('Reduce', ({ inputs: { x }, attrs: { op, axes, keepDims } }, cpu) => {
  const xv = cpu.values(x);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept);
  // Each input element adds into the output slot found by dropping the reduced coordinates.
  const toOut = x.shape.map((_, i) => (axes.includes(i) ? 0 : keptStrides[i]!));
  const outSize = sizeOf(kept);
  const acc = new Float64Array(outSize).fill(INIT[op]);
  const step = STEP[op];
  walk(x.shape, [toOut], (i, [o]) => {
    acc[o!] = step(acc[o!]!, xv[i]!);
  });
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  const outShape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  const { info, out } = cpu.alloc(outShape, x.dtype);
  for (let i = 0; i < outSize; i++) out[i] = op === 'mean' ? acc[i]! / count : acc[i]!;
  return info;
});
