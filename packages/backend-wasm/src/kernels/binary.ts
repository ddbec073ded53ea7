import { cpuKernel } from '@internimage/backend-cpu';
import { BINARY_OPS, binaryModule } from '../binary_kernel.js';
import type { FastBinaryOp } from '../binary_kernel.js';
import { addressOf, withAddress } from '../heap.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { reference } from './reference.js';

const referenceBinary = reference('Binary');

type Same = (a: number, b: number, out: number, bytes: number) => void;
type Rows = (a: number, b: number, out: number, rows: number, rowBytes: number) => void;
let instance: WasmKernel<Record<FastBinaryOp, Same> & Record<`${FastBinaryOp}_rows`, Rows>> | undefined;

/**
 * add, sub and mul in the two shapes the model uses — equal shapes (residuals) and a vector along the last axis
 * (per-channel scales; a multiple of 4 long) — in the WASM SIMD kernel (the last n mod 4 of equal shapes in
 * JavaScript); every other case is the reference kernel's general broadcasting.
 */
export const binaryConfig = cpuKernel('Binary', (args, be) => {
  const { inputs: { a, b }, attrs: { op, outShape } } = args;
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const lastAxis = b.shape.length === 1 && b.shape[0] === a.shape[a.shape.length - 1] && outShape.length === a.shape.length &&
    b.shape[0] % 4 === 0;
  if (!Object.hasOwn(BINARY_OPS, op) || a.dtype !== 'float32' || !(same || lastAxis)) return referenceBinary(args);
  const name = op as FastBinaryOp;
  instance ??= instantiate(() => binaryModule());
  const av = be.floats(a);
  const bv = be.floats(b);
  const { info, out } = be.allocFloat(outShape);
  const n = av.length;
  const { exports } = instance;
  if (lastAxis) {
    if (n > 0) withAddress(av, (pa) => withAddress(bv, (pb) => exports[`${name}_rows`](pa, pb, addressOf(out), n / bv.length, bv.length * 4)));
    return info;
  }
  const main = n - (n % 4);
  withAddress(av, (pa) => withAddress(bv, (pb) => exports[name](pa, pb, addressOf(out), main * 4)));
  for (let i = main; i < n; i++) out[i] = name === 'add' ? av[i]! + bv[i]! : name === 'sub' ? av[i]! - bv[i]! : av[i]! * bv[i]!;
  return info;
}, 'wasm');
