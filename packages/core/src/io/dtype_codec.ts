// Conversion between stored element encodings and the computation dtypes. Little-endian throughout.
import type { DType, StorageDType, TypedArray } from '../dtypes.js';
import { computeDTypeOf } from '../dtypes.js';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../half.js';

export const STORAGE_BYTES: Record<StorageDType, number> = {
  float32: 4, int32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, uint8: 1,
};

/** Thrown (by the caller's wrapping) when a value cannot be represented after conversion. */
export class ConversionError extends Error {}

/** Decodes `bytes` (any alignment) of `storage` elements into the computation dtype. int64 outside int32 throws. */
export function decodeElements(bytes: Uint8Array, storage: StorageDType): { dtype: DType; data: TypedArray } {
  const n = bytes.byteLength / STORAGE_BYTES[storage];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dtype = computeDTypeOf(storage);
  switch (storage) {
    case 'float32': return { dtype, data: new Float32Array(bytes.slice().buffer) };
    case 'int32': return { dtype, data: new Int32Array(bytes.slice().buffer) };
    case 'uint8': return { dtype, data: Int32Array.from(bytes) };
    case 'float64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return { dtype, data: out };
    }
    case 'float16': case 'bfloat16': {
      const conv = storage === 'float16' ? float16ToFloat32 : bfloat16ToFloat32;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = conv(view.getUint16(i * 2, true));
      return { dtype, data: out };
    }
    case 'int64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v < -2147483648n || v > 2147483647n) {
          throw new ConversionError(`int64 value ${v} at element ${i} does not fit int32; refusing to truncate`);
        }
        out[i] = Number(v);
      }
      return { dtype, data: out };
    }
  }
}

/** Encodes numbers as `storage` elements. Integer storages require integers in range. */
export function encodeElements(values: ArrayLike<number>, storage: StorageDType): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * STORAGE_BYTES[storage]);
  const view = new DataView(out.buffer);
  const checkInt = (v: number, i: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new ConversionError(`value ${v} at element ${i} is not a ${storage} (integer in [${lo}, ${hi}])`);
    }
  };
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    switch (storage) {
      case 'float32': view.setFloat32(i * 4, v, true); break;
      case 'float64': view.setFloat64(i * 8, v, true); break;
      case 'float16': view.setUint16(i * 2, float32ToFloat16(v), true); break;
      case 'bfloat16': view.setUint16(i * 2, float32ToBfloat16(v), true); break;
      case 'int32': checkInt(v, i, -2147483648, 2147483647); view.setInt32(i * 4, v, true); break;
      case 'int64': checkInt(v, i, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER); view.setBigInt64(i * 8, BigInt(v), true); break;
      case 'uint8': checkInt(v, i, 0, 255); out[i] = v; break;
    }
  }
  return out;
}
