// add, sub and mul as WASM SIMD kernels, four values at a time: on equal shapes, and with a vector along the last
// axis (rows of a against one row b).
import type { FunctionDef } from './wasm_encoder.js';
import { I32, encodeModule, forLoop, op } from './wasm_encoder.js';

export const BINARY_OPS = { add: op.f32x4Add, sub: op.f32x4Sub, mul: op.f32x4Mul } as const;
export type FastBinaryOp = keyof typeof BINARY_OPS;

// <op>(a, b, out, bytes): out = a op b, bytes a multiple of 16.
// <op>_rows(a, b, out, rows, rowBytes): out[r] = a[r] op b for each row; rowBytes a multiple of 16.
const A = 0, B = 1, OUT = 2;
const BYTES = 3, I = 4;
const ROWS = 3, ROW_BYTES = 4, R = 5, J = 6, ROW = 7;

export function binaryModule(): Uint8Array<ArrayBuffer> {
  const functions = Object.entries(BINARY_OPS).flatMap(([name, opcode]): FunctionDef[] => {
    const same = forLoop(I, BYTES, 16, [
      ...op.get(OUT), ...op.get(I), ...op.add,
      ...op.get(A), ...op.get(I), ...op.add, ...op.v128Load(0),
      ...op.get(B), ...op.get(I), ...op.add, ...op.v128Load(0),
      ...opcode, ...op.v128Store(0),
    ]);
    const rows = forLoop(R, ROWS, 1, [
      ...op.get(R), ...op.get(ROW_BYTES), ...op.mul, ...op.set(ROW),
      ...forLoop(J, ROW_BYTES, 16, [
        ...op.get(OUT), ...op.get(ROW), ...op.add, ...op.get(J), ...op.add,
        ...op.get(A), ...op.get(ROW), ...op.add, ...op.get(J), ...op.add, ...op.v128Load(0),
        ...op.get(B), ...op.get(J), ...op.add, ...op.v128Load(0),
        ...opcode, ...op.v128Store(0),
      ]),
    ]);
    return [
      { name, params: 4, locals: [[1, I32]], body: same },
      { name: `${name}_rows`, params: 5, locals: [[3, I32]], body: rows },
    ];
  });
  return encodeModule(functions);
}
