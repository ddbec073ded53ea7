// The accumulation half of DCNv3 as a WASM SIMD kernel. JavaScript turns every (pixel, group) into P·4 (corner
// offset, weight) pairs — bilinear weight times mask, zero for corners outside the image — and the kernel sums the
// weighted D-channel rows 4 channels at a time: out[pg, c..c+3] = Σ_t w_t · V[offset_t + c..c+3].
import type { FunctionDef } from './wasm_encoder.js';
import { I32, V128, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: pairs (8 bytes each: i32 byte offset into V, f32 weight), count of (pixel, group) rows, pairs per
// row, channels per group D (a multiple of 4), V base address, output address.
const PAIRS = 0, ROWS = 1, PER_ROW = 2, D = 3, VBASE = 4, OUT = 5;
const G = 6, C = 7, T = 8, P = 9, ROW_PAIRS = 10;
const ACC = 11, VW = 12;

export function dcnv3Module(fma: boolean): Uint8Array<ArrayBuffer> {
  const madd = fma
    ? [...op.get(VW), ...op.get(P), ...op.i32Load(0), ...op.get(VBASE), ...op.add, ...op.get(C), ...op.i32(4), ...op.mul, ...op.add,
      ...op.v128Load(0), ...op.get(ACC), ...op.f32x4RelaxedMadd, ...op.set(ACC)]
    : [...op.get(ACC), ...op.get(VW), ...op.get(P), ...op.i32Load(0), ...op.get(VBASE), ...op.add, ...op.get(C), ...op.i32(4),
      ...op.mul, ...op.add, ...op.v128Load(0), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(ACC)];
  const pairs = [
    ...op.get(P), ...op.f32Load(4), ...op.f32x4Splat, ...op.set(VW),
    ...madd,
    ...op.get(P), ...op.i32(8), ...op.add, ...op.set(P),
  ];
  const chunk = [
    ...op.v128Zero, ...op.set(ACC),
    ...op.get(ROW_PAIRS), ...op.set(P),
    ...forLoop(T, PER_ROW, 1, pairs),
    // out + (g·D + c)·4
    ...op.get(OUT), ...op.get(G), ...op.get(D), ...op.mul, ...op.get(C), ...op.add, ...op.i32(4), ...op.mul, ...op.add,
    ...op.get(ACC), ...op.v128Store(0),
  ];
  const row = [
    ...op.get(PAIRS), ...op.get(G), ...op.get(PER_ROW), ...op.mul, ...op.i32(8), ...op.mul, ...op.add, ...op.set(ROW_PAIRS),
    ...forLoop(C, D, 4, chunk),
  ];
  const fn: FunctionDef = { name: 'dcnv3_accumulate', params: 6, locals: [[ROW_PAIRS - G + 1, I32], [2, V128]], body: forLoop(G, ROWS, 1, row) };
  return encodeModule([fn]);
}
