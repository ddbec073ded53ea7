// Depthwise convolution (stride 1) on NHWC data as a WASM SIMD kernel, generated for one tap count. The input is
// first copied with a zero border (function pad), so the kernel needs no bounds checks:
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
    return encodeModule([fn, pad]);
  };
}

// pad(input, padded, first padded row (n·Hp + py), rows, Hp, Wp, H, W, C, padTop, padLeft): each padded row zeroed,
// then the image row y = py − padTop (when inside) copied in at column padLeft (columns outside the padded width are
// cropped). C is a multiple of 4.
const P_IN = 0, P_OUT = 1, P_R0 = 2, P_ROWS = 3, P_HP = 4, P_WP = 5, P_H = 6, P_W = 7, P_C = 8, P_TOP = 9, P_LEFT = 10;
const P_R = 11, P_Y = 12, P_DST = 13, P_SRC = 14, P_I = 15, P_END = 16, P_X0 = 17, P_X1 = 18;
const pad: FunctionDef = {
  name: 'pad', params: 11, locals: [[P_X1 - P_R + 1, I32]],
  body: [
    // Copied columns: x0 = max(0, −padLeft) … x1 = min(W, Wp − padLeft), as byte offsets into an image row.
    ...op.i32(0), ...op.i32(0), ...op.get(P_LEFT), ...op.sub, ...op.i32(0), ...op.get(P_LEFT), ...op.ltS, ...op.select,
    ...op.get(P_C), ...op.mul, ...op.i32(4), ...op.mul, ...op.set(P_X0),
    ...op.get(P_W), ...op.get(P_WP), ...op.get(P_LEFT), ...op.sub, ...op.tee(P_X1), ...op.get(P_W), ...op.get(P_X1), ...op.ltS, ...op.select,
    ...op.get(P_C), ...op.mul, ...op.i32(4), ...op.mul, ...op.set(P_X1),
    ...forLoop(P_R, P_ROWS, 1, [
      // DST = out + (r0 + r)·Wp·C·4; zero it.
      ...op.get(P_OUT), ...op.get(P_R0), ...op.get(P_R), ...op.add, ...op.get(P_WP), ...op.mul, ...op.get(P_C), ...op.mul,
      ...op.i32(4), ...op.mul, ...op.add, ...op.set(P_DST),
      ...op.get(P_WP), ...op.get(P_C), ...op.mul, ...op.i32(4), ...op.mul, ...op.set(P_END),
      ...forLoop(P_I, P_END, 16, [...op.get(P_DST), ...op.get(P_I), ...op.add, ...op.v128Zero, ...op.v128Store(0)]),
      // y = (r0 + r) mod Hp − padTop; inside when y < H (unsigned).
      ...op.get(P_R0), ...op.get(P_R), ...op.add, ...op.get(P_HP), ...op.remU, ...op.get(P_TOP), ...op.sub, ...op.tee(P_Y),
      ...op.get(P_H), ...op.ltU, ...op.get(P_X0), ...op.get(P_X1), ...op.ltS, ...op.and,
      ...op.if,
      // SRC = in + ((n·H + y)·W)·C·4 − (bytes before column padLeft of DST): then SRC + i and DST + i + padLeft·C·4
      // pair up for i from x0 to x1.
      ...op.get(P_IN), ...op.get(P_R0), ...op.get(P_R), ...op.add, ...op.get(P_HP), ...op.divU, ...op.get(P_H), ...op.mul,
      ...op.get(P_Y), ...op.add, ...op.get(P_W), ...op.mul, ...op.get(P_C), ...op.mul, ...op.i32(4), ...op.mul, ...op.add, ...op.set(P_SRC),
      ...op.get(P_DST), ...op.get(P_LEFT), ...op.get(P_C), ...op.mul, ...op.i32(4), ...op.mul, ...op.add, ...op.set(P_DST),
      ...op.get(P_X0), ...op.set(P_I),
      ...op.block, ...op.loop,
      ...op.get(P_I), ...op.get(P_X1), ...op.geS, ...op.brIf(1),
      ...op.get(P_DST), ...op.get(P_I), ...op.add, ...op.get(P_SRC), ...op.get(P_I), ...op.add, ...op.v128Load(0), ...op.v128Store(0),
      ...op.get(P_I), ...op.i32(16), ...op.add, ...op.set(P_I),
      ...op.br(0), ...op.end, ...op.end,
      ...op.end,
    ]),
  ],
};
