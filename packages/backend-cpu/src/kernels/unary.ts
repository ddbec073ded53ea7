import type { UnaryOpName } from '@internimage/core';
import { cpuKernel } from '../cpu_backend.js';
import { erf, geluErf, geluTanh, sigmoid } from '../math.js';

const FNS: Record<UnaryOpName, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  relu: (x) => (x !== x ? NaN : Math.max(x, 0)),
  gelu: geluErf,
  geluTanh,
  sigmoid,
  silu: (x) => x * sigmoid(x),
  tanh: Math.tanh,
  erf,
};

export const unaryConfig = cpuKernel('Unary', ({ inputs: { x }, attrs: { op } }, cpu) => {
  const xv = cpu.values(x);
  const { info, out } = cpu.alloc(x.shape, x.dtype);
  const f = FNS[op];
  for (let i = 0; i < xv.length; i++) out[i] = f(xv[i]!);
  return info;
});
