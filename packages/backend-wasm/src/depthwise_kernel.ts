// Depthwise convolution (stride 1) on NHWC data as a WASM SIMD kernel. The input arrives zero-padded, so the kernel
// needs no bounds checks: out[n, y, x, c..c+3] = bias[c..] + Σ_{ky,kx} xp[n, y+ky·dh, x+kx·dw, c..] · w[ky, kx, c..].
import type { FunctionDef } from './wasm_encoder.js';
import { I32, V128, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: padded input, weights [kH·kW, C], bias [C], output, N, Ho, Wo, C (multiple of 4), kH, kW, padded
// height and width, dilation (rows), dilation (columns).
const XP = 0, WT = 1, BIAS = 2, OUT = 3, NB = 4, HO = 5, WO = 6, C = 7, KH = 8, KW = 9, HP = 10, WP = 11, DH = 12, DW = 13;
const NN = 14, Y = 15, X = 16, CC = 17, KY = 18, KX = 19, PO = 20, PX = 21, PW = 22;
const ACC = 23;

export function depthwiseModule(fma: boolean): Uint8Array<ArrayBuffer> {
  // byte address of xp[n, y + ky·dh, x + kx·dw, c]
  const xAddr = [
    ...op.get(XP),
    ...op.get(NN), ...op.get(HP), ...op.mul, ...op.get(Y), ...op.add, ...op.get(KY), ...op.get(DH), ...op.mul, ...op.add,
    ...op.get(WP), ...op.mul, ...op.get(X), ...op.add, ...op.get(KX), ...op.get(DW), ...op.mul, ...op.add,
    ...op.get(C), ...op.mul, ...op.get(CC), ...op.add, ...op.i32(4), ...op.mul, ...op.add,
  ];
  // byte address of wt[ky·kW + kx, c]
  const wAddr = [
    ...op.get(WT), ...op.get(KY), ...op.get(KW), ...op.mul, ...op.get(KX), ...op.add, ...op.get(C), ...op.mul,
    ...op.get(CC), ...op.add, ...op.i32(4), ...op.mul, ...op.add,
  ];
  const tap = fma
    ? [...xAddr, ...op.v128Load(0), ...wAddr, ...op.v128Load(0), ...op.get(ACC), ...op.f32x4RelaxedMadd, ...op.set(ACC)]
    : [...op.get(ACC), ...xAddr, ...op.v128Load(0), ...wAddr, ...op.v128Load(0), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(ACC)];
  const chunk = [
    ...op.get(BIAS), ...op.get(CC), ...op.i32(4), ...op.mul, ...op.add, ...op.v128Load(0), ...op.set(ACC),
    ...forLoop(KY, KH, 1, forLoop(KX, KW, 1, tap)),
    // out[n, y, x, c]
    ...op.get(OUT),
    ...op.get(NN), ...op.get(HO), ...op.mul, ...op.get(Y), ...op.add, ...op.get(WO), ...op.mul, ...op.get(X), ...op.add,
    ...op.get(C), ...op.mul, ...op.get(CC), ...op.add, ...op.i32(4), ...op.mul, ...op.add,
    ...op.get(ACC), ...op.v128Store(0),
  ];
  const body = forLoop(NN, NB, 1, forLoop(Y, HO, 1, forLoop(X, WO, 1, forLoop(CC, C, 4, chunk))));
  const fn: FunctionDef = { name: 'depthwise', params: 14, locals: [[PW - NN + 1, I32], [1, V128]], body };
  return encodeModule([fn]);
}
