import { wasmKernel } from '../wasm_backend.js';
import { BINARY_OPS, binaryModule } from '../binary_kernel.js';
import type { FastBinaryOp } from '../binary_kernel.js';
import { addressOf, withAddress } from '../heap.js';
import type { WasmKernel } from '../wasm_runtime.js';
import { instantiate } from '../wasm_runtime.js';
import { runParts, splitWork } from '../threads.js';
import { reference } from './reference.js';

const referenceBinary = reference('Binary');
/** Vectors (of 4) per thread below which a call stays on one thread. */
const VECTORS_PER_THREAD = 8192;

type Same = (a: number, b: number, out: number, bytes: number) => void;
type Rows = (a: number, b: number, out: number, rows: number, rowBytes: number) => void;
let instance: WasmKernel<Record<FastBinaryOp, Same> & Record<`${FastBinaryOp}_rows`, Rows>> | undefined;

/**
 * add, sub and mul in the two shapes the model uses — equal shapes (residuals) and a vector along the last axis
 * (per-channel scales; a multiple of 4 long) — in the WASM SIMD kernel (the last n mod 4 of equal shapes in
 * JavaScript); every other case is the reference kernel's general broadcasting.
 */
export const binaryConfig = wasmKernel('Binary', (args, be) => {
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
  const kernel = instance;
  const po = addressOf(out);
  if (lastAxis) {
    const rowBytes = bv.length * 4;
    if (n > 0) withAddress(av, (pa) => withAddress(bv, (pb) => runParts(kernel, `${name}_rows`,
      splitWork(n / bv.length, VECTORS_PER_THREAD / (rowBytes / 16)).map(([r0, nr]) => [pa + r0 * rowBytes, pb, po + r0 * rowBytes, nr, rowBytes]))));
    return info;
  }
  const main = n - (n % 4);
  withAddress(av, (pa) => withAddress(bv, (pb) => runParts(kernel, name,
    splitWork(main / 4, VECTORS_PER_THREAD).map(([v0, nv]) => [pa + v0 * 16, pb + v0 * 16, po + v0 * 16, nv * 16]))));
  for (let i = main; i < n; i++) out[i] = name === 'add' ? av[i]! + bv[i]! : name === 'sub' ? av[i]! - bv[i]! : av[i]! * bv[i]!;
  return info;
});
