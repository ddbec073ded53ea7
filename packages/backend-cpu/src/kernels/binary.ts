import type { BinaryOpName } from '@internimage/core';
import { broadcastStrides, walk } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';

const FNS: Record<BinaryOpName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // NaN propagates, as in PyTorch.
  maximum: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  minimum: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
  pow: (a, b) => Math.pow(a, b),
};

export const binaryConfig = cpuKernel('Binary', ({ inputs: { a, b }, attrs: { op, outShape } }, cpu) => {
  const av = cpu.values(a);
  const bv = cpu.values(b);
  const { info, out } = cpu.alloc(outShape, a.dtype);
  const f = FNS[op];
  walk(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)], (i, [oa, ob]) => {
    out[i] = f(av[oa!]!, bv[ob!]!);
  });
  return info;
});
