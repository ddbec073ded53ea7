// The sampling half of DCNv3 as a WASM SIMD kernel, four sampling points at a time: for the G·P points of each
// output pixel (offsets and masks are contiguous per pixel), the location x = x0 + (gx + Δx)·scale (y likewise),
// its four bilinear corners, their weights (× mask) and byte offsets into V, written as (offset, weight) pairs in the
// layout the accumulation kernel reads: point-major, corners (y0,x0), (y0,x0+1), (y0+1,x0), (y0+1,x0+1). A corner
// outside the image, or of a point outside (−1, H) × (−1, W) (NaN included), gets offset 0 and weight 0.
// The last vector of a pixel may run past its G·P points (when G·P mod 4 ≠ 0): callers pad the offsets, masks,
// tables and pairs by 3 points; the extra pairs are overwritten by the next pixel's or ignored.
import type { FunctionDef } from './wasm_encoder.js';
import { F32, I32, V128, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: offsets, masks and pairs (output) of the first output row done, that row (n·Ho + y), the number of
// rows, output height and width, input height and width, C·4 (bytes per pixel), points per pixel G·P, y and x of
// output pixel (0, 0)'s window origin, strides (rows, columns), the tables (per point of a pixel: gx f32, then gy f32,
// then the group's channel byte offset g·D·4 i32, each padded to a multiple of 4 points), offset scale (f32).
const OFF = 0, MSK = 1, PAIRS = 2, R0 = 3, ROWS = 4, HO = 5, WO = 6, H = 7, W = 8, C4 = 9, GP = 10, Y0 = 11, X0 = 12;
const SH = 13, SW = 14, TABLES = 15, SCALE = 16;
export const DCNV3_SAMPLE_FLOAT_ARGS = [SCALE];
const PARAMS = 17;
// i32 locals.
const RR = 17, XO = 18, J = 19, GP4 = 20, TGX = 21, TGY = 22, TCH = 23, OFFP = 24, MSKP = 25, OUTP = 26, R = 27;
// v128 locals.
const V0 = 28;
const names = ['XV', 'YV', 'FH', 'FW', 'HI', 'WI', 'ROWV', 'C4V', 'SCV', 'IMGV', 'X', 'Y', 'WM', 'IN', 'LX', 'LY', 'XL', 'YL',
  'TOP', 'BOT', 'LEFT', 'RIGHT', 'AT', 'WT', 'WB', 'A0', 'A1', 'A2', 'A3', 'W0', 'W1', 'W2', 'W3', 'T0', 'T1', 'T2', 'T3',
  'T4', 'T5', 'T6', 'T7'] as const;
const V = Object.fromEntries(names.map((n, i) => [n, V0 + i])) as Record<(typeof names)[number], number>;

export function dcnv3SampleFunction(): FunctionDef {
  const g = op.get;
  const set = op.set;
  const oneMinus = (v: number) => [...op.f32x4Const(1), ...g(v), ...op.f32x4Sub];
  const corner = (maskA: number, maskB: number, addr: number[], weight: number[], a: number, w: number) => [
    ...g(maskA), ...g(maskB), ...op.v128And, ...set(V.T0),
    ...addr, ...g(V.T0), ...op.v128And, ...set(a),
    ...weight, ...g(V.T0), ...op.v128And, ...set(w),
  ];
  const vector = [
    // Δx, Δy of points j..j+3 from the interleaved offsets.
    ...g(OFFP), ...op.v128Load(0), ...set(V.T0), ...g(OFFP), ...op.v128Load(16), ...set(V.T1),
    ...g(V.T0), ...g(V.T1), ...op.shuffle32([0, 2, 4, 6]), ...set(V.X),
    ...g(V.T0), ...g(V.T1), ...op.shuffle32([1, 3, 5, 7]), ...set(V.Y),
    // x = x0 + (gx + Δx)·scale
    ...g(V.XV), ...g(TGX), ...g(J), ...op.add, ...op.v128Load(0), ...g(V.X), ...op.f32x4Add, ...g(V.SCV), ...op.f32x4Mul, ...op.f32x4Add, ...set(V.X),
    ...g(V.YV), ...g(TGY), ...g(J), ...op.add, ...op.v128Load(0), ...g(V.Y), ...op.f32x4Add, ...g(V.SCV), ...op.f32x4Mul, ...op.f32x4Add, ...set(V.Y),
    ...g(MSKP), ...op.v128Load(0), ...set(V.WM),
    // inside (−1, H) × (−1, W)
    ...g(V.Y), ...op.f32x4Const(-1), ...op.f32x4Gt, ...g(V.X), ...op.f32x4Const(-1), ...op.f32x4Gt, ...op.v128And,
    ...g(V.Y), ...g(V.FH), ...op.f32x4Lt, ...op.v128And, ...g(V.X), ...g(V.FW), ...op.f32x4Lt, ...op.v128And, ...set(V.IN),
    ...g(V.X), ...op.f32x4Floor, ...set(V.T0), ...g(V.X), ...g(V.T0), ...op.f32x4Sub, ...set(V.LX),
    ...g(V.T0), ...op.i32x4TruncSatF32x4S, ...set(V.XL),
    ...g(V.Y), ...op.f32x4Floor, ...set(V.T0), ...g(V.Y), ...g(V.T0), ...op.f32x4Sub, ...set(V.LY),
    ...g(V.T0), ...op.i32x4TruncSatF32x4S, ...set(V.YL),
    // which corner rows and columns are inside the image
    ...g(V.YL), ...op.i32x4Const(-1), ...op.i32x4GtS, ...g(V.IN), ...op.v128And, ...set(V.TOP),
    ...g(V.HI), ...g(V.YL), ...op.i32x4Const(1), ...op.i32x4Add, ...op.i32x4GtS, ...g(V.IN), ...op.v128And, ...set(V.BOT),
    ...g(V.XL), ...op.i32x4Const(-1), ...op.i32x4GtS, ...set(V.LEFT),
    ...g(V.WI), ...g(V.XL), ...op.i32x4Const(1), ...op.i32x4Add, ...op.i32x4GtS, ...set(V.RIGHT),
    // at = image + g·D·4 + yl·W·C·4 + xl·C·4
    ...g(V.IMGV), ...g(TCH), ...g(J), ...op.add, ...op.v128Load(0), ...op.i32x4Add,
    ...g(V.YL), ...g(V.ROWV), ...op.i32x4Mul, ...op.i32x4Add, ...g(V.XL), ...g(V.C4V), ...op.i32x4Mul, ...op.i32x4Add, ...set(V.AT),
    ...g(V.WM), ...oneMinus(V.LY), ...op.f32x4Mul, ...set(V.WT),
    ...g(V.WM), ...g(V.LY), ...op.f32x4Mul, ...set(V.WB),
    ...corner(V.TOP, V.LEFT, g(V.AT), [...g(V.WT), ...oneMinus(V.LX), ...op.f32x4Mul], V.A0, V.W0),
    ...corner(V.TOP, V.RIGHT, [...g(V.AT), ...g(V.C4V), ...op.i32x4Add], [...g(V.WT), ...g(V.LX), ...op.f32x4Mul], V.A1, V.W1),
    ...corner(V.BOT, V.LEFT, [...g(V.AT), ...g(V.ROWV), ...op.i32x4Add], [...g(V.WB), ...oneMinus(V.LX), ...op.f32x4Mul], V.A2, V.W2),
    ...corner(V.BOT, V.RIGHT, [...g(V.AT), ...g(V.ROWV), ...op.i32x4Add, ...g(V.C4V), ...op.i32x4Add], [...g(V.WB), ...g(V.LX), ...op.f32x4Mul], V.A3, V.W3),
    // (offset, weight) pairs: per corner, points 0–1 and points 2–3; then per point its four corners.
    ...[0, 1, 2, 3].flatMap((c) => [
      ...g(V.A0 + c), ...g(V.W0 + c), ...op.shuffle32([0, 4, 1, 5]), ...set(V.T0 + 2 * c),
      ...g(V.A0 + c), ...g(V.W0 + c), ...op.shuffle32([2, 6, 3, 7]), ...set(V.T1 + 2 * c),
    ]),
    ...[0, 1, 2, 3].flatMap((q) => {
      const half = q >> 1;
      const lane = q & 1;
      const pick = [2 * lane, 2 * lane + 1, 4 + 2 * lane, 5 + 2 * lane];
      return [
        ...g(OUTP), ...g(V.T0 + half), ...g(V.T2 + half), ...op.shuffle32(pick), ...op.v128Store(32 * q),
        ...g(OUTP), ...g(V.T4 + half), ...g(V.T6 + half), ...op.shuffle32(pick), ...op.v128Store(32 * q + 16),
      ];
    }),
    ...g(OFFP), ...op.i32(32), ...op.add, ...set(OFFP),
    ...g(MSKP), ...op.i32(16), ...op.add, ...set(MSKP),
    ...g(OUTP), ...op.i32(128), ...op.add, ...set(OUTP),
  ];
  const pixel = [
    ...g(XO), ...g(SW), ...op.mul, ...g(X0), ...op.add, ...op.f32ConvertI32S, ...op.f32x4Splat, ...set(V.XV),
    ...forLoop(J, GP4, 16, vector),
    // The next pixel starts G·P points on (the last vector may have run past).
    ...g(OFFP), ...g(GP4), ...op.i32(2), ...op.mul, ...op.sub, ...g(GP), ...op.i32(8), ...op.mul, ...op.add, ...set(OFFP),
    ...g(MSKP), ...g(GP4), ...op.sub, ...g(GP), ...op.i32(4), ...op.mul, ...op.add, ...set(MSKP),
    ...g(OUTP), ...g(GP4), ...op.i32(8), ...op.mul, ...op.sub, ...g(GP), ...op.i32(32), ...op.mul, ...op.add, ...set(OUTP),
  ];
  const row = [
    // output row rr = r0 + r of image rr / Ho, at y = rr mod Ho
    ...g(R0), ...g(R), ...op.add, ...set(RR),
    ...g(RR), ...g(HO), ...op.divU, ...g(H), ...op.mul, ...g(W), ...op.mul, ...g(C4), ...op.mul, ...op.i32x4Splat, ...set(V.IMGV),
    ...g(RR), ...g(HO), ...op.remU, ...g(SH), ...op.mul, ...g(Y0), ...op.add, ...op.f32ConvertI32S, ...op.f32x4Splat, ...set(V.YV),
    ...forLoop(XO, WO, 1, pixel),
  ];
  const body = [
    // GP4: bytes of G·P rounded up to 4 points (as 4-byte table entries); table addresses
    ...g(GP), ...op.i32(3), ...op.add, ...op.i32(-4), ...op.and, ...op.i32(4), ...op.mul, ...set(GP4),
    ...g(TABLES), ...set(TGX), ...g(TABLES), ...g(GP4), ...op.add, ...set(TGY), ...g(TGY), ...g(GP4), ...op.add, ...set(TCH),
    ...g(H), ...op.f32ConvertI32S, ...op.f32x4Splat, ...set(V.FH), ...g(W), ...op.f32ConvertI32S, ...op.f32x4Splat, ...set(V.FW),
    ...g(H), ...op.i32x4Splat, ...set(V.HI), ...g(W), ...op.i32x4Splat, ...set(V.WI),
    ...g(W), ...g(C4), ...op.mul, ...op.i32x4Splat, ...set(V.ROWV), ...g(C4), ...op.i32x4Splat, ...set(V.C4V),
    ...g(SCALE), ...op.f32x4Splat, ...set(V.SCV),
    ...g(OFF), ...set(OFFP), ...g(MSK), ...set(MSKP), ...g(PAIRS), ...set(OUTP),
    ...forLoop(R, ROWS, 1, row),
  ];
  return {
    name: 'dcnv3_sample', params: PARAMS, paramTypes: [...new Array<number>(PARAMS - 1).fill(I32), F32],
    locals: [[V0 - RR, I32], [names.length, V128]], body,
  };
}

export function dcnv3SampleModule(): Uint8Array<ArrayBuffer> {
  return encodeModule([dcnv3SampleFunction()]);
}
