// Depthwise convolution (stride 1) on NHWC data as a WASM SIMD kernel, generated for one tap count. The input
// arrives zero-padded, so the kernel needs no bounds checks:
//   out[n, y, x, c..c+3] = bias[c..] + Σ_t xp[(n, y, x) + tapOffset[t], c..] · w[c/4, t, 0..3]
// Tap offsets (bytes from the output pixel's top-left padded input pixel) come from a table and stay in locals;
// the weights are laid out chunk-major ([C/4][taps][4]) so one pointer and constant offsets reach a chunk's taps.
import type { FunctionDef } from './wasm_encoder.js';
import { I32, V128, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: padded input, chunk-major weights, bias [C], output of the first row done, that row (n·Ho + y), the
// number of rows, Ho, Wo, C (multiple of 4), padded height and width, address of the tap offset table (taps i32).
const XP = 0, WT = 1, BIAS = 2, OUT = 3, R0 = 4, ROWS = 5, HO = 6, WO = 7, C = 8, HP = 9, WP = 10, TABLE = 11;
const R = 12, NN = 13, Y = 14, X = 15, CC = 16, PIX = 17, PW = 18, PO = 19, C4 = 20, OFF0 = 21;

export function depthwiseModule(taps: number): (fma: boolean) => Uint8Array<ArrayBuffer> {
  return (fma) => {
    const ACC = [OFF0 + taps, OFF0 + taps + 1];
    // Two accumulators (even and odd taps) halve the chain of dependent multiply-adds.
    const tap = (t: number) => {
      const acc = ACC[t % 2]!;
      const x = [...op.get(PIX), ...op.get(OFF0 + t), ...op.add, ...op.v128Load(0)];
      const w = [...op.get(PW), ...op.v128Load(16 * t)];
      return fma
        ? [...x, ...w, ...op.get(acc), ...op.f32x4RelaxedMadd, ...op.set(acc)]
        : [...op.get(acc), ...x, ...w, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc)];
    };
    const chunk = [
      ...op.get(BIAS), ...op.get(CC), ...op.add, ...op.v128Load(0), ...op.set(ACC[0]!),
      ...op.v128Zero, ...op.set(ACC[1]!),
      ...Array.from({ length: taps }, (_, t) => tap(t)).flat(),
      ...op.get(PO), ...op.get(ACC[0]!), ...op.get(ACC[1]!), ...op.f32x4Add, ...op.v128Store(0),
      ...op.get(PIX), ...op.i32(16), ...op.add, ...op.set(PIX),
      ...op.get(PW), ...op.i32(16 * taps), ...op.add, ...op.set(PW),
      ...op.get(PO), ...op.i32(16), ...op.add, ...op.set(PO),
    ];
    const pixel = [
      // PIX = xp + ((n·Hp + y)·Wp + x)·C·4
      ...op.get(XP), ...op.get(NN), ...op.get(HP), ...op.mul, ...op.get(Y), ...op.add, ...op.get(WP), ...op.mul,
      ...op.get(X), ...op.add, ...op.get(C4), ...op.mul, ...op.add, ...op.set(PIX),
      ...op.get(WT), ...op.set(PW),
      ...forLoop(CC, C4, 16, chunk),
    ];
    const body = [
      ...op.get(C), ...op.i32(4), ...op.mul, ...op.set(C4),
      ...Array.from({ length: taps }, (_, t) => [...op.get(TABLE), ...op.i32Load(4 * t), ...op.set(OFF0 + t)]).flat(),
      ...op.get(OUT), ...op.set(PO),
      ...forLoop(R, ROWS, 1, [
        // row r0 + r of image (r0 + r) / Ho, at y = (r0 + r) mod Ho
        ...op.get(R0), ...op.get(R), ...op.add, ...op.get(HO), ...op.divU, ...op.set(NN),
        ...op.get(R0), ...op.get(R), ...op.add, ...op.get(HO), ...op.remU, ...op.set(Y),
        ...forLoop(X, WO, 1, pixel),
      ]),
    ];
    const fn: FunctionDef = { name: 'depthwise', params: 12, locals: [[OFF0 + taps - R, I32], [2, V128]], body };
    return encodeModule([fn]);
  };
}
