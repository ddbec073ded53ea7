/** Dtypes tensors compute in. Other storage dtypes are converted to these when loaded. */
export type DType = 'float32' | 'int32';

/** Dtypes accepted when loading tensors (safetensors, ndarray); converted to a computation dtype. */
export type StorageDType = DType | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'uint8';

export type TypedArray = Float32Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'int32'];

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'int32';
}

export function bytesPerElement(_dtype: DType): number {
  return 4;
}

export function allocTyped(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
}

export function dtypeOfTypedArray(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : 'int32';
}

/** The computation dtype a storage dtype is converted to. */
export function computeDTypeOf(storage: StorageDType): DType {
  switch (storage) {
    case 'float32': case 'float16': case 'bfloat16': case 'float64': return 'float32';
    case 'int32': case 'int64': case 'uint8': return 'int32';
  }
}
