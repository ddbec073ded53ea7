// A 4-axis transpose (gather) as a WASM kernel on 4-byte elements: the output in order, each element read from the
// input at i0·t0 + i1·t1 + i2·t2 + i3·t3 (strides in elements). A WASM loop runs at full speed from its first call,
// where a JavaScript loop run once per forward pass (the model's NCHW→NHWC input) runs unoptimised for most of it.
import { I32, encodeModule, forLoop, op } from './wasm_encoder.js';

// Parameters: input, output, sizes s0…s3, strides t0…t3 (bytes).
const X = 0, OUT = 1, S0 = 2, S1 = 3, S2 = 4, S3 = 5, T0 = 6, T1 = 7, T2 = 8, T3 = 9;
// Locals: counters, then the input address of the current (i0), (i0, i1), (i0, i1, i2) and element.
const I0 = 10, I1 = 11, I2 = 12, I3 = 13, P0 = 14, P1 = 15, P2 = 16, P3 = 17, O = 18;

/** `counter` from 0 to `size`: body, then `pointer` moves on by `stride`, starting from `from`. */
const axis = (counter: number, size: number, pointer: number, from: number, stride: number, body: number[]) => [
  ...op.get(from), ...op.set(pointer),
  ...forLoop(counter, size, 1, [...body, ...op.get(pointer), ...op.get(stride), ...op.add, ...op.set(pointer)]),
];

const body = [
  ...op.get(OUT), ...op.set(O),
  ...axis(I0, S0, P0, X, T0, axis(I1, S1, P1, P0, T1, axis(I2, S2, P2, P1, T2, axis(I3, S3, P3, P2, T3, [
    ...op.get(O), ...op.get(P3), ...op.i32Load(0), ...op.i32Store(0),
    ...op.get(O), ...op.i32(4), ...op.add, ...op.set(O),
  ])))),
];

/** Exports transpose (see the parameters above). */
export function transposeModule(): Uint8Array<ArrayBuffer> {
  return encodeModule([{ name: 'transpose', params: 10, locals: [[O - I0 + 1, I32]], body }]);
}
