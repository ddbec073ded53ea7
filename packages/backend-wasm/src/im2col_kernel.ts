// im2col for NHWC images as a WASM kernel: for each output pixel, its patch (ky, kx, c) as one row of the column
// matrix, zeros where the window leaves the image. A window row inside the image is one run of kW·C floats, else runs
// of C channels per tap; runs are copied 16 bytes at a time (then 4).
// (In JavaScript, copying between views of the shared heap goes element by element: about 20× slower.)
import { I32, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: input, columns (row of the first pixel done), first pixel (n·Ho·Wo + oy·Wo + ox), pixels, Ho, Wo, C,
// H, W, kH, kW, stride y/x, padding top/left, dilation y/x.
const X = 0, COLS = 1, P0 = 2, COUNT = 3, HO = 4, WO = 5, C = 6, H = 7, W = 8, KH = 9, KW = 10, SH = 11, SW = 12;
const PT = 13, PL = 14, DH = 15, DW = 16;
// Locals.
const P = 17, T = 18, NN = 19, OY = 20, OX = 21, KY = 22, KX = 23, IY = 24, IX = 25, SRC = 26, DST = 27, CI = 28;
const C4 = 29, LEN = 30, ROW4 = 31, WHOLE = 32;

/** `while (cond) body`: cond leaves an i32 on the stack. */
const whileLoop = (cond: number[], body: number[]) => [
  ...op.block, ...op.loop, ...cond, ...op.eqz, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end,
];
const addTo = (local: number, value: number[]) => [...op.get(local), ...value, ...op.add, ...op.set(local)];

// CI runs over the LEN bytes of a run: 16 at a time while they fit, then 4.
const run = (step16: number[], step4: number[]) => [
  ...op.i32(0), ...op.set(CI),
  ...whileLoop([...op.get(CI), ...op.i32(16), ...op.add, ...op.get(LEN), ...op.leU], [...step16, ...addTo(CI, op.i32(16))]),
  ...whileLoop([...op.get(CI), ...op.get(LEN), ...op.ltU], [...step4, ...addTo(CI, op.i32(4))]),
];
const at = (base: number) => [...op.get(base), ...op.get(CI), ...op.add];
const copyRun = run(
  [...at(DST), ...at(SRC), ...op.v128Load(0), ...op.v128Store(0)],
  [...at(DST), ...at(SRC), ...op.f32Load(0), ...op.f32Store(0)],
);
const zeroRun = run(
  [...at(DST), ...op.v128Zero, ...op.v128Store(0)],
  [...at(DST), ...op.f32Const(0), ...op.f32Store(0)],
);

/** SRC = X + ((NN·H + IY)·W + IX)·C·4 */
const source = [
  ...op.get(X), ...op.get(NN), ...op.get(H), ...op.mul, ...op.get(IY), ...op.add, ...op.get(W), ...op.mul, ...op.get(IX), ...op.add,
  ...op.get(C4), ...op.mul, ...op.add, ...op.set(SRC),
];
const ixAt = (kx: number[]) => [
  ...op.get(OX), ...op.get(SW), ...op.mul, ...op.get(PL), ...op.sub, ...kx, ...op.get(DW), ...op.mul, ...op.add, ...op.set(IX),
];
/** One tap's C channels (zeros outside the image: IY < H and IX < W, unsigned, so negative is outside). */
const tap = [
  ...ixAt(op.get(KX)),
  ...op.get(IY), ...op.get(H), ...op.ltU, ...op.get(IX), ...op.get(W), ...op.ltU, ...op.and,
  ...op.if, ...source, ...copyRun, ...op.else, ...zeroRun, ...op.end,
  ...addTo(DST, op.get(C4)),
];
/** A window row: one run of kW·C floats when the row is inside the image and the window's columns are (WHOLE). */
const windowRow = [
  ...op.get(IY), ...op.get(H), ...op.ltU, ...op.get(WHOLE), ...op.and,
  ...op.if,
  ...ixAt(op.i32(0)), ...source, ...op.get(ROW4), ...op.set(LEN), ...copyRun, ...addTo(DST, op.get(ROW4)),
  ...op.else,
  ...op.get(C4), ...op.set(LEN), ...forLoop(KX, KW, 1, tap),
  ...op.end,
];

const body = [
  ...op.get(C), ...op.i32(4), ...op.mul, ...op.set(C4),
  ...op.get(C4), ...op.get(KW), ...op.mul, ...op.set(ROW4),
  ...op.get(COLS), ...op.set(DST),
  ...forLoop(P, COUNT, 1, [
    ...op.get(P0), ...op.get(P), ...op.add, ...op.set(T),
    ...op.get(T), ...op.get(WO), ...op.remU, ...op.set(OX),
    ...op.get(T), ...op.get(WO), ...op.divU, ...op.set(T),
    ...op.get(T), ...op.get(HO), ...op.remU, ...op.set(OY),
    ...op.get(T), ...op.get(HO), ...op.divU, ...op.set(NN),
    // WHOLE: dilation 1 and columns OX·SW − PL … + kW − 1 all inside.
    ...ixAt(op.i32(0)),
    ...op.get(DW), ...op.i32(1), ...op.eq, ...op.get(IX), ...op.get(KW), ...op.add, ...op.get(W), ...op.leU, ...op.and,
    ...op.get(IX), ...op.get(W), ...op.ltU, ...op.and, ...op.set(WHOLE),
    ...forLoop(KY, KH, 1, [
      ...op.get(OY), ...op.get(SH), ...op.mul, ...op.get(PT), ...op.sub, ...op.get(KY), ...op.get(DH), ...op.mul, ...op.add, ...op.set(IY),
      ...windowRow,
    ]),
  ]),
];

/** Exports im2col (see the parameters above). */
export function im2colModule(): Uint8Array<ArrayBuffer> {
  return encodeModule([{ name: 'im2col', params: 17, locals: [[WHOLE - P + 1, I32]], body }]);
}
