import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { fromTypedArray } from './creation.js';
import type { TypedArray } from './dtypes.js';
import { ArgumentError } from './errors.js';
import { sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { assertTensor, describe } from './validate.js';

/** A contiguous ndarray holding a copy of the tensor's values. */
export async function toNdarray(t: Tensor): Promise<NdArray<TypedArray>> {
  assertTensor('toNdarray', 't', t);
  return ndarray(await t.data(), [...t.shape]);
}

/**
 * A tensor on the active backend from any ndarray view (strides and offset honoured). Float32Array, Float64Array and
 * plain arrays become float32; Int32Array and smaller integer arrays become int32.
 */
export function fromNdarray(a: NdArray): Tensor {
  const op = 'fromNdarray';
  if (a === null || typeof a !== 'object' || !Array.isArray(a.shape) || !Array.isArray(a.stride) || a.data === undefined) {
    throw new ArgumentError(op, 'a', 'an ndarray ({data, shape, stride, offset})', describe(a));
  }
  const src = a.data as ArrayLike<number>;
  const isInt = src instanceof Int32Array || src instanceof Int16Array || src instanceof Int8Array ||
    src instanceof Uint16Array || src instanceof Uint8Array || src instanceof Uint8ClampedArray;
  if (!isInt && !(src instanceof Float32Array || src instanceof Float64Array || Array.isArray(src))) {
    throw new ArgumentError(op, 'a.data', 'a typed array (not 64-bit integer or Uint32) or a number array', describe(src));
  }
  const shape = [...a.shape];
  const n = sizeOf(shape);
  const out = isInt ? new Int32Array(n) : new Float32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  let pos = a.offset;
  for (let i = 0; i < n; i++) {
    out[i] = src[pos]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      pos += a.stride[d]!;
      if (idx[d]! < shape[d]!) break;
      pos -= a.stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return fromTypedArray(out, shape, isInt ? 'int32' : 'float32');
}
