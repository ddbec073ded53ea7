import { fromTypedArray } from '../creation.js';
import { allocTyped } from '../dtypes.js';
import { engine } from '../engine.js';
import { ArgumentError, fmtShape } from '../errors.js';
import type { BinaryOpName } from '../kernel_names.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertDType, assertFiniteNumber, assertTensor } from '../validate.js';

type Operand = Tensor | number;

const INT_OK: ReadonlySet<BinaryOpName> = new Set(['add', 'sub', 'mul', 'maximum', 'minimum']);

/** Elementwise `op` with NumPy broadcasting; either side may be a plain number (the scalar variants). */
function binary(op: BinaryOpName, a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new ArgumentError(op, 'a', 'a Tensor when b is a number', 'two numbers');
  }
  const ref = (typeof a === 'number' ? b : a) as Tensor;
  assertTensor(op, typeof a === 'number' ? 'b' : 'a', ref);
  const ta = toOperand(op, 'a', a, ref);
  const tb = toOperand(op, 'b', b, ref);
  try {
    if (ta.dtype !== tb.dtype) {
      throw new ArgumentError(op, 'b', `of the same dtype as 'a' (${ta.dtype})`, `a ${tb.dtype} tensor`);
    }
    if (!INT_OK.has(op)) assertDType(op, 'a', ta, ['float32']);
    const outShape = broadcastShapes(ta.shape, tb.shape);
    if (!outShape) {
      throw new ArgumentError(op, 'b', `broadcastable with 'a' ${fmtShape(ta.shape)}`, `shape ${fmtShape(tb.shape)}`);
    }
    return engine.runKernel('Binary', { a: ta, b: tb }, { op, outShape });
  } finally {
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
  }
}

function toOperand(op: string, arg: string, v: Operand, ref: Tensor): Tensor {
  if (typeof v !== 'number') {
    assertTensor(op, arg, v);
    return v;
  }
  assertFiniteNumber(op, arg, v);
  if (ref.dtype === 'int32' && !Number.isInteger(v)) {
    throw new ArgumentError(op, arg, 'an integer when the tensor operand is int32', String(v));
  }
  const data = allocTyped(ref.dtype, 1);
  data[0] = v;
  return fromTypedArray(data, [], ref.dtype);
}

export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', a, b);
/** float32 only: cast int32 operands first. */
export const div = (a: Operand, b: Operand): Tensor => binary('div', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binary('maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binary('minimum', a, b);
/** float32 only. */
export const pow = (a: Operand, b: Operand): Tensor => binary('pow', a, b);
