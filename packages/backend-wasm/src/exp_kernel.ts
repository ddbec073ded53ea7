// exp as a WASM SIMD kernel, four values at a time (Cephes' expf): n = round(x·log₂e), r = x − n·ln2 (in two
// parts), exp(r) by a degree-7 polynomial, scaled by 2ⁿ through the exponent bits. Inputs are clamped to
// [−87.3, 88] (results within float32's normal range; exp is not defined beyond for callers); relative error ≤ 1e-7 (8.1e-8 measured against Math.exp on a grid over [−87, 88]).
import type { FunctionDef } from './wasm_encoder.js';
import { I32, V128, forLoop, op } from './wasm_encoder.js';

/** Vectors per loop iteration (independent chains). */
const UNROLL = 4;
/** Byte lengths the kernel takes are multiples of this. */
export const EXP_BLOCK_BYTES = 16 * UNROLL;

const POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

// Parameters: input, output, byte length (a multiple of EXP_BLOCK_BYTES). Locals: counter, then per vector X, N, Y.
const IN = 0, OUT = 1, BYTES = 2, I = 3;
const local = (u: number, which: number) => 4 + 3 * u + which;

function step(fma: boolean, u: number): number[] {
  const [X, N, Y] = [0, 1, 2].map((w) => local(u, w)) as [number, number, number];
  const muladd = (a: number[], b: number[], c: number[]) => fma
    ? [...a, ...b, ...c, ...op.f32x4RelaxedMadd]
    : [...a, ...b, ...op.f32x4Mul, ...c, ...op.f32x4Add];
  const k = op.f32x4Const;
  return [
    ...op.get(IN), ...op.get(I), ...op.add, ...op.v128Load(16 * u),
    ...k(-87.3365478515625), ...op.f32x4Pmax, ...k(88), ...op.f32x4Pmin, ...op.set(X),
    ...op.get(X), ...k(Math.LOG2E), ...op.f32x4Mul, ...op.f32x4Nearest, ...op.set(N),
    // r = x − n·0.693359375 − n·(−2.12194440e-4)
    ...op.get(X), ...op.get(N), ...k(0.693359375), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(X),
    ...op.get(X), ...op.get(N), ...k(-2.12194440e-4), ...op.f32x4Mul, ...op.f32x4Sub, ...op.set(X),
    // y = poly(r)·r² + r + 1
    ...k(POLY[0]!), ...op.set(Y),
    ...POLY.slice(1).flatMap((c) => [...muladd(op.get(Y), op.get(X), k(c)), ...op.set(Y)]),
    ...op.get(Y), ...op.get(X), ...op.get(X), ...op.f32x4Mul, ...op.f32x4Mul, ...op.get(X), ...op.f32x4Add, ...k(1), ...op.f32x4Add,
    // · 2ⁿ: (n + 127) << 23 as float32 bits. n + 127 ∈ [1, 254] is the low mantissa bits of n + (2²³ + 127); the shift
    // drops the exponent bits (cheaper than i32x4.trunc_sat, whose NaN and overflow rules cost five instructions).
    ...op.get(N), ...k(8388608 + 127), ...op.f32x4Add, ...op.i32(23), ...op.i32x4Shl,
    ...op.f32x4Mul, ...op.set(Y),
    ...op.get(OUT), ...op.get(I), ...op.add, ...op.get(Y), ...op.v128Store(16 * u),
  ];
}

/** Function exp(input, output, bytes); in place (input = output) works too. */
export function expFunction(fma: boolean): FunctionDef {
  return {
    name: 'exp', params: 3, locals: [[1, I32], [3 * UNROLL, V128]],
    body: forLoop(I, BYTES, EXP_BLOCK_BYTES, Array.from({ length: UNROLL }, (_, u) => step(fma, u)).flat()),
  };
}
