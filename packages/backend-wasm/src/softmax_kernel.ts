// Softmax along lines of `length` contiguous values, in three steps over a whole tensor: shift (each line minus its
// maximum, scalar), exp (exp_kernel.ts, SIMD, in place), normalize (each line divided by its sum, scalar).
import { expFunction } from './exp_kernel.js';
import type { FunctionDef } from './wasm_encoder.js';
import { F32, I32, encodeModule, forLoop, op } from './wasm_encoder.js';

// shift(input, output, lines, length) and normalize(buffer, lines, length); line addresses advance by length·4.
const IN = 0, OUT = 1, LINES = 2, LENGTH = 3, L = 4, K = 5, BYTES = 6, M = 7, X = 8;
const BUF = 0, N_LINES = 1, N_LENGTH = 2, NL = 3, NK = 4, NBYTES = 5, SUM = 6;

export function softmaxModule(fma: boolean): Uint8Array<ArrayBuffer> {
  const at = (base: number, k: number) => [...op.get(base), ...op.get(k), ...op.add];
  const shift: FunctionDef = {
    name: 'shift', params: 4, locals: [[3, I32], [2, F32]],
    body: [
      ...op.get(LENGTH), ...op.i32(4), ...op.mul, ...op.set(BYTES),
      ...forLoop(L, LINES, 1, [
        ...op.f32Const(-Infinity), ...op.set(M),
        // m = x > m ? x : m (f32.max's NaN rules cost a branchy sequence; a NaN still makes the whole line NaN).
        ...forLoop(K, BYTES, 4, [
          ...at(IN, K), ...op.f32Load(0), ...op.tee(X), ...op.get(M), ...op.get(X), ...op.get(M), ...op.f32Gt, ...op.select, ...op.set(M),
        ]),
        ...forLoop(K, BYTES, 4, [...at(OUT, K), ...at(IN, K), ...op.f32Load(0), ...op.get(M), ...op.f32Sub, ...op.f32Store(0)]),
        ...op.get(IN), ...op.get(BYTES), ...op.add, ...op.set(IN),
        ...op.get(OUT), ...op.get(BYTES), ...op.add, ...op.set(OUT),
      ]),
    ],
  };
  const normalize: FunctionDef = {
    name: 'normalize', params: 3, locals: [[3, I32], [1, F32]],
    body: [
      ...op.get(N_LENGTH), ...op.i32(4), ...op.mul, ...op.set(NBYTES),
      ...forLoop(NL, N_LINES, 1, [
        ...op.f32Const(0), ...op.set(SUM),
        ...forLoop(NK, NBYTES, 4, [...op.get(SUM), ...at(BUF, NK), ...op.f32Load(0), ...op.f32Add, ...op.set(SUM)]),
        ...op.f32Const(1), ...op.get(SUM), ...op.f32Div, ...op.set(SUM),
        ...forLoop(NK, NBYTES, 4, [...at(BUF, NK), ...at(BUF, NK), ...op.f32Load(0), ...op.get(SUM), ...op.f32Mul, ...op.f32Store(0)]),
        ...op.get(BUF), ...op.get(NBYTES), ...op.add, ...op.set(BUF),
      ]),
    ],
  };
  return encodeModule([shift, expFunction(fma), normalize]);
}
