import { cpuKernel, cpuKernels } from '@internimage/backend-cpu';
import type { KernelFunc } from '@internimage/core';
import { erfFast } from './erf_table.js';

const referenceUnary = cpuKernels.find((k) => k.kernelName === 'Unary')!.kernelFunc as unknown as KernelFunc<'Unary'>;

/** GELU and erf take the fast erf; every other unary op is the reference kernel. */
export const unaryConfig = cpuKernel('Unary', (args, be) => {
  const { inputs: { x }, attrs: { op } } = args;
  if (op !== 'gelu' && op !== 'erf') return referenceUnary(args);
  const xv = be.floats(x);
  const { info, out } = be.allocFloat(x.shape);
  if (op === 'erf') for (let i = 0; i < xv.length; i++) out[i] = erfFast(xv[i]!);
  else for (let i = 0; i < xv.length; i++) out[i] = 0.5 * xv[i]! * (1 + erfFast(xv[i]! * Math.SQRT1_2));
  return info;
}, 'wasm');
