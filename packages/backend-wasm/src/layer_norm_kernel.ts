// LayerNorm over the last axis as a WASM SIMD kernel (C a multiple of 4): per row, the mean and the (biased) variance
// from float32 f32x4 partial sums, then (x − mean) / sqrt(var + eps) · weight + bias, four channels at a time.
import type { FunctionDef } from './wasm_encoder.js';
import { F32, I32, V128, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: input, output, rows, C, weight (C floats), bias (C floats), eps as float32 bits (f32 param).
const IN = 0, OUT = 1, ROWS = 2, C = 3, W = 4, B = 5, EPS = 6;
const R = 7, CC = 8, ROW = 9;
const MEAN = 10, INV = 11;
const ACC = 12, MV = 13, IV = 14;

export function layerNormModule(): Uint8Array<ArrayBuffer> {
  const x = [...op.get(ROW), ...op.get(CC), ...op.i32(4), ...op.mul, ...op.add, ...op.v128Load(0)];
  const hsum = [
    ...op.get(ACC), ...op.f32x4ExtractLane(0), ...op.get(ACC), ...op.f32x4ExtractLane(1), ...op.f32Add,
    ...op.get(ACC), ...op.f32x4ExtractLane(2), ...op.f32Add, ...op.get(ACC), ...op.f32x4ExtractLane(3), ...op.f32Add,
  ];
  const rowBody = [
    // row = in + r·C·4
    ...op.get(IN), ...op.get(R), ...op.get(C), ...op.mul, ...op.i32(4), ...op.mul, ...op.add, ...op.set(ROW),
    ...op.v128Zero, ...op.set(ACC),
    ...forLoop(CC, C, 4, [...op.get(ACC), ...x, ...op.f32x4Add, ...op.set(ACC)]),
    ...hsum, ...op.get(C), ...op.f32ConvertI32U, ...op.f32Div, ...op.set(MEAN),
    ...op.get(MEAN), ...op.f32x4Splat, ...op.set(MV),
    ...op.v128Zero, ...op.set(ACC),
    ...forLoop(CC, C, 4, [...op.get(ACC), ...x, ...op.get(MV), ...op.f32x4Sub, ...op.set(IV), ...op.get(IV), ...op.get(IV), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(ACC)]),
    ...op.f32Const(1), ...hsum, ...op.get(C), ...op.f32ConvertI32U, ...op.f32Div, ...op.get(EPS), ...op.f32Add, ...op.f32Sqrt, ...op.f32Div, ...op.set(INV),
    ...op.get(INV), ...op.f32x4Splat, ...op.set(IV),
    ...forLoop(CC, C, 4, [
      // out[r, c..] = (x − mean)·inv·w + b
      ...op.get(OUT), ...op.get(R), ...op.get(C), ...op.mul, ...op.get(CC), ...op.add, ...op.i32(4), ...op.mul, ...op.add,
      ...x, ...op.get(MV), ...op.f32x4Sub, ...op.get(IV), ...op.f32x4Mul,
      ...op.get(W), ...op.get(CC), ...op.i32(4), ...op.mul, ...op.add, ...op.v128Load(0), ...op.f32x4Mul,
      ...op.get(B), ...op.get(CC), ...op.i32(4), ...op.mul, ...op.add, ...op.v128Load(0), ...op.f32x4Add,
      ...op.v128Store(0),
    ]),
  ];
  const fn: FunctionDef = {
    name: 'layer_norm', params: 7, paramTypes: [I32, I32, I32, I32, I32, I32, F32],
    locals: [[ROW - R + 1, I32], [INV - MEAN + 1, F32], [IV - ACC + 1, V128]], body: forLoop(R, ROWS, 1, rowBody),
  };
  return encodeModule([fn]);
}
