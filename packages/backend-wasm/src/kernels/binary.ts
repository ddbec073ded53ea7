import { cpuKernel } from '@internimage/backend-cpu';
import type { BinaryOpName } from '@internimage/core';
import { reference } from './reference.js';

const referenceBinary = reference('Binary');

/**
 * add, sub and mul in the two shapes the model uses — equal shapes (residuals) and a vector along the last axis
 * (per-channel scales) — as flat loops; every other case is the reference kernel's general broadcasting.
 */
const FAST: Partial<Record<BinaryOpName, true>> = { add: true, sub: true, mul: true };

export const binaryConfig = cpuKernel('Binary', (args, be) => {
  const { inputs: { a, b }, attrs: { op, outShape } } = args;
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const lastAxis = b.shape.length === 1 && b.shape[0] === a.shape[a.shape.length - 1] && outShape.length === a.shape.length;
  if (!FAST[op] || a.dtype !== 'float32' || !(same || lastAxis)) return referenceBinary(args);
  const av = be.floats(a);
  const bv = be.floats(b);
  const { info, out } = be.allocFloat(outShape);
  const n = av.length;
  // One loop per case, so that V8 compiles each to a tight loop with no per-element branches.
  if (same) {
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = av[i]! + bv[i]!;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = av[i]! - bv[i]!;
    else for (let i = 0; i < n; i++) out[i] = av[i]! * bv[i]!;
    return info;
  }
  const period = bv.length;
  for (let base = 0; base < n; base += period) {
    if (op === 'add') for (let i = 0; i < period; i++) out[base + i] = av[base + i]! + bv[i]!;
    else if (op === 'sub') for (let i = 0; i < period; i++) out[base + i] = av[base + i]! - bv[i]!;
    else for (let i = 0; i < period; i++) out[base + i] = av[base + i]! * bv[i]!;
  }
  return info;
}, 'wasm');
