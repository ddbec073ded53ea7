import type { DType, TypedArray } from './dtypes.js';
import { allocTyped, dtypeOfTypedArray, isDType } from './dtypes.js';
import { engine } from './engine.js';
import { ArgumentError, fmtShape } from './errors.js';
import { sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { assertInt, assertTensor, describe } from './validate.js';

type NestedNumbers = number | NestedNumbers[];

/**
 * A tensor on the active backend. `values` is a typed array or flat number array with `shape`, or nested arrays
 * (shape inferred). Number arrays default to float32; a Float32Array or Int32Array keeps its dtype unless `dtype`
 * says otherwise. Values are copied.
 */
export function tensor(values: TypedArray | NestedNumbers, shape?: readonly number[], dtype?: DType): Tensor {
  const op = 'tensor';
  if (dtype !== undefined && !isDType(dtype)) throw new ArgumentError(op, 'dtype', "'float32' or 'int32'", describe(dtype));
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (values instanceof Float32Array || values instanceof Int32Array) {
    flat = values;
    inferred = [values.length];
    dtype ??= dtypeOfTypedArray(values);
  } else if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values);
    flat = (values as unknown[]).flat(Infinity) as number[];
    for (let i = 0; i < flat.length; i++) {
      if (typeof flat[i] !== 'number') throw new ArgumentError(op, 'values', 'numbers only', `${describe(flat[i])} at flat index ${i}`);
    }
  } else {
    throw new ArgumentError(op, 'values', 'a Float32Array, Int32Array, number or (nested) number array', describe(values));
  }
  const finalShape = shape ? [...shape] : inferred;
  finalShape.forEach((d, i) => assertInt(op, `shape[${i}]`, d, 0));
  if (sizeOf(finalShape) !== flat.length) {
    throw new ArgumentError(op, 'shape', `a shape with ${flat.length} elements (the number of values)`, `${fmtShape(finalShape)} with ${sizeOf(finalShape)} elements`);
  }
  const dt = dtype ?? 'float32';
  const data = allocTyped(dt, flat.length);
  if (dt === 'int32') {
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i]!;
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new ArgumentError(op, 'values', 'int32 values (integers in [-2^31, 2^31))', `${v} at flat index ${i}`);
      }
      data[i] = v;
    }
  } else data.set(flat as ArrayLike<number>);
  return fromTypedArray(data, finalShape, dt);
}

/** Wraps data the caller hands over (copied by the backend). */
export function fromTypedArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  const backend = engine.backend;
  return engine.track({ dataId: backend.write(data, shape, dtype), shape, dtype }, backend);
}

function inferShape(values: unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new ArgumentError('tensor', 'values', `a rectangular nested array of shape ${fmtShape(shape)}`, `a deeper array at ${path}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ArgumentError('tensor', 'values', `a rectangular nested array of shape ${fmtShape(shape)}`, `${describe(v)} at ${path}`);
    }
    v.forEach((c, i) => check(c, depth + 1, `${path}[${i}]`));
  };
  check(values, 0, 'values');
  return shape;
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(value, [], dtype);
}

export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  shape.forEach((d, i) => assertInt('fill', `shape[${i}]`, d, 0));
  const data = allocTyped(dtype, sizeOf(shape));
  data.fill(value);
  if (dtype === 'int32' && data[0] !== value && data.length > 0) {
    throw new ArgumentError('fill', 'value', 'an int32 value for an int32 tensor', String(value));
  }
  return fromTypedArray(data, shape, dtype);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** A copy of `x` on backend `backendName` (initialised if needed). `x` itself is untouched. */
export async function moveTo(x: Tensor, backendName: string): Promise<Tensor> {
  assertTensor('moveTo', 'x', x);
  const target = await engine.findBackend(backendName);
  if (target === x.backend) return engine.track(x, target);
  const values = await x.backend.read(x.dataId);
  return engine.track({ dataId: target.write(values, x.shape, x.dtype), shape: x.shape, dtype: x.dtype }, target);
}
